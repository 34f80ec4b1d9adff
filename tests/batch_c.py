"""Many models, one C build: each compiled graph becomes its own object (its symbols carry the
model name), and one generated driver (tests/batch_driver.c.j2) runs them all in one process.

Use it where a test checks many small models against the numpy reference or goldens: one
runtime build and one link instead of a Makefile project per model. Host gcc only, with the
generated projects' warning flags (-Werror) and optionally ASan + UBSan.
"""
from __future__ import annotations

import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jinja2
import numpy as np

from tinyc.backend.lower import c_ident
from tinyc.ir import Graph
from tinyc.paths import RUNTIME_C
from tinyc.pipeline import Options, compile_graph

CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Wshadow", "-Wconversion", "-Werror", "-ffp-contract=off",
          f"-I{RUNTIME_C / 'include'}"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def _compile(args):
    src, obj, flags = args
    ccache = [os.environ["CCACHE"]] if os.environ.get("CCACHE") else []  # tests/conftest.py sets it
    p = subprocess.run([*ccache, "gcc", *flags, "-c", str(src), "-o", str(obj)], capture_output=True, text=True)
    if p.returncode:
        raise RuntimeError(f"gcc failed on {src.name}: {p.stderr[:2000]}")
    return obj


def run_batch(graphs: list[Graph], inputs: list[list[np.ndarray]], opt: str = "-O1", sanitize: bool = False,
              jobs: int = 2) -> list[list[np.ndarray]]:
    """Compile each graph (one sample each: inputs[k] is the list of graph k's input arrays), build
    one binary, run it once; returns per graph the list of its output arrays."""
    outs = run_batch_samples(graphs, [[xs] for xs in inputs], opt, sanitize, jobs)
    return [o[0] for o in outs]


def run_batch_samples(graphs: list[Graph], samples: list[list[list[np.ndarray]]], opt: str = "-O1",
                      sanitize: bool = False, jobs: int = 2) -> list[list[list[np.ndarray]]]:
    """run_batch with several samples per graph: samples[k][i] is sample i of graph k (one array per
    input); returns outs[k][i], the list of graph k's outputs on sample i."""
    flags = [*CFLAGS, opt, *(SANITIZE if sanitize else [])]
    with tempfile.TemporaryDirectory(prefix="tinyc-batch-") as tmp:
        d = Path(tmp)
        models, srcs = [], []
        names = set()
        for g in graphs:
            g = g.copy()
            g.name = c_ident(g.name)
            if g.name in names:
                raise ValueError(f"two graphs named {g.name}")
            names.add(g.name)
            c = compile_graph(g, Options(board="host"))
            for rel in (f"{g.name}.c", f"{g.name}.h"):
                (d / rel).write_text(c.files[rel])
            srcs.append(d / f"{g.name}.c")
            models.append(dict(name=g.name, inputs=c.program.inputs, outputs=c.program.outputs,
                               samples=len(samples[len(models)])))
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).parent)),
                                 undefined=jinja2.StrictUndefined)
        (d / "driver.c").write_text(env.get_template("batch_driver.c.j2").render(models=models))
        srcs.append(d / "driver.c")
        runtime = sorted((RUNTIME_C / "src").rglob("*.c"))
        # The runtime's command lines name no temp dir, so ccache serves them across builds.
        jobs_args = [(s, d / f"o{i}.o", [*flags, f"-I{d}"]) for i, s in enumerate(srcs)]
        jobs_args += [(s, d / f"r{i}.o", flags) for i, s in enumerate(runtime)]
        with ThreadPoolExecutor(jobs) as ex:
            objs = list(ex.map(_compile, jobs_args))
        exe = d / "batch"
        subprocess.run(["gcc", *flags, *map(str, objs), "-o", str(exe), "-lm"], check=True, capture_output=True)
        with open(d / "input.bin", "wb") as f:
            for m, ss in zip(models, samples):
                for xs in ss:
                    for p, x in zip(m["inputs"], xs):
                        f.write(np.ascontiguousarray(x, dtype=_np(p.ctype)).tobytes())
        env_run = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
        p = subprocess.run([str(exe)], cwd=d, capture_output=True, text=True, env=env_run, timeout=600)
        if p.returncode:
            raise RuntimeError(f"batch binary exited {p.returncode}: {(p.stdout + p.stderr)[-2000:]}")
        raw = (d / "output.bin").read_bytes()
    outs, pos = [], 0
    for m in models:
        per = []
        for _ in range(m["samples"]):
            row = []
            for port in m["outputs"]:
                dt = np.dtype(_np(port.ctype))
                nb = port.size * dt.itemsize
                row.append(np.frombuffer(raw[pos:pos + nb], dtype=dt).reshape(port.shape).copy())
                pos += nb
            per.append(row)
        outs.append(per)
    if pos != len(raw):
        raise RuntimeError(f"output.bin has {len(raw)} bytes, expected {pos}")
    return outs


def _np(ctype: str) -> str:
    return {"int8_t": "int8", "int16_t": "int16", "int32_t": "int32", "int64_t": "int64", "uint8_t": "uint8",
            "float": "float32"}[ctype]
