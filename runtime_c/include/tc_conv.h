/*
 * tc_conv.h - convolution kernels: regular/grouped, pointwise (1x1) and depthwise.
 *
 * All follow TFLite's reference_integer_ops arithmetic (ConvPerChannel,
 * DepthwiseConvPerChannel): acc = bias[oc] + sum (in + input_offset) * filter
 * over the in-bounds taps (padding contributes nothing), then per-channel
 * tc_requantize, + output_offset, clamp to the activation range.
 * Only the top/left padding is passed; bottom/right follow from output_dims.
 */
#ifndef TC_CONV_H
#define TC_CONV_H

#include "tc_types.h"

/**
 * @brief int8 convolution, regular or grouped, any kernel size, stride, dilation and padding.
 *
 * With TC_DSP, one group, KH*KW*C_IN <= 1024 and a ctx buffer of
 * tc_convolve_s8_get_buffer_size() bytes, two output pixels at a time go through an
 * im2col copy in that buffer (int16, input offset folded in, padding 0) and a 2x2
 * (pixels x channels) SMLAD kernel; bit-identical to the portable path. Without
 * the buffer it takes the slower four-channel path: no kernel keeps tables on the stack.
 *
 * @param[in]  ctx          scratch of tc_convolve_s8_get_buffer_size() bytes (int32-aligned), or NULL
 * @param[in]  params       offsets, groups, stride, top/left padding, dilation, activation
 * @param[in]  quant        per-output-channel multiplier/shift, each int32 of length C_OUT
 * @param[in]  input_dims   Format: [N, H, W, C_IN]; C_IN = groups * filter_dims->c
 * @param[in]  input        int8, Format: [N, H, W, C_IN]
 * @param[in]  filter_dims  Format: [C_OUT, KH, KW, C_IN / groups]; C_OUT a multiple of groups
 * @param[in]  filter       int8, Format: [C_OUT, KH, KW, C_IN / groups]
 * @param[in]  bias         int32, Format: [C_OUT]; may be NULL
 * @param[in]  output_dims  Format: [N, OH, OW, C_OUT]
 * @param[out] output       int8, Format: [N, OH, OW, C_OUT]; must not overlap input
 * @return TC_OK, or TC_ERR_ARG if the channel counts do not match groups
 */
tc_status tc_convolve_s8(const tc_context *ctx,
                         const tc_conv_params *params,
                         const tc_per_channel_quant *quant,
                         const tc_dims *input_dims,
                         const int8_t *input,
                         const tc_dims *filter_dims,
                         const int8_t *filter,
                         const int32_t *bias,
                         const tc_dims *output_dims,
                         int8_t *output);

/**
 * @brief Scratch bytes tc_convolve_s8's DSP path takes (the same in portable builds, which
 *        leave it unused, so that one generated plan serves both).
 * @param[in] filter_dims  Format: [C_OUT, KH, KW, C_IN / groups]
 * @param[in] output_dims  Format: [N, OH, OW, C_OUT]
 * @param[in] groups       number of groups
 * @return 16 * C_OUT (0 beyond 256 channels) + 6 * KH*KW*C_IN when groups == 1 and
 *         KH*KW*C_IN <= 1024, else 0
 */
int32_t tc_convolve_s8_get_buffer_size(const tc_dims *filter_dims, const tc_dims *output_dims, int32_t groups);

