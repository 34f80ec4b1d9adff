#include "tc_fixedpoint.h"
#include "tc_pool.h"

/* 16x8 pooling and mean: the int8 kernels' portable arithmetic on int16 elements. */

static int32_t max_i32(int32_t a, int32_t b)
{
    return a > b ? a : b;
}

static int32_t min_i32(int32_t a, int32_t b)
{
    return a < b ? a : b;
}

static tc_status pool_s16(int is_max, const tc_pool_params *params, const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const tc_dims *output_dims, int16_t *output)
{
    const int32_t in_h = input_dims->h;
    const int32_t in_w = input_dims->w;
    const int32_t ch = input_dims->c;
    if (in_h < 1 || in_w < 1 || ch < 1 || filter_dims->h < 1 || filter_dims->w < 1 ||
        params->stride.h < 1 || params->stride.w < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int16_t *in_b = input + b * in_h * in_w * ch;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int32_t ys = max_i32(y0, 0);
            const int32_t ye = min_i32(y0 + filter_dims->h, in_h);
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int32_t xs = max_i32(x0, 0);
                const int32_t xe = min_i32(x0 + filter_dims->w, in_w);
                const int32_t count = (ye - ys) * (xe - xs);
                if (!is_max && (ye <= ys || xe <= xs)) {
                    return TC_ERR_ARG;
                }
                for (int32_t c = 0; c < ch; c++) {
                    int32_t acc = is_max ? INT16_MIN : 0;
                    for (int32_t y = ys; y < ye; y++) {
                        const int16_t *row = in_b + (y * in_w) * ch + c;
                        for (int32_t x = xs; x < xe; x++) {
                            acc = is_max ? max_i32(acc, row[x * ch]) : acc + row[x * ch];
                        }
                    }
                    if (!is_max) {
                        acc = (acc > 0 ? acc + count / 2 : acc - count / 2) / count;
                    }
                    *output++ = (int16_t)tc_clamp_i32(acc, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TC_OK;
}

tc_status tc_max_pool_s16(const tc_pool_params *params, const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const tc_dims *output_dims, int16_t *output)
{
    return pool_s16(1, params, input_dims, input, filter_dims, output_dims, output);
}

tc_status tc_avg_pool_s16(const tc_pool_params *params, const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const tc_dims *output_dims, int16_t *output)
{
    return pool_s16(0, params, input_dims, input, filter_dims, output_dims, output);
}

tc_status tc_mean_s16(const tc_mean_params *params, int32_t outer, int32_t reduce, int32_t inner,
                      const int16_t *input, int16_t *output)
{
    if (outer < 1 || reduce < 1 || inner < 1) {
        return TC_ERR_ARG;
    }
    const int32_t offset = params->input_offset * reduce;
    for (int32_t o = 0; o < outer; o++) {
        const int16_t *in_o = input + o * reduce * inner;
        for (int32_t i = 0; i < inner; i++) {
            int32_t acc = 0;
            for (int32_t r = 0; r < reduce; r++) {
                acc += in_o[r * inner + i];
            }
            acc = tc_requantize_dr(acc + offset, params->multiplier, params->shift) + params->output_offset;
            *output++ = (int16_t)tc_clamp_i32(acc, params->activation.min, params->activation.max);
        }
    }
    return TC_OK;
}
