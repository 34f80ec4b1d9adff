"""ONNX LSTM and GRU -> the `lstm_f32` / `gru_f32` IR ops (whole sequence, one direction, batch 1).

The sequence input is reshaped to [T, I]; the op writes every step's h
([T, H]) and the final states ([1, H]); Y / Y_h / Y_c are reshapes of those.
Weights become [gates*H, I] and [gates*H, H] float constants that the quantizer
turns into int8 rows with per-row scales; the activations inside stay float32
(docs/ops.md, float islands). Supported: forward, reverse or bidirectional
(two ops, one per direction, their outputs concatenated on the direction axis),
default activations, no clip, no peepholes, sequence_lens absent or the full length.
"""
from __future__ import annotations

import numpy as np


def _check(ctx, node, X, seq_lens, activations, clip, direction, layout):
    if direction not in ("forward", "reverse", "bidirectional"):
        raise ctx.error(node, f"direction '{direction}' is not supported (forward, reverse, bidirectional)")
    if activations is not None or clip is not None:
        raise ctx.error(node, "only the default activations and no clip are supported")
    shape = ctx.shape(X)
    t_len, batch = (shape[1], shape[0]) if layout else (shape[0], shape[1])
    if batch != 1:
        raise ctx.error(node, f"batch {batch}: only batch 1 is supported")
    if seq_lens and (ctx.const(seq_lens) is None or np.any(ctx.const(seq_lens) != t_len)):
        raise ctx.error(node, "sequence_lens must be a constant equal to the sequence length")
    return t_len, shape[2]


def _const(ctx, node, name, what):
    v = ctx.const(name)
    if v is None:
        raise ctx.error(node, f"{what} must be a constant")
    return v.astype(np.float32)


def _state(ctx, node, name, hid, tag):
    """A [1, H] initial state tensor, or "" when absent or constant zero."""
    if not name:
        return ""
    v = ctx.const(name)
    if v is not None:
        return "" if not np.any(v) else ctx.add_const(f"{node.output[0]}_{tag}", v.astype(np.float32).reshape(1, hid))
    y = ctx.tmp(f"{name}_2d", (1, hid))
    ctx.emit(node, "reshape", [name], [y])
    return y


def _sequence(ctx, node, X, t_len, n_in):
    x2 = ctx.tmp(f"{X}_seq", (t_len, n_in))
    ctx.emit(node, "reshape", [X], [x2])  # [T, 1, I] or [1, T, I] (batch 1): the same bytes
    return x2


def _outputs(ctx, node, t_len, hid, n_states, tag=""):
    outs = (list(node.output) + [""] * 3)[:1 + n_states]
    base = (node.output[0] or node.output[1] or node.name) + tag
    ys = [ctx.tmp(f"{base}_y", (t_len, hid))] + [ctx.tmp(f"{base}_state{i}", (1, hid)) for i in range(n_states)]
    return outs, ys


def _finish(ctx, node, outs, ys):
    for onnx_out, y in zip(outs, ys):
        if onnx_out:
            ctx.emit(node, "reshape", [y], [onnx_out])


def _finish_bidirectional(ctx, node, outs, ys_f, ys_r, t_len, hid):
    """Y [T, 2, 1, H] (layout 1: [1, T, 2, H]) is the per-step concat of both directions' h on the
    direction axis; each state [2, 1, H] (layout 1: [1, 2, H]) stacks forward then reverse."""
    if outs[0]:
        yf, yr = ctx.tmp(f"{ys_f[0]}_3d", (t_len, 1, hid)), ctx.tmp(f"{ys_r[0]}_3d", (t_len, 1, hid))
        ctx.emit(node, "reshape", [ys_f[0]], [yf])
        ctx.emit(node, "reshape", [ys_r[0]], [yr])
        y = ctx.tmp(f"{outs[0]}_cat", (t_len, 2, hid))
        ctx.emit(node, "concat", [yf, yr], [y], axis=1)
        ctx.emit(node, "reshape", [y], [outs[0]])
    for onnx_out, sf, sr in zip(outs[1:], ys_f[1:], ys_r[1:]):
        if onnx_out:
            s = ctx.tmp(f"{onnx_out}_cat", (2, hid))
            ctx.emit(node, "concat", [sf, sr], [s], axis=0)
            ctx.emit(node, "reshape", [s], [onnx_out])


