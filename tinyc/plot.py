"""`tinyc inspect --plot`: live memory per layer, stacked by buffer, in the work_bytes convention.

Both modes are drawn the same way: the model input stays in the caller's buffer (drawn
hatched on top where it is still read, outside the arena), every other activation and
kernel scratch is a segment of the layer's bar. Buffers are named after the layer that
writes them ("conv_2d_3 out", "patch tile of conv_2d_1", "conv_2d_5 scratch"); the
largest ones get a colour each, the rest are summed as "other", so the legend stays
short for any model. A dashed line marks work_bytes (the planned arena), a dotted one
arena_bytes (the input inside), and an arrow the peak layer. A patch-based model gets
two panels on one y scale: layer by layer above, patch-based below.
"""
from __future__ import annotations

from pathlib import Path

MAX_NAMED = 16  # buffers drawn with their own colour and legend entry (shared by the panels); the rest are "other"
INPUT = "model input (caller's buffer)"


def buffer_labels(g) -> dict[str, str]:
    """tensor name -> a readable label: the layer that writes it."""
    out = {x: INPUT for x in g.inputs}
    for n in g.nodes:
        for y in n.outputs:
            out.setdefault(y, f"{n.name} out")
            out[f"patch:{y}"] = f"patch tile of {n.name}"
            out[f"cache:{y}"] = f"row cache of {n.name}"
        out[f"{n.name}.scratch"] = f"{n.name} scratch"
        out[f"patch.{n.name}.scratch"] = f"{n.name} scratch (per patch)"
    return out


def _label(member: str, labels: dict[str, str], width: int = 40) -> str:
    """A legend entry of at most `width` characters (converters' tensor names can run to hundreds)."""
    text = labels.get(member, member.replace("patch:", "patch tile of "))
    return text if len(text) <= width else text[:width - 1] + "…"


SCRATCH = "kernel scratch"


def series(buffers, steps: list[int], labels: dict[str, str]) -> dict[str, list[int]]:
    """{label: bytes at each layer}, per tensor: at each step a placement unit holds its largest
    live member (in-place members share its bytes), and that member gets the bar segment. All
    kernel scratch is one series (one kernel runs at a time)."""
    out: dict[str, list[int]] = {}
    n = len(steps)
    for b in sorted(buffers, key=lambda b: (b.first, b.name)):
        for j, k in enumerate(steps):
            live = [(s, m) for m, s, f, last in b.rects() if f <= k <= last and s > 0]
            if not live:
                continue
            size, member = max(live)
            name = SCRATCH if member.endswith(".scratch") else _label(member, labels)
            out.setdefault(name, [0] * n)[j] += size
    return out


