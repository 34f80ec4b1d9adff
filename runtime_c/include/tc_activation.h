/*
 * tc_activation.h - unary activations: int8 table lookup (logistic, tanh, hard_swish), int16 logistic
 * and tanh, and leaky relu (int8 and int16).
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

/** sigmoid(i / 24) in unsigned 0.16, i = 0..255 (TFLite's sigmoid_table_uint16): the table of the int16
 *  logistic and tanh. */
extern const uint16_t tc_sigmoid_table_u16[256];

/**
 * @brief int16 logistic (TFLite 16x8 LOGISTIC, reference_integer_ops::Logistic): output scale 2^-15, zero points 0.
 *
 * v = (in * input_multiplier + round) >> input_left_shift (multiplier 0: the power-of-two case,
 * 3 << input_left_shift without a shift) puts the input in 1/(3 * 4096) units; |v| reads
 * tc_sigmoid_table_u16 with 9 fraction bits of linear interpolation; the sign mirrors it. May run in place.
 *
 * @param[in]  input_multiplier   from the input scale (tinyc/quant/sigmoid16.py: params)
 * @param[in]  input_left_shift   right shift after the multiply, in [0, 31]
 * @param[in]  size               number of elements
 * @param[in]  input              int16, Format: [size]
 * @param[out] output             int16, Format: [size]
 * @return TC_OK, or TC_ERR_ARG for a negative size or a shift out of range
 */
tc_status tc_logistic_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                          int16_t *output);

/**
 * @brief int16 tanh (TFLite 16x8 TANH, reference_integer_ops::Tanh): tc_logistic_s16's input rescale, the same
 * table read with 8 fraction bits (tanh(x) = 2 sigmoid(2x) - 1). Output scale 2^-15, zero points 0. May run in place.
 * @param[in]  input   int16, Format: [size]
 * @param[out] output  int16, Format: [size]
 * @return TC_OK, or TC_ERR_ARG for a negative size or a shift out of range
 */
tc_status tc_tanh_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                      int16_t *output);

#endif /* TC_ACTIVATION_H */
