"""Random int8 graphs on the kernels that ship on Cortex-M: generated C in QEMU == numpy reference.

Oracle: tinyc.ref.run_int (harness.run_graph_ref), bit for bit, on two random samples plus the
two extreme inputs. The C is built for mps2-an386 (Cortex-M4: TC_DSP=1 with the shape-
specialised kernels, tinyc/backend/spec.py) and mps2-an500 (Cortex-M7, the same kernels under
its own code generation), with the arena guards on: an overrun of the arena exits 5 and fails.
Graphs come from fuzz.graphs.graphs() as in test_random_graphs.py, half of them with channel
counts in multiples of 4 (the specialised kernels' shapes); many graphs share one build (a QEMU
build costs ~5 s), and a fixed hypothesis seed keeps the run reproducible. The default run does one build per board, the slow run SLOW_BUILDS
per board. The number of graphs and of calls that took a specialised kernel is printed.
"""
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import seed as hyp_seed
from hypothesis import strategies as st

from fuzz.graphs import graphs, merge, samples_for
from fuzz.run import GUARD
from harness import mismatches
from tinyc.ops import OPS
from tinyc.pipeline import Options, compile_graph

BOARDS = ["mps2-an386", "mps2-an500"]
GRAPHS_PER_BUILD = 8
SLOW_BUILDS = 25

pytestmark = [pytest.mark.qemu, pytest.mark.skipif("conv2d" not in OPS, reason="conv2d is not registered yet")]


def _property(board: str, builds: int, tally: list):
    half = GRAPHS_PER_BUILD // 2

    @hyp_seed(20261206)
    @settings(max_examples=builds, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(any_c=st.lists(graphs(), min_size=half, max_size=half),
           by4=st.lists(graphs(channel_step=4), min_size=half, max_size=half), seed=st.integers(0, 2**16))
    def run(any_c, by4, seed):
        parts = any_c + by4
        g = merge(parts)
        note(str(g))
        prog = compile_graph(g, Options(board=board)).program
        tally.append((len(parts), sum(1 for c in prog.calls if c.params.get("spec_fn")),
                      sum(1 for c in prog.calls if c.params.get("lut_a_sym") or c.params.get("rq_c_sym"))))
        bad = mismatches(g, samples_for(g, seed), board=board, extra_cflags=[GUARD])
        assert not bad, "\n".join(bad)
    return run


def _check(board: str, builds: int):
    tally: list = []
    _property(board, builds, tally)()
    n, spec, tables = (sum(t[i] for t in tally) for i in range(3))
    print(f"\n{board}: {n} random graphs in {len(tally)} builds; {spec} calls took a specialised kernel, "
          f"{tables} a folded table")
    assert len(tally) >= builds


@pytest.mark.parametrize("board", BOARDS)
def test_random_graphs_on_board(board):
    _check(board, 1)


@pytest.mark.slow
@pytest.mark.parametrize("board", BOARDS)
def test_random_graphs_on_board_long(board):
    _check(board, SLOW_BUILDS)
