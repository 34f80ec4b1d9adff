"""The bit-plane tables of tc_convolve_bp_s8 and the grids they rely on (pure numpy).

Oracle: direct integer arithmetic - sum_k w_k * (q_k - zp) over a receptive field,
against the kernel's recipe (per plane j, sum over column bytes of the table rows,
lanes unpacked, weighted by 2^j, times step); and lut[u] == zp + u * step.
"""
import numpy as np
import pytest

from tinyc.quantmcu.bitplane import bp_table, chunk_planes, lane_bound
from tinyc.quantmcu.pack import make_grid, pack_planes, plane_lut


def kernel_sum(table, codes, bits, chunk):
    """Sums per output channel the way tc_convolve_bp_s8 forms them, from codes [K] (C % 8 == 0)."""
    planes = pack_planes(codes.reshape(-1, 8), bits).reshape(-1, bits)  # [K/8, bits]: plane bytes per 8 codes
    out = []
    for g in range(table.shape[0]):
        sums = np.zeros(8, dtype=np.int64)
        for j0 in range(0, bits, chunk):
            acc = np.zeros(4, dtype=np.int64)
            for j in range(j0, min(j0 + chunk, bits)):
                rows = table[g, np.arange(planes.shape[0]), planes[:, j]].astype(np.int64)  # [K/8, 4]
                acc += rows.sum(axis=0) << (j - j0)
            acc = ((acc + 2**31) % 2**32) - 2**31  # int32 wrap
            lo = ((acc + 2**15) % 2**16) - 2**15
            hi = (acc - lo) >> 16
            sums[0::2] += lo << j0
            sums[1::2] += hi << j0
        out.extend(sums)
    return np.array(out)


@pytest.mark.parametrize("bits", [1, 2, 3, 4])
@pytest.mark.parametrize("cout,c", [(8, 8), (12, 16), (5, 8)])
def test_table_sums_equal_the_dot_product(bits, cout, c):
    rng = np.random.default_rng(bits * 100 + cout + c)
    w = rng.integers(-40, 41, (cout, 3, 3, c)).astype(np.int8)
    codes = rng.integers(0, 1 << bits, 9 * c).astype(np.uint8)
    table = bp_table(w)
    assert table.shape == (-(-cout // 8), 9 * c // 8, 256, 4) and lane_bound(w) <= 32767
    got = kernel_sum(table, codes, bits, chunk_planes(w, bits))[:cout]
    want = w.reshape(cout, -1).astype(np.int64) @ codes.astype(np.int64)
    assert np.array_equal(got, want)


@pytest.mark.parametrize("bits", [2, 4])
@pytest.mark.parametrize("t,zp", [(241, -128), (5, -128), (100, 20), (200, 120)])
def test_nonneg_grid_is_linear_with_code_0_at_zp(bits, t, zp):
    """Sub-8-bit values are zp + u * step exactly (what lets the conv run on codes); the plane table
    puts bit j of each int8 value's code at bit 8 j."""
    levels = (1 << bits) - 1
    if (127 - zp) // levels < 1:
        with pytest.raises(ValueError):
            make_grid(bits, zp, t, True)
        return
    g = make_grid(bits, zp, t, True)
    step = g.span // levels
    assert g.offset == 0 and g.span == levels * step and step >= 1
    assert np.array_equal(g.lut().astype(int), zp + np.arange(levels + 1) * step)
    lut = plane_lut(g).astype(np.int64) & 0xFFFFFFFF
    u = g.to_codes(np.arange(-128, 128)).astype(np.int64)
    assert np.array_equal(sum(((lut >> (8 * j)) & 1) << j for j in range(bits)), u)
