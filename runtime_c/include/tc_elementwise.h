/*
 * tc_elementwise.h - elementwise kernels: add / sub (int8, int16), mul (with broadcast), clamp and prelu.
 */
#ifndef TC_ELEMENTWISE_H
#define TC_ELEMENTWISE_H

#include "tc_fixedpoint.h"
#include "tc_types.h"

/**
 * MultiplyByQuantizedMultiplier with TFLite's double rounding (saturating
 * rounding doubling high multiply, then rounding divide by 2^-shift), which
 * LiteRT's reference ADD, MUL, RELU and MEAN use (tests/ops check this). The
 * left shift wraps in 32 bits, as in TFLite.
 */
/** Element strides of one input over the 4-D output walk; 0 along a broadcast dim. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} tc_strides;

/** Add with two input scales (TFLite's 8-bit general rescaling path). */
typedef struct {
    int32_t input1_offset; /**< -zero point of input 1 */
    int32_t input2_offset; /**< -zero point of input 2 */
    int32_t output_offset; /**< output zero point */
    int32_t left_shift;    /**< headroom shift, 20 for int8, 15 for int16 */
    int32_t input1_multiplier;
    int32_t input1_shift;  /**< <= 0 */
    int32_t input2_multiplier; /**< negative for SUB (TFLite runs SUB as ADD with input 2's multiplier negated) */
    int32_t input2_shift;  /**< <= 0 */
    int32_t output_multiplier;
    int32_t output_shift;  /**< <= 0 */
    tc_activation activation;
} tc_add_params;

/** Multiply: one output multiplier for s1 * s2 / s_out. */
typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    int32_t output_multiplier;
    int32_t output_shift;
    tc_activation activation;
} tc_mul_params;

/** Clamp (TFLite ReluX): requantize, then clamp. identity != 0 skips the requantization. */
typedef struct {
    int32_t input_offset;  /**< -input zero point */
    int32_t output_offset; /**< output zero point */
    int32_t multiplier;    /**< s_in / s_out (computed in float32, as TFLite) */
    int32_t shift;
    int32_t identity;      /**< 1 when input and output quantization are equal: a pure clamp */
    tc_activation activation;
} tc_clamp_params;

/**
 * @brief int8 add with broadcast: out = clamp(requant(s1 * (a + o1) * 2^ls) + requant(s2 * (b + o2) * 2^ls)), TFLite AddFunc.
 *
 * The output is walked as a contiguous 4-D array of out_dims; element
 * (n, h, w, c) reads a[n*sa.n + h*sa.h + w*sa.w + c*sa.c] and likewise b.
 * output may equal a (or b) when that input is not broadcast.
 *
 * @param[in]  params     offsets, multipliers, shifts, activation range
 * @param[in]  out_dims   output shape, Format: [N, H, W, C]
 * @param[in]  a_strides  element strides of a over out_dims
 * @param[in]  a          int8, any layout reachable through a_strides
 * @param[in]  b_strides  element strides of b over out_dims
 * @param[in]  b          int8, any layout reachable through b_strides
 * @param[out] output     int8, Format: [N, H, W, C]
 * @return TC_OK
 */
tc_status tc_add_s8(const tc_add_params *params,
                    const tc_dims *out_dims,
                    const tc_strides *a_strides,
                    const int8_t *a,
                    const tc_strides *b_strides,
                    const int8_t *b,
                    int8_t *output);

/**
 * @brief int8 elementwise maximum / minimum with broadcast (TFLite MAXIMUM / MINIMUM): the larger (smaller)
 *        stored value, no rescaling (LiteRT compares the raw int8 data). Walk, strides and aliasing as
 *        tc_add_s8.
 * @param[in]  out_dims   output shape, Format: [N, H, W, C]
 * @param[in]  a_strides  element strides of a over out_dims
 * @param[in]  a          int8
 * @param[in]  b_strides  element strides of b over out_dims
 * @param[in]  b          int8
 * @param[out] output     int8, Format: [N, H, W, C]
 * @return TC_OK
 */