/**
 * @brief int8 pointwise convolution: 1x1 kernel, stride 1, no padding, one group.
 *
 * Runs pixel by pixel: each output pixel is computed into ctx->buf and then
 * copied out, walking forward when C_OUT <= C_IN and backward from the last
 * pixel when C_OUT > C_IN. With a ctx buffer it is therefore correct in place,
 * with output == input (same start address; the buffer must hold
 * max(N*H*W*C_IN, N*H*W*C_OUT) bytes). Without one (ctx or ctx->buf NULL)
 * it writes straight to output, which then must not overlap input.
 * With TC_DSP, C_IN <= 1024 and a ctx buffer of tc_convolve_1x1_s8_get_buffer_size()
 * bytes it runs two pixels at a time in the same walking order from an int16 copy
 * of their inputs in that buffer: in place, bit-identical to the portable path.
 *
 * @param[in]  ctx          scratch of tc_convolve_1x1_s8_get_buffer_size() bytes, or NULL
 * @param[in]  params       offsets and activation (groups 1; stride, padding, dilation ignored)
 * @param[in]  quant        per-output-channel multiplier/shift, each int32 of length C_OUT
 * @param[in]  input_dims   Format: [N, H, W, C_IN]
 * @param[in]  input        int8, Format: [N, H, W, C_IN]
 * @param[in]  filter_dims  Format: [C_OUT, 1, 1, C_IN]
 * @param[in]  filter       int8, Format: [C_OUT, 1, 1, C_IN]
 * @param[in]  bias         int32, Format: [C_OUT]; may be NULL
 * @param[in]  output_dims  Format: [N, H, W, C_OUT]
 * @param[out] output       int8, Format: [N, H, W, C_OUT]; may equal input (see above)
 * @return TC_OK, or TC_ERR_ARG if the shapes are not pointwise or the scratch is too small
 */
tc_status tc_convolve_1x1_s8(const tc_context *ctx,
                             const tc_conv_params *params,
                             const tc_per_channel_quant *quant,
                             const tc_dims *input_dims,
                             const int8_t *input,
                             const tc_dims *filter_dims,
                             const int8_t *filter,
                             const int32_t *bias,
                             const tc_dims *output_dims,
                             int8_t *output);

/**
 * @brief Scratch bytes tc_convolve_1x1_s8 prefers (int32-aligned): in place, one int8 output
 *        pixel (C_OUT) at least; the DSP pair path's table and column when C_IN <= 1024.
 *        The same in portable builds, which use the first C_OUT bytes.
 * @param[in] input_dims   Format: [N, H, W, C_IN]
 * @param[in] output_dims  Format: [N, H, W, C_OUT]
 * @return max(C_OUT, 16 * C_OUT (0 beyond 256 channels) + 4 * C_IN) when C_IN <= 1024, else C_OUT
 */
int32_t tc_convolve_1x1_s8_get_buffer_size(const tc_dims *input_dims, const tc_dims *output_dims);

/**
 * @brief int8 depthwise convolution with a depth multiplier, stride, dilation and padding.
 *
 * Output channel oc = ic * ch_mult + m reads input channel ic and filter column oc.
 * When ch_mult == 1 and ctx->buf is given, it runs a block of channels at a
 * time (one portably, four with TC_DSP): the block's output planes are computed
 * into ctx->buf (up to 4*OH*OW bytes) and then scattered into their output
 * channels. Those only overwrite the same channels of the input, which are
 * consumed by then, so this path is correct
 * in place, with output == input (the buffer must hold
 * max(N*H*W*C, N*OH*OW*C) bytes). Otherwise (ctx or ctx->buf NULL, or
 * ch_mult > 1) it writes straight to output, which then must not overlap input.
 *
 * @param[in]  ctx          scratch of tc_depthwise_conv_s8_get_buffer_size() bytes, or NULL
 * @param[in]  params       offsets, ch_mult, stride, top/left padding, dilation, activation
 * @param[in]  quant        per-output-channel multiplier/shift, each int32 of length C_OUT
 * @param[in]  input_dims   Format: [N, H, W, C_IN]
 * @param[in]  input        int8, Format: [N, H, W, C_IN]
 * @param[in]  filter_dims  Format: [1, KH, KW, C_OUT]; C_OUT = C_IN * ch_mult
 * @param[in]  filter       int8, Format: [1, KH, KW, C_OUT]
 * @param[in]  bias         int32, Format: [C_OUT]; may be NULL
 * @param[in]  output_dims  Format: [N, OH, OW, C_OUT]
 * @param[out] output       int8, Format: [N, OH, OW, C_OUT]; may equal input (see above)
 * @return TC_OK, or TC_ERR_ARG if C_OUT != C_IN * ch_mult or the scratch is too small
 */
