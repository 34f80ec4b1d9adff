"""Requantization of CONV_2D / DEPTHWISE_CONV_2D, as LiteRT's reference kernels do it.

LiteRT's conv kernels apply MultiplyByQuantizedMultiplier with TFLite's double
rounding (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT), while
its fully connected kernel matches single rounding (tinyc.quant.fixedpoint.mbqm).
tests/ops/test_conv2d.py and test_depthwise_conv2d.py pin this against LiteRT.
The C side is runtime_c/src/conv/tc_conv_requant.h.
"""
from __future__ import annotations

import numpy as np

from tinyc.quant.fixedpoint import mbqm_double


def requantize_s8_double(acc, m0, shift, out_zp: int, act_min: int = -128, act_max: int = 127) -> np.ndarray:
    """acc (int32) -> int8 with double rounding: scale, add the output zero point, clamp."""
    y = mbqm_double(acc, m0, shift) + out_zp
    return np.clip(y, act_min, act_max).astype(np.int8)
