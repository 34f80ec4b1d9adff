"""Boards: what tinyc knows about each target (boards/<name>/board.json).

A board folder holds board.json (read here), board.mk, a linker script,
and board support; boards/common/ holds what the Cortex-M boards share.
`list_boards` and `get_board` read the JSON; `check_fit` turns a size that
does not fit into a one-line TinycError; `copy_board` puts a board's files
into a generated project.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.table import Table

from tinyc.errors import TinycError, where
from tinyc.paths import BOARDS

COMMON = "common"
_FIELDS = {
    "name": str, "core": str, "cpu_flags": list, "clock_hz": int,
    "flash_bytes": int, "sram_bytes": int, "qemu_machine": (str, type(None)),
    "qemu_instructions_per_tick": (float, int, type(None)), "dsp": bool,
    "emulated": bool, "flash_command": (str, type(None)), "description": str,
}


@dataclass(frozen=True)
class Board:
    """One board.json. flash_bytes / sram_bytes of 0 mean "no limit" (host).

    emulated: the board only exists in QEMU. A real board with a
    qemu_machine (stm32f746g-disco) runs its emulated twin there.
    qemu_instructions_per_tick: guest instructions per SysTick tick under
    `-icount shift=0` (1e9 / the emulated SysTick clock), measured.
    """

    name: str
    core: str
    cpu_flags: list
    clock_hz: int
    flash_bytes: int
    sram_bytes: int
    qemu_machine: str | None
    qemu_instructions_per_tick: float | None
    dsp: bool
    emulated: bool
    flash_command: str | None
    description: str

    def as_dict(self) -> dict:
        """The board.json contents, as the Makefile template expects them."""
        return asdict(self)

    def run_image(self, model: str) -> str:
        """The file `make run` executes, relative to the project directory."""
        if self.qemu_machine is None:
            return f"build/{model}"
        if not self.emulated:
            return f"build/{model}-qemu.elf"  # the real board's QEMU twin
        return f"build/{model}.elf"


def load_board(path: Path) -> Board:
    """Read and check one board.json; TinycError names the bad field."""
    loc = where(str(path))
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise TinycError(f"cannot read board description: {e}", loc) from None
    if not isinstance(data, dict):
        raise TinycError("board description must be a JSON object", loc)
    missing = sorted(set(_FIELDS) - set(data))
    if missing:
        raise TinycError(f"board description lacks {', '.join(missing)}", loc)
    for key, kind in _FIELDS.items():
        if not isinstance(data[key], kind) or (kind is int and isinstance(data[key], bool)):
            raise TinycError(f"field '{key}' has the wrong type ({data[key]!r})", loc)
    return Board(**{key: data[key] for key in _FIELDS})


def list_boards() -> list[Board]:
    """Every board folder under boards/, sorted by name."""
    return [load_board(d / "board.json") for d in sorted(BOARDS.iterdir())
            if d.is_dir() and (d / "board.json").is_file()]


def get_board(name: str) -> Board:
    """The board called `name`, or TinycError listing the known ones."""
    boards = list_boards()
    for board in boards:
        if board.name == name:
            return board
    known = ", ".join(b.name for b in boards)
    raise TinycError(f"unknown board '{name}' (known: {known})", "--board")


def _kib(n: int) -> str:
    return "-" if n == 0 else f"{n // 1024} KB" if n < 1024 * 1024 else f"{n // (1024 * 1024)} MB"


def boards_table() -> Table:
    """A rich Table for `tinyc boards`: name, core, clock, flash, SRAM, emulator."""
    table = Table(title="tinyc boards")
    for column in ("board", "core", "clock", "flash", "SRAM", "emulator"):
        table.add_column(column)
    for b in list_boards():
        clock = "-" if b.clock_hz == 0 else f"{b.clock_hz / 1e6:g} MHz"
        if b.qemu_machine is None:
            emulator = "native"
        else:
            emulator = f"qemu {b.qemu_machine}" + ("" if b.emulated else " (twin; make flash)")
        table.add_row(b.name, b.core, clock, _kib(b.flash_bytes), _kib(b.sram_bytes), emulator)
    return table


_LD_SIZE = re.compile(r"^\s*(__stack_size|__heap_min)\s*=\s*(\d+)\s*([KM]?)\s*;", re.M)


def ram_reserve(board: Board) -> int:
    """Bytes of SRAM the board's linker script sets aside for the stack and the heap
    (__stack_size + __heap_min; the largest over its scripts). 0 for the host."""
    if board.qemu_machine is None:
        return 0
    best = 0
    for ld in sorted((BOARDS / board.name).glob("*.ld")):
        vals = {k: int(n) * {"": 1, "K": 1024, "M": 1 << 20}[u] for k, n, u in _LD_SIZE.findall(ld.read_text())}
        best = max(best, sum(vals.values()))
    return best


def check_fit(board: Board, *, flash_needed: int, sram_needed: int, what: str = "model") -> None:
    """Return if `what` can fit the board's SRAM and flash (0 = no limit); else TinycError.
    A quick lower bound checked before building: sram_needed (the arena and the harness's I/O
    buffers) plus the linker script's stack and heap reserve. The linker has the last word
    (tinyc.backend.image.link_check)."""
    loc = f"board '{board.name}'"
    reserve = ram_reserve(board)
    if board.sram_bytes and sram_needed + reserve > board.sram_bytes:
        raise TinycError(f"{what} needs at least {sram_needed + reserve:,} bytes of SRAM ({sram_needed:,} for the "
                         f"arena and I/O buffers + {reserve:,} of stack and heap reserved by the linker script), "
                         f"board {board.name} has {board.sram_bytes:,}", loc)
    if board.flash_bytes and flash_needed > board.flash_bytes:
        raise TinycError(f"{what} needs {flash_needed} bytes of flash, board {board.name} "
                         f"has {board.flash_bytes}", loc)


def copy_board(board: Board, outdir: Path) -> None:
    """outdir/board/ holds boards/<name>/, plus boards/common/ as board/common/
    for the Cortex-M boards (the host needs nothing shared)."""
    dest = Path(outdir) / "board"
    shutil.copytree(BOARDS / board.name, dest, dirs_exist_ok=True)
    if board.qemu_machine is not None:
        shutil.copytree(BOARDS / COMMON, dest / COMMON, dirs_exist_ok=True)
