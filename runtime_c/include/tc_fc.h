/*
 * tc_fc.h - fully connected kernels.
 */
#ifndef TC_FC_H
#define TC_FC_H

#include "tc_types.h"

/**
 * @brief int8 fully connected with per-channel requantization (TFLite reference arithmetic).
 *
 * out[b][o] = clamp(out_offset + requant(sum_k (in[b][k] + input_offset) * (w[o][k] + filter_offset) + bias[o]))
 *
 * With TC_DSP, filter_offset 0, in_ch <= 1024 and a ctx buffer of
 * tc_fully_connected_s8_get_buffer_size() bytes, each row is widened once into that buffer;
 * otherwise four weight rows share each input load. Same bytes either way.
 *
 * @param[in]  ctx         scratch (int32-aligned), or NULL
 * @param[in]  params      offsets and activation range
 * @param[in]  quant       per-output-channel multiplier/shift, length out_ch
 * @param[in]  batches     number of rows of the input
 * @param[in]  in_ch       K, the reduction length
 * @param[in]  out_ch      number of outputs per row
 * @param[in]  input       int8, Format: [batches, in_ch]
 * @param[in]  filter      int8, Format: [out_ch, in_ch]
 * @param[in]  bias        int32, Format: [out_ch]; may be NULL
 * @param[out] output      int8, Format: [batches, out_ch]
 * @return TC_OK
 */
tc_status tc_fully_connected_s8(const tc_context *ctx,
                                const tc_fc_params *params,
                                const tc_per_channel_quant *quant,
                                int32_t batches,
                                int32_t in_ch,
                                int32_t out_ch,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output);

/**
 * @brief Scratch bytes tc_fully_connected_s8 takes (its DSP path's widened row; the same in
 *        portable builds, which leave it unused).
 * @param[in] in_ch  the reduction length
 * @return 2 * in_ch when in_ch <= 1024, else 0
 */
int32_t tc_fully_connected_s8_get_buffer_size(int32_t in_ch);

/* Compile-time specialised variant (TC_DSP builds): an always_inline kernel that generated
 * model code calls with the layer's sizes as literals (templates/ops/fully_connected_s8_spec.j2). */
#if defined(TC_DSP) && TC_DSP
#include "../src/fully_connected/tc_fc_spec_dsp.h"
#endif

#endif /* TC_FC_H */