tc_status tc_maximum_s8(const tc_dims *out_dims,
                        const tc_strides *a_strides,
                        const int8_t *a,
                        const tc_strides *b_strides,
                        const int8_t *b,
                        int8_t *output);

/** @brief tc_maximum_s8 with the smaller value (TFLite MINIMUM). */
tc_status tc_minimum_s8(const tc_dims *out_dims,
                        const tc_strides *a_strides,
                        const int8_t *a,
                        const tc_strides *b_strides,
                        const int8_t *b,
                        int8_t *output);

/**
 * @brief int8 squared difference with broadcast (TFLite SQUARED_DIFFERENCE): each (q + o) * 2^ls
 *        (ls = 7) scaled by s_i / (2 max(s_a, s_b)) as tc_add_s8 scales it, the difference squared
 *        in int32, then out = clamp(requant(d^2) + o) with a multiplier that may exceed one.
 *        Walk, strides and aliasing as tc_add_s8.
 * @param[in]  params     offsets, multipliers, shifts (left_shift 7), activation range
 * @param[in]  out_dims   output shape, Format: [N, H, W, C]
 * @param[in]  a_strides  element strides of a over out_dims
 * @param[in]  a          int8
 * @param[in]  b_strides  element strides of b over out_dims
 * @param[in]  b          int8
 * @param[out] output     int8, Format: [N, H, W, C]
 * @return TC_OK
 */
tc_status tc_squared_difference_s8(const tc_add_params *params,
                                   const tc_dims *out_dims,
                                   const tc_strides *a_strides,
                                   const int8_t *a,
                                   const tc_strides *b_strides,
                                   const int8_t *b,
                                   int8_t *output);

/**
 * @brief tc_add_s8 (or SUB) with each input's term tabulated: out = clamp(requant_out(lut_a[a] + lut_b[b]) + o),
 *        the same bytes as tc_add_s8 for the tables tinyc.ops.add.add_tables computes.
 *
 * lut_x[q + 128] = requant_x((q + o_x) * 2^ls) for every int8 q: TFLite AddFunc's input term.
 * Walk, strides and aliasing as tc_add_s8; dense inputs take one contiguous loop (with TC_DSP,
 * four outputs per step, saturated, clamped and stored as one word).
 *
 * @param[in]  params     output offset / multiplier / shift and activation range (the input fields unused)
 * @param[in]  lut_a      int32[256], input 1's term per value
 * @param[in]  lut_b      int32[256], input 2's term per value
 * @param[in]  out_dims   output shape, Format: [N, H, W, C]
 * @param[in]  a_strides  element strides of a over out_dims
 * @param[in]  a          int8
 * @param[in]  b_strides  element strides of b over out_dims
 * @param[in]  b          int8
 * @param[out] output     int8, Format: [N, H, W, C]
 * @return TC_OK
 */
tc_status tc_add_s8_lut(const tc_add_params *params,
                        const int32_t *lut_a,
                        const int32_t *lut_b,
                        const tc_dims *out_dims,
                        const tc_strides *a_strides,
                        const int8_t *a,
                        const tc_strides *b_strides,
                        const int8_t *b,
                        int8_t *output);

/**
 * @brief int16 add / sub with broadcast (TFLite 16x8 ADD / SUB, general path): tc_add_s8's arithmetic
 *        with left_shift 15 and the int16 activation range. Same walk and aliasing rules as tc_add_s8.
 * @param[in]  a       int16
 * @param[in]  b       int16
 * @param[out] output  int16, Format: [N, H, W, C]
 * @return TC_OK
 */
tc_status tc_add_s16(const tc_add_params *params,
                     const tc_dims *out_dims,
                     const tc_strides *a_strides,
                     const int16_t *a,
                     const tc_strides *b_strides,
                     const int16_t *b,
                     int16_t *output);

