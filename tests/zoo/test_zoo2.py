"""The second ONNX zoo (tests/zoo/onnx2, made by make_zoo2.py) and the ops it needed.

Oracles: onnxruntime's float output (the probe model's float IR to 1e-4; the zoo models' SQNR against
onnxruntime quantize_static's on the same calibration and test data, bench/zoo.py's method, bar 1 dB);
the numpy integer reference for the generated C, bit for bit (one build for the probe in the default run,
every zoo2 model in the slow run).
"""
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from harness import assert_bitexact  # noqa: E402
from onnx_models import Builder  # noqa: E402

from tinyc.float_ref import run_float  # noqa: E402
from tinyc.pipeline import Options, load_model, quantize  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_zoo", ROOT / "bench" / "zoo.py")
zoo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(zoo)

# Measured misses of the 1 dB bar (bench/zoo.py --zoo 2), expected to fail strictly (a fix shows as XPASS).
# None today. l2_normalize was -1.9 dB before the bias correction of the layers feeding its l2_norm
# (now -0.92: the model ends in F.normalize, which onnxruntime leaves in float, while tinyc's l2_norm rounds
# its output to int8, a ~42-45 dB floor for a 16-value unit vector).
BELOW_1DB: set[str] = set()


def _probe():
    """Every new kernel and pattern of the second zoo in one small model (one C build): Elu, Selu, Softplus, the
    Mish and tanh-GELU chains torch exports, standalone Sqrt, InstanceNormalization, ReduceMax, DepthToSpace (a
    rank-5 transpose), Pow, ReduceSum, Div by Sqrt, ReduceL2 + Clip + Expand + Div (F.normalize), bidirectional
    GRU, nn.GroupNorm's export (group_norm with its affine folded), a 1-D InstanceNorm, an L2-normalised vector
    (l2_norm), reflect and edge Pad (channel and spatial axes), LayerNormalization and a hand-written channel
    LayerNorm (both layer_norm). The other new table ops (Abs, Exp, Log, ...) and Max / Min, 1-D global pools and
    ConvTranspose1d are checked through the zoo2 models (elementwise_math, conv1d_*)."""
    b = Builder(7)
    x = b.input("x", [1, 8, 6, 6])
    s = b.input("s", [5, 1, 6])
    f32 = lambda v: b.const(np.array(v, np.float32))  # noqa: E731
    e = b.node("Elu", [x], alpha=0.9)
    se = b.node("Selu", [e])
    sp = b.node("Softplus", [se])
    mish = b.node("Mul", [x, b.node("Tanh", [b.node("Softplus", [x])])])
    cube = b.node("Mul", [x, b.node("Mul", [x, x])])
    inner = b.node("Mul", [f32(0.7978845608028654), b.node("Add", [x, b.node("Mul", [f32(0.044715), cube])])])
    gt = b.node("Mul", [f32(0.5), b.node("Mul", [x, b.node("Add", [f32(1.0), b.node("Tanh", [inner])])])])
    sq = b.node("Sqrt", [sp])
    inst = b.node("InstanceNormalization", [b.node("Add", [sq, mish]), b.const(np.linspace(0.5, 1.5, 8).astype(
        np.float32)), b.const(np.linspace(-0.2, 0.2, 8).astype(np.float32))], epsilon=1e-5)
    rmax = b.node("ReduceMax", [inst], axes=[2, 3], keepdims=0)
    d2s = b.node("DepthToSpace", [b.node("Add", [inst, gt])], blocksize=2, mode="DCR")
    ss = b.node("ReduceSum", [b.node("Pow", [d2s, f32(2.0)]), b.const(np.array([1], np.int64))], keepdims=1)
    l2 = b.node("Div", [d2s, b.node("Sqrt", [b.node("Add", [ss, f32(1e-6)])])])
    n2 = b.node("ReduceL2", [x, ], axes=[1], keepdims=1)
    fn = b.node("Div", [x, b.node("Expand", [b.node("Clip", [n2, f32(1e-12)]),
                                            b.const(np.array([1, 8, 6, 6], np.int64))])])
    # nn.GroupNorm as torch exports it (negative and zero gamma), a 1-D InstanceNorm, L2 norm of a vector
    gs = b.node("Reshape", [x, b.const(np.array([1, 4, -1], np.int64))])
    gi = b.node("InstanceNormalization", [gs, b.const(np.ones(4, np.float32)), b.const(np.zeros(4, np.float32))])
    gw = np.linspace(-1.0, 1.5, 8).astype(np.float32)
    gw[3] = 0.0
    gn = b.node("Add", [b.node("Mul", [b.node("Reshape", [gi, b.const(np.array([1, 8, 6, 6], np.int64))]),
                                       b.const(gw.reshape(8, 1, 1))]),
                        b.const(np.linspace(0.3, -0.3, 8).astype(np.float32).reshape(8, 1, 1))])
    i1 = b.node("InstanceNormalization", [b.node("Reshape", [x, b.const(np.array([1, 8, 36], np.int64))]),
                                          b.const(np.linspace(2.0, 0.5, 8).astype(np.float32)),
                                          b.const(np.zeros(8, np.float32))], epsilon=1e-3)
    v = b.node("Gemm", [b.node("Reshape", [x, b.const(np.array([1, 288], np.int64))]), b.weight(12, 288, scale=0.05)],
               transB=1)
    vn = b.node("Div", [v, b.node("Sqrt", [b.node("ReduceSum", [b.node("Mul", [v, v]),
                                                               b.const(np.array([1], np.int64))], keepdims=1)])])
    pr = b.node("Pad", [x, b.const(np.array([0, 1, 2, 0, 0, 2, 1, 3], np.int64))], mode="reflect")
    pe = b.node("Pad", [pr, b.const(np.array([0, 0, 3, 1, 0, 2, 0, 2], np.int64))], mode="edge")
    ln = b.node("LayerNormalization", [s, b.const(np.linspace(1.5, -0.5, 6).astype(np.float32)),
                                       b.const(np.linspace(-0.1, 0.2, 6).astype(np.float32))], axis=-1, epsilon=1e-5)
    xv = b.node("Conv", [x, b.weight(8, 8, 1, 1)], kernel_shape=[1, 1])  # NHWC from here: the C axis is last
    u = b.node("ReduceMean", [xv], axes=[1], keepdims=1)  # ConvNeXt's channels-first LayerNorm, by hand
    xc = b.node("Sub", [xv, u])
    var = b.node("ReduceMean", [b.node("Pow", [xc, f32(2.0)])], axes=[1], keepdims=1)
    ln2 = b.node("Add", [b.node("Mul", [b.const(np.linspace(0.5, 1.5, 8).astype(np.float32).reshape(8, 1, 1)),
                                        b.node("Div", [xc, b.node("Sqrt", [b.node("Add", [var, f32(1e-6)])])])]),
                         b.const(np.linspace(0.2, -0.2, 8).astype(np.float32).reshape(8, 1, 1))])
    hid = 4
    y, yh = b.node("GRU", [s, b.weight(2, 3 * hid, 6), b.weight(2, 3 * hid, hid), b.weight(2, 6 * hid)], n_out=2,
                   hidden_size=hid, direction="bidirectional")
    return b.model([rmax, l2, fn, y, yh, gn, i1, vn, pe, ln, ln2])


