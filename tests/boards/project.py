"""Helpers for the board tests: render Makefile.j2 around tests/boards/data/main.c."""
import shutil
from pathlib import Path

import jinja2

from tinyc.boards import Board, copy_board
from tinyc.paths import RUNTIME_C, TEMPLATES

DATA = Path(__file__).parent / "data"
INPUT = bytes(range(256)) * 3 + b"tinyc"
MODEL = "t"


def expected_output(data: bytes = INPUT) -> bytes:
    """What data/main.c writes: every input byte XOR 0x5a."""
    return bytes(b ^ 0x5A for b in data)


def render_makefile(board: Board, sources, extra_cflags) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template("Makefile.j2").render(
        model=MODEL, sources=list(sources), board=board.as_dict(), extra_cflags=list(extra_cflags))


def make_project(outdir: Path, board: Board, *cflags: str) -> Path:
    """outdir becomes a generated-project look-alike: Makefile, main.c,
    runtime/include/tc_board.h, board/ and input.bin."""
    (outdir / "runtime" / "include").mkdir(parents=True)
    shutil.copy(RUNTIME_C / "include" / "tc_board.h", outdir / "runtime" / "include")
    copy_board(board, outdir)
    shutil.copy(DATA / "main.c", outdir / "main.c")
    (outdir / "Makefile").write_text(render_makefile(board, ["main.c"], cflags))
    (outdir / "input.bin").write_bytes(INPUT)
    return outdir
