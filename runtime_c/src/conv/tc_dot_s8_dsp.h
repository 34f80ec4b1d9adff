/*
 * tc_dot_s8_dsp.h - private to the conv and fully connected kernels: int8 dot
 * products on the Armv7E-M DSP extension (Cortex-M4/M7), used only when the
 * build defines TC_DSP=1.
 *
 * Both operands are sign-extended to 16-bit pairs with the offsets folded in
 * (SXTAB16); (x + x_off) and (w + w_off) are exact in 16 bits whenever
 * |offset| <= 32639 (always so for int8 zero points), and SMLAD adds two exact
 * products per step. The sums are the same integers the portable loops
 * compute, only in another order: results are bit-identical.
 */
#ifndef TC_DOT_S8_DSP_H
#define TC_DOT_S8_DSP_H

#if defined(TC_DSP) && TC_DSP

#include <arm_acle.h>
#include <stdint.h>
#include <string.h>

/* Four int8 values from p, which may be unaligned. */
static inline __attribute__((always_inline)) int32_t tc_dsp_load4(const int8_t *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* SXTB16 of v rotated right by 8 (bytes 1 and 3), in one instruction (the ACLE intrinsic
 * has no rotation operand and GCC does not fuse the rotate). */
static inline __attribute__((always_inline)) int32_t tc_dsp_sxtb16_ror8(int32_t v)
{
    int32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* SXTAB16(a, v rotated right by 8), in one instruction. */
static inline __attribute__((always_inline)) int32_t tc_dsp_sxtab16_ror8(int32_t a, int32_t v)
{
    int32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(a), "r"(v));
    return r;
}

/* off in both 16-bit lanes (off must fit in int16). */
static inline __attribute__((always_inline)) int32_t tc_dsp_dup16(int32_t off)
{
    const uint32_t lane = (uint32_t)off & 0xFFFFu;
    return (int32_t)((lane << 16) | lane);
}

/* w sign-extended per SXTB16 lane, plus wo2 (w_off in both lanes); SXTB16 alone when w_off is 0. */
static inline int32_t tc_dsp_ext_w(int32_t wo2, int32_t w_off, int32_t w)
{
    return w_off == 0 ? __sxtb16(w) : __sxtab16(wo2, w);
}

/* tc_dsp_ext_w of w rotated right by 8 (bytes 1 and 3), rotation folded into the extend. */
static inline int32_t tc_dsp_ext_w_ror8(int32_t wo2, int32_t w_off, int32_t w)
{
    return w_off == 0 ? tc_dsp_sxtb16_ror8(w) : tc_dsp_sxtab16_ror8(wo2, w);
}

/* tc_dsp_dot4_s8 body; inlined twice so that w_off == 0 compiles to plain SXTB16. */
static inline __attribute__((always_inline)) void tc_dsp_dot4_body(const int8_t *x, int32_t x_off,
                                                                   const int8_t *w, int32_t w_stride,
                                                                   int32_t w_off, int32_t n, int32_t acc[4])
{
    const int32_t xo2 = tc_dsp_dup16(x_off);
    const int32_t wo2 = tc_dsp_dup16(w_off);
    const int8_t *w0 = w;
    const int8_t *w1 = w + w_stride;
    const int8_t *w2 = w1 + w_stride;
    const int8_t *w3 = w2 + w_stride;
    const int8_t *x_end = x + (n & ~3);
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    while (x < x_end) {
        const int32_t xv = tc_dsp_load4(x);
        const int32_t x_odd = tc_dsp_sxtab16_ror8(xo2, xv);
        const int32_t x_even = __sxtab16(xo2, xv);
        x += 4;
        int32_t wv = tc_dsp_load4(w0);
        w0 += 4;
        a0 = __smlad(x_odd, tc_dsp_ext_w_ror8(wo2, w_off, wv), a0);
        a0 = __smlad(x_even, tc_dsp_ext_w(wo2, w_off, wv), a0);
        wv = tc_dsp_load4(w1);
        w1 += 4;
        a1 = __smlad(x_odd, tc_dsp_ext_w_ror8(wo2, w_off, wv), a1);
        a1 = __smlad(x_even, tc_dsp_ext_w(wo2, w_off, wv), a1);
        wv = tc_dsp_load4(w2);
        w2 += 4;
        a2 = __smlad(x_odd, tc_dsp_ext_w_ror8(wo2, w_off, wv), a2);
        a2 = __smlad(x_even, tc_dsp_ext_w(wo2, w_off, wv), a2);
        wv = tc_dsp_load4(w3);
        w3 += 4;
        a3 = __smlad(x_odd, tc_dsp_ext_w_ror8(wo2, w_off, wv), a3);
        a3 = __smlad(x_even, tc_dsp_ext_w(wo2, w_off, wv), a3);
    }
    for (int32_t k = 0; k < (n & 3); k++) {
        const int32_t xk = (int32_t)x[k] + x_off;
        a0 += xk * ((int32_t)w0[k] + w_off);
        a1 += xk * ((int32_t)w1[k] + w_off);
        a2 += xk * ((int32_t)w2[k] + w_off);
        a3 += xk * ((int32_t)w3[k] + w_off);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/*
 * Afterwards acc[r] += sum_{k < n} (x[k] + x_off) * (w[r * w_stride + k] + w_off)
 * for r = 0..3 (four weight rows against one input vector).
 */
static inline void tc_dsp_dot4_s8(const int8_t *x, int32_t x_off, const int8_t *w, int32_t w_stride,
                                  int32_t w_off, int32_t n, int32_t acc[4])
{
    if (w_off == 0) {
        tc_dsp_dot4_body(x, x_off, w, w_stride, 0, n, acc);
    } else {
        tc_dsp_dot4_body(x, x_off, w, w_stride, w_off, n, acc);
    }
}

/* Returns acc + sum_{k < n} (x[k] + x_off) * (w[k] + w_off). */
static inline int32_t tc_dsp_dot1_s8(const int8_t *x, int32_t x_off, const int8_t *w, int32_t w_off,
                                     int32_t n, int32_t acc)
{
    const int32_t xo2 = tc_dsp_dup16(x_off);
    const int32_t wo2 = tc_dsp_dup16(w_off);
    int32_t k = 0;
    for (; k + 4 <= n; k += 4) {
        const int32_t xv = tc_dsp_load4(x + k);
        const int32_t wv = tc_dsp_load4(w + k);
        acc = __smlad(tc_dsp_sxtab16_ror8(xo2, xv), tc_dsp_sxtab16_ror8(wo2, wv), acc);
        acc = __smlad(__sxtab16(xo2, xv), __sxtab16(wo2, wv), acc);
    }
    for (; k < n; k++) {
        acc += ((int32_t)x[k] + x_off) * ((int32_t)w[k] + w_off);
    }
    return acc;
}

#endif /* TC_DSP */

#endif /* TC_DOT_S8_DSP_H */
