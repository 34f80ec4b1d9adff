"""The planner's scratch sizes come from Python mirrors of the C kernels' _get_buffer_size.

Oracle: the C functions themselves, built into a shared library and called through ctypes.
"""
import ctypes
import subprocess

import pytest

from tinyc.ops.conv2d import scratch_1x1
from tinyc.ops.depthwise_conv2d import scratch_bytes
from tinyc.paths import RUNTIME_C


class Dims(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int32), ("h", ctypes.c_int32), ("w", ctypes.c_int32), ("c", ctypes.c_int32)]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    out = tmp_path_factory.mktemp("scratch") / "libscratch.so"
    srcs = [RUNTIME_C / "src/conv/tc_convolve_1x1_s8.c", RUNTIME_C / "src/conv/tc_depthwise_conv_s8.c"]
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-std=c99", f"-I{RUNTIME_C / 'include'}",
                    *map(str, srcs), "-o", str(out)], check=True)
    so = ctypes.CDLL(str(out))
    so.tc_convolve_1x1_s8_get_buffer_size.restype = ctypes.c_int32
    so.tc_depthwise_conv_s8_get_buffer_size.restype = ctypes.c_int32
    return so


@pytest.mark.parametrize("h,w,c", [(1, 1, 1), (48, 48, 16), (7, 5, 33), (3, 3, 256)])
def test_1x1_scratch_matches_c(lib, h, w, c):
    d = Dims(1, h, w, c)
    assert lib.tc_convolve_1x1_s8_get_buffer_size(ctypes.byref(d)) == scratch_1x1(c)


@pytest.mark.parametrize("h,w,c,dm", [(48, 48, 8, 1), (25, 5, 64, 1), (6, 6, 128, 2), (1, 1, 3, 1)])
def test_depthwise_scratch_matches_c(lib, h, w, c, dm):
    d = Dims(1, h, w, c)
    assert lib.tc_depthwise_conv_s8_get_buffer_size(ctypes.byref(d), ctypes.c_int32(dm)) == scratch_bytes(h, w, dm)
