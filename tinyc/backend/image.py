"""What a linked board image occupies, from its real section sizes (`arm-none-eabi-size -A`).

boards/common/tc_sections.ld lays RAM out as .data, .bss (the arena, the harness's
I/O buffers, newlib's and the board's statics), then two NOLOAD reserves: .heap
(__heap_min, for newlib's stdio) and .stack (__stack_size, at the top). Berkeley
`size` counts those reserves as bss; here they are kept apart:

    static_ram_bytes   .data + .bss, from the start of .data to the end of .bss (alignment
                       padding between them included: the bytes below the heap)
    ram_reserve_bytes  .heap + .stack (what the linker script sets aside)
    flash_bytes        everything loaded into flash, .data's initial values included
    sram_bytes         static_ram_bytes + the painted stack's high-water mark (from a run)
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tinyc.errors import BuildError, TinycError
from tinyc.progress import step

SIZE = "arm-none-eabi-size"
RAM_SECTIONS = (".data", ".bss")
RESERVE_SECTIONS = (".heap", ".stack")
FLASH_SECTIONS = (".text", ".ARM.extab", ".ARM.exidx", ".preinit_array", ".init_array", ".fini_array", ".data")


def section_sizes(elf: Path) -> dict[str, tuple[int, int]]:
    """{section name: (bytes, address)} of an ELF, from `arm-none-eabi-size -A`."""
    exe = shutil.which(SIZE)
    if exe is None:
        raise TinycError(f"{SIZE} is not installed (apt install gcc-arm-none-eabi)", str(elf))
    p = subprocess.run([exe, "-A", str(elf)], capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise TinycError(f"{SIZE} failed: {(p.stderr or p.stdout).strip()}", str(elf))
    out = {}
    for line in p.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit() and parts[2].isdigit():
            out[parts[0]] = (int(parts[1]), int(parts[2]))
    return out


def image_sizes(elf: Path) -> dict[str, int]:
    """flash_bytes, static_ram_bytes and ram_reserve_bytes of a linked Cortex-M image."""
    s = section_sizes(elf)
    size = {k: v[0] for k, v in s.items()}
    ram = [s[k] for k in RAM_SECTIONS if k in s and s[k][0] > 0]
    static = max(a + n for n, a in ram) - min(a for _, a in ram) if ram else 0
    return {"flash_bytes": sum(size.get(k, 0) for k in FLASH_SECTIONS),
            "static_ram_bytes": static,
            "ram_reserve_bytes": sum(size.get(k, 0) for k in RESERVE_SECTIONS)}


def link_check(project: Path, board, model: str) -> dict:
    """Build the project (arm-none-eabi-gcc and ld with the board's linker script) and return the
    image's real sizes against the board's limits. The linker is the judge: a program that does not
    fit fails to link (region overflow, or tc_sections.ld's ASSERT), and its own words become a
    one-line TinycError."""
    from tinyc.backend.build import make
    try:
        with step(f"building for {board.name} (the linker checks the fit)"):
            make(project, "-j2", "all")
    except BuildError as e:
        raise TinycError(f"{model} does not build for board {board.name}: {e.what.split(': ', 1)[-1]}",
                         f"board '{board.name}'") from None
    sizes = image_sizes(Path(project) / "build" / f"{model}.elf")
    return {**sizes, "board_flash_bytes": board.flash_bytes, "board_sram_bytes": board.sram_bytes,
            "source": f"{SIZE} -A on the linked image"}