def _directions(direction):
    """(index into the ONNX weight's direction axis, reverse) of each direction to run."""
    return [(0, False), (1, True)] if direction == "bidirectional" else [(0, direction == "reverse")]


def _state_d(ctx, node, name, hid, tag, d, n_dirs):
    """_state of direction d; a run-time bidirectional initial state is sliced per direction."""
    if not name or ctx.const(name) is not None or n_dirs == 1:
        if name and ctx.const(name) is not None:
            v = ctx.const(name)[d]
            return "" if not np.any(v) else ctx.add_const(f"{node.output[0]}_{tag}{d}",
                                                          v.astype(np.float32).reshape(1, hid))
        return _state(ctx, node, name, hid, tag)
    raise ctx.error(node, "a run-time initial state of a bidirectional RNN is not supported")


def _rnn(ctx, node, X, W, R, B, t_len, n_in, direction, op, gates, n_states, more_inputs, **attrs):
    """The loop LSTM and GRU share: per direction, the weight rows, then the op's further inputs
    (more_inputs(d, b, hid, n_dirs): bias and initial states) and the op; then the ONNX outputs."""
    dirs = _directions(direction)
    seq = _sequence(ctx, node, X, t_len, n_in)
    all_ys = []
    for d, reverse in dirs:
        w, r = _const(ctx, node, W, "W")[d], _const(ctx, node, R, "R")[d]
        hid = r.shape[1]
        b = _const(ctx, node, B, "B")[d] if B else np.zeros(2 * gates * hid, np.float32)
        outs, ys = _outputs(ctx, node, t_len, hid, n_states, f"_d{d}" if len(dirs) > 1 else "")
        ins = [seq, ctx.add_const(f"{W}_rows", w), ctx.add_const(f"{R}_rows", r), *more_inputs(d, b, hid, len(dirs))]
        ctx.emit(node, op, ins, ys, reverse=reverse, **attrs)
        all_ys.append(ys)
    if len(dirs) == 1:
        _finish(ctx, node, outs, all_ys[0])
    else:
        _finish_bidirectional(ctx, node, outs, *all_ys, t_len, hid)


def LSTM(ctx, node, X, W, R, B=None, sequence_lens=None, initial_h=None, initial_c=None, P=None, *,
         activation_alpha=None, activation_beta=None, activations=None, clip=None, direction="forward",
         hidden_size=None, input_forget=0, layout=0):
    t_len, n_in = _check(ctx, node, X, sequence_lens, activations, clip, direction, layout)
    if P or input_forget:
        raise ctx.error(node, "peepholes and input_forget are not supported")

    def more_inputs(d, b, hid, n_dirs):
        return [ctx.add_const(f"{node.output[0] or 'lstm'}_bias", (b[:4 * hid] + b[4 * hid:]).astype(np.float32)),
                _state_d(ctx, node, initial_h, hid, "h0", d, n_dirs),
                _state_d(ctx, node, initial_c, hid, "c0", d, n_dirs)]
    _rnn(ctx, node, X, W, R, B, t_len, n_in, direction, "lstm_f32", 4, 2, more_inputs)


def GRU(ctx, node, X, W, R, B=None, sequence_lens=None, initial_h=None, *, activation_alpha=None,
        activation_beta=None, activations=None, clip=None, direction="forward", hidden_size=None,
        layout=0, linear_before_reset=0):
    t_len, n_in = _check(ctx, node, X, sequence_lens, activations, clip, direction, layout)
    base = node.output[0] or "gru"

    def more_inputs(d, b, hid, n_dirs):
        return [ctx.add_const(f"{base}_wb", b[:3 * hid].copy()), ctx.add_const(f"{base}_rb", b[3 * hid:].copy()),
                _state_d(ctx, node, initial_h, hid, "h0", d, n_dirs)]
    _rnn(ctx, node, X, W, R, B, t_len, n_in, direction, "gru_f32", 3, 1, more_inputs,
         linear_before_reset=int(linear_before_reset))
