/*
 * tc_mixed.h - mixed-precision kernels: 16x8 (int16 activations, int8 weights,
 * int64 bias) and s4 (int8 activations, packed int4 weights).
 *
 * 16x8 follows TFLite's reference_integer_ops for int16: activations are
 * symmetric (zero point 0, so params->input_offset / output_offset are 0),
 * products accumulate in int64 with the int64 bias, and the result is
 * requantized per output channel: conv and depthwise with the reduced 16-bit
 * multiplier (tc_requantize_s64), fully connected in double as LiteRT's reference
 * kernel: round((double)acc * scale[o]), halves away from zero (hardware double on
 * Cortex-M7 with fpv5-d16, libgcc's IEEE software double elsewhere).
 *
 * s4 is the int8 arithmetic of tc_conv.h / tc_fc.h with weights in [-8, 7]
 * stored two per byte: element i of the flattened filter is the low nibble
 * of byte i / 2 when i is even and the high nibble when i is odd.
 * None of these kernels needs scratch or runs in place.
 */
#ifndef TC_MIXED_H
#define TC_MIXED_H

#include "tc_types.h"

/** Signed nibble i of a packed int4 array (low nibble first). */
static inline int32_t tc_s4_at(const int8_t *packed, int32_t i)
{
    const int32_t byte = (int32_t)packed[i >> 1];
    const int32_t nib = (i & 1) ? ((byte >> 4) & 0xF) : (byte & 0xF);
    return (nib ^ 8) - 8;
}

/** TFLite's MultiplyByQuantizedMultiplier(int64 x, mult, shift): 16-bit reduced multiplier, one rounding. */
static inline int64_t tc_requantize_s64(int64_t x, int32_t mult, int32_t shift)
{
    const int64_t reduced = mult < 0x7FFF0000 ? (int64_t)((mult + (1 << 15)) >> 16) : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const int64_t round = (int64_t)1 << (total_shift - 1);
    return (x * reduced + round) >> total_shift;
}

/**
 * @brief 16x8 convolution, regular or grouped (tc_convolve_s8's geometry).
 * @param[in]  params       groups, stride, top/left padding, dilation, activation (int16 domain); offsets 0
 * @param[in]  quant        per-output-channel multiplier/shift, length C_OUT
 * @param[in]  input_dims   Format: [N, H, W, C_IN]
 * @param[in]  input        int16, Format: [N, H, W, C_IN]
 * @param[in]  filter_dims  Format: [C_OUT, KH, KW, C_IN / groups]
 * @param[in]  filter       int8, Format: [C_OUT, KH, KW, C_IN / groups]
 * @param[in]  bias         int64, Format: [C_OUT]; may be NULL
 * @param[in]  output_dims  Format: [N, OH, OW, C_OUT]
 * @param[out] output       int16, Format: [N, OH, OW, C_OUT]; must not overlap input
 * @return TC_OK, or TC_ERR_ARG if the channel counts do not match groups
 */
tc_status tc_convolve_s16(const tc_conv_params *params, const tc_per_channel_quant *quant,
                          const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                          const tc_dims *output_dims, int16_t *output);

/**
 * @brief 16x8 depthwise convolution with a depth multiplier (tc_depthwise_conv_s8's geometry).
 * @param[in]  params       ch_mult, stride, top/left padding, dilation, activation (int16 domain); offsets 0
 * @param[in]  quant        per-output-channel multiplier/shift, length C_OUT
 * @param[in]  input        int16, Format: [N, H, W, C_IN]
 * @param[in]  filter       int8, Format: [1, KH, KW, C_OUT]; C_OUT = C_IN * ch_mult
 * @param[in]  bias         int64, Format: [C_OUT]; may be NULL
 * @param[out] output       int16, Format: [N, OH, OW, C_OUT]; must not overlap input
 * @return TC_OK, or TC_ERR_ARG if C_OUT != C_IN * ch_mult
 */
