#include <stddef.h>

#include "tc_conv_requant.h"
#include "tc_quantmcu.h"

/* Most kernel taps (KH * KW) of one output pixel. */
#define TC_BP_MAX_TAPS 25

/* Four words of row e (shifted by sh) added to the accumulators. */
#define TC_BP_ADD4(e, sh)                        \
    do {                                         \
        a0 += (uint32_t)(e)[0] << (sh);          \
        a1 += (uint32_t)(e)[1] << (sh);          \
        a2 += (uint32_t)(e)[2] << (sh);          \
        a3 += (uint32_t)(e)[3] << (sh);          \
    } while (0)

/* The taps of one output pixel inside the input: a rectangle ny x nx of taps (padding is code 0 and
 * adds nothing), its first tap's plane bytes at `in` and table index `tap0`; no per-tap list. */
typedef struct {
    const uint8_t *in; /* plane bytes of the rectangle's first tap */
    int32_t tap0;      /* its index ky * KW + kx */
    int32_t ny, nx;    /* taps down and across */
    int32_t kw;        /* KW: table index step per tap row */
    int32_t step_y;    /* bytes between tap rows */
    int32_t step_x;    /* bytes between taps of a row */
} bp_taps;

/*
 * Planes j0 .. j0 + chunk - 1 of one output pixel through group table gt: acc[s] = sum over the
 * valid taps, their cb bytes and the chunk's planes of row(tap, byte, plane byte value)[s] << (j - j0).
 * Rows are four adjacent words, so each (tap, byte, plane) costs one address and four load-adds.
 * One byte per plane per pixel (C = 8) and chunks of one or two planes have their own loops.
 */
static inline __attribute__((always_inline)) void chunk_sums(const int32_t *gt, const bp_taps *tp, int32_t cb,
                                                             int32_t j0, int32_t chunk, int32_t acc[4])
{
    uint32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const uint32_t *g = (const uint32_t *)gt + tp->tap0 * cb * 1024;
    const uint8_t *row = tp->in;
    const int32_t row_words = tp->kw * cb * 1024, tap_words = cb * 1024;
    for (int32_t y = 0; y < tp->ny; y++, row += tp->step_y, g += row_words) {
        const uint8_t *px = row;
        const uint32_t *base = g;
        if (cb == 1 && chunk == 2) {
            for (int32_t x = 0; x < tp->nx; x++, px += tp->step_x, base += tap_words) {
                TC_BP_ADD4(base + 4 * (uint32_t)px[j0], 0);
                TC_BP_ADD4(base + 4 * (uint32_t)px[j0 + 1], 1);
            }
        } else if (cb == 1 && chunk == 1) {
            for (int32_t x = 0; x < tp->nx; x++, px += tp->step_x, base += tap_words) {
                TC_BP_ADD4(base + 4 * (uint32_t)px[j0], 0);
            }
        } else if (cb == 2 && chunk == 2) { /* 16 channels: two plane bytes, unrolled */
            for (int32_t x = 0; x < tp->nx; x++, px += tp->step_x, base += 2048) {
                const uint8_t *p = px + j0 * 2;
                TC_BP_ADD4(base + 4 * (uint32_t)p[0], 0);
                TC_BP_ADD4(base + 4 * (uint32_t)p[2], 1);
                TC_BP_ADD4(base + 1024 + 4 * (uint32_t)p[1], 0);
                TC_BP_ADD4(base + 1024 + 4 * (uint32_t)p[3], 1);
            }
        } else if (cb == 2 && chunk == 1) {
            for (int32_t x = 0; x < tp->nx; x++, px += tp->step_x, base += 2048) {
                const uint8_t *p = px + j0 * 2;
                TC_BP_ADD4(base + 4 * (uint32_t)p[0], 0);
                TC_BP_ADD4(base + 1024 + 4 * (uint32_t)p[1], 0);
            }
        } else if (chunk == 2) {
            for (int32_t x = 0; x < tp->nx; x++, px += tp->step_x) {
                const uint8_t *p = px + j0 * cb;
                for (int32_t k = 0; k < cb; k++, base += 1024) {
                    TC_BP_ADD4(base + 4 * (uint32_t)p[k], 0);
                    TC_BP_ADD4(base + 4 * (uint32_t)p[cb + k], 1);
                }
            }
        } else {
            for (int32_t x = 0; x < tp->nx; x++, px += tp->step_x) {
                for (int32_t j = 0; j < chunk; j++) {
                    const uint8_t *p = px + (j0 + j) * cb;
                    const uint32_t *e = base;
                    for (int32_t k = 0; k < cb; k++, e += 1024) {
                        TC_BP_ADD4(e + 4 * (uint32_t)p[k], j);
                    }
                }
                base += tap_words;
            }
        }
    }
    acc[0] = (int32_t)a0;
    acc[1] = (int32_t)a1;
    acc[2] = (int32_t)a2;
    acc[3] = (int32_t)a3;
}

