"""LiteRT as the int8 oracle: run a .tflite model with TFLite's reference kernels.

The interpreter uses OpResolverType.BUILTIN_REF (the portable reference
kernels, the ones tinyc must match bit for bit). ai_edge_litert is preferred;
tflite_runtime is the fallback when it is not importable.

Inputs follow the CLI contract: one array per model input, shape
(N, *input shape without its batch dim), in the model's interface dtype;
sample i is reshaped to the model's input shape and run with one invoke.
Outputs come back the same way, one array per model output.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

try:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
except ImportError:  # pragma: no cover - only without ai_edge_litert
    from tflite_runtime.interpreter import Interpreter, OpResolverType


def litert_interpreter(model_path, preserve_all_tensors: bool = False) -> Interpreter:
    """An allocated reference-kernel interpreter for model_path."""
    it = Interpreter(model_path=str(Path(model_path)),
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                     experimental_preserve_all_tensors=preserve_all_tensors)
    it.allocate_tensors()
    return it


def litert_io_details(model_path) -> tuple[list[dict], list[dict]]:
    """(input details, output details) as the interpreter reports them (name, shape, dtype, quantization...)."""
    it = litert_interpreter(model_path)
    return it.get_input_details(), it.get_output_details()


def litert_tensor_details(model_path) -> list[dict]:
    """Every tensor's details (scales, zero points, quantized_dimension, shape...), by tensor index."""
    return litert_interpreter(model_path).get_tensor_details()


def _samples(inputs, details: list[dict]) -> list[np.ndarray]:
    """Check the inputs against the model and return them as arrays of shape (N, ...)."""
    if isinstance(inputs, np.ndarray):
        inputs = [inputs]
    if len(inputs) != len(details):
        raise ValueError(f"model has {len(details)} inputs, got {len(inputs)} arrays")
    arrays = []
    for x, d in zip(inputs, details):
        x = np.asarray(x)
        size = int(np.prod(d["shape"]))
        if x.dtype != d["dtype"]:
            raise TypeError(f"input {d['name']} wants {np.dtype(d['dtype'])}, got {x.dtype}")
        if x.ndim == 0 or x[0].size != size:
            raise ValueError(f"input {d['name']}: samples of shape {x.shape[1:]} do not fit {list(d['shape'])}")
        arrays.append(x)
    if len({len(x) for x in arrays}) > 1:
        raise ValueError("inputs hold different numbers of samples")
    return arrays


def _drop_batch(shape) -> tuple[int, ...]:
    shape = tuple(int(d) for d in shape)
    return shape[1:] if shape and shape[0] == 1 else shape


def _run(it: Interpreter, inputs, fetch) -> list[np.ndarray]:
    """Invoke once per sample; stack fetch(it) (a list of arrays) over the samples."""
    in_details = it.get_input_details()
    arrays = _samples(inputs, in_details)
    per_sample = []
    for i in range(len(arrays[0])):
        for x, d in zip(arrays, in_details):
            it.set_tensor(d["index"], x[i].reshape(d["shape"]))
        it.invoke()
        per_sample.append([np.array(y).reshape(_drop_batch(y.shape)) for y in fetch(it)])
    return [np.stack([s[k] for s in per_sample]) for k in range(len(per_sample[0]))]


def litert_run(model_path, inputs) -> list[np.ndarray]:
    """Every model output, shape (N, *output shape without batch), one invoke per sample."""
    it = litert_interpreter(model_path)
    outs = it.get_output_details()
    return _run(it, inputs, lambda it: [it.get_tensor(d["index"]) for d in outs])


def litert_tensor(model_path, tensor_name, inputs) -> np.ndarray:
    """The value of one tensor (by TFLite name or index), shape (N, *shape without batch).

    Runs with experimental_preserve_all_tensors=True so intermediate activations
    survive the invoke: use it to find the first layer where tinyc differs.
    """
    it = litert_interpreter(model_path, preserve_all_tensors=True)
    if isinstance(tensor_name, (int, np.integer)):
        index = int(tensor_name)
    else:
        matches = [d["index"] for d in it.get_tensor_details() if d["name"] == tensor_name]
        if not matches:
            raise KeyError(f"no tensor named {tensor_name!r} in {model_path}")
        index = matches[0]
    return _run(it, inputs, lambda it: [it.get_tensor(index)])[0]
