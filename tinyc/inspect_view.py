"""Human-facing views of a compiled model: the summary, the per-layer table, the memory plot."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table


def _kb(n: int) -> str:
    return f"{n:,} B ({n / 1024:.1f} KiB)"


def print_summary(report: dict, outdir) -> None:
    con = Console()
    con.print(f"[bold]{report['model']}[/bold] -> {outdir}  (board {report['board']})")
    con.print(f"  arena   {_kb(report['arena_bytes'])}  [dim](lower bound {report['lower_bound_bytes']:,} B, "
              f"plan {report['plan_strategy']})[/dim]")
    con.print(f"  weights {_kb(report['weights_bytes'])}")
    con.print(f"  MACs    {report['macs']:,}")


def print_layers(c) -> None:
    rep = c.report
    peak = rep["peak_layer"]
    t = Table(title=f"{rep['model']}: {len(rep['layers'])} layers, arena {rep['arena_bytes']:,} B, "
                    f"lower bound {rep['lower_bound_bytes']:,} B ({rep['plan_strategy']})")
    for col, just in (("#", "right"), ("layer", "left"), ("op", "left"), ("output", "left"),
                      ("MACs", "right"), ("live bytes", "right"), ("in place", "center")):
        t.add_column(col, justify=just)
    for i, layer in enumerate(rep["layers"]):
        style = "bold red" if i == peak else None
        t.add_row(str(i), layer["name"][-40:], layer["op"], "x".join(map(str, layer["output_shape"])),
                  f"{layer['macs']:,}", f"{layer['live_bytes']:,}" + (" <- peak" if i == peak else ""),
                  "yes" if layer["inplace"] else "", style=style)
    Console().print(t)
    print_summary(rep, "(not written)")


def plot_memory(c, path) -> None:
    """Live memory over the layers, stacked by tensor."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    mem = c.memory
    n = len(c.report["layers"])
    fig, ax = plt.subplots(figsize=(max(6, n * 0.35), 4))
    bottoms = [0] * n
    for b in sorted(mem.buffers, key=lambda b: (b.first, b.name)):
        # an in-place group occupies, at each step, its largest live member
        heights = [max([s for _, s, f, last in b.rects() if f <= i <= last], default=0) for i in range(n)]
        ax.bar(range(n), heights, bottom=bottoms, width=0.85, label=b.members[0][-24:])
        bottoms = [x + h for x, h in zip(bottoms, heights)]
    ax.axhline(c.report["arena_bytes"], color="k", ls="--", lw=1, label=f"arena {c.report['arena_bytes']:,} B")
    ax.set_xlabel("layer")
    ax.set_ylabel("live bytes")
    ax.set_title(f"{c.report['model']}: live activation memory per layer")
    if len(mem.buffers) <= 20:
        ax.legend(fontsize=6, ncol=2)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    finally:
        plt.close(fig)