/* The two int16 lanes of a packed sum (lane 0 + 65536 * lane 1, each known to fit). */
#define TC_BP_LO(v) ((int32_t)(int16_t)(uint16_t)((uint32_t)(v) & 0xFFFFu))
#define TC_BP_HI(v, lo) ((int32_t)((uint32_t)(v) - (uint32_t)(lo)) >> 16)

/* The fast requantization of one output through its rq row (mult, k, rs, bias), clamped to [lo, hi];
 * full (a constant at each call): [lo, hi] is the whole int8 range, one saturation in the DSP build. */
static inline __attribute__((always_inline)) int8_t rq_clamp(const int32_t *c, int32_t acc, int32_t lo, int32_t hi,
                                                             int full)
{
    const int32_t x = acc + c[3];
    const int32_t t = (int32_t)((uint32_t)c[1] - (((uint32_t)x >> 31) << 1));
    const int64_t round = (int64_t)(((uint64_t)(uint32_t)(t >> 2) << 32) | ((uint32_t)t << 30));
    const int64_t v = round + (int64_t)x * (int64_t)c[0];
    const int32_t y = (int32_t)(v >> 32) >> c[2];
#if defined(TC_DSP) && TC_DSP
    if (full) {
        int32_t r;
        __asm__("ssat %0, #8, %1" : "=r"(r) : "r"(y));
        return (int8_t)r;
    }
#endif
    (void)full;
    return (int8_t)tc_clamp_i32(y, lo, hi);
}

static inline __attribute__((always_inline)) int8_t rq_apply(const int32_t *c, int32_t acc, int32_t lo, int32_t hi)
{
    return rq_clamp(c, acc, lo, hi, 0);
}

/* Eight outputs of one group from its lane sums: pass a (planes 0..1) and, with two passes, pass b
 * (planes 2..3, weighted 4); requantized through rq rows c (full: see rq_clamp). */
static inline __attribute__((always_inline)) void rq_group(const int32_t *c, const int32_t a[4], const int32_t *b,
                                                           int32_t step, int32_t lo, int32_t hi, int full, int8_t *o)
{
    for (int32_t r = 0; r < 4; r++, c += 8, o += 2) {
        const int32_t la = TC_BP_LO(a[r]);
        int32_t s0 = la, s1 = TC_BP_HI(a[r], la);
        if (b != NULL) {
            const int32_t lb = TC_BP_LO(b[r]);
            s0 += (int32_t)((uint32_t)lb << 2);
            s1 += (int32_t)((uint32_t)TC_BP_HI(b[r], lb) << 2);
        }
        o[0] = rq_clamp(c, step * s0, lo, hi, full);
        o[1] = rq_clamp(c + 4, step * s1, lo, hi, full);
    }
}


/* Sums of eight output channels (group table gt) of one output pixel, all planes. */
static void __attribute__((noinline)) group_sums(const int32_t *gt, const bp_taps *tp, int32_t cb, int32_t bits,
                                                 int32_t chunk, int32_t sum[8])
{
    for (int32_t r = 0; r < 8; r++) {
        sum[r] = 0;
    }
    for (int32_t j0 = 0; j0 < bits; j0 += chunk) {
        int32_t acc[4];
        chunk_sums(gt, tp, cb, j0, bits - j0 < chunk ? bits - j0 : chunk, acc);
        for (int32_t r = 0; r < 4; r++) {
            const int32_t lo = TC_BP_LO(acc[r]);
            sum[2 * r] += (int32_t)((uint32_t)lo << j0);
            sum[2 * r + 1] += (int32_t)((uint32_t)TC_BP_HI(acc[r], lo) << j0);
        }
    }
}

/* First valid tap and tap count along one axis: i0 + k * d in [0, size) for k in [0, n). */
static inline void tap_range(int32_t i0, int32_t n, int32_t d, int32_t size, int32_t *k0, int32_t *cnt)
{
    int32_t lo = 0, hi = n;
    while (lo < n && i0 + lo * d < 0) {
        lo++;
    }
    while (hi > lo && i0 + (hi - 1) * d >= size) {
        hi--;
    }
    *k0 = lo;
    *cnt = hi - lo;
}

