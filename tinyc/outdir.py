"""Where tinyc may write a project, and how it replaces one without touching anything else.

tinyc writes OUTDIR only when it is missing, empty, or a project tinyc wrote
before. Such a project holds a marker file, `.tinyc-project`, listing every file
tinyc put there; the project's own Makefile and `tinyc run` may add `build/`,
`input.bin` and `output.bin`. A previous project is replaced file by file:
tinyc removes only what its marker lists (plus those three), then moves the new
files in. A file nobody listed is the user's: tinyc refuses to write there
unless `--force` is given, and even then keeps the file.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from tinyc.errors import TinycError

MARKER = ".tinyc-project"
RUN_PRODUCTS = ("build", "input.bin", "output.bin")  # written by `make` and `tinyc run`, not by compile
SCRATCH_PREFIXES = (".tinyc-tmp", ".tinyc-old")  # tinyc's own staging dirs inside an existing OUTDIR


def _owned(outdir: Path) -> list[str] | None:
    """Relative paths tinyc wrote into outdir (from its marker); None when it has no valid marker."""
    m = outdir / MARKER
    if not m.is_file():
        return None
    try:
        data = json.loads(m.read_text())
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
        return None
    return [f for f in files if ".." not in Path(f).parts and not Path(f).is_absolute()]


def _foreign(outdir: Path, owned: list[str]) -> list[str]:
    """Files under outdir that tinyc did not write (sorted relative paths)."""
    known = set(owned) | {MARKER}
    out = []
    for root, dirs, files in os.walk(outdir):
        rel_root = Path(root).relative_to(outdir)
        if rel_root == Path("."):
            dirs[:] = [d for d in dirs if d not in RUN_PRODUCTS and not d.startswith(SCRATCH_PREFIXES)]
            files = [f for f in files if f not in RUN_PRODUCTS]
        out += [(rel_root / f).as_posix() for f in files if (rel_root / f).as_posix() not in known]
        for d in dirs:  # symlinked dirs are not walked: they are the user's
            if (Path(root) / d).is_symlink():
                out.append((rel_root / d).as_posix())
    return sorted(out)


def check_outdir(outdir: str | Path, force: bool = False) -> None:
    """Raise a TinycError unless tinyc may write its project to outdir. Writes nothing."""
    p = Path(outdir)
    opt = "-o"
    if p.is_symlink() and not p.is_dir():
        raise TinycError("output path is a symbolic link, not a directory", f"{opt} {p}")
    if p.exists() and not p.is_dir():
        raise TinycError("output path exists and is not a directory: choose a new or empty directory",
                         f"{opt} {p}")
    if not p.exists():
        parent = p.absolute().parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise TinycError(f"cannot create the output directory: '{parent}' is not a directory", f"{opt} {p}")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise TinycError(f"cannot create the output directory: '{parent}' is not writable", f"{opt} {p}")
        return
    if not os.access(p, os.W_OK | os.X_OK):
        raise TinycError("output directory is not writable", f"{opt} {p}")
    try:
        entries = [e for e in p.iterdir() if not e.name.startswith(SCRATCH_PREFIXES)]
    except OSError as e:
        raise TinycError(f"cannot read the output directory: {e.strerror}", f"{opt} {p}") from None
    if not entries:
        return
    owned = _owned(p)
    if owned is None:
        names = ", ".join(sorted(e.name for e in entries)[:3]) + (", ..." if len(entries) > 3 else "")
        raise TinycError(f"output directory is not empty and was not written by tinyc (it holds {names}; "
                         f"no {MARKER} marker): choose a new or empty directory", f"{opt} {p}")
    foreign = _foreign(p, owned)
    if foreign and not force:
        names = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        raise TinycError(f"output directory is a tinyc project that also holds files tinyc did not write "
                         f"({names}): --force replaces the project and keeps those files", f"{opt} {p}")


def _move_in(src_root: Path, dst_root: Path, rel: str) -> None:
    dst = dst_root / rel
    dst.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src_root / rel, dst)


def _remove_owned(outdir: Path, owned: list[str], trash: Path) -> None:
    """Move tinyc's old files (and run products) into trash; drop directories left empty."""
    for rel in [*RUN_PRODUCTS, *owned, MARKER]:  # run products first: build/ goes as a whole
        p = outdir / rel
        if p.is_symlink() or not p.exists():
            continue
        if p.is_dir() and rel not in RUN_PRODUCTS:
            continue
        _move_in(outdir, trash, rel)
    dirs = sorted({str(Path(r).parent) for r in owned if Path(r).parent != Path(".")},
                  key=lambda d: -len(Path(d).parts))
    for d in dirs:
        for q in [outdir / d, *(outdir / d).parents]:
            if q == outdir or not q.is_dir() or q.is_symlink():
                break
            try:
                q.rmdir()  # only succeeds when empty: the user's files keep their directory
            except OSError:
                break


def staging_dir(outdir: Path) -> Path:
    """A fresh directory on outdir's file system to write the new project into: inside
    outdir when it exists (so `-o .` needs no write access to the parent), else beside it."""
    if outdir.is_dir():
        return Path(tempfile.mkdtemp(prefix=".tinyc-tmp", dir=outdir))
    outdir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{outdir.name}.tinyc-tmp", dir=outdir.parent))


def install_project(tmp: Path, outdir: Path, force: bool = False) -> None:
    """Put the finished project staged in tmp (from staging_dir) at outdir, replacing only
    what tinyc wrote there before. tmp is consumed."""
    check_outdir(outdir, force)
    files = sorted(p.relative_to(tmp).as_posix() for p in tmp.rglob("*") if p.is_file())
    listed = [f for f in files if Path(f).parts[0] not in RUN_PRODUCTS]  # build/ (a link check's) is a run product
    (tmp / MARKER).write_text(json.dumps({"tool": "tinyc", "files": listed}, indent=1) + "\n")
    if not outdir.exists():
        os.rename(tmp, outdir)
        return
    owned = _owned(outdir) or []
    trash = Path(tempfile.mkdtemp(prefix=".tinyc-old", dir=outdir))
    moved: list[str] = []
    try:
        _remove_owned(outdir, owned, trash)
        for rel in [*files, MARKER]:
            _move_in(tmp, outdir, rel)
            moved.append(rel)
    except BaseException:  # put the previous project back as it was
        for rel in moved:
            (outdir / rel).unlink(missing_ok=True)
        for p in sorted(trash.rglob("*")):
            if p.is_file() or p.is_symlink():
                _move_in(trash, outdir, p.relative_to(trash).as_posix())
        raise
    finally:
        shutil.rmtree(trash, ignore_errors=True)
        shutil.rmtree(tmp, ignore_errors=True)