def _samples(path, n, seed):
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    return sess, [{i.name: rng.standard_normal(i.shape).astype(np.float32) for i in sess.get_inputs()}
                  for _ in range(n)]


def test_probe_float_int8_and_c(tmp_path):
    path = tmp_path / "probe.onnx"
    onnx.save(_probe(), path)
    g = load_model(path)
    ops = {n.op for n in g.nodes}
    assert any(n.op == "gelu" and n.attrs.get("approximate") for n in g.nodes)
    assert {"mish", "elu", "selu", "softplus", "sqrt", "rsqrt", "gru_f32", "group_norm", "l2_norm", "pad_edge"} <= ops
    assert sum(n.op == "layer_norm" for n in g.nodes) == 2
    assert sum(n.op == "group_norm" and n.attrs["groups"] == 4 and n.attrs["gamma"][3] == 0 for n in g.nodes) == 1
    assert "div" not in ops
    sess, test = _samples(path, 4, 1)
    for s in test:  # the float IR after all passes == onnxruntime
        got = run_float(g, s)
        for o, want in zip(g.outputs, sess.run(None, s)):
            np.testing.assert_allclose(got[o], want, rtol=1e-4, atol=1e-4, err_msg=o)
    _, calib = _samples(path, 16, 0)
    np.savez(tmp_path / "calib.npz", **{k: np.stack([c[k][0] if c[k].shape[0] == 1 else c[k] for c in calib])
                                         for k in calib[0]})  # the batch dim of 1 dropped; the GRU's [T, 1, I] kept
    q = quantize(g, Options(calib=str(tmp_path / "calib.npz")))
    num = den = 0.0
    for s in test:  # int8 against onnxruntime's float, every output together
        got = run_int(q, s)
        for o, want in zip(q.outputs, sess.run(None, s)):
            num += float(np.sum(want.astype(np.float64) ** 2))
            den += float(np.sum((want.astype(np.float64) - got[o]) ** 2))
    assert 10 * np.log10(num / den) > 20
    assert_bitexact(q, [[s[n] for n in q.inputs] for s in test])


