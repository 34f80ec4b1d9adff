"""Board descriptions, fit checks, the Makefile template and the host build.

Oracles: the chips' datasheet memory sizes (STM32F405: 1 MB / 128 KB,
STM32F746: 1 MB / 320 KB, STM32F100RB: 128 KB / 8 KB) and QEMU's own memory
map for the mps2 machines (4 MB SSRAM1 at 0, 4 MB SSRAM2/3 at 0x20000000);
the linker scripts must say the same as board.json. The host program's
expected output is computed in Python (bytes XOR 0x5a).
"""
import re
import shutil
import subprocess

import jinja2
import pytest

from tinyc.backend import qemu
from tinyc.boards import boards_table, check_fit, get_board, list_boards, ram_reserve
from tinyc.errors import TinycError
from tinyc.paths import BOARDS

from .project import MODEL, expected_output, make_project, render_makefile

DATASHEET = {  # name: (core, clock_hz, flash_bytes, sram_bytes, qemu machine)
    "netduinoplus2": ("cortex-m4", 168_000_000, 1 << 20, 128 << 10, "netduinoplus2"),
    "mps2-an386": ("cortex-m4", 25_000_000, 4 << 20, 4 << 20, "mps2-an386"),
    "mps2-an500": ("cortex-m7", 25_000_000, 4 << 20, 4 << 20, "mps2-an500"),
    "stm32f746g-disco": ("cortex-m7", 216_000_000, 1 << 20, 320 << 10, "mps2-an500"),
    "stm32vldiscovery": ("cortex-m3", 24_000_000, 128 << 10, 8 << 10, "stm32vldiscovery"),
}


def test_every_board_is_listed_with_its_datasheet_numbers():
    boards = {b.name: b for b in list_boards()}
    assert set(boards) == set(DATASHEET) | {"host"}
    for name, (core, clock, flash, sram, machine) in DATASHEET.items():
        b = boards[name]
        assert (b.core, b.clock_hz, b.flash_bytes, b.sram_bytes, b.qemu_machine) == \
            (core, clock, flash, sram, machine)
        assert b.dsp == (core != "cortex-m3")
        assert b.qemu_instructions_per_tick == pytest.approx(
            1e9 / (25e6 if machine.startswith("mps2") else clock), rel=1e-4)
    assert boards["host"].qemu_machine is None and not boards["host"].emulated
    assert not boards["stm32f746g-disco"].emulated and boards["stm32f746g-disco"].flash_command


def _ld_lengths(text: str) -> dict:
    units = {"K": 1 << 10, "M": 1 << 20, "": 1}
    return {m[0]: int(m[1], 0) * units[m[2]] for m in
            re.findall(r"(\w+)\s*\([rwx]+\)\s*:\s*ORIGIN\s*=\s*\w+,\s*LENGTH\s*=\s*(\w+?)([KM]?)\s*$",
                       text, re.M)}


@pytest.mark.parametrize("name", sorted(DATASHEET))
def test_linker_scripts_match_board_json(name):
    board = get_board(name)
    scripts = sorted((BOARDS / name).glob("*.ld"))
    assert scripts
    for script in scripts:  # the F746's QEMU twin has the same limits
        assert _ld_lengths(script.read_text()) == {"FLASH": board.flash_bytes, "RAM": board.sram_bytes}


def test_unknown_board_names_the_known_ones():
    with pytest.raises(TinycError, match=r"unknown board 'nope' \(known: host, mps2-an386, .*stm32vldiscovery\)"):
        get_board("nope")


def test_check_fit_reports_what_and_sizes():
    """The quick check adds the linker script's reserve: stm32f100.ld sets 2K of stack + 2560 B of heap."""
    small = get_board("stm32vldiscovery")
    assert ram_reserve(small) == 2048 + 2560 and ram_reserve(get_board("host")) == 0
    check_fit(small, flash_needed=128 << 10, sram_needed=(8 << 10) - 4608)  # exactly full fits
    with pytest.raises(TinycError, match="model needs at least 8,193 bytes of SRAM .3,585 for the arena and I/O "
                                         "buffers . 4,608 of stack and heap reserved by the linker script., board "
                                         "stm32vldiscovery has 8,192"):
        check_fit(small, flash_needed=0, sram_needed=8193 - 4608)
    with pytest.raises(TinycError, match="weights needs 131073 bytes of flash, board stm32vldiscovery has 131072"):
        check_fit(small, flash_needed=(128 << 10) + 1, sram_needed=0, what="weights")
    check_fit(get_board("host"), flash_needed=1 << 40, sram_needed=1 << 40)  # host: no limit


def test_boards_table_has_a_row_per_board():
    table = boards_table()
    assert [c.header for c in table.columns] == ["board", "core", "clock", "flash", "SRAM", "emulator"]
    assert list(table.columns[0].cells) == [b.name for b in list_boards()]
    assert list(table.columns[4].cells)[list(table.columns[0].cells).index("stm32f746g-disco")] == "320 KB"


def test_makefile_renders_strictly_for_every_board():
    for board in list_boards():
        text = render_makefile(board, ["t.c", "runtime/src/x/a.c"], ["-DX=1"])
        assert f"BOARD := {board.name}" in text and "\truntime/src/x/a.c\n" in text
        assert ("-DTC_DSP=1" in text) == board.dsp
    with pytest.raises(jinja2.UndefinedError):
        jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(
            (BOARDS.parent / "templates" / "Makefile.j2").read_text()).render(model="t")


@pytest.mark.parametrize("name", sorted(DATASHEET))
def test_make_run_uses_the_same_qemu_command(tmp_path, name):
    """`make -n run` prints what qemu_command() builds (one source of truth each)."""
    board = get_board(name)
    make_project(tmp_path, board)
    out = subprocess.run(["make", "-n", "-s", "run"], cwd=tmp_path, capture_output=True, text=True)
    last = out.stdout.strip().splitlines()[-1].split()
    assert last == ["qemu-system-arm"] + qemu.qemu_command(board, board.run_image(MODEL))[1:]


def test_missing_qemu_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(TinycError, match="qemu-system-arm is not installed"):
        qemu.qemu_command(get_board("mps2-an386"), "x.elf")
    with pytest.raises(TinycError, match="has no QEMU machine"):
        qemu.qemu_command(get_board("host"), "x")


def test_host_build_runs_round_trips_and_exits_with_3(tmp_path):
    make_project(tmp_path, get_board("host"), "-DTEST_EXIT_CODE=3")
    build = subprocess.run(["make"], cwd=tmp_path, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert "warning" not in build.stdout + build.stderr
    run = subprocess.run([f"./build/{MODEL}"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 3
    assert "tinyc: instructions=0" in run.stdout and "tinyc: stack_bytes=0" in run.stdout
    assert (tmp_path / "output.bin").read_bytes() == expected_output()
    flash = subprocess.run(["make", "flash"], cwd=tmp_path, capture_output=True, text=True)
    assert flash.returncode != 0 and "nothing to flash" in flash.stderr


def test_host_sanitize_build(tmp_path):
    make_project(tmp_path, get_board("host"))
    run = subprocess.run(["make", "SANITIZE=1", "run"], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "build" / "asan" / MODEL).is_file()
    assert (tmp_path / "output.bin").read_bytes() == expected_output()
