/*
 * tc_conv_requant.h - private to the conv family: requantization as LiteRT's
 * CONV_2D / DEPTHWISE_CONV_2D reference kernels do it.
 *
 * Those kernels use TFLite's double-rounding MultiplyByQuantizedMultiplier
 * (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT), unlike the
 * single rounding of tc_requantize() that fully connected matches; the tests
 * in tests/ops/test_conv2d.py and test_depthwise_conv2d.py pin this against LiteRT.
 */
#ifndef TC_CONV_REQUANT_H
#define TC_CONV_REQUANT_H

#include "tc_fixedpoint.h"

#if defined(TC_DSP) && TC_DSP
/*
 * tc_requantize_dr(x, mult, shift) folded into one 64-bit multiply-accumulate and one
 * shift, same integers for every mult in [0, 2^31 - 1] (tinyc's multipliers; TFLite's
 * saturating corner needs mult == INT32_MIN). With xl = x << left, h = xl * mult,
 * r = right shift >= 1 and h = 2^31 (q 2^r + f) + g (0 <= f < 2^r, 0 <= g < 2^31):
 * SaturatingRoundingDoublingHighMul gives H = q 2^r + f + [g >= 2^30] (round half up),
 * then RoundingDivideByPOT adds 1 to q when f + [g >= 2^30] > 2^(r-1) - [H >= 0]
 * (half away from zero). Both together: q + 1 exactly when
 * h mod 2^(31+r) + C >= 2^(31+r) with C = 2^(30+r) + 2^30 for H >= 0 and C - 2^31 for
 * H < 0, so the result is (h + C) >> (31 + r) = high word of (h + C) >> (r - 1).
 * H < 0 exactly when xl < 0 (mult >= 2^30 makes h <= -2^30; at h = -2^30, i.e. mult == 2^30
 * and xl == -1, both constants give 0; mult == 0 gives 0 either way). r == 0 is a
 * single rounding: (h + 2^30) >> 31.
 * The output offset is folded in too: adding off 2^(31 + r) before the shift adds off after
 * it. All together C = 2^30 t with t = k - 2 [xl < 0] and k = 2^r + 1 + off 2^(r+1), as long
 * as the high word cannot overflow (r - 1 <= TC_DR_MAX_RS); other shifts (and r == 0) take
 * the plain path (tc_requantize_dr + off).
 */
#define TC_DR_MAX_RS 22

typedef struct {
    int32_t mult;
    int32_t left; /* max(shift, 0) */
    int32_t rs;   /* r - 1 with r = max(-shift, 0) */
    int32_t k;    /* see above; 0 (never otherwise: k is odd) outside 0 <= rs <= TC_DR_MAX_RS */
    int32_t shift;
    int32_t off;
} tc_dr_chan;

/* Afterwards tc_dr_apply(&c, x) == tc_requantize_dr(x, mult, shift) + off for mult in [0, 2^31 - 1]. */
static inline tc_dr_chan tc_dr_chan_of(int32_t mult, int32_t shift, int32_t off)
{
    tc_dr_chan c;
    c.mult = mult;
    c.left = shift > 0 ? shift : 0;
    c.rs = (shift > 0 ? 0 : -shift) - 1;
    c.k = c.rs >= 0 && c.rs <= TC_DR_MAX_RS ? (int32_t)((2u << c.rs) + 1u + ((uint32_t)off << (c.rs + 2))) : 0;
    c.shift = shift;
    c.off = off;
    return c;
}

/* tc_dr_apply for a channel with c->k != 0 (0 <= rs <= TC_DR_MAX_RS): no test. */
static inline __attribute__((always_inline)) int32_t tc_dr_apply_fast(const tc_dr_chan *c, int32_t x)
{
    const int32_t xl = (int32_t)((uint32_t)x << c->left);
    /* t * 2^30 as two 32-bit halves, then one SMLAL and the high word's shift */
    const int32_t t = (int32_t)((uint32_t)c->k - (((uint32_t)xl >> 31) << 1));
    const int64_t round = (int64_t)(((uint64_t)(uint32_t)(t >> 2) << 32) | ((uint32_t)t << 30));
    const int64_t v = round + (int64_t)xl * (int64_t)c->mult;
    return (int32_t)(v >> 32) >> c->rs;
}

