"""leaky_relu: y = x for x >= 0, alpha * x otherwise (TFLite LEAKY_RELU, int8 and int16).

TFLite's Prepare computes two multipliers in float32, s_in / s_out and
s_in * alpha / s_out, and QuantizeMultiplier's them; Eval picks one by the
sign of q - zp_in, applies it with double rounding (MultiplyByQuantizedMultiplier),
adds zp_out and saturates to the dtype. tests/ops/test_leaky_relu.py pins this
against LiteRT BUILTIN_REF (int8) and the seanet TFLM goldens (int16).
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.common import QRANGE, SUFFIX, Call, check_int_io, output_of
from tinyc.quant.fixedpoint import mbqm_double, quantize_multiplier


def _quant(node, g) -> dict:
    check_int_io(node, g)
    x = g.tensors[node.inputs[0]]
    y = output_of(node, g)
    s_in, s_out, alpha = np.float32(x.q.s()), np.float32(y.q.s()), np.float32(node.attrs.get("alpha", 0.2))
    mi, si = quantize_multiplier(float(np.float32(s_in / s_out)))
    ma, sa = quantize_multiplier(float(np.float32(np.float32(s_in * alpha) / s_out)))
    return dict(input_offset=-x.q.zp(), output_offset=y.q.zp(), identity_multiplier=mi, identity_shift=si,
                alpha_multiplier=ma, alpha_shift=sa)


def shape(node, g):
    return [tuple(g.tensors[node.inputs[0]].shape)]


def macs(node, g) -> int:
    return 0


def ref(node, g, x):
    p = _quant(node, g)
    y = output_of(node, g)
    v = x.astype(np.int64) + p["input_offset"]
    out = np.where(v >= 0, mbqm_double(v, p["identity_multiplier"], p["identity_shift"]),
                   mbqm_double(v, p["alpha_multiplier"], p["alpha_shift"])) + p["output_offset"]
    return [np.clip(out, *QRANGE[y.dtype]).astype(y.dtype)]


def lower(node, g) -> Call:
    x = g.tensors[node.inputs[0]]
    y = output_of(node, g)
    return Call(template="leaky_relu.j2", node=node.name, inputs=[x.name], outputs=[y.name],
                params=dict(_quant(node, g), size=x.size, kernel=f"tc_leaky_relu_{SUFFIX[y.dtype]}"),
                inplace=(x.name, y.name))
