"""The TFLite zoo table (tests/zoo/tflite, made by tests/zoo/make_tflite_zoo.py): per model, does it compile,
is the numpy reference bit-exact with LiteRT BUILTIN_REF (outputs and every intermediate both name), is the
generated C (host) equal to the reference, tinyc's arena vs TFLM's planned head, and --patch auto's
work_bytes against layer by layer (spatial int8 models; the patched C is built and compared too).

    python bench/tflite_zoo.py                 # every model
    python bench/tflite_zoo.py resnet8_int8    # some
    python bench/tflite_zoo.py --zoo 3         # tests/zoo/tflite3 (make_tflite_zoo3.py)

Oracles: LiteRT BUILTIN_REF for the reference; tinyc.ref.run_int for the C, patched or not.
"""
from __future__ import annotations

import contextlib
import importlib.util
import io
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
from batch_c import run_batch_samples  # noqa: E402
from zoo.tflite_zoo import EXPECTED_ERRORS, ZOO3, compare_with_litert, inputs, models, path  # noqa: E402

from tinyc.backend.build import run_project  # noqa: E402
from tinyc.backend.emit import write_project  # noqa: E402
from tinyc.errors import TinycError  # noqa: E402
from tinyc.pipeline import Options, compile_graph, load_model  # noqa: E402
from tinyc.ref import run_int  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_memory", ROOT / "bench" / "memory.py")
memory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(memory)


def spatial(g) -> bool:
    return any(len(g.tensors[n.outputs[0]].shape) == 4 and min(g.tensors[n.outputs[0]].shape[1:3]) > 1
               for n in g.nodes if n.op in ("conv2d", "depthwise_conv2d"))


def patched_c_equals_ref(g, c, xs) -> bool:
    """Build the patched project on the host and compare it with the numpy reference on one sample."""
    with tempfile.TemporaryDirectory(prefix="tinyc-zoo-") as tmp:
        out = Path(tmp) / "p"
        write_project(out, c.files, "host", c.report)
        sample = [x[0].reshape(g.tensors[n].shape) for n, x in zip(g.inputs, xs)]
        res = run_project(out, [sample], [g.tensors[n].dtype for n in g.inputs],
                          [g.tensors[n].shape for n in g.outputs], [g.tensors[n].dtype for n in g.outputs])
    want = run_int(g, dict(zip(g.inputs, sample)))
    return all(np.asarray(a).tobytes() == want[o].tobytes() for a, o in zip(res.outputs[0], g.outputs))


def measure(name: str) -> dict:
    r = {"name": name}
    try:
        g = load_model(path(name))
    except TinycError as e:
        r["error"], r["ref_litert"], r["tensors"] = str(e), False, 0
        return r
    xs = inputs(name, 2, seed=0)
    bad, r["tensors"], _ = compare_with_litert(g, name, xs)
    r["ref_litert"] = not bad
    try:
        c = compile_graph(g, Options())
    except TinycError as e:
        r["error"] = str(e)
        return r
    r["arena"], r["work"] = c.report["arena_bytes"], c.report["work_bytes"]
    r["tflm_head"] = memory.tflm_arena(path(name))[0]
    r["graph"] = g
    if name.endswith("_int8") and spatial(g):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            try:
                p = compile_graph(g, Options(patch="auto"))
            except TinycError as e:
                p, r["patch_note"] = None, str(e)
        if p is not None and "patch" in p.report:
            pr = p.report["patch"]
            r["patch"] = dict(plan=pr["plan"], lbl=pr["work_bytes_layer_by_layer"], work=pr["work_bytes"],
                              mac=pr["mac_overhead"], same=patched_c_equals_ref(g, p, xs))
        elif p is not None:
            r["patch_note"] = " ".join(err.getvalue().split())[:300] or "no plan"
    return r


def c_equals_ref(g, xs) -> bool:
    """The generated C (one host build) == the numpy reference on two samples."""
    samples = [[x[i].reshape(g.tensors[n].shape) for n, x in zip(g.inputs, xs)] for i in range(len(xs[0]))]
    (outs,) = run_batch_samples([g], [samples])
    return all(a.tobytes() == run_int(g, dict(zip(g.inputs, s)))[y].tobytes()
               for o, s in zip(outs, samples) for a, y in zip(o, g.outputs))


HEADER = ("| model | compiles | ref == LiteRT (tensors) | C == ref | arena B | work B | TFLM head B | "
          "--patch auto: plan | LbL work B | patched work B | ratio | MACs + | patched C == ref |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def row(r: dict) -> str:
    if "error" in r:
        return (f"| {r['name']} | no: {r['error'].split(': ', 1)[-1][:90]} | "
                f"{'yes' if r['ref_litert'] else 'NO'} ({r['tensors']}) | - | - | - | - | - | - | - | - | - | - |")
    head = f"{r['tflm_head']:,}" if r["tflm_head"] else "n/a"
    cells = [r["name"], "yes", f"{'yes' if r['ref_litert'] else 'NO'} ({r['tensors']})",
             "yes" if r["c_ref"] else "NO", f"{r['arena']:,}", f"{r['work']:,}", head]
    p = r.get("patch")
    if p:
        cells += [p["plan"], f"{p['lbl']:,}", f"{p['work']:,}", f"{p['lbl'] / p['work']:.2f}x",
                  f"{100 * p['mac']:.0f}%", "yes" if p["same"] else "NO"]
    elif "patch_note" in r:
        cells += [f"none: {r['patch_note'][:160]}", "", "", "", "", ""]
    else:
        cells += ["(not a spatial int8 model)", "", "", "", "", ""]
    return "| " + " | ".join(cells) + " |"


def main(names: list[str]) -> None:
    print(HEADER, flush=True)
    for name in names or models():  # one row at a time: the slow compiles (NASNet, unrolled RNNs) take a minute
        r = measure(name)
        if "error" not in r:
            r["c_ref"] = c_equals_ref(r["graph"], inputs(name, 2, seed=1))
        print(row(r), flush=True)
    print(f"\nexpected out-of-scope errors: {EXPECTED_ERRORS}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(models(ZOO3) if args == ["--zoo", "3"] else args)
