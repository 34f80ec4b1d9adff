"""Refine a freshly quantized graph against the float model on the calibration data (ONNX origin only).

After quantize_graph has chosen every QParams, this pass runs the calibration samples through the int8
graph node by node, in graph order, next to the float model's values of the same tensors, and moves
the mean error of each weighted layer whose weights tinyc quantized into its int32 bias
(tinyc.quant.bias_correction). Each layer is corrected before the layers below it run, so each
corrects what is left above it. QParams, weights, ops and kernels do not change: only int32 biases
(a layer without a bias may get one). Graphs that come quantized (TFLite, or QDQ layers with their
own int8 weights) are left as they are.
"""
from __future__ import annotations

import numpy as np

from tinyc.ir import Graph
from tinyc.quant.bias_correction import WEIGHTED, correct_bias

TARGET_VALUES = 1 << 24  # float values of the float model kept at once: bounds the samples this pass uses


def _todo(g_float: Graph, q: Graph) -> set[str]:
    """The int8 weighted nodes of q whose weights were float in g_float (same node names)."""
    fl = {n.name: n for n in g_float.nodes}
    out = set()
    for n in q.nodes:
        f = fl.get(n.name)
        if n.op in WEIGHTED and f is not None and f.op == n.op and _bias_is_ours(g_float, f) \
                and q.tensors[n.inputs[0]].dtype == "int8" and q.tensors[n.outputs[0]].dtype == "int8":
            out.add(n.name)
    return out


def _bias_is_ours(g_float: Graph, f) -> bool:
    """The float node's weights (and bias, if any) were float: tinyc quantized them."""
    w = g_float.tensors[f.inputs[1]]
    b = g_float.tensors[f.inputs[2]] if len(f.inputs) > 2 and f.inputs[2] else None
    return w.is_const and w.dtype == "float32" and (b is None or (b.is_const and b.dtype == "float32"))


def kept_tensors(g_float: Graph) -> frozenset:
    """The float outputs refine may need: those of every weighted node (calibrate keeps them)."""
    return frozenset(n.outputs[0] for n in g_float.nodes if n.op in WEIGHTED)


def refine(g_float: Graph, q: Graph, samples: list[dict[str, np.ndarray]], known: list | None = None) -> Graph:
    """q with corrected biases (see the module docstring); q itself is not changed.
    known[i]: the float model's outputs on samples[i] already computed (calibrate's `kept`)."""
    todo = _todo(g_float, q)
    if not todo or not samples:
        return q
    from tinyc.float_ref import run_float
    from tinyc.progress import track
    by_name = {n.name: n for n in g_float.nodes}
    per_sample = sum(g_float.tensors[by_name[k].outputs[0]].size for k in todo)
    samples = samples[:max(1, TARGET_VALUES // max(per_sample, 1))]
    targets = []  # per sample: {node name: the float model's output of that node}
    for i, s in enumerate(track(samples, f"refining {len(todo)} layers against the float model")):
        env = known[i] if known is not None and i < len(known) else run_float(g_float, s, return_all=True)
        targets.append({k: np.asarray(env[by_name[k].outputs[0]], np.float32) for k in todo})
    q = q.copy()
    envs = [_int_inputs(q, s) for s in samples]
    last_read = {x: i for i, n in enumerate(q.nodes) for x in n.inputs}
    for i, n in enumerate(q.nodes):
        if n.name in todo:
            correct_bias(n, q, [e[n.inputs[0]] for e in envs], [t[n.name] for t in targets])
        _run(q, n, envs)
        for x in n.inputs:  # free what no later node reads
            if x and last_read.get(x) == i and x not in q.outputs:
                for e in envs:
                    e.pop(x, None)
    return q


def _int_inputs(q: Graph, s: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    env = {}
    for name in q.inputs:
        t = q.tensors[name]
        env[name] = np.asarray(s[name]).astype(t.dtype).reshape(t.shape)
    return env


def _run(q: Graph, n, envs) -> None:
    """Execute node n on every sample's environment (as tinyc.ref.run_int does)."""
    from tinyc.ops import op_module
    mod = op_module(n.op)
    consts = {x: q.tensors[x].data for x in n.inputs if x and q.tensors[x].is_const}  # biases change here
    for env in envs:
        outs = mod.ref(n, q, *[consts[x] if x in consts else env[x] if x else None for x in n.inputs])
        for name, val in zip(n.outputs, outs):
            t = q.tensors[name]
            env[name] = np.asarray(val).astype(t.dtype).reshape(t.shape)
