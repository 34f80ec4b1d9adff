/*
 * tc_activation.h - unary activations: int8 table lookup (logistic, tanh, hard_swish), int16
 * logistic and tanh (TFLite's fixed-point kernels over a sigmoid table) and leaky relu (int8 and int16).
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

/** Leaky relu (TFLite LEAKY_RELU): two per-tensor requantizations, picked by the input's sign. */
typedef struct {
    int32_t input_offset;          /**< -input zero point */
    int32_t output_offset;         /**< output zero point */
    tc_per_tensor_quant identity;  /**< s_in / s_out (float32, as TFLite's Prepare) */
    tc_per_tensor_quant alpha;     /**< s_in * alpha / s_out (float32); the multiplier may be negative */
} tc_leaky_relu_params;

/**
 * @brief int8 leaky relu: v = in + input_offset; out = sat(output_offset + requant_dr(v, v >= 0 ? identity : alpha)).
 *
 * Double rounding (tc_requantize_dr), saturated to [-128, 127]. May run in place.
 *
 * @param[in]  params  offsets and the two multipliers
 * @param[in]  size    number of elements
 * @param[in]  input   int8, Format: [size]
 * @param[out] output  int8, Format: [size]
 * @return TC_OK
 */
tc_status tc_leaky_relu_s8(const tc_leaky_relu_params *params, int32_t size, const int8_t *input, int8_t *output);

/**
 * @brief int16 leaky relu: tc_leaky_relu_s8's arithmetic, saturated to [-32768, 32767]. May run in place.
 * @param[in]  input   int16, Format: [size]
 * @param[out] output  int16, Format: [size]
 * @return TC_OK
 */
tc_status tc_leaky_relu_s16(const tc_leaky_relu_params *params, int32_t size, const int16_t *input, int16_t *output);

/**
 * @brief int16 logistic (TFLite LOGISTIC, 16x8): output scale 2^-15, zero points 0.
 *
 * v = (input * multiplier + round) >> shift puts the input in units of 1/12288 (round = 2^(shift-1),
 * 0 when shift is 0); a = |v| reads table entry a >> 9 and interpolates with the 9 low bits
 * (saturating from entry 255 on); negative v use sigmoid(-x) = 1 - sigmoid(x). Output in [0, 32767].
 * May run in place.
 *
 * @param[in]  table       uint16, Format: [256], entry i = sigmoid(i / 24) in Q0.16 (tinyc/quant/sigmoid16.py)
 * @param[in]  multiplier  in [1, 65535]: the input scale times 12288 * 2^shift, truncated (or 3 when
 *                         the input scale is 2^-12)
 * @param[in]  shift       right shift in [0, 31]
 * @param[in]  size        number of elements
 * @param[in]  input       int16, Format: [size]
 * @param[out] output      int16, Format: [size]
 * @return TC_OK, or TC_ERR_ARG on a NULL table or a parameter out of range
 */
tc_status tc_logistic_s16(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size,
                          const int16_t *input, int16_t *output);

/**
 * @brief int16 tanh (TFLite TANH, 16x8): tc_logistic_s16's input scaling and table, read as
 * tanh(x) = 2 sigmoid(2x) - 1: entry a >> 8 with the 8 low bits interpolated. Output in
 * [-32767, 32767], scale 2^-15. May run in place.
 *
 * @param[in]  table       uint16, Format: [256], the sigmoid table of tc_logistic_s16
 * @param[in]  multiplier  in [1, 65535] (3 or 6 for input scales 2^-12 and 2^-11)
 * @param[in]  shift       right shift in [0, 31]
 * @param[in]  size        number of elements
 * @param[in]  input       int16, Format: [size]
 * @param[out] output      int16, Format: [size]
 * @return TC_OK, or TC_ERR_ARG on a NULL table or a parameter out of range
 */
tc_status tc_tanh_s16(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size, const int16_t *input,
                      int16_t *output);

#endif /* TC_ACTIVATION_H */
