/*
 * tc_activation.h - int8 unary activations by table lookup (logistic, tanh, hard_swish).
 *
 * The table is computed at compile time by tinyc (tinyc/quant/lut.py) with the
 * exact arithmetic of TFLite's int8 kernel for the op and the tensors'
 * quantization parameters, so one kernel serves every int8 -> int8 unary op.
 */
#ifndef TC_ACTIVATION_H
#define TC_ACTIVATION_H

#include "tc_types.h"

/**
 * @brief int8 -> int8 elementwise map through a 256-entry table: output[i] = table[input[i] + 128].
 *
 * May run in place (output == input).
 *
 * @param[in]  table   int8, Format: [256], entry k is the output for input value k - 128
 * @param[in]  size    number of elements
 * @param[in]  input   int8, Format: [size], any shape flattened
 * @param[out] output  int8, Format: [size]
 * @return TC_OK, or TC_ERR_ARG when size < 0 or table is NULL
 */
tc_status tc_lut_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

#endif /* TC_ACTIVATION_H */
