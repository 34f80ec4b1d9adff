"""Shared math of the int8 ops: multipliers, activation ranges, the lowering record."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from tinyc.ir import Graph, Node, Tensor
from tinyc.quant.fixedpoint import activation_range, quantize_multipliers


@dataclass
class Call:
    """One kernel call, as data: what templates/ops/<template> renders.

    inputs/outputs are tensor names (activations resolve to arena offsets,
    constants to const arrays). params are template scalars; arrays are extra
    constant arrays (multipliers, shifts, tables) the emitter declares.
    """

    template: str
    node: str
    inputs: list[str]
    outputs: list[str]
    params: dict = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    scratch: int = 0  # bytes of kernel scratch (the kernel's _get_buffer_size): the preferred size
    scratch_min: int = 0  # a smaller size the kernel also accepts (slower); 0 = none
    inplace: tuple[str, str] | None = None  # (input, output) the kernel may run in place

    @property
    def least_scratch(self) -> int:
        return self.scratch_min or self.scratch


def inputs_of(node: Node, g: Graph) -> list[Tensor | None]:
    return [g.tensors[x] if x else None for x in node.inputs]


def output_of(node: Node, g: Graph, i: int = 0) -> Tensor:
    return g.tensors[node.outputs[i]]


def channel_scales(x: Tensor, w: Tensor, y: Tensor, channels: int) -> np.ndarray:
    """Per-channel s_x * s_w[c] / s_y, computed as TFLite does (float64 of float32 scales)."""
    s_w = np.broadcast_to(w.q.scale.astype(np.float64).reshape(-1), (channels,))
    return np.float64(x.q.s()) * s_w / np.float64(y.q.s())


def channel_multipliers(x: Tensor, w: Tensor, y: Tensor, channels: int):
    """Per-channel (M0, shift) for s_x * s_w[c] / s_y, computed as TFLite does (float64 of float32 scales)."""
    return quantize_multipliers(channel_scales(x, w, y, channels))


def weighted_quant(node: Node, g: Graph, channels: int):
    """(x_zp, y_zp, M0[], shift[], act_min, act_max) of a conv / depthwise / fc node."""
    x, w = inputs_of(node, g)[:2]
    y = output_of(node, g)
    m0, sh = channel_multipliers(x, w, y, channels)
    lo, hi = act_range(node, y)
    return x.q.zp(), y.q.zp(), m0, sh, lo, hi


def act_range(node: Node, y: Tensor) -> tuple[int, int]:
    """The fused activation's clamp range in y's int8 domain."""
    return activation_range(node.attrs.get("act"), y.q.s(), y.q.zp())


def dims4(shape) -> tuple[int, int, int, int]:
    """Shape padded to rank 4 at the front (n, h, w, c)."""
    s = (1,) * (4 - len(shape)) + tuple(shape)
    return tuple(int(d) for d in s)


QRANGE = {"int8": (-128, 127), "int16": (-32768, 32767), "int32": (-(1 << 31), (1 << 31) - 1)}
SUFFIX = {"int8": "s8", "int16": "s16", "int32": "s32", "float32": "f32"}


def act_range_typed(node: Node, y: Tensor) -> tuple[int, int]:
    """The fused activation's clamp range in y's integer domain (int8 or int16)."""
    return activation_range(node.attrs.get("act"), y.q.s(), y.q.zp(), *QRANGE[y.dtype])


def check_int_io(node: Node, g: Graph, dtypes=("int8", "int16")) -> None:
    """All activation inputs and the output share one dtype from `dtypes` and have per-tensor QParams."""
    from tinyc.errors import TinycError, where
    y = output_of(node, g)
    loc = where(g.source, node.name, node.op)
    if y.dtype not in dtypes:
        raise TinycError(f"{node.op} supports {'/'.join(dtypes)} tensors, got {y.dtype}", loc)
    for t in [*inputs_of(node, g)[:1], y]:
        if t is None or t.dtype != y.dtype or t.q is None or t.q.per_channel:
            raise TinycError(f"{node.op} needs {y.dtype} input and output with per-tensor QParams", loc)
