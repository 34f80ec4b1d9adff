"""The short-of-2x note of --patch auto (tinyc.patching.notes): it states the plan's numbers and
where its peak lies. Oracle: the plan's own checked memory plan (live bytes per step)."""
from dataclasses import replace

from test_crops import fire_net
from tinyc.patching.notes import plan_peak, short_of_half
from tinyc.patching.plan import ModelCosts, evaluate, layer_by_layer


def test_note_names_the_peak_and_the_numbers():
    g = fire_net(3)
    costs = ModelCosts(g)
    base = layer_by_layer(costs)
    p = evaluate(costs, 0, 2, 2, copy_input=True)  # a stage of one conv: the fire module stays layer by layer
    assert 2 * p.work_bytes > base.work_bytes
    live, step = plan_peak(costs, p)
    assert live <= p.work_bytes
    note = short_of_half(g, p, base)
    assert note.startswith(f"tinyc: note: --patch auto's plan 0:2x2 needs {p.work_bytes} B")
    assert f"layer by layer's {base.work_bytes} B, short of 2x" in note and f"{live} B live" in note
    assert f"'{step}'" in note or "inside the patch stage" in note
    assert short_of_half(g, p, replace(base, work_bytes=2 * p.work_bytes)) is None  # 2x: no note


def test_cli_accepts_the_streamed_form():
    """`--patch S:Ns` (what `tinyc compile --help` lists) passes the CLI's up-front check; a malformed
    value still fails it with the one-line TinycError. Oracle: the documented --patch forms."""
    import pytest

    from tinyc.cli import make_options
    from tinyc.errors import TinycError
    assert make_options("host", None, None, "10:48s", None, "int8").patch == "10:48s"
    with pytest.raises(TinycError, match="--patch must be"):
        make_options("host", None, None, "10:48q", None, "int8")
