/*
 * tc_softmax.h - int8 softmax over the last axis.
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

#endif /* TC_SOFTMAX_H */
