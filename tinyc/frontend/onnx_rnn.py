"""ONNX LSTM and GRU, unrolled over their (static) sequence into IR ops.

Each time step becomes per-gate fully_connected nodes (one for x_t with both
biases folded in, one for h_{t-1}), an add, the gate activation (logistic /
tanh) and the elementwise state update (mul / add / sub). Every step's
tensors are separate IR tensors, so each gets its own calibrated int8 range.
Supported: one direction (forward or reverse), batch 1, default activations,
no clip, no peepholes, no sequence_lens shorter than the sequence. Y is the
concat of the steps' hidden states; a Gather / Slice of one step (what PyTorch
exports for `out[:, -1]`) is resolved by the canonicalise pass.
"""
from __future__ import annotations

import math

import numpy as np

NO_ACT = (-math.inf, math.inf)
LSTM_GATES = "iofc"
GRU_GATES = "zrh"


def _check(ctx, node, X, seq_lens, activations, clip, direction, layout):
    if direction not in ("forward", "reverse"):
        raise ctx.error(node, f"direction '{direction}' is not supported (forward or reverse)")
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
    if not name:
        return None
    v = ctx.const(name)
    if v is None:
        raise ctx.error(node, f"{what} must be a constant")
    return v.astype(np.float32)


class _Unroll:
    """Helpers that emit IR nodes for one recurrent ONNX node."""

    def __init__(self, ctx, node, hidden):
        self.ctx, self.node, self.h = ctx, node, hidden
        self.base = (node.name or node.op_type).strip("/").replace("/", "_") or node.op_type

    def tmp(self, tag, shape=None):
        return self.ctx.tmp(f"{self.base}_{tag}", shape or (1, self.h))

    def op(self, op, ins, tag, shape=None, **attrs):
        y = self.tmp(tag, shape)
        self.ctx.emit(self.node, op, ins, [y], **attrs)
        return y

    def fc(self, x, w, b, tag):
        wn = self.ctx.add_const(f"{self.base}_{tag}_w", np.ascontiguousarray(w))
        bn = self.ctx.add_const(f"{self.base}_{tag}_b", b) if b is not None else ""
        return self.op("fully_connected", [x, wn, bn], tag, act=NO_ACT, w_layout="CK")

    def step_input(self, X, t, t_len, layout, n_in):
        begin = (0, t, 0) if layout else (t, 0, 0)
        return self.op("strided_slice", [X], f"x{t}", (1, n_in), begin=begin, size=(1, 1, n_in), strides=(1, 1, 1))

    def initial(self, name, tag):
        """(1, H) run-time initial state, or None when absent or constant zero."""
        if not name:
            return None
        v = self.ctx.const(name)
        if v is not None:
            if np.any(v != 0):
                return self.op("reshape", [self.ctx.add_const(f"{self.base}_{tag}0", v.astype(np.float32))], tag)
            return None
        return self.op("reshape", [name], tag)

    def outputs(self, hs, last_h, last_c=None):
        node, ctx = self.node, self.ctx
        outs = list(node.output) + [""] * 3
        if outs[0]:
            parts = [self.op("reshape", [h], f"y{t}", (1, 1, 1, self.h)) for t, h in enumerate(hs)]
            ctx.emit(node, "concat", parts, [outs[0]], axis=0)
        if outs[1]:
            ctx.emit(node, "reshape", [last_h], [outs[1]])
        if outs[2]:
            ctx.emit(node, "reshape", [last_c], [outs[2]])


def LSTM(ctx, node, X, W, R, B=None, sequence_lens=None, initial_h=None, initial_c=None, P=None, *,
         activation_alpha=None, activation_beta=None, activations=None, clip=None, direction="forward",
         hidden_size=None, input_forget=0, layout=0):
    t_len, n_in = _check(ctx, node, X, sequence_lens, activations, clip, direction, layout)
    if P or input_forget:
        raise ctx.error(node, "peepholes and input_forget are not supported")
    w, r = _const(ctx, node, W, "W")[0], _const(ctx, node, R, "R")[0]
    h = r.shape[1]
    b = _const(ctx, node, B, "B")
    b = b[0, :4 * h] + b[0, 4 * h:] if b is not None else np.zeros(4 * h, np.float32)
    u = _Unroll(ctx, node, h)
    hprev, cprev = u.initial(initial_h, "h_init"), u.initial(initial_c, "c_init")
    hs = []
    steps = range(t_len) if direction == "forward" else reversed(range(t_len))
    for t in steps:
        xt = u.step_input(X, t, t_len, layout, n_in)
        gate = {}
        for k, gname in enumerate(LSTM_GATES):
            sl = slice(k * h, (k + 1) * h)
            pre = u.fc(xt, w[sl], b[sl], f"t{t}_{gname}x")
            if hprev is not None:
                pre = u.op("add", [pre, u.fc(hprev, r[sl], None, f"t{t}_{gname}h")], f"t{t}_{gname}_pre", act=NO_ACT)
            gate[gname] = u.op("tanh" if gname == "c" else "logistic", [pre], f"t{t}_{gname}")
        ic = u.op("mul", [gate["i"], gate["c"]], f"t{t}_ic", act=NO_ACT)
        c = ic if cprev is None else u.op("add", [u.op("mul", [gate["f"], cprev], f"t{t}_fc", act=NO_ACT), ic],
                                          f"t{t}_cell", act=NO_ACT)
        hprev = u.op("mul", [gate["o"], u.op("tanh", [c], f"t{t}_tanh_c")], f"t{t}_h", act=NO_ACT)
        cprev = c
        hs.append(hprev)
    if direction == "reverse":
        hs = hs[::-1]
    u.outputs(hs, hprev, cprev)


