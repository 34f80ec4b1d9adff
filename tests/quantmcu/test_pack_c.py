"""The C pack/unpack kernels (runtime_c/src/data/tc_pack_*.c) equal the numpy reference.

Oracle: tinyc.quantmcu.pack (Grid.to_codes + pack, unpack + Grid.lut), byte
for byte. Built as a shared library with the project's warning flags and
UBSan, called through ctypes.
"""
import ctypes
import shutil
import subprocess

import numpy as np
import pytest

from tinyc.paths import RUNTIME_C
from tinyc.quantmcu.pack import make_grid, pack, unpack

FLAGS = ["-std=c99", "-O2", "-Wall", "-Wextra", "-Wshadow", "-Wconversion", "-Werror", "-fPIC", "-shared",
         "-fsanitize=undefined", "-fno-sanitize-recover=all"]


class GridC(ctypes.Structure):
    _fields_ = [(k, ctypes.c_int32) for k in ("bits", "zp", "offset", "span", "mul")]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    so = tmp_path_factory.mktemp("pack") / "libtcpack.so"
    src = [str(RUNTIME_C / "src" / "data" / f) for f in ("tc_pack_s8.c", "tc_pack_unpack_s8.c")]
    subprocess.run(["gcc", *FLAGS, "-I", str(RUNTIME_C / "include"), *src, "-o", str(so)], check=True)
    return ctypes.CDLL(str(so))


def ptr(a: np.ndarray):
    return a.ctypes.data_as(ctypes.c_void_p)


@pytest.mark.parametrize("bits", [2, 4, 6])
@pytest.mark.parametrize("t,nonneg,zp", [(200, True, -128), (37, True, -128), (60, False, 5)])
@pytest.mark.parametrize("n", [1, 5, 256, 1003])
def test_c_equals_numpy(lib, bits, t, nonneg, zp, n):
    g = make_grid(bits, zp, t, nonneg)
    q = np.random.default_rng(n + bits).integers(-128, 128, n).astype(np.int8)
    want = pack(g.to_codes(q), bits)
    got = np.full(want.size, 0xEE, dtype=np.uint8)
    gc = GridC(g.bits, g.zp, g.offset, g.span, g.mul)
    assert lib.tc_pack_s8(ptr(q), ptr(got), n, ctypes.byref(gc)) == 0
    assert got.tobytes() == want.tobytes()
    lut = g.lut()
    out = np.zeros(n, dtype=np.int8)
    assert lib.tc_pack_unpack_s8(ptr(got), ptr(out), n, bits, ptr(lut)) == 0
    assert out.tobytes() == lut[unpack(want, bits, n).astype(int)].tobytes()
