/*
 * tc_gemmlowp.h - gemmlowp's int32 fixed-point pieces used by TFLite's int8 softmax (internal).
 *
 * FixedPoint<int32, I> holds raw / 2^(31 - I); products are tc_sat_rdhm.
 * Sums go through uint32 so that a wrap is defined (TFLite never wraps here).
 */
#ifndef TC_GEMMLOWP_H
#define TC_GEMMLOWP_H

#include <stdint.h>

#include "tc_fixedpoint.h"

static inline int32_t tc_add_wrap(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tc_sub_wrap(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/** SaturatingRoundingMultiplyByPOT<e> for 0 <= e < 31: saturating left shift. */
static inline int32_t tc_sat_lshift(int32_t x, int32_t e)
{
    const int64_t r = (int64_t)x * ((int64_t)1 << e);
    return r > INT32_MAX ? INT32_MAX : (r < INT32_MIN ? INT32_MIN : (int32_t)r);
}

/** RoundingDivideByPOT for 0 <= e <= 62, in 64 bits (TFLite stops at 31; beyond, the result is 0 or -1 + rounding). */
static inline int32_t tc_rdbpot64(int32_t x, int32_t e)
{
    const int64_t mask = ((int64_t)1 << e) - 1;
    const int64_t remainder = (int64_t)x & mask;
    const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    const int64_t q = x >= 0 ? ((int64_t)x >> e) : -((-(int64_t)x - 1) >> e) - 1; /* floor, no shift of negatives */
    return (int32_t)(q + (remainder > threshold ? 1 : 0));
}

/** 1 / (1 + a) for a in [0, 1) as F0 -> F0 (gemmlowp one_over_one_plus_x_for_x_in_0_1). */
static inline int32_t tc_one_over_one_plus_x(int32_t a)
{
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_den = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = tc_add_wrap(1515870810, tc_sat_rdhm(half_den, -1010580540)); /* 48/17 - 32/17 d, in F2 */
    for (int i = 0; i < 3; i++) {
        const int32_t one_minus = tc_sub_wrap(1 << 29, tc_sat_rdhm(half_den, x));
        x = tc_add_wrap(x, tc_sat_lshift(tc_sat_rdhm(x, one_minus), 2));
    }
    return tc_sat_lshift(x, 1);
}

static inline int32_t tc_clz32(uint32_t x)
{
    int32_t n = 0;
    while (n < 32 && (x & 0x80000000u) == 0u) {
        x <<= 1;
        n++;
    }
    return n;
}

static inline int32_t tc_sat_add(int32_t a, int32_t b)
{
    const int64_t s = (int64_t)a + (int64_t)b;
    return s > INT32_MAX ? INT32_MAX : (s < INT32_MIN ? INT32_MIN : (int32_t)s);
}

/**
 * ln(x) for x >= 1 (TFLite log_x_for_x_greater_than_or_equal_to_1): F<in_bits> raw x > 0 ->
 * F<out_bits> raw, 0 <= in_bits <= 30, 1 <= out_bits <= 29. x = 2^k * r with r near 2^(-1/4);
 * ln(r) is a rational approximation, accumulated in F<out_bits + 1>.
 */
static inline int32_t tc_log_x_ge_1(int32_t x, int32_t in_bits, int32_t out_bits)
{
    const int32_t accum_bits = out_bits + 1;
    const int32_t quarter = tc_rdbpot(1 << 29, accum_bits);
    const int32_t sqrt_sqrt_half = 1805811301;
    const int32_t sqrt_half = 1518500250;
    /* the two candidate normalisations of x: r_a in [1/2, 1) * sqrt(1/2) * 2, r_b = x * 2^hb */
    const int32_t clz_a = tc_clz32((uint32_t)x);
    const int32_t r_a = tc_sat_lshift(tc_sat_rdhm(tc_sat_lshift(x, clz_a - 1), sqrt_half), 1);
    const int32_t pow2_a = tc_sat_add(tc_sat_lshift(in_bits - clz_a, 31 - accum_bits), quarter);
    const int32_t head_b = tc_clz32((uint32_t)tc_sat_rdhm(x, sqrt_half)) - 1;
    const int32_t r_b = tc_sat_lshift(x, head_b);
    const int32_t pow2_b = tc_sat_add(tc_sat_lshift(in_bits - head_b, 31 - accum_bits), -quarter);
    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t pow2 = pow2_a > pow2_b ? pow2_a : pow2_b;

    const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
    const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2);
    const int32_t d = tc_sub_wrap(r, sqrt_sqrt_half);
    const int32_t q = tc_add_wrap(d, d);
    const int32_t sq = tc_sat_rdhm(q, q);
    const int32_t num = tc_add_wrap(tc_sat_rdhm(q, r), tc_sat_rdhm(tc_sat_rdhm(q, sq), 117049297));
    const int32_t inner = tc_add_wrap(tc_add_wrap(1057819769, q), tc_sat_rdhm(127690142, sq));
    const int32_t den_minus_one = tc_add_wrap(tc_sat_rdhm(p, inner), tc_sat_rdhm(638450708, q));
    const int32_t recip = tc_one_over_one_plus_x(den_minus_one);
    const int32_t total = tc_add_wrap(tc_sat_rdhm(pow2, 1488522236),
                                      tc_sat_rdhm(tc_rdbpot(num, accum_bits), recip));
    return tc_sat_lshift(total, accum_bits - out_bits);
}

#endif /* TC_GEMMLOWP_H */
