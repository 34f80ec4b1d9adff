"""Sub-8-bit storage of one feature map: the b-bit grid and the packed byte layout.

Grid (per map, per bit width b < 8, all integers, computed offline):
    d = q - zp, clamped to [o, o + span]; L = 2^b - 1. Maps after a fused ReLU
    (q >= zp always): o = 0, span = L * step with the integer step
    ceil(T / L) (at most (127 - zp) // L), so lut[u] = zp + u * step exactly:
    code 0 is the zero point and a convolution can run on the codes
    (tc_convolve_bp_s8). Other maps: o = -T, span = 2T (they stay int8 in C).
    pack:   u = min(((d - o) * mul + 2^15) >> 16, L),  mul = round(L * 2^16 / span)
    unpack: q' = lut[u],  lut[u] = clamp(zp + o + (2 * u * span + L) // (2 * L), -128, 127)
so the C side needs a multiply, a shift and a 2^b-entry table.

Packed layout (C: tc_pack_s8 / tc_pack_unpack_s8 in runtime_c/src/data/, tc_pack.h): codes in the tensor's NHWC order
form a little-endian bit stream; code k occupies stream bits [k*b, k*b + b),
and stream bit j is bit (j % 8) of byte j // 8. n codes take ceil(n*b/8)
bytes. b = 4: byte = c0 | c1 << 4; b = 2: c0 | c1 << 2 | c2 << 4 | c3 << 6;
b = 6: four codes in three bytes, code 1 straddling bytes 0 and 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BITS = (8, 4, 3, 2)  # the C stores codes as bit planes, four at most (tc_quantmcu_bp_s8)


@dataclass(frozen=True)
class Grid:
    """The b-bit grid of one map: d = q - zp in [offset, offset + span] on 2^bits levels."""

    bits: int
    zp: int
    offset: int
    span: int

    @property
    def levels(self) -> int:
        return (1 << self.bits) - 1

    @property
    def mul(self) -> int:
        return int(np.floor(self.levels * 65536 / self.span + 0.5))

    def lut(self) -> np.ndarray:
        """int8 value of each code (length 2^bits)."""
        u = np.arange(self.levels + 1, dtype=np.int64)
        v = self.zp + self.offset + (2 * u * self.span + self.levels) // (2 * self.levels)
        return np.clip(v, -128, 127).astype(np.int8)

    def to_codes(self, q: np.ndarray) -> np.ndarray:
        """uint8 codes in [0, 2^bits) of int8 values q (any shape)."""
        d = np.clip(q.astype(np.int64) - self.zp - self.offset, 0, self.span)
        return np.minimum((d * self.mul + 32768) >> 16, self.levels).astype(np.uint8)

    def from_codes(self, u: np.ndarray) -> np.ndarray:
        return self.lut()[u.astype(np.int64)]


def grid_step(bits: int, zp: int, threshold: int) -> int:
    """The integer step of a nonneg map's b-bit grid: ceil(T / L), at most (127 - zp) // L (0: no grid)."""
    levels = (1 << bits) - 1
    return min(max(-(-max(int(threshold), 1) // levels), 1), (127 - int(zp)) // levels)


def clip_range(hist: np.ndarray, bits: int, zp: int, threshold: int) -> int:
    """The range R <= L * ceil(T / L) of the nonneg b-bit grid with the least squared error on hist
    (counts of the map's int8 values, index q + 128): R = L * s over the integer steps s of
    1..grid_step(bits, zp, T) (ties: the larger). Values in (R, T] then saturate at the top code."""
    levels = (1 << bits) - 1
    q = np.arange(-128, 128, dtype=np.int64)
    best = None
    for s in range(1, grid_step(bits, zp, threshold) + 1):
        g = Grid(bits, int(zp), 0, levels * s)
        err = float((hist * (g.from_codes(g.to_codes(q)).astype(np.int64) - q) ** 2).sum())
        if best is None or err <= best[0]:
            best = (err, s)
    return levels * best[1] if best else int(threshold)


def make_grid(bits: int, zp: int, threshold: int, nonneg: bool) -> Grid:
    """The grid for non-outlier patches of a map with threshold T (>= 1) on |q - zp|."""
    t = max(int(threshold), 1)
    if nonneg:
        step = grid_step(bits, zp, t)
        if step < 1:
            raise ValueError(f"zero point {zp} leaves no room for a {bits}-bit grid")
        return Grid(bits, int(zp), 0, ((1 << bits) - 1) * step)
    return Grid(bits, int(zp), -t, 2 * t)


def packed_bytes(n: int, bits: int) -> int:
    return (n * bits + 7) // 8


def pack(codes: np.ndarray, bits: int) -> np.ndarray:
    """uint8 [ceil(n*bits/8)]: the codes (flattened, each < 2^bits) packed LSB first."""
    c = codes.reshape(-1).astype(np.uint8)
    if c.size and int(c.max()) >> bits:
        raise ValueError(f"code {int(c.max())} does not fit {bits} bits")
    stream = ((c[:, None] >> np.arange(bits, dtype=np.uint8)) & 1).reshape(-1)
    return np.packbits(stream, bitorder="little")


def unpack(buf: np.ndarray, bits: int, n: int) -> np.ndarray:
    """uint8 [n]: the first n codes of a packed buffer (pack's inverse)."""
    stream = np.unpackbits(np.asarray(buf, dtype=np.uint8), bitorder="little")[:n * bits]
    weights = (1 << np.arange(bits)).astype(np.uint16)
    return (stream.reshape(n, bits).astype(np.uint16) @ weights).astype(np.uint8)


def plane_lut(grid: Grid) -> np.ndarray:
    """int32 [256] (index q + 128; tc_quantmcu_map.planes): bit j of q's code at bit 8 j (bits <= 4)."""
    u = grid.to_codes(np.arange(-128, 128)).astype(np.int64)
    word = sum(((u >> j) & 1) << (8 * j) for j in range(grid.bits))
    return np.asarray(word, dtype=np.int64).astype(np.int32)


def pack_planes(codes: np.ndarray, bits: int) -> np.ndarray:
    """uint8 bit-plane layout (runtime_c/include/tc_quantmcu.h) of codes [..., C] (C % 8 == 0): per pixel, plane j's
    C / 8 bytes hold bit j of every channel's code, channel c at bit c % 8 of byte c / 8."""
    c = codes.reshape(-1, codes.shape[-1]).astype(np.uint8)
    planes = (c[:, None, :] >> np.arange(bits, dtype=np.uint8)[None, :, None]) & 1  # [P, bits, C]
    return np.packbits(planes, axis=-1, bitorder="little").reshape(-1)


def store_load(q: np.ndarray, grid: Grid) -> np.ndarray:
    """q as the next node reads it after a packed store: int8, q's shape."""
    codes = grid.to_codes(q)
    back = unpack(pack(codes, grid.bits), grid.bits, codes.size)
    return grid.from_codes(back).reshape(q.shape)
