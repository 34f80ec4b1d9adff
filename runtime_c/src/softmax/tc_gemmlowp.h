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

#endif /* TC_GEMMLOWP_H */
