#include <string.h>

#include "tc_data.h"

static void fill(int16_t *dst, int32_t n, int32_t value)
{
    for (int32_t i = 0; i < n; i++) {
        dst[i] = (int16_t)value;
    }
}

tc_status tc_pad_s16(const tc_pad_params *params, const int16_t *input, int16_t *output)
{
    const tc_dims *in = &params->input;
    const tc_dims *b = &params->before;
    const tc_dims *a = &params->after;
    if (in->n < 0 || in->h < 0 || in->w < 0 || in->c < 0 || b->n < 0 || b->h < 0 || b->w < 0 || b->c < 0 ||
        a->n < 0 || a->h < 0 || a->w < 0 || a->c < 0) {
        return TC_ERR_ARG;
    }
    const int32_t out_c = b->c + in->c + a->c;
    const int32_t out_w = b->w + in->w + a->w;
    const int32_t out_h = b->h + in->h + a->h;
    const int32_t row = out_w * out_c;
    const int32_t plane = out_h * row;
    /* Rows that are entirely padding are filled in blocks; data rows are walked pixel by pixel. */
    fill(output, b->n * plane, params->pad_value);
    int16_t *out = output + b->n * plane;
    for (int32_t n = 0; n < in->n; n++) {
        fill(out, b->h * row, params->pad_value);
        out += b->h * row;
        for (int32_t h = 0; h < in->h; h++) {
            fill(out, b->w * out_c, params->pad_value);
            out += b->w * out_c;
            for (int32_t w = 0; w < in->w; w++) {
                fill(out, b->c, params->pad_value);
                out += b->c;
                if (in->c > 0) {
                    memcpy(out, input, (size_t)in->c * sizeof(int16_t));
                }
                out += in->c;
                input += in->c;
                fill(out, a->c, params->pad_value);
                out += a->c;
            }
            fill(out, a->w * out_c, params->pad_value);
            out += a->w * out_c;
        }
        fill(out, a->h * row, params->pad_value);
        out += a->h * row;
    }
    fill(out, a->n * plane, params->pad_value);
    return TC_OK;
}
