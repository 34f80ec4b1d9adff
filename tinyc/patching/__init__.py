"""Patch-based inference (MCUNetV2): run the first layers patch by patch, the rest layer by layer.

    receptive    stage, tiles, per-patch regions and border-only pads (pure integers)
    patch_graph  one patch as a Graph the per-op functions understand
    execute      numpy execution patch by patch (must equal tinyc.ref.run_int bit for bit)
    plan         a plan's Steps for tinyc.memory, its planned arena and MACs
    search       --patch off | auto | S:N: candidates, budget, Pareto front
    split        the input interface (quantize / NCHW transpose) read per window; sub-graphs
    reduction    squeeze-excite: global means and their branches inside a stage
    prepass      the passes a stage with such means runs before its main loop (sum or store)

The C side is tinyc.backend.patch_lower (one looped call over a static table
of tiles, templates/patch_stage.j2) with the window loaders tc_copy_window /
tc_load_window_s8 / tc_load_window_f32_s8 and tc_copy_tile; the generated C plans memory exactly as plan.py scores it
(copy_input=True, the model input read in place from the caller's buffer).
"""
