"""lstm: int8 unidirectional sequence LSTM (TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, integer 8x8_16 kernel).

Inputs: x int8 [B, T, I] (or [T, B, I] with time_major), the input weights of the input, forget,
cell and output gates (int8 [N, I], one scale each), the recurrent weights (int8 [N, N]), the four
int32 gate biases, and the initial output state (int8 [B, N]) and cell state (int16 [B, N], scale
2^k) as constants. attrs: time_major, cell_clip (real units, 0 = none), hidden_scale / hidden_zp
(TFLite's effective hidden-state intermediate). Output int8 [B, T, N]: the output state per step.

Per step and gate (TFLite LstmStepInteger8x8_16): g = sat16(MBQM(x.W_x + b_eff_x, M_x)),
g = sat16(MBQM(h.W_h + b_eff_h, M_h) + g) with M = s_w s_in / 2^-12 (float32) and the zero
points folded into the effective biases; i, f, o = logistic, c~ = tanh of g as gemmlowp
FixedPoint<int16, 3> (tinyc.quant.gemmlowp16); c = sat16(rdbpot(f c, 15) + rdbpot(i c~, 30 + k)),
clipped; h = sat8(MBQM(o tanh(c), 2^-30 / hidden_scale) + hidden_zp). MBQM is double rounding.
The state starts from the initial constants at every invoke: tinyc's LSTM is stateless across
inferences (LiteRT keeps its variable tensors between invokes unless reset_all_variables() is called).
"""
from __future__ import annotations

import math

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, output_of
from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier, rdbpot
from tinyc.quant.gemmlowp16 import logistic16, tanh16, w16

GATE_SCALE = np.float32(2.0 ** -12)  # gates are Q3.12 before their activation


def _err(node, g, what):
    return TinycError(what, where(g.source, node.name, node.op))


def params(node, g) -> dict:
    """Every constant of the kernel: dims, multipliers, effective biases, cell-state exponent, clip."""
    t = inputs_of(node, g)
    x, wx, wh, b, h0, c0 = t[0], t[1:5], t[5:9], t[9:13], t[13], t[14]
    n_cell, n_in = wx[0].shape
    time_major = bool(node.attrs.get("time_major", False))
    steps, batch = (x.shape[0], x.shape[1]) if time_major else (x.shape[1], x.shape[0])
    if x.shape[2] != n_in or any(w.shape != (n_cell, n_in) for w in wx) or \
            any(w.shape != (n_cell, n_cell) for w in wh) or h0.size != batch * n_cell or c0.size != batch * n_cell:
        raise _err(node, g, "LSTM weights, states and input do not have matching sizes")
    if c0.dtype != "int16" or h0.dtype != "int8" or c0.q is None or h0.q is None:
        raise _err(node, g, "LSTM states must be int8 (output) and int16 (cell) with QParams")
    mant, exp = math.frexp(float(c0.q.s()))
    if mant != 0.5 or c0.q.zp() != 0 or not -15 <= exp - 1 <= -9:
        raise _err(node, g, f"the LSTM cell state scale {c0.q.s()} is not 2^k (-15 <= k <= -9, TFLite's ApplyTanh "
                            "range) with zero point 0")
    cell_exp = exp - 1
    s_x, s_h = np.float32(x.q.s()), np.float32(h0.q.s())
    mx = [quantize_multiplier(float(np.float32(np.float32(w.q.s()) * s_x) / GATE_SCALE)) for w in wx]
    mh = [quantize_multiplier(float(np.float32(np.float32(w.q.s()) * s_h) / GATE_SCALE)) for w in wh]
    hidden = quantize_multiplier(float(np.float32(2.0 ** -15 / float(np.float32(node.attrs["hidden_scale"])) * 2.0 ** -15)))
    bx = [bi.data.astype(np.int64) - x.q.zp() * w.data.astype(np.int64).sum(1) for bi, w in zip(b, wx)]
    bh = [-h0.q.zp() * w.data.astype(np.int64).sum(1) for w in wh]
    clip = float(node.attrs.get("cell_clip", 0.0))
    qclip = int(min(max(clip / float(c0.q.s()), -32768), 32767)) if clip > 0 else 0
    return dict(steps=steps, batch=batch, n_in=n_in, n_cell=n_cell, time_major=time_major, mx=mx, mh=mh,
                hidden=hidden, hidden_zp=int(node.attrs.get("hidden_zp", 0)), bx=bx, bh=bh, cell_exp=cell_exp,
                clip=qclip)


