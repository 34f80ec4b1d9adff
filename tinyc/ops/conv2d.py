"""conv2d: NHWC convolution, OHWI weights, groups, strides, dilations, pads (TFLite CONV_2D, int8).

The reference follows reference_integer_ops::ConvPerChannel: accumulate
(x - zp_x) * w over the in-bounds taps in int32, add the bias, requantize per
output channel (MultiplyByQuantizedMultiplier with double rounding, which is
what LiteRT's conv kernels do; see tinyc.quant.conv_requant), add the output
zero point and clamp to the fused activation's range. Padding contributes nothing, which the
reference gets by padding x with its own zero point.
"""
from __future__ import annotations

import numpy as np

from tinyc.errors import TinycError, where
from tinyc.ops.common import Call, inputs_of, weighted_quant
from tinyc.quant.conv_requant import requantize_s8_double
from tinyc.quant.int16 import act_range_s16, is_s16, mixed_call, requantize_s16


def geometry(node, g, kh: int, kw: int) -> dict:
    """Spatial attributes of a conv-like node, checked; adds the output size (oh, ow)."""
    x = g.tensors[node.inputs[0]]
    a = node.attrs
    sh, sw = a.get("strides", (1, 1))
    dh, dw = a.get("dilations", (1, 1))
    pt, pl, pb, pr = a.get("pads", (0, 0, 0, 0))
    if len(x.shape) != 4 or x.shape[0] != 1:
        raise _err(node, g, f"input must be [1, H, W, C], got {list(x.shape)}")
    if min(sh, sw, dh, dw) < 1 or min(pt, pl, pb, pr) < 0:
        raise _err(node, g, "strides and dilations must be >= 1 and pads >= 0")
    _, h, w, _ = x.shape
    oh = (h + pt + pb - dh * (kh - 1) - 1) // sh + 1
    ow = (w + pl + pr - dw * (kw - 1) - 1) // sw + 1
    if oh < 1 or ow < 1:
        raise _err(node, g, f"kernel {kh}x{kw} does not fit the padded {h}x{w} input")
    return dict(h=h, w=w, kh=kh, kw=kw, sh=sh, sw=sw, dh=dh, dw=dw, pads=(pt, pl, pb, pr), oh=oh, ow=ow)


def _err(node, g, what: str) -> TinycError:
    return TinycError(what, where(g.source, node.name, node.op))


def padded(x: np.ndarray, geo: dict, zp: int) -> np.ndarray:
    """x [1,H,W,C] as int64 minus zp, zero-padded by pads (so padding adds nothing to a sum)."""
    pt, pl, pb, pr = geo["pads"]
    xs = x[0].astype(np.int64) - zp
    return np.pad(xs, ((pt, pb), (pl, pr), (0, 0)))


def tap(xp: np.ndarray, geo: dict, ky: int, kx: int) -> np.ndarray:
    """The [OH, OW, C] input samples that kernel tap (ky, kx) meets at every output pixel."""
    y0, x0 = ky * geo["dh"], kx * geo["dw"]
    ys = slice(y0, y0 + (geo["oh"] - 1) * geo["sh"] + 1, geo["sh"])
    xs = slice(x0, x0 + (geo["ow"] - 1) * geo["sw"] + 1, geo["sw"])
    return xp[ys, xs, :]


def _info(node, g):
    x, w = inputs_of(node, g)[:2]
    groups = int(node.attrs.get("groups", 1))
    cout, kh, kw, cin_g = w.shape
    cin = x.shape[-1]
    if groups < 1 or cin != cin_g * groups or cout % groups:
        raise _err(node, g, f"groups={groups} does not divide Cin={cin} / Cout={cout} (weights {list(w.shape)})")
    return geometry(node, g, kh, kw), groups, cin, cout


def shape(node, g):
    geo, _, _, cout = _info(node, g)
    return [(1, geo["oh"], geo["ow"], cout)]


