"""The Python API, as hls4ml's compile()/predict():

    import tinyc
    m = tinyc.compile("models/kws_dscnn_int8.tflite", board="mps2-an386")
    m.report["work_bytes"], sorted(m.files)       # what the CLI writes to report.json / OUTDIR
    y = m.predict(x)                               # builds once, runs x on the board (QEMU) or host
    m.last_run["instructions"]                     # what `tinyc run --stats` records

compile() takes the CLI's options as keyword arguments (calib may be an array) and checks them
the same way; predict() takes (N, *input shape) or one sample, in the model's interface dtype
(a dict by input name for several inputs) and returns (N, *output shape) (a dict for several
outputs). Errors are TinycError, as on the command line.
"""
from __future__ import annotations

import tempfile
import weakref
from pathlib import Path

import numpy as np

from tinyc.errors import TinycError

OPTIONS = ("calib", "observer", "patch", "sram_budget", "max_mac_overhead", "precision", "flash_budget",
           "extra_cflags", "force")


class CompiledModel:
    """A compiled model and its C project (in `outdir`, or in a temporary folder of its own)."""

    def __init__(self, compiled, outdir: Path, board: str, tmp: tempfile.TemporaryDirectory | None):
        self._c = compiled
        self.outdir = Path(outdir)
        self.board = board
        self.report: dict = compiled.report
        self.files: dict[str, str] = compiled.files
        self.last_run: dict = {}
        self._tmp = tmp  # removed with this object when it owns the project
        self._built = False

    @property
    def graph(self):
        """The quantized tinyc IR the C implements."""
        return self._c.graph

    def predict(self, x) -> np.ndarray | dict[str, np.ndarray]:
        """Run the generated C on every sample of x (host binary, or the board's image in QEMU)."""
        from tinyc.backend.build import make, run_project
        from tinyc.datafiles import load_sample_sets, sample_shape
        from tinyc.runner import memory_of
        g, prog = self._c.graph, self._c.program
        ports = [(p.name, p.shape, g.tensors[p.name].dtype) for p in prog.inputs]
        data = self.outdir / "predict_x.npz"
        arrays = x if isinstance(x, dict) else {ports[0][0]: x} if len(ports) == 1 else None
        if arrays is None:
            raise TinycError(f"the model has {len(ports)} inputs: pass a dict by input name", "predict")
        try:
            np.savez(data, **{k: np.asarray(v) for k, v in arrays.items()})
            sets = load_sample_sets(data, ports, "predict input")
        finally:
            data.unlink(missing_ok=True)
        if not self._built:
            make(self.outdir, "-j2", "all")
            self._built = True
        out_dt = [g.tensors[p.name].dtype for p in prog.outputs]
        res = run_project(self.outdir, [[s[p.name] for p in prog.inputs] for s in sets], [dt for *_, dt in ports],
                          [p.shape for p in prog.outputs], out_dt)
        ys = {p.name: np.stack([s[i].reshape(sample_shape(p.shape)) for s in res.outputs])
              for i, p in enumerate(prog.outputs)}
        self.last_run = {"board": self.board, "samples": len(sets),
                         "instructions_per_sample": [int(v) for v in res.instructions],
                         "instructions": int(res.instructions[0]) if res.instructions else 0,
                         "stack_bytes": int(res.stack_bytes),
                         **memory_of(self.outdir, prog.name, self.board, res.stack_bytes)}
        return ys[prog.outputs[0].name] if len(ys) == 1 else ys


def compile(model, outdir=None, board: str = "host", **options) -> CompiledModel:  # noqa: A001 (hls4ml's name)
    """Compile `model` (a .onnx / .tflite path, or an onnx.ModelProto) for `board` into outdir
    (a temporary folder owned by the result when None). Keyword options are the CLI's:
    calib (path or array), observer, patch, sram_budget, max_mac_overhead, precision,
    flash_budget, and extra_cflags / force."""
    from tinyc.cli import make_options
    from tinyc.pipeline import compile_model
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise TypeError(f"tinyc.compile() got unknown option(s) {', '.join(unknown)} (known: {', '.join(OPTIONS)})")
    tmp = tempfile.TemporaryDirectory(prefix="tinyc-api-")
    work = Path(tmp.name)
    path = _model_path(model, work)
    calib = options.get("calib")
    if calib is not None and not isinstance(calib, (str, Path)):
        np.save(work / "calib.npy", np.asarray(calib))
        calib = work / "calib.npy"
    opts = make_options(board=board, calib=None if calib is None else str(calib),
                        observer=options.get("observer", "minmax"), patch=options.get("patch", "off"),
                        sram_budget=options.get("sram_budget"), precision=options.get("precision", "int8"),
                        max_mac_overhead=options.get("max_mac_overhead", 0.30),
                        flash_budget=options.get("flash_budget"))
    opts.extra_cflags = list(options.get("extra_cflags", []))
    own = outdir is None
    project = work / "project" if own else Path(outdir)
    try:
        c = compile_model(path, project, opts, bool(options.get("force", False)))
    except BaseException:
        tmp.cleanup()
        raise
    if not own:
        tmp.cleanup()
        tmp = None
    result = CompiledModel(c, project, board, tmp)
    if tmp is not None:
        weakref.finalize(result, tmp.cleanup)
    return result


def _model_path(model, work: Path) -> Path:
    """A path for the model: as given, or an onnx.ModelProto saved into work."""
    if isinstance(model, (str, Path)):
        return Path(model)
    if type(model).__name__ == "ModelProto":
        import onnx
        path = work / f"{model.graph.name or 'model'}.onnx"
        onnx.save(model, str(path))
        return path
    raise TinycError(f"model must be a .onnx/.tflite path or an onnx.ModelProto, got {type(model).__name__}",
                     "tinyc.compile")
