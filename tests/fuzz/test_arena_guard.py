"""Arena guards (TC_ARENA_GUARD): a deliberate one-byte overrun is caught and named.

Oracle: the behaviour main.c promises: after an overwrite of the guard bytes
it prints `tinyc: error: arena guard overwritten (before|after) after sample N`
and exits with status 5; with no overwrite the run is clean and its output
equals tinyc.ref.run_int. The overwrite is planted by the test-only macros
TC_ARENA_GUARD_TEST_OVERRUN / _UNDERRUN=N (flip one byte just past the end /
just before the start of the arena on invoke number N), inside the arena's
guarded storage, so ASan itself stays quiet and only the guard can see it.
"""
import shutil
import subprocess

import numpy as np
import pytest

from fuzz.run import mismatches, write_guarded
from harness import run_graph_ref
from tinyc.backend.build import make, read_outputs, write_inputs
from tinyc.backend.emit import write_project
from tinyc.ir import Graph, Node, QParams, Tensor
from tinyc.pipeline import Options, compile_graph

N_SAMPLES = 4


def small_graph() -> Graph:
    """x[1,6,5,3] -> conv 3x3 (pads 1) -> clamp: a few hundred arena bytes."""
    rng = np.random.default_rng(5)
    g = Graph("guarded", source="test")
    g.add_tensor(Tensor("x", (1, 6, 5, 3), "int8", q=QParams(0.05, 3)))
    g.const("w", rng.integers(-127, 128, (4, 3, 3, 3)).astype(np.int8),
            QParams(np.full(4, 0.01, np.float32), np.zeros(4), axis=0))
    g.add_tensor(Tensor("y", (1, 6, 5, 4), "int8", q=QParams(0.1, -7)))
    g.add_tensor(Tensor("z", (1, 6, 5, 4), "int8", q=QParams(0.1, -7)))
    g.nodes += [Node("conv2d", "conv", ["x", "w", ""], ["y"], dict(pads=(1, 1, 1, 1))),
                Node("clamp", "relu", ["y"], ["z"], dict(act=(0.0, float("inf"))))]
    g.inputs, g.outputs = ["x"], ["z"]
    return g


def samples():
    rng = np.random.default_rng(6)
    return [[rng.integers(-128, 128, (1, 6, 5, 3)).astype(np.int8)] for _ in range(N_SAMPLES)]


def build_and_run(tmp_path, board: str, extra: tuple[str, ...], make_vars: dict | None, guard: bool = True):
    """Build the (guarded) project and `make run` it; returns the CompletedProcess."""
    if guard:
        out = write_guarded(small_graph(), tmp_path, board=board, extra=extra)
    else:
        c = compile_graph(small_graph(), Options(board=board, extra_cflags=list(extra)))
        out = tmp_path / "project"
        write_project(out, c.files, board, c.report)
    make(out, "all", env_vars=make_vars)
    write_inputs(out, samples(), ["int8"])
    args = ["make", "-s", "-C", str(out), "run"] + [f"{k}={v}" for k, v in (make_vars or {}).items()]
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def test_guarded_build_is_clean_and_exact():
    """With guards on and nothing corrupted: C (ASan + UBSan) == numpy reference on every sample."""
    assert mismatches(small_graph(), samples()) == []


@pytest.mark.parametrize("macro,side,sample", [("TC_ARENA_GUARD_TEST_OVERRUN", "after", 2),
                                                ("TC_ARENA_GUARD_TEST_UNDERRUN", "before", 0)])
def test_host_guard_catches_overwrite(tmp_path, macro, side, sample):
    """One flipped byte next to the arena: exit status 5 and the message naming the side and sample."""
    p = build_and_run(tmp_path, "host", (f"-D{macro}={sample}",), {"SANITIZE": 1})
    assert f"tinyc: error: arena guard overwritten ({side}) after sample {sample}\n" in p.stdout
    assert p.stdout.count("tinyc: sample=") == sample  # earlier samples ran and passed the check
    assert "Error 5" in p.stderr, p.stderr
    assert "AddressSanitizer" not in p.stderr and "runtime error" not in p.stderr


def test_without_guard_the_test_macros_do_nothing(tmp_path):
    """Guard off: TC_ARENA_GUARD_TEST_OVERRUN is compiled out, so the run is clean (exit 0, ASan quiet)."""
    p = build_and_run(tmp_path, "host", ("-DTC_ARENA_GUARD_TEST_OVERRUN=0",), {"SANITIZE": 1}, guard=False)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("tinyc: sample=") == N_SAMPLES


@pytest.mark.qemu
@pytest.mark.skipif(shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None,
                    reason="needs qemu-system-arm and arm-none-eabi-gcc")
def test_qemu_guard_catches_overwrite(tmp_path):
    """The same check on a board: mps2-an386 under QEMU exits 5 (semihosting) with the message."""
    p = build_and_run(tmp_path, "mps2-an386", ("-DTC_ARENA_GUARD_TEST_OVERRUN=1",), None)
    assert "tinyc: error: arena guard overwritten (after) after sample 1" in p.stdout, p.stdout + p.stderr
    assert "Error 5" in p.stderr, p.stderr


@pytest.mark.qemu
@pytest.mark.skipif(shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None,
                    reason="needs qemu-system-arm and arm-none-eabi-gcc")
def test_qemu_guarded_run_is_clean(tmp_path):
    """Guards on, nothing corrupted, on QEMU: exit 0, stack_bytes printed, output == numpy reference."""
    p = build_and_run(tmp_path, "mps2-an386", (), None)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("tinyc: sample=") == N_SAMPLES
    assert "stack_bytes=" in p.stdout
    got = read_outputs(tmp_path / "project", N_SAMPLES, [(1, 6, 5, 4)], ["int8"])
    want = run_graph_ref(small_graph(), samples())
    assert all(a[0].tobytes() == b[0].tobytes() for a, b in zip(got, want))
