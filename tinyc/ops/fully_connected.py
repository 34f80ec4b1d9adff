"""fully_connected: y[N, Cout] = x[N, K] . w[Cout, K]^T + b (TFLite FULLY_CONNECTED, int8 and 16x8).

16x8 requantizes each int64 sum in double as LiteRT's reference kernel does
(tinyc.quant.int16.requantize_fc_s16); the C kernel tc_fully_connected_s16 gets the double
per-channel scales s_x * s_w[c] / s_y.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.common import Call, channel_scales, inputs_of, weighted_quant
from tinyc.quant.fixedpoint import requantize_s8
from tinyc.quant.int16 import act_range_s16, is_s16, mixed_call, requantize_fc_s16


def _dims(node, g):
    x, w, _ = (inputs_of(node, g) + [None])[:3]
    cout, k = w.shape
    return x.size // k, k, cout


def shape(node, g):
    n, _, cout = _dims(node, g)
    return [(n, cout)]


def macs(node, g) -> int:
    n, k, cout = _dims(node, g)
    return n * k * cout


def _scales(node, g, cout) -> np.ndarray:
    x, w = inputs_of(node, g)[:2]
    return channel_scales(x, w, g.tensors[node.outputs[0]], cout)


def ref(node, g, x, w, b=None):
    n, k, cout = _dims(node, g)
    x_zp, y_zp, m0, sh, lo, hi = weighted_quant(node, g, cout)
    acc = (x.reshape(n, k).astype(np.int64) - x_zp) @ w.astype(np.int64).T
    if b is not None:
        acc = acc + b.astype(np.int64)
    if is_s16(node, g):  # 16x8: int64 accumulator, int16 output (docs/ops.md "Mixed precision")
        return [requantize_fc_s16(acc, _scales(node, g, cout), *act_range_s16(node, g.tensors[node.outputs[0]]))]
    return [requantize_s8(acc, m0, sh, y_zp, lo, hi)]


def lower(node, g) -> Call:
    n, k, cout = _dims(node, g)
    x_zp, y_zp, m0, sh, lo, hi = weighted_quant(node, g, cout)
    call = mixed_call(Call(
        template="fully_connected_s8.j2", node=node.name,
        inputs=list(node.inputs), outputs=list(node.outputs),
        params=dict(batches=n, in_ch=k, out_ch=cout, input_offset=-x_zp,
                    output_offset=y_zp, act_min=lo, act_max=hi),
        arrays=dict(mult=m0, shift=sh),
    ), node, g)
    if call.template == "fully_connected_s16.j2":
        call.arrays = dict(scale=_scales(node, g, cout))
    if call.template == "fully_connected_s8.j2":
        call.scratch = scratch_fc(k)
        if spec_fc(k, cout):
            call.params["spec"] = True
            b = g.tensors[node.inputs[2]].data if len(node.inputs) > 2 and node.inputs[2] else None
            away = halves_possible(m0, sh, b, k, x_zp)
            table = single_rounding_table(m0, sh, b, y_zp, away)
            if table is not None and k % 4 == 0:
                call.arrays.update(rq_c=table[0], rq_rs=table[1])
                if away:
                    call.arrays.update(rq_nb=table[2])
    return call


def halves_possible(m0, sh, bias, k: int, x_zp: int) -> bool:
    """Whether some (acc + bias) * M0 of this layer can be an exact half, 2^(T-1) mod 2^T with
    T = 31 - shift: only then do mbqm (halves up) and mbqm_away differ. That needs acc + bias to be
    a multiple of 2^(T-1-z), z the trailing zero bits of M0, and |acc + bias| is at most
    k * 128 * (128 + |x_zp|) + |bias|: for the usual scales 2^(T-1-z) is far larger."""
    t = 31 - np.asarray(sh, dtype=np.int64).reshape(-1)
    m = np.asarray(m0, dtype=np.int64).reshape(-1)
    b = np.zeros(m.size, np.int64) if bias is None else np.abs(np.asarray(bias, dtype=np.int64).reshape(-1))
    bound = k * 128 * (128 + abs(int(x_zp))) + b
    for ti, mi, bi in zip(t, m, bound):
        z = (int(mi) & -int(mi)).bit_length() - 1 if mi else 0
        if mi and int(ti) - 1 - z <= int(bi).bit_length():
            return True
    return False


def single_rounding_table(m0, sh, bias, y_zp, away: bool = True):
    """(c, rs, nb) per output channel such that, for every int32 accumulator a (bias excluded) with
    a + bias in int32, ((c + [a >= nb] + a * m0) >> 32) >> rs == mbqm_away(a + bias, m0, sh) + y_zp:
    the single rounding of LiteRT's fully connected (halves away from zero) with bias, rounding
    half and output offset folded into one 64-bit constant, so that one SMLAL, a compare and one
    shift requantize (tc_fc_sr in tc_fc_spec_dsp.h). With T = 31 - shift:
    c = bias * m0 + 2^(T-1) - 1 + y_zp * 2^T, nb = -bias (a >= nb: the product is not negative, so
    the 1 comes back and a half rounds up) and rs = T - 32. With away=False (no exact half is
    possible: halves_possible) c keeps the whole half and the compare is left out.
    None unless every channel has 32 <= T <= 53 (then |c + a * m0| < 2^63)."""
    t = 31 - np.asarray(sh, dtype=np.int64).reshape(-1)
    if t.size == 0 or t.min() < 32 or t.max() > 53:
        return None
    m = np.asarray(m0, dtype=np.int64).reshape(-1)
    b = np.zeros(m.size, np.int64) if bias is None else np.asarray(bias, dtype=np.int64).reshape(-1)
    if b.size and b.min() <= -(1 << 31):
        return None  # -bias must be an int32
    c = [int(bi) * int(mi) + (1 << int(ti - 1)) - int(away) + int(y_zp) * (1 << int(ti))
         for bi, mi, ti in zip(b, m, t)]
    if any(abs(v) >= 1 << 62 for v in c):
        return None
    return np.array(c, dtype=np.int64), (t - 32).astype(np.int32), (-b).astype(np.int32)


def scratch_fc(k: int) -> int:
    """Mirror of tc_fully_connected_s8_get_buffer_size: the DSP path's widened row."""
    return 2 * k if k <= 1024 else 0


def spec_fc(k: int, cout: int) -> bool:
    """Whether an int8 fully connected layer takes tc_fully_connected_s8_spec in DSP builds: rows
    within TC_FC_SPEC_MAX_K and worth a kernel of their own (measured on mps2-an386/an500: the AD
    model's 8-, 128- and 640-wide layers gain)."""
    return 8 <= k <= 1024 and cout >= 4
