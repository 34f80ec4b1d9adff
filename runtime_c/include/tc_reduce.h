/*
 * tc_reduce.h - int8 index reductions: arg max / arg min and top-k (ONNX ArgMax, ArgMin, TopK).
 */
#ifndef TC_REDUCE_H
#define TC_REDUCE_H

#include "tc_types.h"

/**
 * @brief Index of the largest (smallest) int8 value along the middle axis of [outer, n, inner].
 *
 * Ties go to the first index, or to the last when `last` is set (ONNX select_last_index).
 *
 * @param[in]  outer     product of the dims before the axis
 * @param[in]  n         length of the axis, > 0
 * @param[in]  inner     product of the dims after the axis
 * @param[in]  smallest  0: arg max, 1: arg min
 * @param[in]  last      1: ties pick the last index
 * @param[in]  input     int8, Format: [outer, n, inner]
 * @param[out] output    int32, Format: [outer, inner]
 * @return TC_OK, or TC_ERR_ARG for a bad size
 */
tc_status tc_arg_max_s8(int32_t outer, int32_t n, int32_t inner, int32_t smallest, int32_t last,
                        const int8_t *input, int32_t *output);

/**
 * @brief The k largest (smallest) int8 values of each row of [outer, n], sorted, with their indices.
 *
 * Order: value descending (ascending when largest == 0), equal values by lower index first (ONNX TopK).
 *
 * @param[in]  outer    number of rows
 * @param[in]  n        row length
 * @param[in]  k        values per row, 1 <= k <= n
 * @param[in]  largest  1: largest values, 0: smallest
 * @param[in]  input    int8, Format: [outer, n]
 * @param[out] values   int8, Format: [outer, k]
 * @param[out] indices  int32, Format: [outer, k]
 * @return TC_OK, or TC_ERR_ARG for a bad k
 */
tc_status tc_top_k_s8(int32_t outer, int32_t n, int32_t k, int32_t largest, const int8_t *input, int8_t *values,
                      int32_t *indices);

#endif /* TC_REDUCE_H */
