"""Shape-specialised DSP kernels: one shared function per distinct layer shape.

A call whose op lowering set params['spec'] can run, in DSP builds, a kernel compiled
with the layer's shape as literals (templates/ops/<kind>_spec.j2 around the always_inline
kernels of tc_conv_spec_dsp.h / tc_fc_spec_dsp.h). `share_spec_kernels` gives every
distinct shape one function (`<model>_spec<k>`), which all layers of that shape call
with their own quantization, offsets and pointers: the code grows with the number of
shapes, not of layers. `--optimize size` takes no specialised kernel at all (the
generic DSP kernels only).

Other code generators (the patch loop) register shapes through `spec_function` and call
the returned symbol with the same arguments as the layer calls.
"""
from __future__ import annotations

from tinyc.ops.conv2d import scratch_1x1

KINDS = ("conv2d_1x1_s8", "conv2d_s8", "depthwise_conv2d_s8", "fully_connected_s8")


def spec_key(kind: str, p: dict, scratch: int) -> dict | None:
    """The literals of a specialised kernel for a call of template `kind` with params p, or None
    when that call cannot take it."""
    if kind in ("conv2d_1x1_s8", "conv2d_s8", "fully_connected_s8") and not scratch:
        return None  # their tables and widened columns live in the planner's scratch
    if kind == "conv2d_1x1_s8":
        if scratch < scratch_1x1(p["cin"], p["cout"]):
            return None  # given one output pixel only: the portable path
        return dict(cin=p["cin"], cout=p["cout"], pixels=p["oh"] * p["ow"])
    if kind == "conv2d_s8":
        return dict(h=p["h"], w=p["w"], cin=p["cin"], kh=p["kh"], kw=p["kw"], cout=p["cout"], oh=p["oh"],
                    ow=p["ow"], sh=p["stride_h"], sw=p["stride_w"], pt=p["pad_top"], pl=p["pad_left"])
    if kind == "depthwise_conv2d_s8":
        if scratch and scratch < 4 * p["oh"] * p["ow"]:
            return None  # the in-place path needs four planes of scratch (or none at all)
        return dict(h=p["h"], w=p["w"], cin=p["cin"], oh=p["oh"], ow=p["ow"], sh=p["stride_h"], sw=p["stride_w"],
                    pt=p["pad_top"], pl=p["pad_left"], tmp=int(bool(scratch)))
    if kind == "fully_connected_s8":
        return dict(batches=p["batches"], in_ch=p["in_ch"], out_ch=p["out_ch"],
                    sr=int("rq_c_sym" in p and p["in_ch"] % 4 == 0), away=int("rq_nb_sym" in p))
    return None


def spec_function(prog, kind: str, key: dict) -> str:
    """The symbol of the shared function for (kind, key), registered in prog.extra['spec_fns']."""
    fns = prog.extra.setdefault("spec_fns", [])
    for f in fns:
        if f["kind"] == kind and f["key"] == key:
            f["uses"] += 1
            return f["symbol"]
    sym = f"{prog.name}_spec{len(fns)}"
    fns.append(dict(symbol=sym, kind=kind, key=key, uses=1))
    return sym


def share_spec_kernels(prog, optimize: str = "speed"):
    """Afterwards every call that takes a specialised kernel has params['spec_fn'] naming its shape's
    shared function (listed in prog.extra['spec_fns'], defined once in model.c); with
    optimize == 'size' no call does."""
    prog.extra.setdefault("spec_fns", [])
    for c in prog.calls:
        kind = c.template[:-3]
        c.params.pop("spec_fn", None)
        if optimize != "speed" or not c.params.get("spec") or kind not in KINDS:
            continue
        key = spec_key(kind, c.params, c.scratch)
        if key is not None:
            c.params["spec_fn"] = spec_function(prog, kind, key)
    return prog
