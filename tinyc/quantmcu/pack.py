"""Sub-8-bit storage of one feature map: the b-bit grid and the packed byte layout.

Grid (per map, per bit width b < 8, all integers, computed offline):
    d = q - zp, clamped to [o, o + span]; o = 0, span = T for maps after a fused
    ReLU (q >= zp always), o = -T, span = 2T otherwise. L = 2^b - 1.
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

BITS = (8, 6, 4, 2)


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


def make_grid(bits: int, zp: int, threshold: int, nonneg: bool) -> Grid:
    """The grid for non-outlier patches of a map with threshold T (>= 1) on |q - zp|."""
    t = max(int(threshold), 1)
    return Grid(bits, int(zp), 0 if nonneg else -t, t if nonneg else 2 * t)


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


def store_load(q: np.ndarray, grid: Grid) -> np.ndarray:
    """q as the next node reads it after a packed store: int8, q's shape."""
    codes = grid.to_codes(q)
    back = unpack(pack(codes, grid.bits), grid.bits, codes.size)
    return grid.from_codes(back).reshape(q.shape)
