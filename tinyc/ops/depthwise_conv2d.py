"""depthwise_conv2d: NHWC depthwise convolution, weights [1,KH,KW,Cout] (TFLite DEPTHWISE_CONV_2D, int8).

The reference follows reference_integer_ops::DepthwiseConvPerChannel: output
channel oc = ic * depth_multiplier + m sums (x[.., ic] - zp_x) * w[0, ky, kx, oc]
over the in-bounds taps, adds the bias, requantizes per output channel
(double rounding, as conv2d), adds the output zero point and clamps.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.common import Call, inputs_of, weighted_quant
from tinyc.ops.conv2d import _err, geometry, padded, tap
from tinyc.quant.conv_requant import requantize_s8_double
from tinyc.quant.int16 import act_range_s16, is_s16, mixed_call, requantize_s16


def _info(node, g):
    x, w = inputs_of(node, g)[:2]
    cin = x.shape[-1]
    if len(w.shape) != 4 or w.shape[0] != 1:
        raise _err(node, g, f"weights must be [1, KH, KW, Cout], got {list(w.shape)}")
    _, kh, kw, cout = w.shape
    dm = int(node.attrs.get("depth_multiplier", cout // max(cin, 1)))
    if dm < 1 or cout != cin * dm:
        raise _err(node, g, f"Cout={cout} is not Cin={cin} x depth_multiplier={dm}")
    return geometry(node, g, kh, kw), dm, cin, cout


def shape(node, g):
    geo, _, _, cout = _info(node, g)
    return [(1, geo["oh"], geo["ow"], cout)]


def macs(node, g) -> int:
    geo, _, _, cout = _info(node, g)
    return geo["oh"] * geo["ow"] * cout * geo["kh"] * geo["kw"]



def ref(node, g, x, w, b=None):
    geo, dm, _, cout = _info(node, g)
    x_zp, y_zp, m0, sh, lo, hi = weighted_quant(node, g, cout)
    xp = padded(x, geo, x_zp)
    wi = w.astype(np.int64)[0]
    acc = np.zeros((geo["oh"], geo["ow"], cout), dtype=np.int64)
    for ky in range(geo["kh"]):
        for kx in range(geo["kw"]):
            t = np.repeat(tap(xp, geo, ky, kx), dm, axis=2)  # channel ic -> ic*dm .. ic*dm+dm-1
            acc += t * wi[ky, kx, :]
    if b is not None:
        acc = acc + b.astype(np.int64)
    if is_s16(node, g):  # 16x8: int64 accumulator, int16 output (docs/ops.md "Mixed precision")
        return [requantize_s16(acc, m0, sh, *act_range_s16(node, g.tensors[node.outputs[0]]))[None]]
    return [requantize_s8_double(acc, m0, sh, y_zp, lo, hi)[None]]


def can_run_inplace(node, g) -> bool:
    """depth_multiplier 1 and an output plane no larger than the input plane (TinyEngine-style in place)."""
    geo, dm, _, _ = _info(node, g)
    return dm == 1 and geo["oh"] * geo["ow"] <= geo["h"] * geo["w"]


def scratch_bytes(oh: int, ow: int, dm: int) -> int:
    """Mirror of tc_depthwise_conv_s8_get_buffer_size: four int8 output planes when dm == 1
    (the DSP kernel runs four channels per pass), else 0."""
    return 4 * oh * ow if dm == 1 else 0


def min_scratch_bytes(w: int, oh: int, ow: int, stride_h: int, pad_top: int) -> int:
    """Mirror of tc_depthwise_conv_s8_get_min_buffer_size (dm == 1): a ring of R output rows of
    one channel, R the most rows computed but not yet written back in place (a row is written
    once no later output row reads the input bytes under it)."""
    head = most = 0
    for oy in range(oh):
        most = max(most, oy - head + 1)
        lo = (oy + 1) * stride_h - pad_top
        while head <= oy and (oy + 1 == oh or ((head + 1) * ow - 1) // w < lo):
            head += 1
    return most * ow


def lower(node, g) -> Call:
    geo, dm, cin, cout = _info(node, g)
    x_zp, y_zp, m0, sh, lo, hi = weighted_quant(node, g, cout)
    params = dict(h=geo["h"], w=geo["w"], cin=cin, cout=cout, kh=geo["kh"], kw=geo["kw"],
                  oh=geo["oh"], ow=geo["ow"], ch_mult=dm,
                  stride_h=geo["sh"], stride_w=geo["sw"], dil_h=geo["dh"], dil_w=geo["dw"],
                  pad_top=geo["pads"][0], pad_left=geo["pads"][1],
                  input_offset=-x_zp, output_offset=y_zp, act_min=lo, act_max=hi)
    call = Call(template="depthwise_conv2d_s8.j2", node=node.name, inputs=list(node.inputs),
                outputs=list(node.outputs), params=params, arrays=dict(mult=m0, shift=sh))
    if can_run_inplace(node, g):
        call.scratch = scratch_bytes(geo["oh"], geo["ow"], dm)
        # a ring of output rows: channels one at a time
        call.scratch_min = min_scratch_bytes(geo["w"], geo["oh"], geo["ow"], geo["sh"], geo["pads"][0])
        call.inplace = (node.inputs[0], node.outputs[0])
    call = mixed_call(call, node, g)
    if call.template == "depthwise_conv2d_s8.j2" and spec_3x3(params):
        call.params["spec"] = True  # the template also needs four planes of scratch, or none
    return call


def spec_3x3(p: dict) -> bool:
    """Whether a depthwise int8 conv takes tc_dw_3x3_s8_spec in DSP builds: 3x3, dilation 1,
    depth multiplier 1, whole blocks of four channels."""
    return ((p["kh"], p["kw"], p["dil_h"], p["dil_w"], p["ch_mult"]) == (3, 3, 1, 1, 1)
            and p["cin"] % 4 == 0)
