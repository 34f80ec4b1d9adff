/*
 * tc_fixedpoint.h - TFLite-exact fixed-point requantization helpers.
 *
 * A real multiplier M is carried as (int32 mult, int32 shift) with
 * M = mult * 2^(shift - 31), shift in [-31, 30]. LiteRT's reference kernels
 * apply it in two ways, and each op uses the one its oracle test pins down:
 * - tc_requantize(): single rounding (one 64-bit multiply, add half, shift):
 *   log softmax;
 * - tc_requantize_away(): single rounding with halves away from zero, which is
 *   LiteRT's round(double(acc) * scale) for any scale M0 represents exactly:
 *   fully connected;
 * - tc_requantize_dr(): double rounding (saturating rounding doubling high
 *   multiply, then rounding divide by a power of two): conv, depthwise conv,
 *   add, mul, relu, mean,
 *   quantize (requantize).
 */
#ifndef TC_FIXEDPOINT_H
#define TC_FIXEDPOINT_H

#include <stdint.h>

/** SaturatingRoundingDoublingHighMul(a, b). */
static inline int32_t tc_sat_rdhm(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    const int64_t ab = (int64_t)a * (int64_t)b;
    const int64_t nudge = ab >= 0 ? (int64_t)1 << 30 : 1 - ((int64_t)1 << 30);
    return (int32_t)((ab + nudge) / ((int64_t)1 << 31));
}

/** RoundingDivideByPOT(x, exponent), 0 <= exponent <= 31. */
static inline int32_t tc_rdbpot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/** MultiplyByQuantizedMultiplier(x, mult, shift), single rounding. */
static inline int32_t tc_requantize(int32_t x, int32_t mult, int32_t shift)
{
    const int32_t total_shift = 31 - shift;
    const int64_t round = (int64_t)1 << (total_shift - 1);
    return (int32_t)(((int64_t)x * (int64_t)mult + round) >> total_shift);
}

/** tc_requantize with halves rounded away from zero (a negative tie goes down). */
static inline int32_t tc_requantize_away(int32_t x, int32_t mult, int32_t shift)
{
    const int32_t total_shift = 31 - shift;
    const int64_t p = (int64_t)x * (int64_t)mult;
    const int64_t round = ((int64_t)1 << (total_shift - 1)) - (p < 0 ? 1 : 0);
    return (int32_t)((p + round) >> total_shift);
}

/** MultiplyByQuantizedMultiplier(x, mult, shift), double rounding. */
static inline int32_t tc_requantize_dr(int32_t x, int32_t mult, int32_t shift)
{
    const int32_t left = shift > 0 ? shift : 0;
    const int32_t right = shift > 0 ? 0 : -shift;
    const int32_t xl = (int32_t)((uint32_t)x << left);
    return tc_rdbpot(tc_sat_rdhm(xl, mult), right);
}

static inline int32_t tc_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

#endif /* TC_FIXEDPOINT_H */
