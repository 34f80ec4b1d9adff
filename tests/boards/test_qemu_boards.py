"""Every Cortex-M board, built with the generated Makefile and run on QEMU.

Oracles: the input file (output.bin must be input.bin XOR 0x5a, computed
in Python); the exit code the program chose (3) and the fault handler's
documented code (70); and the instruction count of a hand-written loop of
exactly 2 * N instructions (`subs; bne`), which must come back the same on
two runs and within one SysTick tick (board.json's
qemu_instructions_per_tick) plus a few instructions of counter overhead.
"""
import shutil
import subprocess

import pytest

from tinyc.backend.qemu import run_elf
from tinyc.boards import get_board

from .project import MODEL, expected_output, make_project

pytestmark = [
    pytest.mark.qemu,
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None,
                       reason="needs qemu-system-arm and arm-none-eabi-gcc"),
]

BOARDS = ["netduinoplus2", "mps2-an386", "mps2-an500", "stm32f746g-disco", "stm32vldiscovery"]
LOOP_N = 1_000_000
COUNTER_OVERHEAD = 64  # instructions between reading SysTick and the loop's ends


def _make(cwd, *targets):
    return subprocess.run(["make", *targets], cwd=cwd, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module", params=BOARDS)
def built(request, tmp_path_factory):
    """(board, project dir, make output) for data/main.c exiting with 3."""
    board = get_board(request.param)
    outdir = make_project(tmp_path_factory.mktemp(board.name), board,
                          "-DTEST_EXIT_CODE=3", f"-DTEST_LOOP_N={LOOP_N}u")
    build = _make(outdir)
    assert build.returncode == 0, build.stdout + build.stderr
    return board, outdir, build.stdout + build.stderr


def _stat(text, key):
    return int(text.split(f"tinyc: {key}=")[1].split()[0])


def test_build_is_warning_free_under_werror(built):
    board, outdir, log = built
    assert "-Werror" in log and "warning" not in log.lower()
    assert (outdir / "build" / f"{MODEL}.elf").is_file()
    assert list((outdir / "build").glob("*.su")), "-fstack-usage output missing"


def test_run_round_trips_exit_code_and_counts(built):
    board, outdir, _ = built
    elf = outdir / board.run_image(MODEL)
    rc1, out1 = run_elf(board, elf, outdir, timeout=30)
    assert rc1 == 3, out1
    assert "test: float=9" in out1
    assert (outdir / "output.bin").read_bytes() == expected_output()
    (outdir / "output.bin").unlink()
    rc2, out2 = run_elf(board, elf, outdir, timeout=30)
    assert rc2 == 3 and (outdir / "output.bin").read_bytes() == expected_output()
    insns = _stat(out1, "instructions")
    assert insns == _stat(out2, "instructions"), "icount must make the count deterministic"
    assert 2 * LOOP_N - COUNTER_OVERHEAD <= insns <= 2 * LOOP_N + board.qemu_instructions_per_tick + COUNTER_OVERHEAD
    stack = _stat(out1, "stack_bytes")
    assert 0 < stack < board.sram_bytes


def test_make_run_passes_the_failure_on(built):
    """make itself exits 2 on any failing recipe, but names the program's status."""
    _, outdir, _ = built
    run = _make(outdir, "run")
    assert run.returncode == 2 and "Error 3" in run.stderr
    assert "tinyc: instructions=" in run.stdout


def test_make_size_reports_the_elf(built):
    board, outdir, _ = built
    size = _make(outdir, "size")
    assert size.returncode == 0, size.stderr
    header, row = size.stdout.strip().splitlines()[-2:]
    assert header.split()[:3] == ["text", "data", "bss"]
    text, data, bss = (int(v) for v in row.split()[:3])
    assert 0 < text + data <= board.flash_bytes and 0 < data + bss <= board.sram_bytes


def test_make_flash_without_a_real_board_fails_clearly(built):
    board, outdir, _ = built
    flash = _make(outdir, "flash")
    assert flash.returncode != 0
    if board.emulated:
        assert f"board '{board.name}' is emulation-only" in flash.stderr
    else:  # the F746: no openocd / st-flash in this container
        assert shutil.which("openocd") is None and shutil.which("st-flash") is None
        assert "make flash needs openocd or st-flash" in flash.stderr


@pytest.mark.parametrize("name", BOARDS)
def test_bad_access_is_reported_by_the_fault_handler(tmp_path, name):
    board = get_board(name)
    make_project(tmp_path, board, "-DTEST_FAULT=1")
    assert _make(tmp_path).returncode == 0
    rc, out = run_elf(board, tmp_path / board.run_image(MODEL), tmp_path, timeout=30)
    assert rc == 70, out
    assert "tinyc: fault: exception=0x00000003" in out  # HardFault (escalated BusFault)
    assert "BFAR=0xcffffff0" in out and "CFSR=0x00008200" in out  # precise data bus error, BFAR valid


@pytest.mark.parametrize("name, big, fits", [
    ("stm32vldiscovery", 4096, False),
    ("stm32vldiscovery", 1024, True),
    ("stm32f746g-disco", 330_000, False),
    ("stm32f746g-disco", 250_000, True),
])
def test_static_ram_beyond_the_chip_fails_to_link(tmp_path, name, big, fits):
    """A program whose .bss overflows the chip's SRAM must not link (both F746 images)."""
    make_project(tmp_path, get_board(name), f"-DTEST_BIG_BSS={big}")
    build = _make(tmp_path)
    assert (build.returncode == 0) == fits, build.stderr
    if not fits:
        assert "does not fit in SRAM" in build.stderr or "overflowed" in build.stderr


def test_counter_survives_systick_wraps(tmp_path):
    """netduinoplus2's 24-bit SysTick wraps every 2^24 ticks (~99.9 M instructions
    at 5.95 per tick); a 120 M-instruction loop must still count to 2 * N."""
    board = get_board("netduinoplus2")
    n = 60_000_000
    make_project(tmp_path, board, f"-DTEST_LOOP_N={n}u")
    assert _make(tmp_path).returncode == 0
    rc, out = run_elf(board, tmp_path / board.run_image(MODEL), tmp_path, timeout=60)
    assert rc == 0, out
    assert 2 * n - COUNTER_OVERHEAD <= _stat(out, "instructions") <= 2 * n + 6 + COUNTER_OVERHEAD
