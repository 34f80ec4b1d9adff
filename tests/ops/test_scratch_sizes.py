"""The planner's scratch sizes come from Python mirrors of the C kernels' _get_buffer_size.

Oracle: the C functions themselves, built into a shared library and called through ctypes.
"""
import ctypes
import subprocess

import pytest

from tinyc.ops.conv2d import scratch_1x1, scratch_general
from tinyc.ops.depthwise_conv2d import min_scratch_bytes, scratch_bytes
from tinyc.ops.fully_connected import scratch_fc
from tinyc.paths import RUNTIME_C


class Dims(ctypes.Structure):
    _fields_ = [("n", ctypes.c_int32), ("h", ctypes.c_int32), ("w", ctypes.c_int32), ("c", ctypes.c_int32)]


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    out = tmp_path_factory.mktemp("scratch") / "libscratch.so"
    srcs = [RUNTIME_C / "src/conv/tc_convolve_1x1_s8.c", RUNTIME_C / "src/conv/tc_depthwise_conv_s8.c",
            RUNTIME_C / "src/conv/tc_convolve_s8.c", RUNTIME_C / "src/fully_connected/tc_fully_connected_s8.c"]
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-std=c99", f"-I{RUNTIME_C / 'include'}",
                    *map(str, srcs), "-o", str(out)], check=True)
    so = ctypes.CDLL(str(out))
    for f in ("tc_convolve_1x1_s8_get_buffer_size", "tc_depthwise_conv_s8_get_buffer_size",
              "tc_depthwise_conv_s8_get_min_buffer_size",
              "tc_convolve_s8_get_buffer_size", "tc_fully_connected_s8_get_buffer_size"):
        getattr(so, f).restype = ctypes.c_int32
    return so


@pytest.mark.parametrize("h,w,cin,c", [(1, 1, 1, 1), (48, 48, 8, 16), (7, 5, 33, 300), (3, 3, 256, 256),
                                       (2, 2, 260, 3)])
def test_1x1_scratch_matches_c(lib, h, w, cin, c):
    x, y = Dims(1, h, w, cin), Dims(1, h, w, c)
    assert lib.tc_convolve_1x1_s8_get_buffer_size(ctypes.byref(x), ctypes.byref(y)) == scratch_1x1(cin, c)


@pytest.mark.parametrize("kh,kw,cin_g,cout,groups", [(3, 3, 3, 8, 1), (10, 4, 1, 64, 1), (3, 3, 32, 6, 1),
                                                     (3, 2, 2, 9, 3), (1, 1, 5, 300, 1)])
def test_general_conv_scratch_matches_c(lib, kh, kw, cin_g, cout, groups):
    f, y = Dims(cout, kh, kw, cin_g), Dims(1, 4, 4, cout)
    got = lib.tc_convolve_s8_get_buffer_size(ctypes.byref(f), ctypes.byref(y), ctypes.c_int32(groups))
    assert got == scratch_general(kh * kw * cin_g, cout, groups)


@pytest.mark.parametrize("k", [1, 256, 640, 1024, 1025])
def test_fc_scratch_matches_c(lib, k):
    assert lib.tc_fully_connected_s8_get_buffer_size(ctypes.c_int32(k)) == scratch_fc(k)


@pytest.mark.parametrize("h,w,c,dm", [(48, 48, 8, 1), (25, 5, 64, 1), (6, 6, 128, 2), (1, 1, 3, 1)])
def test_depthwise_scratch_matches_c(lib, h, w, c, dm):
    d = Dims(1, h, w, c)
    assert lib.tc_depthwise_conv_s8_get_buffer_size(ctypes.byref(d), ctypes.c_int32(dm)) == scratch_bytes(h, w, dm)


class DwParams(ctypes.Structure):  # tc_dw_conv_params (tc_types.h)
    _fields_ = [("input_offset", ctypes.c_int32), ("output_offset", ctypes.c_int32), ("ch_mult", ctypes.c_int32),
                ("stride", ctypes.c_int32 * 2), ("padding", ctypes.c_int32 * 2), ("dilation", ctypes.c_int32 * 2),
                ("activation", ctypes.c_int32 * 2)]


@pytest.mark.parametrize("h,w,oh,ow,s,pad", [(28, 28, 28, 28, 1, 1), (56, 56, 28, 28, 2, 0), (9, 8, 9, 8, 1, 2),
                                             (7, 7, 4, 4, 2, 1), (5, 5, 1, 1, 1, 0), (12, 12, 6, 6, 2, 3)])
def test_depthwise_min_scratch_matches_c(lib, h, w, oh, ow, s, pad):
    p = DwParams(0, 0, 1, (s, s), (pad, pad), (1, 1), (-128, 127))
    x, y = Dims(1, h, w, 8), Dims(1, oh, ow, 8)
    got = lib.tc_depthwise_conv_s8_get_min_buffer_size(ctypes.byref(p), ctypes.byref(x), ctypes.byref(y))
    assert got == min_scratch_bytes(w, oh, ow, s, pad)


def test_no_kernel_keeps_tables_on_the_stack(tmp_path):
    """Every conv / fully connected kernel function's frame, DSP build for Cortex-M4 (the tables
    of the pair kernels live in arena scratch now). Oracle: GCC's -fstack-usage."""
    srcs = sorted((RUNTIME_C / "src/conv").glob("*.c")) + sorted((RUNTIME_C / "src/fully_connected").glob("*.c"))
    subprocess.run(["arm-none-eabi-gcc", "-c", "-O2", "-std=c99", "-mcpu=cortex-m4", "-mthumb", "-DTC_DSP=1",
                    "-fstack-usage", f"-I{RUNTIME_C / 'include'}", *map(str, srcs)], check=True, cwd=tmp_path)
    frames = {}
    for su in tmp_path.glob("*.su"):
        for line in su.read_text().splitlines():
            where, size, _ = line.split("\t")
            frames[where] = int(size)
    assert frames and max(frames.values()) <= 640, sorted(frames.items(), key=lambda kv: -kv[1])[:3]
