/*
 * tc_quantmcu.h - QuantMCU in the patch loop: run-time VDPC and VDQS storage of one feature map.
 *
 * tinyc/quantmcu (execute.py, vdpc.py, pack.py) defines the semantics; this kernel equals it bit for bit.
 */
#ifndef TC_QUANTMCU_H
#define TC_QUANTMCU_H

#include "tc_types.h"

/** One stage feature map's QuantMCU parameters (computed offline by tinyc's calibration and search). */
typedef struct {
    int32_t threshold;      /**< VDPC: the patch is an outlier when max |q - zp| over the map exceeds this */
    int32_t zp;             /**< the map's int8 zero point */
    int32_t bits;           /**< VDQS: bits of the codes of normal patches, 1..4, or 8 (the map stays int8) */
    const uint32_t *planes; /**< uint32 [256], index q + 128: bit j of q's code (tinyc/quantmcu/pack.py's
                                 grid) at bit 8 j; NULL when bits == 8 */
} tc_quantmcu_map;

/*
 * Bit-plane storage of a sub-8-bit map (QuantMCU's packed patch buffers, tinyc/quantmcu/pack.py):
 * per pixel (NHWC pixel order) `bits` planes of C / 8 bytes each (C a multiple of 8); bit c % 8 of
 * byte (p * bits + j) * C / 8 + c / 8 is bit j of the code of channel c. A map is stored this way
 * only on a grid with zero offset and an integer step (q = zp + code * step), so code 0 is the zero
 * point and convolution can run on the codes: sum w * (q - zp) = step * sum w * code.
 */

/** Most channels of a bit-plane map (tc_quantmcu_bp_s8's pixel buffer). */
#define TC_BP_MAX_C 64

/**
 * After a stage node wrote map `src` (int8 [pixels, channels], one patch): sets *outlier to 1 when
 * the map holds a value with |q - zp| > threshold (VDPC; the flag is sticky: the caller resets it
 * once per patch and, once set, re-runs the patch in int8). When bits < 8, writes the map's codes
 * (saturated at the top code) in bit-plane layout to dst (pixels * channels * bits / 8 bytes;
 * dst == src or disjoint from it), whatever the flag: a streamed band keeps its codes in its halo
 * caches even when it is an outlier band (tinyc/quantmcu/stream.py); with bits == 8 dst is not written.
 * @return TC_OK, or TC_ERR_ARG if bits < 8 and (channels is not a multiple of 8 in 8..TC_BP_MAX_C,
 *         bits > 4 or planes is NULL)
 */
tc_status tc_quantmcu_bp_s8(const tc_quantmcu_map *map, const int8_t *src, uint8_t *dst, int32_t pixels,
                            int32_t channels, int32_t *outlier);

/**
 * @brief Convolution (one group, any kernel, stride, padding, dilation) reading a bit-plane map:
 * no unpack pass; one table row (four int32 words, eight output channels) per 8 input codes per
 * bit plane, so the instructions per MAC fall with `bits`.
 *
 * Per output pixel the taps inside the input form a rectangle (padding is code 0 and adds nothing;
 * no per-tap list, so the stack frame stays small).
 * For output channels 8g..8g+7, each tap's plane bytes select rows table[g][i][byte] (i: the
 * byte's index in the receptive field, [KH, KW, C / 8] order). Word s of a row packs the sums of
 * the set bits' weights of channels 8g + 2s (low int16 lane) and 8g + 2s + 1 (high lane). Planes
 * are summed `chunk` at a time, plane j0 + d shifted left by d: tinyc checks offline that every
 * lane's sum over a chunk fits int16 (bitplane.chunk_planes). acc = bias + step * sum_j 2^j * lane_j,
 * requantized as tc_convolve_s8: bit-identical to tc_convolve_s8 on the int8 map q = zp + code * step.
 *
 * @param[in]  params       output offset, stride, top/left padding, dilation, activation (input_offset unused)
 * @param[in]  quant        per-output-channel multiplier/shift, length C_OUT
 * @param[in]  input_dims   Format: [N, H, W, C_IN], C_IN a multiple of 8
 * @param[in]  input        bit planes of the codes (layout above), bits planes per pixel
 * @param[in]  bits         1..4
 * @param[in]  chunk        1..bits: planes summed in one accumulator
 * @param[in]  step         q - zp = code * step
 * @param[in]  filter_dims  Format: [C_OUT, KH, KW, C_IN]; KH * KW <= 25
 * @param[in]  table        int32, Format: [(C_OUT + 7) / 8, KH * KW * C_IN / 8, 256, 4] (missing channels: zero weights)
 * @param[in]  bias         int32, Format: [C_OUT]; may be NULL
 * @param[in]  rq           int32, Format: [C_OUT, 4]: per channel (mult, k, rs, bias), the constants of
 *                          tc_conv_requant's folded form with the output offset and bias included
 *                          (tinyc computes them offline); NULL: requantize from quant, params and bias
 * @param[in]  output_dims  Format: [N, OH, OW, C_OUT]
 * @param[out] output       int8, Format: [N, OH, OW, C_OUT]; must not overlap input
 * @return TC_OK, or TC_ERR_ARG on unsupported dims
 */
tc_status tc_convolve_bp_s8(const tc_conv_params *params, const tc_per_channel_quant *quant,
                            const tc_dims *input_dims, const uint8_t *input, int32_t bits, int32_t chunk,
                            int32_t step, const tc_dims *filter_dims, const int32_t *table, const int32_t *bias,
                            const int32_t *rq, const tc_dims *output_dims, int8_t *output);

#endif /* TC_QUANTMCU_H */
