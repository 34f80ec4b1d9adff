"""QuantMCU's patch-loop memory: maps below 8 bits planned at their packed size, the int8 re-run of
outlier patches on a finer grid, the plan --patch auto --precision mixed chooses, the bit-plane
kernel's stack frame.

Oracles: the byte counts by hand (region pixels x channels x bits / 8), the int8 schedule of the
same plan (tinyc.patching.plan.patch_schedule / evaluate), tinyc.memory's checked plans, and
arm-none-eabi-gcc -fstack-usage.
"""
import shutil
import subprocess

import numpy as np
import pytest

from tinyc.patching.plan import ModelCosts, evaluate, patch_schedule
from tinyc.patching.split import split_graph
from tinyc.quantmcu.choose import choose_mixed, planned_work
from tinyc.quantmcu.execute import Plan, feature_maps
from tinyc.quantmcu.lower import SUB, WIDE, QuantMCULowering, sub_tiles
from tinyc.patching.receptive import Region
from tinyc.paths import RUNTIME_C


@pytest.fixture(scope="module")
def mnist_costs(mnist_int8):
    k, sub = split_graph(mnist_int8)
    return k, sub, ModelCosts(sub)


def test_sub_tiles_partition_the_tile():
    """A 7x3 tile in 2x2 sub-tiles: rows 3+4, columns 1+2, row-major; a 1-row tile splits only across."""
    t = Region(7, 14, 3, 6)
    assert sub_tiles(t, 2, 2) == [Region(7, 10, 3, 4), Region(7, 10, 4, 6), Region(10, 14, 3, 4), Region(10, 14, 4, 6)]
    assert sub_tiles(Region(0, 1, 0, 4), 3, 3) == [Region(0, 1, 0, 1), Region(0, 1, 1, 2), Region(0, 1, 2, 4)]


def test_packed_sizes_and_steps(mnist_costs):
    """MNIST split after node 4 (sub-graph node 2), 2x5 grid, both maps at 2 bits: each map's buffer is
    its int8 size x 2 / 8, the producer writes an int8 room of the full size that only the pack step
    reads, readers of packed maps have no scratch, and the int8 re-run has its own buffers (smaller:
    finer tiles)."""
    k, sub, costs = mnist_costs
    steps, sizes, _, stage, tiles = patch_schedule(costs, 2, 2, 5, copy_input=True)
    maps = [m for m in feature_maps(sub, stage) if m.codes]
    assert len(maps) == 2
    ext = QuantMCULowering(Plan({m.name: 200 for m in maps}, {m.name: 2 for m in maps}))
    st2, sz2 = ext.schedule(costs, stage, tiles, steps, sizes)
    for m in maps:
        buf = f"patch:{m.name}"
        assert sz2[buf + WIDE] == sizes[buf] and sz2[buf] == sizes[buf] * 2 // 8
        readers = [s for s in st2 if buf + WIDE in s.reads]
        assert [s.name for s in readers] == [f"patch.{next(n.name for n in stage.nodes if n.outputs[0] == m.name)}.qm"]
        assert all(s.scratch == 0 and s.inplace is None for s in st2 if buf in s.reads)
        assert f"{SUB}:{m.name}" in sz2 and sz2[f"{SUB}:{m.name}"] < sizes[buf]
    assert ext.grid in ((2, 2), (3, 3), (4, 4))
    assert sum(len(p) for p in ext.sub) > len(tiles)


def test_planned_work_falls_with_packed_maps(mnist_costs):
    """Split after node 5 (sub-graph 3), 2x2: the int8 plan needs 7,384 B; with the three maps at 2 bits the
    packed plan needs less than the int8 --patch auto plan (6,080 B at 4:2x5) and less than with one map at 2."""
    k, sub, costs = mnist_costs
    stage = patch_schedule(costs, 3, 2, 2, copy_input=True)[3]
    names = [m.name for m in feature_maps(sub, stage)]
    int8 = planned_work(costs, 3, (2, 2), {n: 8 for n in names})
    assert int8 == evaluate(costs, 3, 2, 2, copy_input=True).work_bytes == 7384
    one = planned_work(costs, 3, (2, 2), dict(zip(names, [8, 2, 8])))
    low = planned_work(costs, 3, (2, 2), {n: 2 for n in names})
    assert low < one <= int8 and low < evaluate(costs, 2, 2, 5, copy_input=True).work_bytes == 6080


def test_choose_mixed_moves_the_split(mnist_int8, mnist_costs, capsys):
    """With a stand-in search (every map at 2 bits), the mixed chooser keeps the MAC allowance and returns
    the plan with the smaller planned work, saying so on stderr; the memory callable it hands the search
    plans the same bytes as planned_work."""
    from tinyc.backend.patch_choice import choose_plan
    k, sub, costs = mnist_costs
    int8 = choose_plan(mnist_int8, "auto", None, 0.30, stream_ok=False)  # as --precision mixed
    seen = []

    def fake(g, split, grid, samples, memory):
        pm_maps = feature_maps(sub, patch_schedule(costs, split - k, *grid, copy_input=True)[3])
        bits = {m.name: 2 if m.codes else 8 for m in pm_maps}
        seen.append(memory(bits) == planned_work(costs, split - k, grid, bits))
        return dict(plan=Plan({n: 255 for n in bits}, bits),
                    report=dict(maps=[dict(name=n, bits=b) for n, b in bits.items()]))
    plan, qm = choose_mixed(mnist_int8, int8, [], 0.30, fake)
    assert (int8.split, tuple(int8.grid)) == (4, (2, 5)) and all(seen) and len(seen) == 2
    assert plan.split == 5 and plan.mac_overhead <= 0.30
    assert planned_work(costs, plan.split - k, plan.grid, qm["plan"].bits) < 6080
    assert "chose plan 5:" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("arm-none-eabi-gcc") is None, reason="arm-none-eabi-gcc not installed")
def test_bitplane_kernel_stack_frame(tmp_path):
    """tc_convolve_bp_s8 keeps no per-tap list: its frame (Cortex-M4, -O2, DSP) is at most 296 B (it was
    328 B with the 25-entry pointer and index lists; 264 B before the 3- and 4-bit two-pass path and the
    full-range saturation copies of the requantization, whose second accumulator set and registers cost
    32 B but spare the 168 B group_sums frame on top: MNIST 5:14s at 2, 2, 3 bits paints 632 B of stack
    against 796 B through group_sums)."""
    inc = [f"-I{d}" for d in [RUNTIME_C / "include", *sorted(p for p in (RUNTIME_C / "src").rglob("*") if p.is_dir())]]
    subprocess.run(["arm-none-eabi-gcc", "-std=c99", "-O2", "-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16",
                    "-mfloat-abi=hard", "-DTC_DSP=1", "-fstack-usage", *inc, "-c",
                    str(RUNTIME_C / "src" / "conv" / "tc_convolve_bp_s8.c"), "-o", str(tmp_path / "bp.o")],
                   check=True, cwd=tmp_path)
    frames = {line.split("\t")[0].rsplit(":", 1)[-1]: int(line.split("\t")[1])
              for line in (tmp_path / "bp.su").read_text().splitlines()}
    assert frames["tc_convolve_bp_s8"] <= 296
