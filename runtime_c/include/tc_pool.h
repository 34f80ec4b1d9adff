/*
 * tc_pool.h - pooling and mean kernels (TFLite reference int8 arithmetic).
 */
#ifndef TC_POOL_H
#define TC_POOL_H

#include "tc_types.h"

/** Mean (reduction) parameters: out = clamp(requant(sum(in) + input_offset * count) + output_offset). */
typedef struct {
    int32_t input_offset;  /**< -input zero point */
    int32_t output_offset; /**< output zero point */
    int32_t multiplier;    /**< s_in / s_out with 1/count folded in (TFLite QuantizedMeanOrSum) */
    int32_t shift;
    tc_activation activation;
} tc_mean_params;

/**
 * @brief int8 max pooling: max over the in-bounds taps of each window, then clamp.
 *
 * Taps outside the input (padding) are skipped; the max starts at -128, so a
 * window wholly in padding gives max(-128, activation.min). Input and output
 * share their quantization (no rescale).
 *
 * @param[in]  params       stride, top/left padding, activation range
 * @param[in]  input_dims   input shape, Format: [N, H, W, C]
 * @param[in]  input        int8, Format: [N, H, W, C]
 * @param[in]  filter_dims  window size in h and w (n and c unused)
 * @param[in]  output_dims  output shape, Format: [N, OH, OW, C] (same N and C)
 * @param[out] output       int8, Format: [N, OH, OW, C]
 * @return TC_OK, or TC_ERR_ARG when a dimension is not positive
 */
tc_status tc_max_pool_s8(const tc_pool_params *params,
                         const tc_dims *input_dims,
                         const int8_t *input,
                         const tc_dims *filter_dims,
                         const tc_dims *output_dims,
                         int8_t *output);

/**
 * @brief int8 average pooling: rounded mean over the in-bounds taps of each window, then clamp.
 *
 * acc = sum of in-bounds taps (int32), count = their number;
 * out = clamp((acc > 0 ? acc + count/2 : acc - count/2) / count), C division.
 * Input and output share their quantization (no rescale).
 *
 * @param[in]  params       stride, top/left padding, activation range
 * @param[in]  input_dims   input shape, Format: [N, H, W, C]
 * @param[in]  input        int8, Format: [N, H, W, C]
 * @param[in]  filter_dims  window size in h and w (n and c unused)
 * @param[in]  output_dims  output shape, Format: [N, OH, OW, C] (same N and C)
 * @param[out] output       int8, Format: [N, OH, OW, C]
 * @return TC_OK, or TC_ERR_ARG when a window lies wholly in padding (count 0, as TFLite fails)
 */
tc_status tc_avg_pool_s8(const tc_pool_params *params,
                         const tc_dims *input_dims,
                         const int8_t *input,
                         const tc_dims *filter_dims,
                         const tc_dims *output_dims,
                         int8_t *output);

/**
 * @brief int8 mean over the middle axis of [outer, reduce, inner] (TFLite MEAN reference arithmetic).
 *
 * Any set of contiguous axes maps to this view: NHWC axes (1, 2) are
 * [N, H*W, C] (global average pool), the last axis is [N*H*W, C, 1].
 * out[o][i] = clamp(requant(sum_r in[o][r][i] + input_offset * reduce) + output_offset).
 *
 * @param[in]  params  offsets, count-adjusted multiplier/shift, activation range
 * @param[in]  outer   product of the dims before the reduced axes
 * @param[in]  reduce  number of reduced elements per output (>= 1)
 * @param[in]  inner   product of the dims after the reduced axes
 * @param[in]  input   int8, Format: [outer, reduce, inner]
 * @param[out] output  int8, Format: [outer, inner]
 * @return TC_OK, or TC_ERR_ARG when a size is not positive
 */
tc_status tc_mean_s8(const tc_mean_params *params,
                     int32_t outer,
                     int32_t reduce,
                     int32_t inner,
                     const int8_t *input,
                     int8_t *output);

