#include <string.h>

#include "tc_data.h"

tc_status tc_resize_nearest_s8(const tc_dims *input_dims, int32_t out_h, int32_t out_w,
                               const int32_t *y_index, const int32_t *x_index,
                               const int8_t *input, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, ch = input_dims->c;
    for (int32_t y = 0; y < out_h; y++) {
        if (y_index[y] < 0 || y_index[y] >= in_h) {
            return TC_ERR_ARG;
        }
    }
    for (int32_t x = 0; x < out_w; x++) {
        if (x_index[x] < 0 || x_index[x] >= in_w) {
            return TC_ERR_ARG;
        }
    }
    if (ch <= 0) {
        return TC_OK;
    }
    for (int32_t n = 0; n < input_dims->n; n++) {
        const int8_t *image = input + n * in_h * in_w * ch;
        for (int32_t y = 0; y < out_h; y++) {
            const int8_t *row = image + y_index[y] * in_w * ch;
            for (int32_t x = 0; x < out_w; x++) {
                memcpy(output, row + x_index[x] * ch, (size_t)ch);
                output += ch;
            }
        }
    }
    return TC_OK;
}
