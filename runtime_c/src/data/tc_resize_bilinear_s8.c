#include "tc_data.h"

tc_status tc_resize_bilinear_s8(const tc_dims *input_dims, int32_t out_h, int32_t out_w,
                                const int32_t *y_table, const int32_t *x_table,
                                const int8_t *input, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, ch = input_dims->c;
    for (int32_t y = 0; y < out_h; y++) {
        if (y_table[3 * y] < 0 || y_table[3 * y + 1] >= in_h || y_table[3 * y] > y_table[3 * y + 1]) {
            return TC_ERR_ARG;
        }
    }
    for (int32_t x = 0; x < out_w; x++) {
        if (x_table[3 * x] < 0 || x_table[3 * x + 1] >= in_w || x_table[3 * x] > x_table[3 * x + 1]) {
            return TC_ERR_ARG;
        }
    }
    const int32_t one = 1 << 10;
    for (int32_t n = 0; n < input_dims->n; n++) {
        const int8_t *image = input + n * in_h * in_w * ch;
        for (int32_t y = 0; y < out_h; y++) {
            const int8_t *r0 = image + y_table[3 * y] * in_w * ch;
            const int8_t *r1 = image + y_table[3 * y + 1] * in_w * ch;
            const int32_t fy = y_table[3 * y + 2];
            for (int32_t x = 0; x < out_w; x++) {
                const int32_t c0 = x_table[3 * x] * ch, c1 = x_table[3 * x + 1] * ch, fx = x_table[3 * x + 2];
                for (int32_t c = 0; c < ch; c++) {
                    /* TFLite ResizeBilinearInteger: weights in 1/1024, int32 sums, round half away, truncate */
                    const int32_t acc = r0[c0 + c] * (one - fy) * (one - fx) + r1[c0 + c] * fy * (one - fx)
                                      + r0[c1 + c] * (one - fy) * fx + r1[c1 + c] * fy * fx;
                    const int32_t v = (acc + (acc > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
                    *output++ = (int8_t)(v < -128 ? -128 : (v > 127 ? 127 : v));
                }
            }
        }
    }
    return TC_OK;
}
