"""`tinyc inspect --plot`: the bars are the report's per-layer figures, the legend stays short.

Oracles: report.json's work_live_bytes per layer (the stacked segments must add up to it, both
modes on the work_bytes convention), and the PNG signature; the PNGs themselves were checked by
eye for KWS, VWW and VWW --patch auto.
"""
from pathlib import Path

from tinyc.backend.schedule import work_plan
from tinyc.memory import Buffer
from tinyc.pipeline import Options, compile_model
from tinyc.plot import MAX_NAMED, buffer_labels, grouped, plot_memory, series

MODELS = Path(__file__).resolve().parent.parent / "models"


def test_stacks_add_up_to_the_report_both_modes(tmp_path):
    kws = compile_model(MODELS / "kws_dscnn_int8.tflite", None, Options())
    rep = kws.report
    s = series(work_plan(kws.graph, kws.program.calls).buffers, list(range(len(rep["layers"]))),
               buffer_labels(kws.graph))
    assert [sum(col) for col in zip(*s.values())] == [layer["work_live_bytes"] for layer in rep["layers"]]
    mnist = compile_model(MODELS / "mnist_cnn.onnx", None,
                          Options(patch="auto", calib=str(MODELS / "mnist_calib.npy")))
    rep = mnist.report
    assert "patch" in rep
    s = series(mnist.memory.buffers, [layer["step"] for layer in rep["layers"]], buffer_labels(mnist.graph))
    assert [sum(col) for col in zip(*s.values())] == [layer["work_live_bytes"] for layer in rep["layers"]]
    for c, name in ((kws, "kws.png"), (mnist, "mnist.svg")):
        plot_memory(c, tmp_path / name)
    assert (tmp_path / "kws.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"<svg" in (tmp_path / "mnist.svg").read_bytes()[:400]


def test_legend_groups_small_buffers_for_any_count():
    bufs = [Buffer(f"t{i}", 4 * (i + 1), i, i + 2, [f"t{i}"]) for i in range(300)]
    panels = grouped([series(bufs, list(range(302)), {})])
    names = list(panels[0])
    assert len(names) <= MAX_NAMED + 1 and names[-1] == f"other ({300 - MAX_NAMED} smaller buffers)"
    total = [sum(col) for col in zip(*series(bufs, list(range(302)), {}).values())]
    assert [sum(col) for col in zip(*panels[0].values())] == total


def test_legend_labels_stay_short():
    """Converters' tensor names run to hundreds of characters (TFLite's 'a;b;c' fused names): a
    legend entry is capped, and a streamed plan's row caches are named after their layer."""
    from tinyc.plot import _label
    long = "cache:" + ";".join(f"model/conv2d_{i}/BiasAdd/ReadVariableOp/resource" for i in range(5))
    assert len(_label(long, {})) <= 40
    assert _label("cache:t", {"cache:t": "row cache of conv_2d_4"}) == "row cache of conv_2d_4"