def grouped(panels: list[dict[str, list[int]]], max_named: int = MAX_NAMED) -> list[dict[str, list[int]]]:
    """The buffers of each panel with the most bytes x layers (max_named shared among the panels; kernel scratch
    always) keep their names; the others are summed into one 'other'."""
    keep = {SCRATCH, INPUT}
    per = max(1, max_named // len(panels))
    for d in panels:
        keep |= set(sorted(d, key=lambda k: -sum(d[k]))[:per])  # by bytes x layers: long-lived ones first
    rest = {k for d in panels for k in d if k not in keep}
    out = []
    for d in panels:
        g = {k: v for k, v in d.items() if k in keep}
        others = [v for k, v in d.items() if k not in keep]
        if others:
            g[f"other ({len(rest)} smaller buffers)"] = [sum(col) for col in zip(*others)]
        out.append(g)
    return out


OP_ABBR = {"conv2d": "conv", "depthwise_conv2d": "dw conv", "fully_connected": "fc", "avg_pool2d": "avg pool",
           "max_pool2d": "max pool", "quantize": "quant", "dequantize": "dequant"}


def xlabels(report: dict) -> list[str]:
    """'index name (op)' per layer, the name cut to 24 characters at its end (the distinctive
    part of long converter names), '[p]' for patch-stage layers."""
    out = []
    for i, layer in enumerate(report["layers"]):
        name = layer["name"] if len(layer["name"]) <= 24 else "…" + layer["name"][-23:]
        op = OP_ABBR.get(layer["op"], layer["op"])
        out.append(f"{i} {name} ({op})" + (" [p]" if layer.get("patch_stage") else ""))
    return out


def input_live(report: dict, g) -> list[int]:
    """Bytes of the model input still read at each layer (it lives in the caller's buffer)."""
    nbytes = sum(g.tensors[x].nbytes for x in g.inputs)
    layers = report["layers"]
    if "patch" in report:  # every patch reads its window from the input until the loop ends
        last = max(i for i, layer in enumerate(layers) if layer.get("patch_stage"))
    else:
        reads = [i for i, n in enumerate(g.nodes) if set(n.inputs) & set(g.inputs)]
        last = max(reads, default=0)
    return [nbytes if i <= last else 0 for i in range(len(layers))]


def _panel(ax, report: dict, g, data: dict[str, list[int]], colours: dict[str, tuple], title: str) -> None:
    import numpy as np
    n = len(report["layers"])
    xs = np.arange(n)
    bottom = np.zeros(n)
    for name, h in data.items():
        ax.bar(xs, h, bottom=bottom, width=0.8, color=colours[name], label=name, edgecolor="white", linewidth=0.3)
        bottom += np.asarray(h)
    inp = np.asarray(input_live(report, g))
    ax.bar(xs, inp, bottom=bottom, width=0.8, facecolor="none", edgecolor="0.45", hatch="///", linewidth=0.6,
           label=INPUT)
    work, arena = report["work_bytes"], report["arena_bytes"]
    ax.axhline(work, color="crimson", ls="--", lw=1.2)
    ax.axhline(arena, color="0.2", ls=":", lw=1.2)
    for y, text, colour, va in ((work, f"work_bytes {work:,} B", "crimson", "bottom" if work >= arena else "top"),
                                (arena, f"arena_bytes {arena:,} B (input inside)", "0.2",
                                 "bottom" if arena > work else "top")):
        ax.text(n - 0.5, y, text, color=colour, fontsize=8, ha="right", va=va)
    peak = int(np.argmax(bottom))
    ax.annotate(f"peak {int(bottom[peak]):,} B\n{report['layers'][peak]['name']}", xy=(peak, bottom[peak]),
                xytext=(peak + max(1, n // 12), max(work, arena) * 1.08), fontsize=8, color="crimson",
                arrowprops=dict(arrowstyle="->", color="crimson"))
    ax.set_ylim(0, max(work, arena, float(bottom.max() + inp.max())) * 1.25)
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylabel("live bytes")
    ax.set_title(title, fontsize=10, loc="left")
    ax.yaxis.set_major_formatter(_thousands())
    ax.grid(axis="y", color="0.9", lw=0.6)
    ax.set_axisbelow(True)


def _thousands():
    from matplotlib.ticker import FuncFormatter
    return FuncFormatter(lambda v, _: f"{int(v):,}")


def _colours(names: list[str]) -> dict[str, tuple]:
    import matplotlib
    cmap = matplotlib.colormaps["tab20"]
    out, k = {}, 0
    for name in names:
        if name.startswith("other"):
            out[name] = (0.75, 0.75, 0.75, 1.0)
        else:
            out[name] = cmap((2 * k) % 20 + (k // 10) % 2)  # dark shades of tab20 first
            k += 1
    return out


def plot_memory(c, path) -> None:
    """Write the plot of compiled model `c` to path (.png, .pdf or .svg)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tinyc.backend.schedule import work_plan
    rep, g = c.report, c.graph
    labels = buffer_labels(g)
    panels = []
    if "patch" in rep:
        base = _layer_by_layer(c)
        panels.append((base.report, _work_series(base, labels), "layer by layer"))
        steps = [layer["step"] for layer in rep["layers"]]
        panels.append((rep, series(c.memory.buffers, steps, labels),
                       f"patch-based, plan {rep['patch']['plan']} (MACs +{100 * rep['patch']['mac_overhead']:.1f}%)"))
    else:
        panels.append((rep, series(work_plan(g, c.program.calls).buffers, list(range(len(rep["layers"]))), labels),
                       "layer by layer"))
    panels = [(r, d, t) for (r, _, t), d in zip(panels, grouped([d for _, d, _ in panels]))]
    names = list(dict.fromkeys(k for _, d, _ in panels for k in d))
    colours = _colours(names)
    n = len(rep["layers"])
    fig, axes = plt.subplots(len(panels), 1, figsize=(max(9.0, 0.34 * n + 5.5), 3.6 * len(panels) + 1.6),
                             sharex=True, sharey=True, squeeze=False)
    for ax, (r, d, title) in zip(axes[:, 0], panels):
        _panel(ax, r, g, d, colours, title)
    ax = axes[-1, 0]
    ax.set_xticks(range(n))
    ax.set_xticklabels(xlabels(rep), rotation=70, ha="right", fontsize=7)
    handles = {}
    for a in axes[:, 0]:
        for h, lab in zip(*a.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="upper left", bbox_to_anchor=(1.0, 0.95),
               fontsize=8, frameon=False, title="buffers, in order of first use", title_fontsize=8)
    fig.suptitle(f"{rep['model']}: live activation memory per layer (model input in the caller's buffer)",
                 fontsize=11, x=0.01, ha="left")
    fig.tight_layout(rect=(0, 0, 1, 0.97))
    try:
        fig.savefig(Path(path), dpi=130, bbox_inches="tight")
    finally:
        plt.close(fig)


def _layer_by_layer(c):
    """The same quantized graph compiled layer by layer (for the patch-based plot's upper panel)."""
    from tinyc.pipeline import Options, compile_graph
    return compile_graph(c.graph, Options(board=c.report["board"]))


def _work_series(base, labels):
    from tinyc.backend.schedule import work_plan
    return series(work_plan(base.graph, base.program.calls).buffers, list(range(len(base.report["layers"]))), labels)
