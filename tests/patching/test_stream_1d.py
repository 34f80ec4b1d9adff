"""1-D models stream along their time axis: tinyc.passes.rows_1d relabels [1, 1, W, C] maps as
[1, W, 1, C] (same bytes), and --patch auto picks a row-band plan (tinyc.patching.stream) over them.

Oracles: tinyc.ref.run_int on the graph as loaded (layer by layer, numpy), byte for byte, for the
relabelled graph, the streaming numpy executor (run_stage_stream) and the generated C (host,
ASan+UBSan); the layer-by-layer MACs (streaming recomputes nothing).
"""
import numpy as np
import pytest

from c_run import run_c
from nets import NONE, RELU, Builder
from tinyc.ir import Node, Tensor
from tinyc.passes.rows_1d import rows_1d
from tinyc.patching.receptive import stage_of
from tinyc.patching.split import split_graph
from tinyc.patching.stream import run_stage_stream
from tinyc.ref import run_int


def audio_net(length=800, round_trips=True, seed=0):
    """A raw-audio 1-D CNN as the TFLite converter writes Keras Conv1D / MaxPooling1D: a [1, W, C]
    input expanded to [1, 1, W, C], and (round_trips) each layer's output squeezed to [1, W, C] and
    expanded back; strided convs, a depthwise, a max pool, a global average and a dense head."""
    b = Builder("audio1d", 1, length, 1, seed)
    g = b.g
    g.add_tensor(Tensor("pcm", (1, length, 1), "int8", q=g.tensors["input"].q))
    g.inputs = ["pcm"]
    g.nodes.append(Node("reshape", "expand", ["pcm"], ["input"]))

    def trip(x):
        if not round_trips:
            return x
        _, _, w, c = g.tensors[x].shape
        for shape in ((1, w, c), (1, 1, w, c)):
            y = f"t{b.k}"
            b.k += 1
            g.add_tensor(Tensor(y, shape, "int8", q=g.tensors[x].q))
            g.nodes.append(Node("reshape", f"rs{b.k}", [x], [y]))
            x = y
        return x
    x = trip(b.conv("input", 16, (1, 9), (1, 4), (0, 4, 0, 4), act=RELU))
    x = trip(b.conv(x, 24, (1, 5), (1, 2), (0, 2, 0, 2), act=RELU))
    x = trip(b.dw(x, (1, 3), (1, 1), (0, 1, 0, 1), act=RELU))
    x = trip(b.pool(x, "max_pool2d", (1, 2), (1, 2)))
    x = trip(b.conv(x, 32, (1, 3), (1, 2), (0, 1, 0, 1), act=NONE))
    return b.finish(b.head(x, 6))


def _x(g, seed):
    return np.random.default_rng(seed).integers(-128, 128, g.tensors[g.inputs[0]].shape).astype(np.int8)


def test_rows_1d_relabels_without_changing_bytes():
    """Round trips gone, every map [1, W, 1, C], weights and attributes swapped: same outputs."""
    g = audio_net()
    h = rows_1d(g.copy())
    assert not any(n.name.startswith("rs") for n in h.nodes)
    for n in h.nodes:
        for y in n.outputs:
            s = h.tensors[y].shape
            assert len(s) != 4 or s[2] == 1, (n.name, s)
    x = _x(g, 1)
    assert run_int(h, {"pcm": x})[h.outputs[0]].tobytes() == run_int(g, {"pcm": x})[g.outputs[0]].tobytes()


def test_rows_1d_leaves_2d_and_interface_alone():
    """A 2-D net, and a 1-D map that is a graph output, keep their shapes."""
    b = Builder("img", 6, 6, 3)
    g2 = b.finish(b.conv("input", 4, (1, 3), (1, 1), (0, 1, 0, 1)))
    assert [t.shape for t in rows_1d(g2.copy()).tensors.values()] == [t.shape for t in g2.tensors.values()]
    b = Builder("out1d", 1, 16, 3)
    g1 = b.finish(b.conv("input", 4, (1, 3), (1, 1), (0, 1, 0, 1)))
    h = rows_1d(g1.copy())
    assert h.tensors[h.outputs[0]].shape == (1, 1, 16, 4) and h.tensors["input"].shape == (1, 1, 16, 3)


@pytest.mark.parametrize("split,nbands", [(1, 7), (3, 16), (5, 8)])
def test_stream_1d_numpy_bit_exact(split, nbands):
    """The relabelled stage streamed in row bands equals layer by layer on the split tensor."""
    g = rows_1d(audio_net(round_trips=False))
    ref = run_int(g, {"pcm": _x(g, split)}, return_all=True)
    _, sub = split_graph(g)  # after the input interface (the expand reshape)
    stage = stage_of(sub, split)
    got = run_stage_stream(stage, ref[stage.input], nbands)
    assert np.array_equal(got, ref[stage.output])


def test_auto_streams_1d_in_c():
    """--patch auto on the converter-shaped net: a streamed plan on the time axis, >= 2x less work
    memory, no extra MACs; the host C (ASan+UBSan) equals layer by layer byte for byte."""
    g = audio_net()
    xs = [_x(g, 3), _x(g, 4)]
    got, c, _ = run_c(g, xs, "auto")
    p = c.report["patch"]
    assert p["plan"].endswith("s") and p["macs"] == p["macs_layer_by_layer"]
    assert 2 * p["work_bytes"] <= p["work_bytes_layer_by_layer"]
    for x, y in zip(xs, got):
        assert y.tobytes() == run_int(g, {"pcm": x})[g.outputs[0]].tobytes()


def test_lift_1d_tcn_is_an_nhwc_chain():
    """The zoo's TCN (ONNX Conv1d, ReLU and residual Add on NCL, causal Pad): after the float passes
    no transpose sits between its first and last convolution (lift_1d, then to_nhwc), and the float
    graph still equals onnxruntime (oracle)."""
    import onnxruntime as ort
    from tinyc.float_ref import run_float
    from tinyc.pipeline import load_model
    path = "tests/zoo/onnx/tcn.onnx"
    g = load_model(path)
    convs = [i for i, n in enumerate(g.nodes) if n.op == "conv2d"]
    assert len(convs) >= 7
    assert not [n.name for n in g.nodes[convs[0]:convs[-1]] if n.op == "transpose"]
    x = np.random.default_rng(0).standard_normal(g.tensors[g.inputs[0]].shape).astype(np.float32)
    want = ort.InferenceSession(path).run(None, {g.inputs[0]: x})[0]
    got = run_float(g, {g.inputs[0]: x})[g.outputs[0]]
    assert np.allclose(got.reshape(want.shape), want, atol=1e-4)


def test_auto_n_by_1_grid_1d_in_c():
    """The zoo's wav2letter (ONNX Conv1d): auto picks an N x 1 grid over the time axis (its stage has
    a recomputed halo); host C == layer by layer C, byte for byte."""
    import tinyc
    path = "tests/zoo/onnx2/wav2letter.onnx"
    calib = np.random.default_rng(1).standard_normal((8, 13, 64)).astype(np.float32)
    x = np.random.default_rng(2).standard_normal((2, 13, 64)).astype(np.float32)
    lbl, auto = tinyc.compile(path, calib=calib), tinyc.compile(path, calib=calib, patch="auto")
    p = auto.report["patch"]
    assert p["grid"][1] == 1 and not p["plan"].endswith("s") and p["work_bytes"] < p["work_bytes_layer_by_layer"]
    assert auto.predict(x).tobytes() == lbl.predict(x).tobytes()
