/*
 * tc_softmax.h - int8 softmax / log-softmax and int16 softmax over the last axis.
 */
#ifndef TC_SOFTMAX_H
#define TC_SOFTMAX_H

#include "tc_types.h"

/**
 * @brief int8 softmax of each row, bit-exact with TFLite's reference int8 Softmax (gemmlowp fixed point).
 *
 * Output scale 1/256, zero point -128. exp_table holds exp(beta * s_in * d) for every row-max
 * difference d in [-255, 0] as Q0.31 (0 where TFLite skips the value: d < diff_min); per row
 * the kernel sums the exps in Q12.19, takes the fixed-point reciprocal and rescales.
 * May run in place (output == input).
 *
 * @param[in]  exp_table  int32, Format: [256], entry 255 + d for d = x - max(row)
 * @param[in]  rows       number of rows (product of all dims but the last)
 * @param[in]  depth      row length (the last dim), 1 <= depth < 4096
 * @param[in]  input      int8, Format: [rows, depth]
 * @param[out] output     int8, Format: [rows, depth]
 * @return TC_OK, or TC_ERR_ARG for rows < 0 or depth outside [1, 4095]
 */
tc_status tc_softmax_s8(const int32_t *exp_table, int32_t rows, int32_t depth,
                        const int8_t *input, int8_t *output);

/** Per-node constants of tc_log_softmax_s8 (TFLite's LogSoftmax Prepare). */
typedef struct {
    int32_t reverse_mult;  /**< Q5.26 -> input-diff units, as (mult, shift) for tc_requantize */
    int32_t reverse_shift; /**< <= 0 */
    int32_t diff_min;      /**< row-max differences below this are skipped (exp ~ 0) */
} tc_log_softmax_params;

/**
 * @brief int8 log-softmax of each row, bit-exact with TFLite's reference_integer_ops::LogSoftmax.
 *
 * Output scale 16/256, zero point 127 (TFLite requires both). Per row the kernel sums the exps of
 * the row-max differences d in Q12.19, takes ln of the sum in Q5.26 and outputs d (in Q5.26)
 * minus that, shifted to Q4.3 and offset by 127; elements too far below the max give -128.
 * May run in place (output == input).
 *
 * @param[in]  params   reverse multiplier and diff_min
 * @param[in]  diff_q5  int32, Format: [256], entry 255 + d: d * beta * s_in in Q5.26
 * @param[in]  exp_q12  int32, Format: [256], entry 255 + d: exp(d * beta * s_in) in Q12.19,
 *                      0 for d < diff_min
 * @param[in]  rows     number of rows (product of all dims but the last)
 * @param[in]  depth    row length (the last dim), 1 <= depth < 4096
 * @param[in]  input    int8, Format: [rows, depth]
 * @param[out] output   int8, Format: [rows, depth]
 * @return TC_OK, or TC_ERR_ARG for rows < 0 or depth outside [1, 4095]
 */
tc_status tc_log_softmax_s8(const tc_log_softmax_params *params, const int32_t *diff_q5,
                            const int32_t *exp_q12, int32_t rows, int32_t depth,
                            const int8_t *input, int8_t *output);

/** Per-node constant of tc_softmax_s16: s_in * beta / (10 / 65535) as a multiplier (TFLite's Prepare). */
typedef struct {
    int32_t input_multiplier;
    int32_t input_shift;
} tc_softmax_s16_params;

/**
 * @brief int16 softmax of each row, bit-exact with TFLite's reference_ops::SoftmaxInt16.
 *
 * Output scale 1/32768, zero point 0. Each row-max difference is requantized (double rounding)
 * into [-65535, 0] ~ [-10, 0], looked up in exp_lut with interpolation, the exps summed, the sum
 * normalised by its leading zeros and its reciprocal looked up in recip_lut; each exp is then
 * rescaled. The tables come from tinyc (tinyc/quant/softmax16.py, TFLite's gen_lut in float).
 * May run in place (output == input).
 *
 * @param[in]  params     input multiplier and shift
 * @param[in]  exp_lut    int16, Format: [513], exp on [-10, 0] in Q0.15
 * @param[in]  recip_lut  int16, Format: [513], 1 / (1 + x) on [0, 1] in Q0.15
 * @param[in]  rows       number of rows
 * @param[in]  depth      row length, 1 <= depth <= 65535
 * @param[in]  input      int16, Format: [rows, depth]
 * @param[out] output     int16, Format: [rows, depth]
 * @return TC_OK, or TC_ERR_ARG for rows < 0 or depth outside [1, 65535]
 */
tc_status tc_softmax_s16(const tc_softmax_s16_params *params, const int16_t *exp_lut, const int16_t *recip_lut,
                         int32_t rows, int32_t depth, const int16_t *input, int16_t *output);

/**
 * @brief float32 softmax of each row (a float island of a quantized model), as LiteRT's float reference:
 *        out = exp((x - max) * beta) / sum, the sum in float32 in element order. May run in place.
 * @param[in]  beta    softmax beta
 * @param[in]  input   float32, Format: [rows, depth]
 * @param[out] output  float32, Format: [rows, depth]
 * @return TC_OK, or TC_ERR_ARG for rows < 0 or depth < 1
 */
tc_status tc_softmax_f32(float beta, int32_t rows, int32_t depth, const float *input, float *output);

/**
 * @brief float32 log-softmax of each row, as LiteRT's float reference: (x - max) - logf(sum expf(x - max)).
 *        May run in place.
 * @param[in]  input   float32, Format: [rows, depth]
 * @param[out] output  float32, Format: [rows, depth]
 * @return TC_OK, or TC_ERR_ARG for rows < 0 or depth < 1
 */
tc_status tc_log_softmax_f32(int32_t rows, int32_t depth, const float *input, float *output);

#endif /* TC_SOFTMAX_H */