tc_status tc_depthwise_conv_s16(const tc_dw_conv_params *params, const tc_per_channel_quant *quant,
                                const tc_dims *input_dims, const int16_t *input,
                                const tc_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                                const tc_dims *output_dims, int16_t *output);

/**
 * @brief 16x8 fully connected: out[b][o] = clamp(round((double)(sum_k in[b][k] * w[o][k] + bias[o]) * scale[o])),
 *        round() taking halves away from zero, clamp to the activation range.
 * @param[in]  params   activation range (int16 domain); offsets 0
 * @param[in]  scale    double, Format: [out_ch], s_in * s_w[o] / s_out in double of the float32 scales
 * @param[in]  input    int16, Format: [batches, in_ch]
 * @param[in]  filter   int8, Format: [out_ch, in_ch]
 * @param[in]  bias     int64, Format: [out_ch]; may be NULL
 * @param[out] output   int16, Format: [batches, out_ch]
 * @return TC_OK, or TC_ERR_ARG on a NULL scale or a negative size
 */
tc_status tc_fully_connected_s16(const tc_fc_params *params, const double *scale,
                                 int32_t batches, int32_t in_ch, int32_t out_ch,
                                 const int16_t *input, const int8_t *filter, const int64_t *bias,
                                 int16_t *output);

/**
 * @brief int8 convolution with packed int4 weights (tc_convolve_s8's arithmetic and geometry).
 * @param[in]  filter  packed int4, Format: [C_OUT, KH, KW, C_IN / groups], (size + 1) / 2 bytes
 * @param[in]  bias    int32, Format: [C_OUT]; may be NULL
 * Other parameters as tc_convolve_s8.
 * @return TC_OK, or TC_ERR_ARG if the channel counts do not match groups
 */
tc_status tc_convolve_s4(const tc_conv_params *params, const tc_per_channel_quant *quant,
                         const tc_dims *input_dims, const int8_t *input,
                         const tc_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                         const tc_dims *output_dims, int8_t *output);

/**
 * @brief int8 depthwise convolution with packed int4 weights (tc_depthwise_conv_s8's arithmetic).
 * @param[in]  filter  packed int4, Format: [1, KH, KW, C_OUT], (size + 1) / 2 bytes
 * Other parameters as tc_depthwise_conv_s8 (no scratch, not in place).
 * @return TC_OK, or TC_ERR_ARG if C_OUT != C_IN * ch_mult
 */
tc_status tc_depthwise_conv_s4(const tc_dw_conv_params *params, const tc_per_channel_quant *quant,
                               const tc_dims *input_dims, const int8_t *input,
                               const tc_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                               const tc_dims *output_dims, int8_t *output);

/**
 * @brief int8 fully connected with packed int4 weights (tc_fully_connected_s8's arithmetic).
 * @param[in]  filter  packed int4, Format: [out_ch, in_ch], (out_ch * in_ch + 1) / 2 bytes
 * Other parameters as tc_fully_connected_s8.
 * @return TC_OK
 */
tc_status tc_fully_connected_s4(const tc_fc_params *params, const tc_per_channel_quant *quant,
                                int32_t batches, int32_t in_ch, int32_t out_ch,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output);

/**
 * @brief 16x8 transposed convolution (TFLite TRANSPOSE_CONV with int16 activations): tc_transpose_conv_s8's
 *        geometry with int64 sums, int64 bias and tc_requantize_s64 (the reduced 16-bit multiplier).
 * @param[in]  input   int16, Format: [1, H, W, C_IN]
 * @param[in]  bias    int64, Format: [C_OUT]; may be NULL
 * @param[out] output  int16, Format: [1, OH, OW, C_OUT]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if the channel counts, strides or dilations do not fit
 */
tc_status tc_transpose_conv_s16(const tc_conv_params *params, const tc_per_channel_quant *quant,
                                const tc_dims *input_dims, const int16_t *input,
                                const tc_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                                const tc_dims *output_dims, int16_t *output);

#endif /* TC_MIXED_H */
