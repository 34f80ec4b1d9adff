/*
 * tc_norm.h - normalisation kernels: group / instance norm, L2 normalisation.
 */
#ifndef TC_NORM_H
#define TC_NORM_H

#include "tc_types.h"

/** Shape and integer constants of tc_group_norm_s8 (tinyc/ops/group_norm.py computes them). */
typedef struct {
    int32_t pixels;   /**< H * W */
    int32_t channels; /**< C, a multiple of groups */
    int32_t groups;   /**< G: channel runs of C / G share statistics */
    int64_t eps_q;    /**< E = max(1, round(eps * n^2 / s_in^2)), n = pixels * C / G */
    int32_t zp_out;   /**< output zero point */
} tc_group_norm_params;

/**
 * @brief int8 group normalisation (instance norm when groups == channels), integer arithmetic only.
 *
 * Per group: S = sum q, Q = sum q^2, D = n*Q - S^2 + E, s = (62 - bitlen(D)) / 2, r = isqrt(D << 2s);
 * per channel m = (mant * 2^31 + r / 2) / r; out = clamp(zp_out + ((y16 + bias16) >>r 16)) with
 * y16 = (sign * (n*q - S) * m) >>r (46 - expo - s), where x >>r k = (x + 2^(k-1)) >> k.
 *
 * @param[in]  params  shape and constants
 * @param[in]  mant    int32, Format: [C]; Q31 mantissa of |gamma| / s_out
 * @param[in]  expo    int32, Format: [C]; its exponent (<= 14)
 * @param[in]  sign    int32, Format: [C]; -1 where gamma < 0, else 1
 * @param[in]  bias16  int32, Format: [C]; round(beta / s_out * 2^16)
 * @param[in]  input   int8, Format: [1, H, W, C]
 * @param[out] output  int8, Format: [1, H, W, C]; must not overlap the input unless H * W = 1 (a row)
 * @return TC_OK, or TC_ERR_ARG if the channels do not split into groups or a group exceeds 2^20 values
 */
tc_status tc_group_norm_s8(const tc_group_norm_params *params, const int32_t *mant, const int32_t *expo,
                           const int32_t *sign, const int32_t *bias16, const int8_t *input, int8_t *output);

/**
 * @brief int8 LayerNorm over the last axis: tc_group_norm_s8 on each row of C values (the row is one
 *        group of one pixel), integer arithmetic only.
 *
 * @param[in]  rows        number of rows
 * @param[in]  row_params  pixels = 1, channels = C, groups = 1, eps_q for n = C, zp_out
 * @param[in]  mant, expo, sign, bias16  int32, Format: [C]; as tc_group_norm_s8
 * @param[in]  input       int8, Format: [rows, C]
 * @param[out] output      int8, Format: [rows, C]; may be the input (in place)
 * @return TC_OK, or TC_ERR_ARG if row_params is not one pixel and one group
 */
tc_status tc_layer_norm_s8(int32_t rows, const tc_group_norm_params *row_params, const int32_t *mant,
                           const int32_t *expo, const int32_t *sign, const int32_t *bias16, const int8_t *input,
                           int8_t *output);

/** Shape and integer constants of tc_l2_norm_s8 (tinyc/ops/l2_norm.py computes them). */
typedef struct {
    int32_t rows;   /**< number of rows (all axes but the last) */
    int32_t depth;  /**< values per row (the last axis), at most 2^20 */
    int32_t zp_in;  /**< input zero point */
    int32_t zp_out; /**< output zero point */
    int64_t eps_q;  /**< E = round(eps / s_in^2) */
    int32_t mant;   /**< Q31 mantissa of 1 / s_out */
    int32_t expo;   /**< its exponent (<= 29) */
} tc_l2_norm_params;

/**
 * @brief int8 L2 normalisation over the last axis, integer arithmetic only.
 *
 * Per row: D = sum (q - zp_in)^2 + E; D == 0 gives zp_out; else s = (62 - bitlen(D)) / 2,
 * r = isqrt(D << 2s), m = (mant * 2^31 + r / 2) / r, out = clamp(zp_out + (((q - zp_in) * m) >>r
 * (62 - expo - s))), where x >>r k = (x + 2^(k-1)) >> k.
 *
 * @param[in]  params  shape and constants
 * @param[in]  input   int8, Format: [rows, depth]
 * @param[out] output  int8, Format: [rows, depth]; may be the input (in place)
 * @return TC_OK, or TC_ERR_ARG if depth is outside [1, 2^20]
 */
tc_status tc_l2_norm_s8(const tc_l2_norm_params *params, const int8_t *input, int8_t *output);

#endif /* TC_NORM_H */
