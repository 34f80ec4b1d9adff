#include "tc_fixedpoint.h"
#include "tc_pool.h"

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_dot_s8_dsp.h"

/* Most taps whose sum fits a 16-bit SXTAB16 lane exactly: 255 * 128 <= 32767. */
#define AVG_LANE_MAX_COUNT 255

/* Afterwards sums[0..3] are the window sums of channels c..c+3 (rows ys..ye-1, columns xs..xe-1),
 * added in 16-bit lanes (exact for count <= AVG_LANE_MAX_COUNT). */
static void window_sums4(const int8_t *in_b, int32_t in_w, int32_t ch, int32_t c, int32_t ys, int32_t ye,
                         int32_t xs, int32_t xe, int32_t sums[4])
{
    int32_t s02 = 0, s13 = 0;
    for (int32_t y = ys; y < ye; y++) {
        const int8_t *px = in_b + (y * in_w + xs) * ch + c;
        for (int32_t x = xs; x < xe; x++, px += ch) {
            const int32_t v = tc_dsp_load4(px);
            s02 = __sxtab16(s02, v);
            s13 = tc_dsp_sxtab16_ror8(s13, v);
        }
    }
    sums[0] = (int32_t)((uint32_t)s02 << 16) >> 16;
    sums[1] = (int32_t)((uint32_t)s13 << 16) >> 16;
    sums[2] = s02 >> 16;
    sums[3] = s13 >> 16;
}
#endif

/* sum / count rounded half away from zero, clamped (TFLite's average pool). */
static int8_t avg_of(int32_t acc, int32_t count, const tc_pool_params *params)
{
    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    return (int8_t)tc_clamp_i32(acc, params->activation.min, params->activation.max);
}

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

tc_status tc_avg_pool_s8(const tc_pool_params *params,
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
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int32_t ys = max_i32(y0, 0);
            const int32_t ye = min_i32(y0 + filter_dims->h, in_h);
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int32_t xs = max_i32(x0, 0);
                const int32_t xe = min_i32(x0 + filter_dims->w, in_w);
                /* TFLite divides by the in-bounds tap count only (no padded zeros). */
                const int32_t count = (ye - ys) * (xe - xs);
                if (ye <= ys || xe <= xs) {
                    return TC_ERR_ARG;
                }
                int32_t c = 0;
#if defined(TC_DSP) && TC_DSP
                for (; c + 4 <= ch && count <= AVG_LANE_MAX_COUNT; c += 4) { /* four channels per pass */
                    int32_t sums[4];
                    window_sums4(in_b, in_w, ch, c, ys, ye, xs, xe, sums);
                    for (int32_t r = 0; r < 4; r++) {
                        *output++ = avg_of(sums[r], count, params);
                    }
                }
#endif
                for (; c < ch; c++) {
                    int32_t acc = 0;
                    for (int32_t y = ys; y < ye; y++) {
                        const int8_t *row = in_b + (y * in_w) * ch + c;
                        for (int32_t x = xs; x < xe; x++) {
                            acc += row[x * ch];
                        }
                    }
                    *output++ = avg_of(acc, count, params);
                }
            }
        }
    }
    return TC_OK;
}
