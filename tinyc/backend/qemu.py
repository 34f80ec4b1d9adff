"""Run a board's ELF on QEMU with semihosting.

Semihosting carries printf, fopen/fread/fwrite (relative to `cwd`) and the
exit status (SYS_EXIT_EXTENDED, so exit(3) gives 3). `-icount shift=0`
makes each guest instruction 1 ns of virtual time, which is what the
SysTick instruction counter in boards/common relies on.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tinyc.boards import Board
from tinyc.errors import TinycError

QEMU = "qemu-system-arm"


def qemu_command(board: Board, elf_path) -> list[str]:
    """The argv that runs elf_path on the board's QEMU machine (as `make run` does)."""
    if board.qemu_machine is None:
        raise TinycError(f"board '{board.name}' has no QEMU machine", f"board '{board.name}'")
    exe = shutil.which(QEMU)
    if exe is None:
        raise TinycError(f"{QEMU} is not installed or not on PATH; install QEMU "
                         "(e.g. apt install qemu-system-arm)", f"board '{board.name}'")
    return [exe, "-M", board.qemu_machine, "-nographic", "-monitor", "none",
            "-serial", "none", "-icount", "shift=0",
            "-semihosting-config", "enable=on,target=native", "-kernel", str(elf_path)]


def run_elf(board: Board, elf, cwd, timeout: float) -> tuple[int, str]:
    """Run `elf` under QEMU in `cwd`; return (exit status, stdout then fault reports).

    The program's own stdout and the fault handler's report (semihosting
    SYS_WRITE0, which QEMU prints on stderr) come back as one text.
    """
    cmd = qemu_command(board, Path(elf).resolve())
    try:
        proc = subprocess.run(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise TinycError(f"QEMU {board.qemu_machine} did not finish within {timeout:g} s",
                         str(elf)) from None
    except OSError as e:
        raise TinycError(f"cannot start {QEMU}: {e}", str(elf)) from None
    text = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    return proc.returncode, text
