#include <string.h>

#include "tc_data.h"

/* Elements are moved or filled, never computed on: one kernel serves int8 and int16. */
static void fill(uint8_t *dst, int32_t n, int32_t elem_bytes, int32_t value)
{
    if (n <= 0) {
        return;
    }
    if (elem_bytes == 1) {
        memset(dst, (int)value, (size_t)n);
    } else {
        const int16_t v = (int16_t)value;
        for (int32_t i = 0; i < n; i++) {
            memcpy(dst + 2 * i, &v, sizeof v);
        }
    }
}

tc_status tc_pad(const tc_pad_params *params, int32_t elem_bytes, const void *input_data, void *output_data)
{
    if (elem_bytes != 1 && elem_bytes != 2) {
        return TC_ERR_ARG;
    }
    const uint8_t *input = (const uint8_t *)input_data;
    uint8_t *output = (uint8_t *)output_data;
    const int32_t e = elem_bytes;
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
    fill(output, b->n * plane, e, params->pad_value);
    uint8_t *out = output + b->n * plane * e;
    for (int32_t n = 0; n < in->n; n++) {
        fill(out, b->h * row, e, params->pad_value);
        out += (b->h * row) * e;
        for (int32_t h = 0; h < in->h; h++) {
            fill(out, b->w * out_c, e, params->pad_value);
            out += (b->w * out_c) * e;
            for (int32_t w = 0; w < in->w; w++) {
                fill(out, b->c, e, params->pad_value);
                out += (b->c) * e;
                if (in->c > 0) {
                    memcpy(out, input, (size_t)(in->c * e));
                }
                out += in->c * e;
                input += in->c * e;
                fill(out, a->c, e, params->pad_value);
                out += (a->c) * e;
            }
            fill(out, a->w * out_c, e, params->pad_value);
            out += (a->w * out_c) * e;
        }
        fill(out, a->h * row, e, params->pad_value);
        out += (a->h * row) * e;
    }
    fill(out, a->n * plane, e, params->pad_value);
    return TC_OK;
}