tc_status tc_convolve_bp_s8(const tc_conv_params *params, const tc_per_channel_quant *quant,
                            const tc_dims *input_dims, const uint8_t *input, int32_t bits, int32_t chunk,
                            int32_t step, const tc_dims *filter_dims, const int32_t *table, const int32_t *bias,
                            const int32_t *rq, const tc_dims *output_dims, int8_t *output)
{
    const int32_t c_in = input_dims->c;
    const int32_t cb = c_in >> 3; /* bytes per plane per pixel */
    const int32_t kb = filter_dims->h * filter_dims->w * cb;
    if (c_in % 8 != 0 || c_in < 8 || filter_dims->c != c_in || bits < 1 || bits > 4 || chunk < 1 || chunk > bits ||
        filter_dims->h * filter_dims->w > TC_BP_MAX_TAPS || output_dims->c != filter_dims->n) {
        return TC_ERR_ARG;
    }
    const int32_t c_out = output_dims->c;
    const int32_t pix_bytes = bits * cb;
    const int32_t act_min = params->activation.min, act_max = params->activation.max;
    const int full = act_min == -128 && act_max == 127;
    const int32_t step_y = params->dilation.h * input_dims->w * pix_bytes, step_x = params->dilation.w * pix_bytes;
    int8_t *out = output;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const uint8_t *in_b = input + b * input_dims->h * input_dims->w * pix_bytes;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                /* The taps inside the input (padding is code 0: it adds nothing): a rectangle. */
                bp_taps tp;
                int32_t ky0, kx0;
                tap_range(iy0, filter_dims->h, params->dilation.h, input_dims->h, &ky0, &tp.ny);
                tap_range(ix0, filter_dims->w, params->dilation.w, input_dims->w, &kx0, &tp.nx);
                tp.tap0 = ky0 * filter_dims->w + kx0;
                tp.kw = filter_dims->w;
                tp.step_y = step_y;
                tp.step_x = step_x;
                tp.in = tp.ny > 0 && tp.nx > 0 ? in_b + ((iy0 + ky0 * params->dilation.h) * input_dims->w + ix0 +
                                                         kx0 * params->dilation.w) * pix_bytes
                                               : in_b;
                const int32_t *gt = table;
                for (int32_t oc0 = 0; oc0 < c_out; oc0 += 8, gt += kb * 1024) {
                    const int32_t m = c_out - oc0 < 8 ? c_out - oc0 : 8;
                    if (chunk == 2 && bits == 2 && rq != NULL && m == 8) {
                        /* the common case in one pass: both planes in one accumulator, lanes straight
                         * to the requantization */
                        int32_t acc[4];
                        chunk_sums(gt, &tp, cb, 0, 2, acc);
                        if (full) {
                            rq_group(rq + 4 * oc0, acc, NULL, step, act_min, act_max, 1, out + oc0);
                        } else {
                            rq_group(rq + 4 * oc0, acc, NULL, step, act_min, act_max, 0, out + oc0);
                        }
                        continue;
                    }
                    if (chunk == 2 && bits > 2 && rq != NULL && m == 8) {
                        /* 3 or 4 bits in two passes (planes 0-1, then 2 or 2-3), lanes combined
                         * (each pass's lanes fit int16: chunk_planes) and straight to the requantization */
                        int32_t acc[4], hi[4];
                        chunk_sums(gt, &tp, cb, 2, bits - 2, hi);
                        chunk_sums(gt, &tp, cb, 0, 2, acc);
                        if (full) {
                            rq_group(rq + 4 * oc0, acc, hi, step, act_min, act_max, 1, out + oc0);
                        } else {
                            rq_group(rq + 4 * oc0, acc, hi, step, act_min, act_max, 0, out + oc0);
                        }
                        continue;
                    }
                    int32_t sum[8];
                    group_sums(gt, &tp, cb, bits, chunk, sum);
                    if (rq != NULL) {
                        for (int32_t r = 0; r < m; r++) {
                            out[oc0 + r] = rq_apply(rq + 4 * (oc0 + r), step * sum[r], act_min, act_max);
                        }
                        continue;
                    }
                    for (int32_t r = 0; r < m; r++) {
                        out[oc0 + r] = tc_conv_requant(step * sum[r] + (bias ? bias[oc0 + r] : 0),
                                                       quant->multiplier[oc0 + r], quant->shift[oc0 + r],
                                                       params->output_offset, act_min, act_max);
                    }
                }
                out += c_out;
            }
        }
    }
    return TC_OK;
}
