/*
 * tc_gemmlowp16.h - private to the recurrent family: gemmlowp's FixedPoint<int16_t, I> logistic and
 * tanh, as TFLite's integer LSTM applies them (tensor_utils ApplySigmoid / ApplyTanh). Raw values
 * are int16 held in int32; sums wrap like int16, products are the int16 rounding doubling high
 * multiply, and gemmlowp's int32 constants are pre-rounded to int16 (RoundingDivideByPOT by 16).
 * The numpy twin is tinyc/quant/gemmlowp16.py.
 */
#ifndef TC_GEMMLOWP16_H
#define TC_GEMMLOWP16_H

#include "tc_fixedpoint.h"

static inline int32_t tc_w16(int32_t x)
{
    return (int32_t)(int16_t)(uint16_t)(uint32_t)x;
}

static inline int32_t tc_srdhm16(int32_t a, int32_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    const int32_t ab = a * b;
    const int32_t nudge = ab >= 0 ? (1 << 14) : 1 - (1 << 14);
    return tc_w16((ab + nudge) / (1 << 15));
}

/* SaturatingRoundingMultiplyByPOT<e> on int16. */
static inline int32_t tc_smpot16(int32_t x, int32_t e)
{
    if (e > 0) {
        const int32_t t = (1 << (15 - e)) - 1;
        return x > t ? INT16_MAX : (x < -t ? INT16_MIN : tc_w16(x * (1 << e)));
    }
    return e < 0 ? tc_rdbpot(x, -e) : x;
}

static inline int32_t tc_c16(int32_t v32)
{
    return tc_rdbpot(v32, 16);
}

static inline int32_t tc_exp_quarter16(int32_t a)
{
    const int32_t ct = tc_c16(1895147668);
    const int32_t x = tc_w16(a + (1 << 12));
    const int32_t x2 = tc_srdhm16(x, x);
    const int32_t x3 = tc_srdhm16(x2, x);
    const int32_t x4 = tc_srdhm16(x2, x2);
    const int32_t inner = tc_smpot16(tc_w16(tc_srdhm16(tc_w16(tc_smpot16(x4, -2) + x3), tc_c16(715827883)) + x2), -1);
    return tc_clamp_i32(ct + tc_srdhm16(ct, tc_w16(x + inner)), INT16_MIN, INT16_MAX);
}

/* exp_on_negative_values: F<bits> raw a <= 0 -> F0 raw, 1 <= bits <= 12. */
static inline int32_t tc_exp_neg16(int32_t a, int32_t bits)
{
    static const int32_t barrel[7] = {1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242};
    const int32_t frac = 15 - bits;
    const int32_t quarter = 1 << (frac - 2);
    const int32_t a_mod = tc_w16((a & (quarter - 1)) - quarter);
    int32_t result = tc_exp_quarter16(tc_smpot16(a_mod, bits));
    const int32_t remainder = tc_w16(a_mod - a);
    for (int32_t k = -2; k <= 4; k++) {
        if (bits > k && (remainder & (1 << (frac + k))) != 0) {
            result = tc_srdhm16(result, tc_c16(barrel[k + 2]));
        }
    }
    if (bits > 5 && a < tc_c16(-(int32_t)(1u << (36 - bits)))) {
        result = 0;
    }
    return a == 0 ? INT16_MAX : result;
}

static inline int32_t tc_newton16(int32_t a)
{
    const int32_t s = a + INT16_MAX;
    const int32_t half_den = tc_w16((s + (s >= 0 ? 1 : -1)) / 2);
    int32_t x = tc_w16(tc_c16(1515870810) + tc_srdhm16(half_den, tc_c16(-1010580540)));
    for (int32_t i = 0; i < 3; i++) {
        const int32_t one_minus = tc_w16((1 << 13) - tc_srdhm16(half_den, x));
        x = tc_w16(x + tc_smpot16(tc_srdhm16(x, one_minus), 2));
    }
    return x;
}

/* gemmlowp::logistic(FixedPoint<int16, bits>) -> F0 raw. */
static inline int32_t tc_logistic16(int32_t a, int32_t bits)
{
    if (a == 0) {
        return 1 << 14;
    }
    const int32_t abs_a = a > 0 ? a : tc_w16(-a);
    const int32_t rp = tc_smpot16(tc_newton16(tc_exp_neg16(tc_w16(-abs_a), bits)), 1);
    return a > 0 ? rp : tc_w16(INT16_MAX - rp);
}

/* gemmlowp::tanh(FixedPoint<int16, bits>) -> F0 raw. */
static inline int32_t tc_tanh16(int32_t a, int32_t bits)
{
    if (a == 0) {
        return 0;
    }
    const int32_t n = a < 0 ? a : tc_w16(-a);
    const int32_t t = tc_smpot16(tc_w16(tc_newton16(tc_exp_neg16(n, bits + 1)) - (1 << 13)), 2);
    return a < 0 ? tc_w16(-t) : t;
}

#endif /* TC_GEMMLOWP16_H */
