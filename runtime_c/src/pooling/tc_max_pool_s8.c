#include "tc_fixedpoint.h"
#include "tc_pool.h"

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
                for (int32_t c = 0; c < ch; c++) {
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
