"""Helpers shared by the float reference's op functions: activation clamp, NCHW wrapping, windows."""
from __future__ import annotations

import functools
import math

import numpy as np
from numpy.lib.stride_tricks import as_strided

NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)


def apply_act(y, node):
    lo, hi = node.attrs.get("act", (-math.inf, math.inf))
    return np.clip(y, lo, hi).astype(np.float32) if (lo, hi) != (-math.inf, math.inf) else y


def nchw(fn):
    """Run an NHWC kernel on an op that still has layout='NCHW'."""
    @functools.wraps(fn)  # registered under fn's name, from fn's module
    def wrapped(g, node, x, *rest):
        if node.attrs.get("layout") != "NCHW":
            return fn(g, node, x, *rest)
        return fn(g, node, x.transpose(NCHW_TO_NHWC), *rest).transpose(NHWC_TO_NCHW)
    return wrapped


def windows(x, kernel, strides, dilations, pads, fill):
    """View [N, OH, OW, KH, KW, C] of the padded NHWC input."""
    t, l, b, r = pads
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    n, h, w, c = xp.shape
    (kh, kw), (sh, sw), (dh, dw) = kernel, strides, dilations
    oh, ow = (h - dh * (kh - 1) - 1) // sh + 1, (w - dw * (kw - 1) - 1) // sw + 1
    s = xp.strides
    return as_strided(xp, (n, oh, ow, kh, kw, c), (s[0], s[1] * sh, s[2] * sw, s[1] * dh, s[2] * dw, s[3]),
                      writeable=False)
