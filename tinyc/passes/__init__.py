"""The float passes, in order. Each is a free function Graph -> Graph."""
from __future__ import annotations

from tinyc import ir
from tinyc.passes.canonicalise import canonicalise
from tinyc.passes.drop_identities import drop_identities
from tinyc.passes.fold_batchnorm import fold_batchnorm
from tinyc.passes.fold_constants import fold_constants
from tinyc.passes.fold_pad import fold_pad
from tinyc.passes.fold_qdq import fold_qdq
from tinyc.passes.fold_channel_shuffle import fold_channel_shuffle
from tinyc.passes.fold_slices import fold_slices
from tinyc.passes.fuse_activations import fuse_activations
from tinyc.passes.fuse_gelu import fuse_gelu, fuse_silu
from tinyc.passes.fuse_island_lut import fuse_island_lut
from tinyc.passes.fuse_lut_chains import fuse_gelu_tanh, fuse_mish
from tinyc.passes.fold_norm_affine import fold_norm_affine
from tinyc.passes.fuse_l2_norm import fuse_l2_norm
from tinyc.passes.fuse_layer_norm import fuse_layer_norm
from tinyc.passes.lift_1d import lift_1d
from tinyc.passes.to_nhwc import to_nhwc

# Integer graphs (TFLite) come in canonical already, but for their converter's explicit PADs and the float
# islands of exact ops (NEG) its LayerNormalization leaves between a DEQUANTIZE and a QUANTIZE.
INT_PASSES = [fold_pad, fuse_island_lut]

FLOAT_PASSES = [
    fold_qdq,
    fold_constants,
    fuse_gelu,
    fuse_silu,
    fuse_mish,
    fuse_gelu_tanh,
    fold_norm_affine,
    fuse_l2_norm,
    fold_batchnorm,
    fold_channel_shuffle,
    lift_1d,
    to_nhwc,
    fuse_layer_norm,
    fuse_activations,
    canonicalise,
    fold_slices,
    fold_pad,
    drop_identities,
]


def run_passes(g: ir.Graph, verify: bool = True, passes=None) -> ir.Graph:
    """g after every pass of FLOAT_PASSES (or `passes`) in order, verified after each when asked."""
    for p in FLOAT_PASSES if passes is None else passes:
        g = p(g)
        if verify:
            ir.verify(g)
    return g
