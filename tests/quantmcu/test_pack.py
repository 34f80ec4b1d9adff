"""Sub-8-bit storage: the b-bit grid and the packed layout.

Oracles: the layout stated in tinyc/quantmcu/pack.py (hand-packed bytes),
identity for pack/unpack round trips, and the uniform grid in float64 for
the codes.
"""
import numpy as np
import pytest

from tinyc.quantmcu.pack import Grid, make_grid, pack, packed_bytes, store_load, unpack


@pytest.mark.parametrize("bits", [2, 4, 6])
@pytest.mark.parametrize("n", [1, 3, 4, 7, 64, 1001])
def test_round_trip(bits, n):
    """unpack(pack(c)) == c for any count (partial last byte included), size ceil(n*b/8)."""
    c = np.random.default_rng(n * bits).integers(0, 1 << bits, n).astype(np.uint8)
    buf = pack(c, bits)
    assert buf.dtype == np.uint8 and buf.size == packed_bytes(n, bits)
    assert np.array_equal(unpack(buf, bits, n), c)


def test_layout_by_hand():
    """Codes are an LSB-first bit stream: b=4 c0|c1<<4, b=2 four per byte, b=6 four per three bytes."""
    assert pack(np.array([0x3, 0xA, 0x5]), 4).tolist() == [0xA3, 0x05]
    assert pack(np.array([1, 2, 3, 0, 3]), 2).tolist() == [1 | 2 << 2 | 3 << 4, 3]
    c = [0x2B, 0x15, 0x3F, 0x01]  # stream 101011 101010 111111 100000 (LSB first)
    v = c[0] | c[1] << 6 | c[2] << 12 | c[3] << 18
    assert pack(np.array(c), 6).tolist() == [v & 255, (v >> 8) & 255, v >> 16]


def test_code_too_wide():
    with pytest.raises(ValueError):
        pack(np.array([4]), 2)


@pytest.mark.parametrize("bits", [2, 4, 6])
@pytest.mark.parametrize("t,nonneg,zp", [(70, True, -128), (255, True, -128), (40, False, 3), (1, True, 0)])
def test_grid_is_uniform_rounding(bits, t, nonneg, zp):
    """Codes are round((d - o) * L / span) (within one step at exact half-way points), in range,
    monotone; the unpacked value is the nearest grid level, and zp (real 0) is exact on ReLU maps."""
    g = make_grid(bits, zp, t, nonneg)
    q = np.arange(-128, 128).astype(np.int8)
    u = g.to_codes(q)
    assert u.max() <= g.levels and np.all(np.diff(u.astype(int)) >= 0)
    d = np.clip(q.astype(np.float64) - zp - g.offset, 0, g.span)
    assert np.abs(u - d * g.levels / g.span).max() <= 0.5 + 1e-3 * g.levels
    back = g.from_codes(u).astype(np.int64)
    inside = (q.astype(int) - zp >= g.offset) & (q.astype(int) - zp <= g.offset + g.span)
    step = g.span / g.levels
    assert np.abs(back[inside] - q[inside]).max() <= step / 2 + 1.01
    if nonneg:
        assert g.from_codes(g.to_codes(np.array([zp], dtype=np.int8)))[0] == zp


def test_store_load_keeps_shape_and_lut():
    """store_load = lut[codes] through a real pack/unpack, same shape and dtype."""
    g = Grid(4, -128, 0, 100)
    q = np.random.default_rng(0).integers(-128, 128, (1, 5, 3, 7)).astype(np.int8)
    y = store_load(q, g)
    assert y.shape == q.shape and y.dtype == np.int8
    assert np.array_equal(y, g.lut()[g.to_codes(q).astype(int)])
    assert len(np.unique(y)) <= 16