/**
 * @brief int8 multiply with broadcast: out = clamp(requant((a + o1) * (b + o2)) + o_out), TFLite MulElementwise.
 *
 * Same walk and aliasing rules as tc_add_s8.
 *
 * @param[in]  params     offsets, multiplier/shift, activation range
 * @param[in]  out_dims   output shape, Format: [N, H, W, C]
 * @param[in]  a_strides  element strides of a over out_dims
 * @param[in]  a          int8
 * @param[in]  b_strides  element strides of b over out_dims
 * @param[in]  b          int8
 * @param[out] output     int8, Format: [N, H, W, C]
 * @return TC_OK
 */
tc_status tc_mul_s8(const tc_mul_params *params,
                    const tc_dims *out_dims,
                    const tc_strides *a_strides,
                    const int8_t *a,
                    const tc_strides *b_strides,
                    const int8_t *b,
                    int8_t *output);

/**
 * @brief int16 multiply with broadcast (TFLite 16x8 MUL): tc_mul_s8's arithmetic on int16 elements
 *        (the product of two int16 values fits int32).
 * @param[in]  a       int16
 * @param[in]  b       int16
 * @param[out] output  int16, Format: [N, H, W, C]
 */
tc_status tc_mul_s16(const tc_mul_params *params,
                     const tc_dims *out_dims,
                     const tc_strides *a_strides,
                     const int16_t *a,
                     const tc_strides *b_strides,
                     const int16_t *b,
                     int16_t *output);

/**
 * @brief int8 clamp with requantization (TFLite RELU / RELU6 / RELU_N1_TO_1 / Clip).
 *
 * out = clamp(output_offset + requant(in + input_offset)), or clamp(in) when identity.
 * output may equal input.
 *
 * @param[in]  params  offsets, multiplier/shift, identity flag, activation range
 * @param[in]  size    number of elements
 * @param[in]  input   int8, Format: [size]
 * @param[out] output  int8, Format: [size]
 * @return TC_OK
 */
tc_status tc_clamp_s8(const tc_clamp_params *params,
                      int32_t size,
                      const int8_t *input,
                      int8_t *output);

/**
 * @brief int16 clamp with requantization (TFLite 16x8 RELU / RELU6 / RELU_N1_TO_1): tc_clamp_s8's arithmetic
 * (the 32-bit double-rounding requantization) on int16 values, clamped to the int16 activation range.
 * output may equal input.
 * @param[in]  input   int16, Format: [size]
 * @param[out] output  int16, Format: [size]
 * @return TC_OK
 */
tc_status tc_clamp_s16(const tc_clamp_params *params,
                       int32_t size,
                       const int16_t *input,
                       int16_t *output);

/** PReLU (TFLite PRELU reference): offsets and the two requantization multipliers. */
typedef struct {
    int32_t input_offset;  /**< -input zero point */
    int32_t alpha_offset;  /**< -alpha zero point */
    int32_t output_offset; /**< output zero point */
    int32_t mult_pos;      /**< s_in / s_out */
    int32_t shift_pos;
    int32_t mult_neg;      /**< s_in * s_alpha / s_out */
    int32_t shift_neg;
    tc_activation activation;
} tc_prelu_params;

/**
 * @brief int8 PReLU / LeakyReLU (TFLite PRELU arithmetic, double rounding).
 *
 * v = in + input_offset; out = clamp(output_offset + (v >= 0 ? requant(v, pos) : requant(v * (alpha + alpha_offset), neg))).
 * output may equal input.
 *
 * @param[in]  params     offsets, multipliers, activation range
 * @param[in]  size       number of elements
 * @param[in]  input      int8, Format: [size]
 * @param[in]  alpha      int8 slopes, Format: [alpha_len], repeating over the input (trailing-dims broadcast)
 * @param[in]  alpha_len  number of slopes (1 for LeakyReLU, C for one slope per channel), > 0
 * @param[out] output     int8, Format: [size]
 * @return TC_OK, or TC_ERR_ARG for a negative size or alpha_len <= 0
 */
tc_status tc_prelu_s8(const tc_prelu_params *params, int32_t size, const int8_t *input, const int8_t *alpha,
                      int32_t alpha_len, int8_t *output);

#endif /* TC_ELEMENTWISE_H */
