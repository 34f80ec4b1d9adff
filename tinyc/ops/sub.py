"""sub: a - b with numpy broadcasting (TFLite SUB, int8 and int16, general rescaling path).

LiteRT's SUB prepares ADD's parameters (tinyc/ops/add.py) and negates the
second input's multiplier, then runs the ADD kernels: so the arithmetic,
the C kernels (tc_add_s8 / tc_add_s16) and the rounding are ADD's, with
input2_multiplier < 0. tests/ops/test_sub.py pins this against LiteRT.
"""
from __future__ import annotations

import numpy as np

from tinyc.ops.add import add_call, add_ref, out_shape, quant_params


def shape(node, g):
    return [out_shape(node, g)]


def macs(node, g) -> int:
    return int(np.prod(out_shape(node, g), dtype=np.int64))


def ref(node, g, a, b):
    return add_ref(node, g, a, b, quant_params(node, g, -1))


def lower(node, g):
    return add_call(node, g, quant_params(node, g, -1))
