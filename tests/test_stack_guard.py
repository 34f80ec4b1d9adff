"""The stack check of guarded builds (TC_ARENA_GUARD) on a QEMU board.

Oracle: the board's own painted-stack measurement against the linker's stack size.
"""
import numpy as np
import pytest

from harness import run_graph_c
from test_spine import fc_graph
from tinyc.errors import TinycError

GUARD = "-DTC_ARENA_GUARD=1"


def sample():
    return [[np.random.default_rng(0).integers(-128, 128, (1, 37)).astype(np.int8)]]


@pytest.mark.qemu
def test_guarded_run_reports_stack():
    _, res = run_graph_c(fc_graph(), sample(), board="mps2-an386", extra_cflags=[GUARD], return_result=True)
    assert 0 < res.stack_bytes < 16 * 1024


@pytest.mark.qemu
def test_stack_overflow_is_caught():
    """Touching all but 32 bytes of the 16 KB stack leaves less than the 64-byte margin."""
    with pytest.raises(TinycError, match="stack overflow: high-water"):
        run_graph_c(fc_graph(), sample(), board="mps2-an386",
                    extra_cflags=[GUARD, f"-DTC_STACK_TEST_BURN={16 * 1024 - 32}u"])