/**
 * @brief Add every pixel of an int8 tile into per-channel int32 sums (a global mean computed patch
 *        by patch: the pre-pass of a patch stage with squeeze-excite blocks).
 *
 * sums[c] += sum_p input[p][c]. Integer sums do not depend on the order of addition, so the
 * sums over non-overlapping tiles equal tc_mean_s8's over the whole tensor.
 *
 * @param[in]     pixels    pixels of the tile (h * w, >= 0)
 * @param[in]     channels  channels (>= 1)
 * @param[in]     input     int8, Format: [pixels, channels]
 * @param[in,out] sums      int32, Format: [channels]; |sum| must stay below 2^31 (128 * pixels in all)
 * @return TC_OK, or TC_ERR_ARG when a size is out of range
 */
tc_status tc_sum_channels_s8(int32_t pixels, int32_t channels, const int8_t *input, int32_t *sums);

/**
 * @brief int8 global mean from per-channel sums (tc_sum_channels_s8): tc_mean_s8's arithmetic.
 *
 * out[c] = clamp(requant(sums[c] + input_offset * reduce) + output_offset), with the same
 * double-rounding requantization as tc_mean_s8, so the bytes equal tc_mean_s8 on the whole tensor.
 *
 * @param[in]  params    offsets, count-adjusted multiplier/shift, activation range (as tc_mean_s8)
 * @param[in]  reduce    number of summed elements per channel (H * W, >= 1)
 * @param[in]  channels  channels (>= 1)
 * @param[in]  sums      int32, Format: [channels]
 * @param[out] output    int8, Format: [channels]
 * @return TC_OK, or TC_ERR_ARG when a size is not positive
 */
tc_status tc_mean_finish_s8(const tc_mean_params *params, int32_t reduce, int32_t channels, const int32_t *sums,
                            int8_t *output);

/**
 * @brief int8 global average pool (one unpadded window over the whole map) from per-channel sums
 *        (tc_sum_channels_s8): tc_avg_pool_s8's arithmetic.
 *
 * out[c] = clamp(sums[c] / reduce rounded half away from zero, act_min, act_max), C division, as
 * tc_avg_pool_s8 computes each window (input and output share their quantization).
 *
 * @param[in]  reduce    number of summed elements per channel (H * W, >= 1)
 * @param[in]  channels  channels (>= 1)
 * @param[in]  act_min   activation minimum
 * @param[in]  act_max   activation maximum
 * @param[in]  sums      int32, Format: [channels]
 * @param[out] output    int8, Format: [channels]
 * @return TC_OK, or TC_ERR_ARG when a size is not positive
 */
tc_status tc_avg_pool_finish_s8(int32_t reduce, int32_t channels, int32_t act_min, int32_t act_max,
                                const int32_t *sums, int8_t *output);

/**
 * @brief int16 max pooling (TFLite 16x8 MAX_POOL_2D): tc_max_pool_s8 with int16 elements; the max
 *        starts at -32768. Files: tc_pool_s16.c holds the three int16 pooling kernels.
 * @param[in]  input   int16, Format: [N, H, W, C]
 * @param[out] output  int16, Format: [N, OH, OW, C]
 */
tc_status tc_max_pool_s16(const tc_pool_params *params, const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const tc_dims *output_dims, int16_t *output);

/**
 * @brief int16 average pooling (TFLite 16x8 AVERAGE_POOL_2D): tc_avg_pool_s8's arithmetic (int32 sum).
 * @param[in]  input   int16, Format: [N, H, W, C]
 * @param[out] output  int16, Format: [N, OH, OW, C]
 */
tc_status tc_avg_pool_s16(const tc_pool_params *params, const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const tc_dims *output_dims, int16_t *output);

/**
 * @brief int16 mean (TFLite 16x8 MEAN): tc_mean_s8's arithmetic (int32 sum, double rounding).
 * @param[in]  input   int16, Format: [outer, reduce, inner]; reduce * 65536 must fit int32
 * @param[out] output  int16, Format: [outer, inner]
 */
tc_status tc_mean_s16(const tc_mean_params *params, int32_t outer, int32_t reduce, int32_t inner,
                      const int16_t *input, int16_t *output);

#endif /* TC_POOL_H */
