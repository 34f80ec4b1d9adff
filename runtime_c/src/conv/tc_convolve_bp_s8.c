#include <stddef.h>

#include "tc_conv_requant.h"
#include "tc_quantmcu.h"

/* Sum of the table entries the column's bytes select: the two channels' lanes of one plane.
 * Four entries per iteration: the loop overhead is paid per 32 codes x 2 channels. */
static inline int32_t plane_sum(const int32_t *tab, const uint16_t *idx, int32_t n)
{
    int32_t a = 0, b = 0;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a += tab[idx[i]];
        b += tab[idx[i + 1]];
        a += tab[idx[i + 2]];
        b += tab[idx[i + 3]];
    }
    for (; i < n; i++) {
        a += tab[idx[i]];
    }
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

/* The two int16 lanes of a packed sum (lane 0 + 65536 * lane 1, each known to fit int16). */
static inline void lanes(int32_t v, int32_t *lo, int32_t *hi)
{
    *lo = (int32_t)(int16_t)(uint16_t)((uint32_t)v & 0xFFFFu);
    *hi = (int32_t)(((uint32_t)v - (uint32_t)*lo)) >> 16;
}

tc_status tc_convolve_bp_s8(const tc_conv_params *params, const tc_per_channel_quant *quant,
                            const tc_dims *input_dims, const uint8_t *input, int32_t bits, int32_t step,
                            const tc_dims *filter_dims, const int32_t *table, const int32_t *bias,
                            const tc_dims *output_dims, int8_t *output)
{
    const int32_t c_in = input_dims->c;
    const int32_t cb = c_in >> 3;                     /* bytes per plane per pixel */
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
                    for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                        const int32_t ix = ix0 + kx * params->dilation.w;
                        const int inside = iy >= 0 && iy < input_dims->h && ix >= 0 && ix < input_dims->w;
                        const uint8_t *px = inside ? in_b + (iy * input_dims->w + ix) * pix_bytes : NULL;
                        for (int32_t j = 0; j < bits; j++) {
                            uint16_t *dst = col + j * kb + i;
                            for (int32_t k = 0; k < cb; k++) {
                                dst[k] = (uint16_t)(((i + k) << 8) | (px ? px[j * cb + k] : 0));
                            }
                        }
                        i += cb;
                    }
                }
                for (int32_t oc = 0; oc < c_out; oc += 2) {
                    const int32_t *tab = table + (oc >> 1) * kb * 256;
                    int32_t s0 = 0, s1 = 0;
                    for (int32_t j = bits - 1; j >= 0; j--) {
                        int32_t lo, hi;
                        lanes(plane_sum(tab, col + j * kb, kb), &lo, &hi);
                        s0 = 2 * s0 + lo;
                        s1 = 2 * s1 + hi;
                    }
                    for (int32_t r = 0; r < 2 && oc + r < c_out; r++) {
                        const int32_t acc = step * (r ? s1 : s0) + (bias ? bias[oc + r] : 0);
                        out[oc + r] = tc_conv_requant(acc, quant->multiplier[oc + r], quant->shift[oc + r],
                                                      params->output_offset, params->activation.min,
                                                      params->activation.max);
                    }
                }
                out += c_out;
            }
        }
    }
    return TC_OK;
}