static inline int32_t tc_dr_apply(const tc_dr_chan *c, int32_t x)
{
    if (c->k == 0) {
        return (int32_t)((uint32_t)tc_requantize_dr(x, c->mult, c->shift) + (uint32_t)c->off);
    }
    return tc_dr_apply_fast(c, x);
}

static inline int32_t tc_conv_requantize_dr_fast(int32_t x, int32_t mult, int32_t shift)
{
    const tc_dr_chan c = tc_dr_chan_of(mult, shift, 0);
    return tc_dr_apply(&c, x);
}

/* Four bytes of v, each lane the signed max (tc_max_s8x4) or min (tc_min_s8x4) of a's and b's. */
static inline __attribute__((always_inline)) uint32_t tc_max_s8x4(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}

static inline __attribute__((always_inline)) uint32_t tc_min_s8x4(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %2, %1" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}

/* v saturated to [-128, 127] (SSAT; the ACLE macro trips -Wsign-conversion in GCC 12). */
static inline __attribute__((always_inline)) int32_t tc_sat8(int32_t v)
{
    int32_t r;
    __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(v));
    return r;
}

/* act value in all four byte lanes. */
static inline __attribute__((always_inline)) uint32_t tc_dup8(int32_t v)
{
    return ((uint32_t)v & 0xFFu) * 0x01010101u;
}

/* Two or four requantized values (offset included) saturated to int8, packed little-endian
 * and clamped lane-wise to [lo, hi] (lo4 / hi4 from tc_dup8): the same bytes as tc_clamp_i32. */
static inline __attribute__((always_inline)) uint32_t tc_pack2_clamp(int32_t v0, int32_t v1, uint32_t lo4, uint32_t hi4)
{
    const uint32_t p = ((uint32_t)tc_sat8(v0) & 0xFFu) | (((uint32_t)tc_sat8(v1) & 0xFFu) << 8);
    return tc_min_s8x4(tc_max_s8x4(p, lo4), hi4);
}

static inline __attribute__((always_inline)) uint32_t tc_pack4_clamp(int32_t v0, int32_t v1, int32_t v2, int32_t v3,
                                                                     uint32_t lo4, uint32_t hi4)
{
    const uint32_t p = ((uint32_t)tc_sat8(v0) & 0xFFu) | (((uint32_t)tc_sat8(v1) & 0xFFu) << 8) |
                       (((uint32_t)tc_sat8(v2) & 0xFFu) << 16) | ((uint32_t)tc_sat8(v3) << 24);
    return tc_min_s8x4(tc_max_s8x4(p, lo4), hi4);
}

/* acc -> int8 through a channel's precomputed constants (offset included), clamped. */
static inline int8_t tc_conv_requant_chan(const tc_dr_chan *c, int32_t acc, int32_t act_min, int32_t act_max)
{
    return (int8_t)tc_clamp_i32(tc_dr_apply(c, acc), act_min, act_max);
}

/* acc -> int8 with per-channel (mult, shift), + output offset, clamped to [act_min, act_max]. */
static inline int8_t tc_conv_requant(int32_t acc, int32_t mult, int32_t shift, int32_t out_offset,
                                     int32_t act_min, int32_t act_max)
{
    const int32_t y = tc_conv_requantize_dr_fast(acc, mult, shift) + out_offset;
    return (int8_t)tc_clamp_i32(y, act_min, act_max);
}
#else
/* acc -> int8 with per-channel (mult, shift), + output offset, clamped to [act_min, act_max]. */
static inline int8_t tc_conv_requant(int32_t acc, int32_t mult, int32_t shift, int32_t out_offset,
                                     int32_t act_min, int32_t act_max)
{
    const int32_t y = tc_requantize_dr(acc, mult, shift) + out_offset;
    return (int8_t)tc_clamp_i32(y, act_min, act_max);
}

#endif

#endif /* TC_CONV_REQUANT_H */
