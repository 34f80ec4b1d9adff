"""Squeeze-excite blocks inside the patch stage: the stage runs in several passes (tinyc.patching.prepass).

Each global mean of the stage gets a pre-pass over the patches that sums every patch's own tile per
channel; the mean and its branch (1x1 convs, sigmoid or hard-sigmoid) run once; the main loop's muls
read the scale vectors whole. Oracle: tinyc.ref.run_int (layer by layer, numpy), byte for byte, for the
numpy patch executor (run_patched) and for the generated C patch loop on the host (ASan+UBSan).
"""
import numpy as np
import pytest

from c_run import run_c
from nets import NONE, RELU, RELU6, Builder
from tinyc.backend.patch_choice import c_patchable
from tinyc.errors import TinycError
from tinyc.ir import Node, QParams, Tensor
from tinyc.patching.execute import run_patched
from tinyc.patching.plan import ModelCosts, evaluate, layer_by_layer
from tinyc.patching.prepass import pass_stage
from tinyc.patching.receptive import stage_of
from tinyc.ref import run_int


def _node(b: Builder, op: str, ins: list, q: QParams, **attrs) -> str:
    return b._out(Node(op, f"{op}{b.k}", list(ins), [], dict(attrs)), q)


def _se(b: Builder, x: str, squeeze: int, hard: bool) -> str:
    """x * gate(conv(relu(conv(mean(x))))): gate = logistic after a mean without keepdims and a
    reshape (TFLite's MEAN + RESHAPE), or hard-sigmoid as PyTorch exports it (mul by 1/6, add 1/2,
    clamp to [0, 1]) after a global average pool (an avg_pool2d whose window is the whole map)."""
    c = b.g.tensors[x].shape[3]
    q = b.g.tensors[x].q
    if hard:  # PyTorch's F.avg_pool2d(x, x.shape[2:])
        m = b.pool(x, "avg_pool2d", k=b.g.tensors[x].shape[1:3], s=(1, 1))
    else:
        m = _node(b, "mean", [x], QParams(q.s() * 0.8, q.zp()), axes=(1, 2), keepdims=False)
    if not hard:
        y = f"t{b.k}"
        b.k += 1
        b.g.add_tensor(Tensor(y, (1, 1, 1, c), "int8", q=b.g.tensors[m].q))
        b.g.nodes.append(Node("reshape", f"reshape{b.k}", [m], [y]))
        m = y
    s = b.conv(m, squeeze, (1, 1), act=RELU)
    s = b.conv(s, c, (1, 1), act=NONE)
    if hard:
        b.g.const(f"hs_a{b.k}", np.array([[[[127]]]], np.int8), QParams(1 / 6 / 127, 0))
        s = _node(b, "mul", [s, f"hs_a{b.k}"], QParams(b.g.tensors[s].q.s() / 5, 0), act=NONE)
        b.g.const(f"hs_b{b.k}", np.array([[[[64]]]], np.int8), QParams(0.5 / 64, 0))
        s = _node(b, "add", [s, f"hs_b{b.k}"], QParams(1 / 255, -128), act=NONE)
        s = _node(b, "clamp", [s], QParams(1 / 255, -128), act=(0.0, 1.0))
    else:
        s = _node(b, "logistic", [s], QParams(1 / 256, -128))
    return _node(b, "mul", [x, s], QParams(q.s() * 0.7, int(q.zp()) // 2), act=NONE)


def se_cnn(seed: int = 0):
    """conv -> hard_swish -> dw -> SE(sigmoid) -> conv 1x1 -> + residual -> conv 3x3 s2 -> dw -> SE(hard
    sigmoid) -> conv 1x1 (SPLIT) -> head. 23x20 input: odd sizes, uneven tiles."""
    b = Builder("se_cnn", 23, 20, 3, seed)
    x = b.conv("input", 8, (3, 3), pads=(1, 1, 1, 1), act=NONE)
    x = _node(b, "hard_swish", [x], QParams(0.03, -100))
    r = x
    x = b.dw(x, (3, 3), pads=(1, 1, 1, 1), act=RELU6)
    x = _se(b, x, 4, hard=False)
    x = b.conv(x, 8, (1, 1), act=NONE)
    x = b.add(x, r)
    x = b.conv(x, 16, (3, 3), s=(2, 2), pads=(1, 1, 1, 1), act=RELU6)
    x = b.dw(x, (3, 3), pads=(1, 1, 1, 1), act=RELU6)
    x = _se(b, x, 8, hard=True)
    x = b.conv(x, 16, (1, 1), act=RELU6)
    return b.finish(b.head(x, 5))


G = se_cnn()
SPLIT = [i for i, n in enumerate(G.nodes) if n.op == "avg_pool2d"][-1] - 1  # the 1x1 conv before the head
ONE_SE = next(i for i, n in enumerate(G.nodes) if n.op == "add")  # the residual add after the first SE


def _inputs(n: int, seed: int = 3):
    rng = np.random.default_rng(seed)
    return [rng.integers(-128, 128, G.tensors["input"].shape).astype(np.int8) for _ in range(n)]


def test_stage_holds_two_reductions():
    st = stage_of(G, SPLIT)
    assert [r.mean.op for r in st.reductions] == ["mean", "avg_pool2d"]
    assert all(n.op not in ("mean", "avg_pool2d") for n in st.nodes)
    muls = [n for n in st.nodes if n.op == "mul" and any(x in st.globals for x in n.inputs)]
    assert len(muls) == 2 and len(st.globals) == 2
    # pass 1 runs the first SE's mul (reading pass 0's scale) and stops at the second mean's source
    p1 = pass_stage(st, 1)
    assert p1.output == st.reductions[1].source and p1.globals == {muls[0].inputs[1]}
    assert c_patchable(G, SPLIT)


def test_split_inside_a_branch_is_refused():
    i = next(i for i, n in enumerate(G.nodes) if n.op == "logistic")
    with pytest.raises(TinycError, match="squeeze-excite branch"):
        stage_of(G, i)


@pytest.mark.parametrize("allowance", [100.0, 0.0], ids=["recompute", "store"])
@pytest.mark.parametrize("split,grid", [(ONE_SE, (2, 2)), (ONE_SE, (3, 5)), (SPLIT, (2, 3)), (SPLIT, (4, 4)),
                                        (SPLIT, (1, 2)), (SPLIT, (10, 10))])
def test_numpy_patched_equals_layer_by_layer(split, grid, allowance, monkeypatch):
    import tinyc.patching.search as search
    monkeypatch.setattr(search, "MAX_MAC_OVERHEAD", allowance)  # prepass.arrange: sum or store
    for x in _inputs(2):
        want = run_int(G, {"input": x})
        got = run_patched(G, {"input": x}, split, *grid, return_split=True)
        assert got[G.outputs[0]].tobytes() == want[G.outputs[0]].tobytes()


def test_plan_counts_every_pass():
    """Three passes over the early layers: the plan's MACs exceed one pass's, and are what the C
    lowering reports; the plan's memory is the planned (checked) arena."""
    costs = ModelCosts(G)
    p = evaluate(costs, SPLIT, 3, 3)
    base = layer_by_layer(costs)
    assert p.macs > base.macs and p.work_bytes < base.work_bytes


def test_c_patch_loop_three_passes(monkeypatch):
    """Every pre-pass sums (recomputes): the C loops equal layer by layer and the plan's figures."""
    import tinyc.patching.search as search
    monkeypatch.setattr(search, "MAX_MAC_OVERHEAD", 100.0)
    xs = _inputs(8, seed=5)
    got, c, _ = run_c(G, xs, f"{SPLIT}:3x2")
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(G, {"input": x})[G.outputs[0]].tobytes()
    costs = ModelCosts(G)
    p = evaluate(costs, SPLIT, 3, 2, copy_input=True)
    assert c.report["macs"] == p.macs and c.report["work_bytes"] == p.work_bytes
    assert sum(1 for k in c.program.calls if k.template == "patch_stage.j2") == 3


def test_store_instead_of_recompute(monkeypatch):
    """With no MAC allowance, the pre-passes whose recompute costs MACs store their source whole and the
    later passes load their windows of it (prepass.arrange): fewer MACs than recomputing, same bytes
    (numpy and the C loop)."""
    import tinyc.patching.search as search
    from tinyc.patching.plan import patch_schedule
    costs = ModelCosts(G)
    monkeypatch.setattr(search, "MAX_MAC_OVERHEAD", 100.0)  # every pass recomputes
    assert not patch_schedule(costs, SPLIT, 3, 2, copy_input=True)[3].stored
    recompute = evaluate(costs, SPLIT, 3, 2, copy_input=True)
    monkeypatch.setattr(search, "MAX_MAC_OVERHEAD", 0.0)
    stage = patch_schedule(costs, SPLIT, 3, 2, copy_input=True)[3]
    # the first SE's source is stored; storing the second too would leave the main pass nothing to
    # read from the model input (arrange refuses: the loop's window loader needs it)
    assert stage.stored == {stage.reductions[0].source}
    stored = evaluate(costs, SPLIT, 3, 2, copy_input=True)
    assert stored.macs < recompute.macs
    xs = _inputs(2, seed=7)
    for x in xs:
        assert run_patched(G, {"input": x}, SPLIT, 3, 2)[G.outputs[0]].tobytes() == \
            run_int(G, {"input": x})[G.outputs[0]].tobytes()
    got, c, _ = run_c(G, xs, f"{SPLIT}:3x2")
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(G, {"input": x})[G.outputs[0]].tobytes()
    assert c.report["macs"] == stored.macs and c.report["work_bytes"] == stored.work_bytes


def test_mixed_precision_refuses_a_squeeze_excite_stage():
    from tinyc.pipeline import Options, compile_graph
    with pytest.raises(TinycError, match="squeeze-excite"):
        compile_graph(G, Options(patch=f"{SPLIT}:3x2", precision="mixed"))
