"""The spine on its smallest graph: one fully_connected layer, C vs the numpy reference."""
import numpy as np

from harness import assert_bitexact
from tinyc.ir import Graph, Node, QParams, Tensor


def fc_graph(k=37, cout=11, seed=0, act=(0.0, float("inf"))):
    rng = np.random.default_rng(seed)
    g = Graph("fc_test", source="test")
    g.add_tensor(Tensor("x", (1, k), "int8", q=QParams(0.05, 3)))
    g.const("w", rng.integers(-127, 128, (cout, k)).astype(np.int8),
            QParams(rng.uniform(0.001, 0.01, cout).astype(np.float32), np.zeros(cout), axis=0))
    g.const("b", rng.integers(-5000, 5000, cout).astype(np.int32), QParams(np.full(cout, 5e-5), np.zeros(cout), axis=0))
    g.add_tensor(Tensor("y", (1, cout), "int8", q=QParams(0.1, -5)))
    g.nodes.append(Node("fully_connected", "fc1", ["x", "w", "b"], ["y"], {"act": act}))
    g.inputs, g.outputs = ["x"], ["y"]
    return g


def test_fully_connected_bitexact():
    rng = np.random.default_rng(1)
    g = fc_graph()
    samples = [[rng.integers(-128, 128, (1, 37)).astype(np.int8)] for _ in range(8)]
    assert_bitexact(g, samples)
