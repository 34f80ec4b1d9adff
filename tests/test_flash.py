"""Flash of the DSP build: one specialised function per distinct layer shape (tinyc/backend/spec.py).

Oracles: the portable build of the same model (arm-none-eabi-size of both images): the
DSP build with its specialised kernels (--optimize speed, the default) may take at most
1.2x its flash; `--optimize size` builds exactly the portable kernels; the layer list: every
layer of a shape calls that shape's one function.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tinyc.backend.build import make
from tinyc.pipeline import Options, compile_model
from tinyc.backend.image import image_sizes

MODELS = Path(__file__).resolve().parent.parent / "models"
BOARD = "mps2-an386"


def _flash(model: Path, tmp: Path, **kw) -> int:
    out = tmp / "_".join(f"{k}{v}" for k, v in kw.items())
    c = compile_model(model, out, Options(board=BOARD, **kw))
    make(out, "all")
    return image_sizes(out / "build" / f"{c.program.name}.elf")["flash_bytes"]


def test_one_function_per_shape():
    """KWS: four depthwise + pointwise blocks of one shape share two functions; 10 layers, 4 shapes."""
    c = compile_model(MODELS / "kws_dscnn_int8.tflite", None, Options(board=BOARD))
    fns = c.program.extra["spec_fns"]
    assert sorted(f["kind"] for f in fns) == ["conv2d_1x1_s8", "conv2d_s8", "depthwise_conv2d_s8",
                                              "fully_connected_s8"]
    assert sorted(f["uses"] for f in fns) == [1, 1, 4, 4]
    text = c.files["kws_dscnn_int8.c"]
    for f in fns:
        assert text.count(f"void {f['symbol']}(") == 1
        assert text.count(f"{f['symbol']}(&params") == f["uses"]
    size = compile_model(MODELS / "kws_dscnn_int8.tflite", None, Options(board=BOARD, optimize="size"))
    assert size.program.extra["spec_fns"] == [] and "-UTC_DSP" in size.files["Makefile"]


@pytest.mark.parametrize("name", ["kws_dscnn_int8", pytest.param("vww_mbv1_int8", marks=pytest.mark.slow),
                                  pytest.param("ad_autoencoder_int8", marks=pytest.mark.slow)])
def test_dsp_flash_within_1_2x_portable(tmp_path, name):
    model = MODELS / f"{name}.tflite"
    dsp = _flash(model, tmp_path)
    portable = _flash(model, tmp_path, extra_cflags=["-UTC_DSP"])
    print(f"{name}: flash {dsp:,} B DSP vs {portable:,} B portable ({dsp / portable:.2f}x)")
    assert dsp <= 1.2 * portable
    assert _flash(model, tmp_path, optimize="size") == portable
