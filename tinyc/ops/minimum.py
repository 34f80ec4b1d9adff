"""minimum: elementwise min of two int8 tensors with numpy broadcasting (TFLite MINIMUM), on the stored
values as tinyc/ops/maximum.py explains. C kernel tc_minimum_s8."""
from __future__ import annotations

import numpy as np

from tinyc.ops.add import broadcast_call, out_shape
from tinyc.ops.maximum import check, macs, shape  # noqa: F401  (the op's interface)


def ref(node, g, a, b):
    check(node, g)
    return [np.minimum(a, b).astype(np.int8).reshape(out_shape(node, g))]


def lower(node, g):
    check(node, g)
    return broadcast_call("maximum_s8.j2", node, g, dict(kernel="tc_minimum_s8"))
