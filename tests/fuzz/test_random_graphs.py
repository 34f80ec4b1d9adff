"""Random int8 graphs: generated C == numpy reference, bit for bit.

Oracle: tinyc.ref.run_int (through harness.run_graph_ref). The C side is
built for the host with ASan + UBSan (-fno-sanitize-recover) and the arena
guards on, so an out-of-bounds access or an arena overrun fails the example
too. Graphs come from fuzz.graphs.graphs(): chains and small DAGs (residual
add, concat) of conv2d, depthwise_conv2d, max/avg pool, clamp, add, concat
and fully_connected, restricted to the ops registered in tinyc.ops.OPS.

Each example builds one C project holding 1..4 independent random graphs
(a C build costs ~5 s with ASan, so graphs share it). The default run is
derandomized and bounded (DEFAULT_EXAMPLES builds); the slow run does
SLOW_EXAMPLES builds. The number of graphs tried is printed and recorded
as the test property `graphs_tried`.
"""
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from fuzz.graphs import graphs, merge, samples_for
from fuzz.run import mismatches
from tinyc.ops import OPS
from tinyc.ref import run_int

DEFAULT_EXAMPLES = 20
SLOW_EXAMPLES = 300

pytestmark = pytest.mark.skipif("conv2d" not in OPS, reason="conv2d is not registered yet")


def check_batch(parts, seed, tried):
    g = merge(parts)
    tried.append(len(parts))
    note(str(g))
    bad = mismatches(g, samples_for(g, seed))
    assert not bad, "\n".join(bad)


def _property(max_examples: int):
    @settings(max_examples=max_examples, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(parts=st.lists(graphs(), min_size=1, max_size=4), seed=st.integers(0, 2**16))
    def run(parts, seed, tried):
        check_batch(parts, seed, tried)
    return run


def _report(record_property, tried, what):
    n = sum(tried)
    print(f"\n{what}: {n} random graphs in {len(tried)} C builds")
    record_property("graphs_tried", n)
    record_property("builds", len(tried))


def test_random_graphs_c_matches_ref(record_property):
    """DEFAULT_EXAMPLES builds of 1..4 random graphs each: C == numpy reference for every sample."""
    tried = []
    _property(DEFAULT_EXAMPLES)(tried=tried)
    _report(record_property, tried, "default fuzz run")
    assert len(tried) >= DEFAULT_EXAMPLES


@pytest.mark.slow
def test_random_graphs_c_matches_ref_long(record_property):
    """The same property over SLOW_EXAMPLES builds."""
    tried = []
    _property(SLOW_EXAMPLES)(tried=tried)
    _report(record_property, tried, "long fuzz run")
    assert len(tried) >= SLOW_EXAMPLES


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(graphs(), st.integers(0, 2**16))
def test_generated_graphs_are_valid(g, seed):
    """Generator self-check (no C build): every graph runs through the reference with the declared shapes.

    Oracle: each op's own shape function (checked while building) and tinyc.ref.run_int.
    """
    for sample in samples_for(g, seed, n=1):
        env = run_int(g, dict(zip(g.inputs, sample)), return_all=True)
        for name, t in g.tensors.items():
            if name in env:
                assert env[name].shape == t.shape and str(env[name].dtype) == t.dtype
