"""PyTorch ViT through ONNX (tests/vit/make_torch_vit.py: LayerNormalization, MatMul of two activations,
Erf GELU, Softmax, class-token Gather, the batch-size Shape/Expand/Where subgraph).

Oracles: onnxruntime for the float IR; onnxruntime quantize_static's SQNR (same calibration and
test data) for the int8 generated C, which must be within 1 dB of it.
"""
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))


def test_vit_onnx_float_ir_and_int8_sqnr_within_1db_of_onnxruntime():
    from vit_sqnr import measure
    with tempfile.TemporaryDirectory() as d:
        tinyc_db, ort_db, float_err = measure(Path(d))
    assert float_err < 1e-4, float_err
    assert tinyc_db >= ort_db - 1.0, (tinyc_db, ort_db)


def test_vit_onnx_folds_shape_subgraph_and_tiles_tokens():
    """The traced batch size's Shape/Expand/Where ops are gone after loading; LayerNorm and the MLP
    run as token stages in the int8 program."""
    from tinyc.pipeline import Options, compile_graph, load_model, quantize
    g = load_model(ROOT / "tests" / "vit" / "vit_torch.onnx")
    assert not {n.op for n in g.nodes} & {"shape", "expand", "where", "equal", "constant_of_shape"}
    q = quantize(g, Options(calib=str(ROOT / "tests" / "vit" / "vit_torch_calib.npy")))
    c = compile_graph(q, Options())
    assert sum(n.op == "token_stage" for n in c.graph.nodes) >= 2
    plain = compile_graph(q, Options(token_tiling="off"))
    assert c.report["arena_bytes"] < plain.report["arena_bytes"]
    np.testing.assert_equal(c.report["macs"], plain.report["macs"])