def macs(node, g) -> int:
    geo, groups, cin, cout = _info(node, g)
    return geo["oh"] * geo["ow"] * cout * geo["kh"] * geo["kw"] * (cin // groups)



def ref(node, g, x, w, b=None):
    geo, groups, cin, cout = _info(node, g)
    x_zp, y_zp, m0, sh, lo, hi = weighted_quant(node, g, cout)
    xp = padded(x, geo, x_zp)
    wi = w.astype(np.int64)
    cig, cog = cin // groups, cout // groups
    acc = np.zeros((geo["oh"], geo["ow"], cout), dtype=np.int64)
    for ky in range(geo["kh"]):
        for kx in range(geo["kw"]):
            t = tap(xp, geo, ky, kx)
            for gi in range(groups):
                ti = t[:, :, gi * cig:(gi + 1) * cig]
                wg = wi[gi * cog:(gi + 1) * cog, ky, kx, :]
                acc[:, :, gi * cog:(gi + 1) * cog] += ti @ wg.T
    if b is not None:
        acc = acc + b.astype(np.int64)
    if is_s16(node, g):  # 16x8: int64 accumulator, int16 output (docs/ops.md "Mixed precision")
        return [requantize_s16(acc, m0, sh, *act_range_s16(node, g.tensors[node.outputs[0]]))[None]]
    return [requantize_s8_double(acc, m0, sh, y_zp, lo, hi)[None]]


def is_pointwise(node, g) -> bool:
    """1x1 kernel, stride 1, no pads, one group: the in-place capable tc_convolve_1x1_s8 applies."""
    geo, groups, _, _ = _info(node, g)
    return (geo["kh"], geo["kw"], geo["sh"], geo["sw"], groups) == (1, 1, 1, 1, 1) and not any(geo["pads"])


PAIR_MAX_K, PAIR_MAX_C = 1024, 256  # tc_pair_dsp.h's TC_PAIR_MAX_K / TC_PAIR_MAX_C


def pair_scratch(k: int, cout: int, fields: bool) -> int:
    """Mirror of TC_PAIR_SCRATCH_BYTES (tc_pair_dsp.h): the DSP pair kernels' requantization
    table, widened column and (fields) two gathered receptive fields, in arena scratch."""
    return (16 * cout if cout <= PAIR_MAX_C else 0) + 4 * k + (2 * k if fields else 0)


def scratch_general(k: int, cout: int, groups: int) -> int:
    """Mirror of tc_convolve_s8_get_buffer_size (k = KH * KW * C_IN / groups)."""
    return pair_scratch(k, cout, True) if groups == 1 and k <= PAIR_MAX_K else 0


def scratch_1x1(cin: int, cout: int) -> int:
    """Mirror of tc_convolve_1x1_s8_get_buffer_size: one output pixel of int8 (in place), or the
    DSP pair path's table and column when C_IN allows it."""
    return cout if cin > PAIR_MAX_K else max(cout, pair_scratch(cin, cout, False))


def lower(node, g) -> Call:
    geo, groups, cin, cout = _info(node, g)
    x_zp, y_zp, m0, sh, lo, hi = weighted_quant(node, g, cout)
    params = dict(h=geo["h"], w=geo["w"], cin=cin, cout=cout, kh=geo["kh"], kw=geo["kw"],
                  oh=geo["oh"], ow=geo["ow"], groups=groups,
                  stride_h=geo["sh"], stride_w=geo["sw"], dil_h=geo["dh"], dil_w=geo["dw"],
                  pad_top=geo["pads"][0], pad_left=geo["pads"][1],
                  input_offset=-x_zp, output_offset=y_zp, act_min=lo, act_max=hi)
    call = Call(template="conv2d_s8.j2", node=node.name, inputs=list(node.inputs),
                outputs=list(node.outputs), params=params, arrays=dict(mult=m0, shift=sh))
    if is_pointwise(node, g):
        call.template = "conv2d_1x1_s8.j2"
        call.scratch = scratch_1x1(cin, cout)
        if call.scratch > cout:
            call.scratch_min = cout  # one output pixel: the portable path, pixel by pixel
        call.inplace = (node.inputs[0], node.outputs[0])
    else:
        call.scratch = scratch_general(geo["kh"] * geo["kw"] * (cin // groups), cout, groups)
    call = mixed_call(call, node, g)
    if call.template == "conv2d_s8.j2" and spec_general(params):
        call.params["spec"] = True
    if call.template == "conv2d_1x1_s8.j2" and spec_1x1(cin, cout):
        call.params["spec"] = True
    return call


def spec_general(p: dict) -> bool:
    """Whether a general int8 conv takes tc_convolve_s8_spec in DSP builds: one group, dilation 1,
    receptive field and channels within tc_pair_dsp.h's stack buffers (TC_PAIR_MAX_K / _C)."""
    return (p["groups"], p["dil_h"], p["dil_w"]) == (1, 1, 1) and p["kh"] * p["kw"] * p["cin"] <= PAIR_MAX_K \
        and p["cout"] <= 256


def spec_1x1(cin: int, cout: int) -> bool:
    """Whether a pointwise int8 conv takes tc_convolve_1x1_s8_spec in DSP builds: whole groups of
    four inputs and channel pairs, within tc_pair_dsp.h's stack buffers."""
    return cin % 4 == 0 and cin <= PAIR_MAX_K and cout % 2 == 0 and cout <= PAIR_MAX_C