def GRU(ctx, node, X, W, R, B=None, sequence_lens=None, initial_h=None, *, activation_alpha=None,
        activation_beta=None, activations=None, clip=None, direction="forward", hidden_size=None,
        layout=0, linear_before_reset=0):
    t_len, n_in = _check(ctx, node, X, sequence_lens, activations, clip, direction, layout)
    w, r = _const(ctx, node, W, "W")[0], _const(ctx, node, R, "R")[0]
    h = r.shape[1]
    b = _const(ctx, node, B, "B")
    wb, rb = (b[0, :3 * h], b[0, 3 * h:]) if b is not None else (np.zeros(3 * h, np.float32),) * 2
    u = _Unroll(ctx, node, h)
    hprev = u.initial(initial_h, "h_init")
    hs = []
    steps = range(t_len) if direction == "forward" else reversed(range(t_len))
    zs, rs, hs_ = (slice(k * h, (k + 1) * h) for k in range(3))
    for t in steps:
        xt = u.step_input(X, t, t_len, layout, n_in)
        gates = {}
        for gname, sl in (("z", zs), ("r", rs)):
            pre = u.fc(xt, w[sl], wb[sl] + rb[sl], f"t{t}_{gname}x")
            if hprev is not None:
                pre = u.op("add", [pre, u.fc(hprev, r[sl], None, f"t{t}_{gname}h")], f"t{t}_{gname}_pre", act=NO_ACT)
            gates[gname] = u.op("logistic", [pre], f"t{t}_{gname}")
        if hprev is None and linear_before_reset:  # h_{t-1} = 0: r * (0 Rh + Rbh)
            rrb = u.op("mul", [gates["r"], u.ctx.add_const(f"{u.base}_rbh", rb[hs_])], f"t{t}_rrb", act=NO_ACT)
            rh = u.op("add", [u.fc(xt, w[hs_], wb[hs_], f"t{t}_hx"), rrb], f"t{t}_h_pre", act=NO_ACT)
        elif hprev is None:
            rh = u.fc(xt, w[hs_], wb[hs_] + rb[hs_], f"t{t}_hx")
        elif linear_before_reset:
            hr = u.fc(hprev, r[hs_], rb[hs_], f"t{t}_hh")
            rh = u.op("add", [u.fc(xt, w[hs_], wb[hs_], f"t{t}_hx"),
                              u.op("mul", [gates["r"], hr], f"t{t}_rh", act=NO_ACT)], f"t{t}_h_pre", act=NO_ACT)
        else:
            rhp = u.op("mul", [gates["r"], hprev], f"t{t}_rhp", act=NO_ACT)
            rh = u.op("add", [u.fc(xt, w[hs_], wb[hs_] + rb[hs_], f"t{t}_hx"), u.fc(rhp, r[hs_], None, f"t{t}_hh")],
                      f"t{t}_h_pre", act=NO_ACT)
        cand = u.op("tanh", [rh], f"t{t}_cand")
        # h = (1 - z) * cand + z * h_prev = cand + z * (h_prev - cand)
        if hprev is None:
            hprev = u.op("sub", [cand, u.op("mul", [gates["z"], cand], f"t{t}_zc", act=NO_ACT)], f"t{t}_h",
                         act=NO_ACT)
        else:
            diff = u.op("sub", [hprev, cand], f"t{t}_diff", act=NO_ACT)
            hprev = u.op("add", [cand, u.op("mul", [gates["z"], diff], f"t{t}_zd", act=NO_ACT)], f"t{t}_h",
                         act=NO_ACT)
        hs.append(hprev)
    if direction == "reverse":
        hs = hs[::-1]
    u.outputs(hs, hprev)