@pytest.mark.slow
def test_probe_c_equals_reference_on_qemu(tmp_path):
    """The new kernels (group_norm, l2_norm, pad_edge, rank-5 transpose, LUTs) built with arm-none-eabi-gcc
    (-Werror) and run on mps2-an386 (Cortex-M4): still the numpy reference bit for bit."""
    path = tmp_path / "probe.onnx"
    onnx.save(_probe(), path)
    _, calib = _samples(path, 16, 0)
    np.savez(tmp_path / "calib.npz", **{k: np.stack([c[k][0] if c[k].shape[0] == 1 else c[k] for c in calib])
                                         for k in calib[0]})
    q = quantize(load_model(path), Options(calib=str(tmp_path / "calib.npz")))
    _, test = _samples(path, 2, 1)
    assert_bitexact(q, [[s[n] for n in q.inputs] for s in test], board="mps2-an386")


def test_zoo2_has_the_architectures():
    names = zoo.models(zoo.ZOO2)
    assert len(names) >= 19, names


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason="below the 1 dB bar"))
                                  if n in BELOW_1DB else n for n in zoo.models(zoo.ZOO2)])
def test_zoo2_within_1db_of_onnxruntime(name, tmp_path):
    r = zoo.measure(name, tmp_path, zoo.ZOO2)
    assert r["compiles"], r.get("error")
    assert "ort" in r, r.get("ort_error")
    assert r["tinyc"] >= r["ort"] - 1.0, f"{name}: tinyc {r['tinyc']:.2f} dB vs onnxruntime {r['ort']:.2f} dB"


def _refused(kind):
    b = Builder(1)
    x = b.input("x", [1, 4, 5, 5])
    if kind == "div":
        y = b.node("Div", [x, b.node("Relu", [x])])
    elif kind == "pow":
        y = b.node("Pow", [x, b.const(np.array(1.7, np.float32))])
    else:
        y = b.node("ReduceMax", [x], axes=[2], keepdims=1)
    return b.model([y])


@pytest.mark.parametrize("kind, message", [
    ("div", "node 'Div_2' (Div): division by a run-time tensor is only supported for a Sqrt divisor"),
    ("pow", "(Pow): Pow exponent 1.7 is not supported"),
    ("reducemax", "(ReduceMax): ReduceMax over axes [2] of a rank-4 tensor is not supported")])
def test_refusal_is_one_line_exit_2(kind, message, tmp_path):
    path = tmp_path / f"{kind}.onnx"
    onnx.save(_refused(kind), path)
    p = subprocess.run([sys.executable, "-m", "tinyc.cli", "compile", str(path), "-o", str(tmp_path / "out")],
                       capture_output=True, text=True, cwd=ROOT)
    assert p.returncode == 2
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and str(path) in lines[0], p.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.parametrize("name", zoo.models(zoo.ZOO2))
def test_zoo2_c_equals_reference(name, tmp_path):
    path = zoo.ZOO2 / f"{name}.onnx"
    q = zoo.tinyc_graph(path, zoo.data(path, 0, 8), tmp_path)
    assert_bitexact(q, [[s[n] for n in q.inputs] for s in zoo.data(path, 1, 2)], sanitize=False)