tc_status tc_depthwise_conv_s8(const tc_context *ctx,
                               const tc_dw_conv_params *params,
                               const tc_per_channel_quant *quant,
                               const tc_dims *input_dims,
                               const int8_t *input,
                               const tc_dims *filter_dims,
                               const int8_t *filter,
                               const int32_t *bias,
                               const tc_dims *output_dims,
                               int8_t *output);

/**
 * @brief Scratch bytes tc_depthwise_conv_s8 prefers for running in place: four int8
 *        output planes (the DSP path does four channels per pass). With one to four planes
 *        the channels go one at a time; with less, through a ring of output rows
 *        (tc_depthwise_conv_s8_get_min_buffer_size, the minimum).
 * @param[in] output_dims  Format: [N, OH, OW, C_OUT]
 * @param[in] ch_mult      depth multiplier
 * @return 4 * OH * OW when ch_mult == 1, else 0 (no in-place path)
 */
int32_t tc_depthwise_conv_s8_get_buffer_size(const tc_dims *output_dims, int32_t ch_mult);

/**
 * @brief The least scratch tc_depthwise_conv_s8 accepts for running in place: a ring of R output
 *        rows of one channel (R * OW bytes), R the most rows ever computed but not yet written
 *        back, a row being written once no later output row reads the input bytes it covers
 *        (R = 2 for a 3x3 stride-1 conv with one row of top padding). With at least
 *        R * OW but less than OH * OW bytes the channels go one at a time through that ring.
 * @param[in] params       stride and padding (top) used; ch_mult
 * @param[in] input_dims   Format: [N, H, W, C]
 * @param[in] output_dims  Format: [N, OH, OW, C]
 * @return R * OW when ch_mult == 1, else 0 (no in-place path)
 */
int32_t tc_depthwise_conv_s8_get_min_buffer_size(const tc_dw_conv_params *params, const tc_dims *input_dims,
                                                 const tc_dims *output_dims);

/* Compile-time specialised variants (TC_DSP builds): always_inline kernels that generated
 * model code calls with the layer's shape as literals (templates/ops/<op>_spec.j2). */
#if defined(TC_DSP) && TC_DSP
#include "../src/conv/tc_conv_spec_dsp.h"
#endif

/**
 * @brief int8 transposed convolution (TFLite TRANSPOSE_CONV, ONNX ConvTranspose with one group).
 *
 * Input pixel (iy, ix) reaches output pixel (iy * stride.h + ky * dilation.h - padding.h,
 * ix * stride.w + kx * dilation.w - padding.w) through filter tap (ky, kx):
 * acc = bias[oc] + sum (in + input_offset) * filter[oc][ky][kx][ic] in int32, then
 * tc_requantize_dr (double rounding, as CONV_2D), + output_offset, clamp. No scratch.
 *
 * @param[in]  params       offsets, stride, top/left padding (cropped from the full map), dilation,
 *                          activation; groups must be 1
 * @param[in]  quant        per-output-channel multiplier/shift, length C_OUT
 * @param[in]  input_dims   Format: [1, H, W, C_IN]
 * @param[in]  input        int8, Format: [1, H, W, C_IN]
 * @param[in]  filter_dims  Format: [C_OUT, KH, KW, C_IN]
 * @param[in]  filter       int8, Format: [C_OUT, KH, KW, C_IN]
 * @param[in]  bias         int32, Format: [C_OUT]; may be NULL
 * @param[in]  output_dims  Format: [1, OH, OW, C_OUT]
 * @param[out] output       int8, Format: [1, OH, OW, C_OUT]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if the channel counts, strides or dilations do not fit
 */
tc_status tc_transpose_conv_s8(const tc_conv_params *params, const tc_per_channel_quant *quant,
                               const tc_dims *input_dims, const int8_t *input,
                               const tc_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                               const tc_dims *output_dims, int8_t *output);

#endif /* TC_CONV_H */
