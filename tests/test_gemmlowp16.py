"""The LSTM's int16 gemmlowp logistic / tanh: C (runtime_c/src/recurrent/tc_gemmlowp16.h) == numpy
(tinyc/quant/gemmlowp16.py) on all 65536 inputs, for every integer-bit count an LSTM can use; and the
LSTM's scratch size mirror == tc_lstm_s8_get_buffer_size.

Oracles: the numpy twin (itself pinned by the LSTM's bit-exactness with LiteRT in test_tflm_models.py),
and float logistic / tanh within a few LSBs (a sanity bound, not the contract).
"""
import ctypes
import subprocess
from pathlib import Path

import numpy as np
import pytest

from tinyc.ops.lstm import scratch_bytes
from tinyc.paths import RUNTIME_C
from tinyc.quant.gemmlowp16 import logistic16, tanh16


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    out = tmp_path_factory.mktemp("g16") / "libg16.so"
    srcs = [Path(__file__).parent / "data/gemmlowp16_tables.c", RUNTIME_C / "src/recurrent/tc_lstm_s8.c"]
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-std=c99", "-Wall", "-Wextra", "-Wconversion", "-Werror",
                    f"-I{RUNTIME_C / 'include'}", f"-I{RUNTIME_C / 'src/recurrent'}", *map(str, srcs), "-o", str(out)],
                   check=True)
    return ctypes.CDLL(str(out))


@pytest.mark.parametrize("bits", [0, 1, 2, 3, 4, 5, 6])
def test_c_equals_numpy_on_every_int16(lib, bits):
    lo, th = np.zeros(65536, np.int16), np.zeros(65536, np.int16)
    lib.gemmlowp16_tables(ctypes.c_int32(bits), lo.ctypes.data_as(ctypes.c_void_p), th.ctypes.data_as(ctypes.c_void_p))
    a = np.arange(-32768, 32768)
    assert (lo == logistic16(a, bits)).all()
    assert (th == tanh16(a, bits)).all()
    x = a / 2.0 ** (15 - bits)
    assert np.abs(lo / 32768 - 1 / (1 + np.exp(-x))).max() < 16 / 32768
    assert np.abs(th / 32768 - np.tanh(x)).max() < 32 / 32768


def test_lstm_scratch_mirror(lib):
    lib.tc_lstm_s8_get_buffer_size.restype = ctypes.c_int32
    for b, n in ((1, 20), (2, 7), (1, 1)):
        assert lib.tc_lstm_s8_get_buffer_size(ctypes.c_int32(b), ctypes.c_int32(n)) == \
            scratch_bytes(dict(batch=b, n_cell=n))
