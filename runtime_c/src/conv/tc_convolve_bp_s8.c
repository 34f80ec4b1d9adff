#include <stddef.h>

#include "tc_conv_requant.h"
#include "tc_quantmcu.h"

/* Per plane j < bits: s[j] += the table entries plane j's column indices select (both channels'
 * lanes packed). All planes walk the same table rows together. */
static inline void plane_sums(const int32_t *tab, const uint16_t *col, int32_t kb, int32_t bits, int32_t s[7])
{
    if (bits == 2) {
        const uint16_t *c0 = col, *c1 = col + kb;
        int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
        int32_t i = 0;
        for (; i + 2 <= kb; i += 2) {
            a0 += tab[c0[i]];
            a1 += tab[c1[i]];
            b0 += tab[c0[i + 1]];
            b1 += tab[c1[i + 1]];
        }
        if (i < kb) {
            a0 += tab[c0[i]];
            a1 += tab[c1[i]];
        }
        s[0] = (int32_t)((uint32_t)a0 + (uint32_t)b0);
        s[1] = (int32_t)((uint32_t)a1 + (uint32_t)b1);
        return;
    }
    for (int32_t j = 0; j < bits; j++) {
        const uint16_t *c = col + j * kb;
        int32_t a = 0, b = 0;
        int32_t i = 0;
        for (; i + 2 <= kb; i += 2) {
            a += tab[c[i]];
            b += tab[c[i + 1]];
        }
        if (i < kb) {
            a += tab[c[i]];
        }
        s[j] = (int32_t)((uint32_t)a + (uint32_t)b);
    }
}

/* requantization of one output: through the offline table rq (mult, k, rs, bias: tc_dr_apply_fast's
 * constants, output offset folded) when given, else tc_conv_requant. */
static inline int8_t requant(const int32_t *rq, const tc_per_channel_quant *q, const tc_conv_params *p,
                             const int32_t *bias, int32_t oc, int32_t acc)
{
    if (rq != NULL) {
        const int32_t *c = rq + 4 * oc;
        const int32_t x = acc + c[3];
        const int32_t t = (int32_t)((uint32_t)c[1] - (((uint32_t)x >> 31) << 1));
        const int64_t round = (int64_t)(((uint64_t)(uint32_t)(t >> 2) << 32) | ((uint32_t)t << 30));
        const int64_t v = round + (int64_t)x * (int64_t)c[0];
        return (int8_t)tc_clamp_i32((int32_t)(v >> 32) >> c[2], p->activation.min, p->activation.max);
    }
    return tc_conv_requant(acc + (bias ? bias[oc] : 0), q->multiplier[oc], q->shift[oc], p->output_offset,
                           p->activation.min, p->activation.max);
}

tc_status tc_convolve_bp_s8(const tc_conv_params *params, const tc_per_channel_quant *quant,
                            const tc_dims *input_dims, const uint8_t *input, int32_t bits, int32_t step,
                            const tc_dims *filter_dims, const int32_t *table, const int32_t *bias,
                            const int32_t *rq, const tc_dims *output_dims, int8_t *output)
{
    const int32_t c_in = input_dims->c;
    const int32_t cb = c_in >> 3;                            /* bytes per plane per pixel */
    const int32_t kb = filter_dims->h * filter_dims->w * cb; /* column bytes per plane */
    if (c_in % 8 != 0 || c_in < 8 || filter_dims->c != c_in || bits < 1 || bits > 7 ||
        bits * kb > TC_BP_MAX_COL || kb > 255 || output_dims->c != filter_dims->n) {
        return TC_ERR_ARG;
    }
    /* Column entry i of plane j: i * 256 + the plane byte, so a lookup is one indexed load. */
    uint16_t col[TC_BP_MAX_COL];
    const int32_t c_out = output_dims->c;
    const int32_t pix_bytes = bits * cb;
    int8_t *out = output;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const uint8_t *in_b = input + b * input_dims->h * input_dims->w * pix_bytes;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int32_t i = 0;
                for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                    const int32_t iy = iy0 + ky * params->dilation.h;
                    for (int32_t kx = 0; kx < filter_dims->w; kx++, i += cb) {
                        const int32_t ix = ix0 + kx * params->dilation.w;
                        uint16_t *dst = col + i;
                        if (iy < 0 || iy >= input_dims->h || ix < 0 || ix >= input_dims->w) {
                            for (int32_t j = 0; j < bits; j++, dst += kb) {
                                for (int32_t k = 0; k < cb; k++) {
                                    dst[k] = (uint16_t)((i + k) << 8);
                                }
                            }
                            continue;
                        }
                        const uint8_t *px = in_b + (iy * input_dims->w + ix) * pix_bytes;
                        if (cb == 1) {
                            for (int32_t j = 0; j < bits; j++, dst += kb) {
                                dst[0] = (uint16_t)((i << 8) | px[j]);
                            }
                            continue;
                        }
                        for (int32_t j = 0; j < bits; j++, dst += kb, px += cb) {
                            for (int32_t k = 0; k < cb; k++) {
                                dst[k] = (uint16_t)(((i + k) << 8) | px[k]);
                            }
                        }
                    }
                }
                const int32_t *tab = table;
                for (int32_t oc = 0; oc < c_out; oc += 2, tab += kb * 256) {
                    int32_t s[7];
                    plane_sums(tab, col, kb, bits, s);
                    int32_t s0 = 0, s1 = 0;
                    for (int32_t j = bits - 1; j >= 0; j--) {
                        /* the two int16 lanes of s[j] (lane 0 + 65536 * lane 1, each known to fit) */
                        const int32_t lo = (int32_t)(int16_t)(uint16_t)((uint32_t)s[j] & 0xFFFFu);
                        const int32_t hi = (int32_t)((uint32_t)s[j] - (uint32_t)lo) >> 16;
                        s0 = 2 * s0 + lo;
                        s1 = 2 * s1 + hi;
                    }
                    out[oc] = requant(rq, quant, params, bias, oc, step * s0);
                    if (oc + 1 < c_out) {
                        out[oc + 1] = requant(rq, quant, params, bias, oc + 1, step * s1);
                    }
                }
                out += c_out;
            }
        }
    }
    return TC_OK;
}
