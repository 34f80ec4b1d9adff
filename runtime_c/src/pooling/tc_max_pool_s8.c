#include <string.h>

#include "tc_fixedpoint.h"
#include "tc_pool.h"

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_conv_requant.h"
#include "../conv/tc_dot_s8_dsp.h"

/* Channels c..c+3 of one window (rows ys..ye-1, columns xs..xe-1): the lane-wise signed max
 * (SSUB8 + SEL per tap), clamped to [lo, hi], stored as four bytes at out. */
static void window_max4(const int8_t *in_b, int32_t in_w, int32_t ch, int32_t c, int32_t ys, int32_t ye,
                        int32_t xs, int32_t xe, uint32_t lo4, uint32_t hi4, int8_t *out)
{
    uint32_t m = 0x80808080u; /* INT8_MIN in every lane */
    for (int32_t y = ys; y < ye; y++) {
        const int8_t *px = in_b + (y * in_w + xs) * ch + c;
        for (int32_t x = xs; x < xe; x++, px += ch) {
            m = tc_max_s8x4(m, (uint32_t)tc_dsp_load4(px));
        }
    }
    m = tc_min_s8x4(tc_max_s8x4(m, lo4), hi4);
    memcpy(out, &m, 4);
}
#endif

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

tc_status tc_max_pool_s8(const tc_pool_params *params,
                         const tc_dims *input_dims,
                         const int8_t *input,
                         const tc_dims *filter_dims,
                         const tc_dims *output_dims,
                         int8_t *output)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t ch = input_dims->c;
    if (in_h < 1 || in_w < 1 || ch < 1 || filter_dims->h < 1 || filter_dims->w < 1 ||
        params->stride.h < 1 || params->stride.w < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *in_b = input + b * in_h * in_w * ch;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            /* Clip the window to the input: padded taps never take part. */
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int32_t ys = max_i32(y0, 0);
            const int32_t ye = min_i32(y0 + filter_dims->h, in_h);
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int32_t xs = max_i32(x0, 0);
                const int32_t xe = min_i32(x0 + filter_dims->w, in_w);
                int32_t c = 0;
#if defined(TC_DSP) && TC_DSP
                for (; c + 4 <= ch; c += 4, output += 4) { /* four channels per pass */
                    window_max4(in_b, in_w, ch, c, ys, ye, xs, xe, tc_dup8(params->activation.min),
                                tc_dup8(params->activation.max), output);
                }
#endif
                for (; c < ch; c++) {
                    int32_t m = INT8_MIN;
                    for (int32_t y = ys; y < ye; y++) {
                        const int8_t *row = in_b + (y * in_w) * ch + c;
                        for (int32_t x = xs; x < xe; x++) {
                            m = max_i32(m, row[x * ch]);
                        }
                    }
                    m = tc_clamp_i32(m, params->activation.min, params->activation.max);
                    *output++ = (int8_t)m;
                }
            }
        }
    }
    return TC_OK;
}