def shape(node, g):
    x = inputs_of(node, g)[0]
    n_cell = inputs_of(node, g)[1].shape[0]
    return [(x.shape[0], x.shape[1], n_cell)]


def macs(node, g) -> int:
    p = params(node, g)
    return p["steps"] * p["batch"] * 4 * p["n_cell"] * (p["n_in"] + p["n_cell"])


def ref(node, g, x, *rest):
    p = params(node, g)
    wx = [w.astype(np.int64) for w in rest[0:4]]
    wh = [w.astype(np.int64) for w in rest[4:8]]
    h = rest[12].astype(np.int64).reshape(p["batch"], p["n_cell"])
    c = rest[13].astype(np.int64).reshape(p["batch"], p["n_cell"])
    xs = np.asarray(x, dtype=np.int64)
    xs = xs if p["time_major"] else xs.transpose(1, 0, 2)  # [T, B, I]
    out = np.zeros((p["steps"], p["batch"], p["n_cell"]), dtype=np.int64)
    for t in range(p["steps"]):
        gates = []
        for k in range(4):
            a = np.clip(mbqm_double(xs[t] @ wx[k].T + p["bx"][k], *p["mx"][k]), -32768, 32767)
            gates.append(np.clip(mbqm_double(h @ wh[k].T + p["bh"][k], *p["mh"][k]) + a, -32768, 32767))
        i, f, o = logistic16(gates[0], 3), logistic16(gates[1], 3), logistic16(gates[3], 3)
        cg = tanh16(gates[2], 3)
        c = np.clip(w16(rdbpot(f * c, 15)) + w16(rdbpot(i * cg, 30 + p["cell_exp"])), -32768, 32767)
        if p["clip"] > 0:
            c = np.clip(c, -p["clip"], p["clip"])
        h = np.clip(mbqm_double(o * tanh16(c, 15 + p["cell_exp"]), *p["hidden"]) + p["hidden_zp"], -128, 127)
        out[t] = h
    out = out if p["time_major"] else out.transpose(1, 0, 2)
    return [out.astype(np.int8)]


def scratch_bytes(p: dict) -> int:
    """Mirror of tc_lstm_s8_get_buffer_size: cell state (int16), 4 gates (int16), output state (int8)."""
    n = p["batch"] * p["n_cell"]
    return 2 * n + 8 * n + n


def lower(node, g) -> Call:
    p = params(node, g)
    y = output_of(node, g)
    if y.dtype != "int8":
        raise _err(node, g, f"LSTM output must be int8, got {y.dtype}")
    b = [g.tensors[n].data.astype(np.int64) for n in node.inputs[9:13]]
    corr = [bx - bi for bx, bi in zip(p["bx"], b)] + p["bh"]  # the zero points' share of the effective biases
    if max(np.abs(np.concatenate(p["bx"] + p["bh"] + corr)).max(), 0) >= 1 << 31:
        raise _err(node, g, "an LSTM effective bias does not fit int32")
    arrays = dict(mult=np.array([m for m, _ in p["mx"] + p["mh"]], dtype=np.int32),
                  shift=np.array([s for _, s in p["mx"] + p["mh"]], dtype=np.int32),
                  zp_corr=np.concatenate(corr).astype(np.int32))
    call = Call(template="lstm_s8.j2", node=node.name, inputs=list(node.inputs), outputs=list(node.outputs),
                params=dict(steps=p["steps"], batch=p["batch"], n_in=p["n_in"], n_cell=p["n_cell"],
                            time_major=int(p["time_major"]), hidden_mult=p["hidden"][0], hidden_shift=p["hidden"][1],
                            hidden_zp=p["hidden_zp"], cell_exp=p["cell_exp"], clip=p["clip"]),
                arrays=arrays)
    call.scratch = scratch_bytes(p)
    return call
