/* The input scaling and table interpolation shared by tc_logistic_s16 and tc_tanh_s16 (private). */
#ifndef TC_SIGMOID16_LERP_H
#define TC_SIGMOID16_LERP_H

#include <stdint.h>

/* Arguments both kernels accept: a table, a 16-bit multiplier and a shift of at most 31. */
static inline int tc_sigmoid16_args_ok(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size)
{
    return table != 0 && size >= 0 && multiplier > 0 && multiplier <= 65535 && shift >= 0 && shift <= 31;
}

/* x * multiplier, rounded right by shift. |x| * multiplier < 2^31: product and shift stay in int32, as in TFLite. */
static inline int32_t tc_sigmoid16_scale(int16_t x, int32_t multiplier, int32_t shift)
{
    const int32_t round = shift > 0 ? (int32_t)(1u << (shift - 1)) : 0;
    return (int32_t)(((int64_t)x * multiplier + round) >> shift);
}

/* The 256-entry table read at a / 2^frac_bits with linear interpolation (result scaled by 2^frac_bits);
 * beyond the last step, sat. */
static inline uint32_t tc_sigmoid16_lerp(const uint16_t *table, uint32_t a, uint32_t frac_bits, uint32_t sat)
{
    const uint32_t step = a >> frac_bits;
    if (step >= 255u) {
        return sat;
    }
    const uint32_t lo = table[step];
    return (lo << frac_bits) + (a & ((1u << frac_bits) - 1u)) * ((uint32_t)table[step + 1] - lo);
}

#endif /* TC_SIGMOID16_LERP_H */
