#include <stddef.h>

#include "tc_conv.h"
#include "tc_conv_requant.h"

/* One output value: output channel oc at output pixel (oy, ox), reading input channel ic.
 * Taps outside the input are skipped (TFLite: padding contributes nothing). */
static int8_t dw_value(const tc_dw_conv_params *p, const tc_per_channel_quant *q, const tc_dims *in_dims,
                       const int8_t *in_batch, const tc_dims *f_dims, const int8_t *filter,
                       const int32_t *bias, int32_t ic, int32_t oc, int32_t oy, int32_t ox)
{
    const int32_t iy0 = oy * p->stride.h - p->padding.h;
    const int32_t ix0 = ox * p->stride.w - p->padding.w;
    int32_t acc = 0;
    for (int32_t ky = 0; ky < f_dims->h; ky++) {
        const int32_t iy = iy0 + ky * p->dilation.h;
        if (iy < 0 || iy >= in_dims->h) {
            continue;
        }
        for (int32_t kx = 0; kx < f_dims->w; kx++) {
            const int32_t ix = ix0 + kx * p->dilation.w;
            if (ix < 0 || ix >= in_dims->w) {
                continue;
            }
            const int32_t x = (int32_t)in_batch[(iy * in_dims->w + ix) * in_dims->c + ic];
            const int32_t w = (int32_t)filter[(ky * f_dims->w + kx) * f_dims->c + oc];
            acc += (x + p->input_offset) * w;
        }
    }
    if (bias) {
        acc += bias[oc];
    }
    return tc_conv_requant(acc, q->multiplier[oc], q->shift[oc], p->output_offset,
                           p->activation.min, p->activation.max);
}

int32_t tc_depthwise_conv_s8_get_buffer_size(const tc_dims *output_dims, int32_t ch_mult)
{
    return ch_mult == 1 ? output_dims->h * output_dims->w : 0;
}

tc_status tc_depthwise_conv_s8(const tc_context *ctx,
                               const tc_dw_conv_params *params,
                               const tc_per_channel_quant *quant,
                               const tc_dims *input_dims,
                               const int8_t *input,
                               const tc_dims *filter_dims,
                               const int8_t *filter,
                               const int32_t *bias,
                               const tc_dims *output_dims,
                               int8_t *output)
{
    const int32_t dm = params->ch_mult;
    const int32_t c_out = output_dims->c;
    if (dm < 1 || c_out != input_dims->c * dm || filter_dims->c != c_out || output_dims->n != input_dims->n) {
        return TC_ERR_ARG;
    }
    const int32_t in_plane = input_dims->h * input_dims->w * input_dims->c;
    const int32_t out_hw = output_dims->h * output_dims->w;
    int8_t *tmp = (ctx != NULL && dm == 1) ? (int8_t *)ctx->buf : NULL;
    if (tmp != NULL && ctx->size < out_hw) {
        return TC_ERR_ARG;
    }
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *in_batch = input + b * in_plane;
        int8_t *out_batch = output + b * out_hw * c_out;
        if (tmp == NULL) {
            int8_t *out = out_batch;
            for (int32_t oy = 0; oy < output_dims->h; oy++) {
                for (int32_t ox = 0; ox < output_dims->w; ox++) {
                    for (int32_t oc = 0; oc < c_out; oc++) {
                        *out++ = dw_value(params, quant, input_dims, in_batch, filter_dims, filter, bias,
                                          oc / dm, oc, oy, ox);
                    }
                }
            }
            continue;
        }
        /* One channel at a time through a plane: channel c of the output overwrites only
         * channel c of the input, which the plane has fully consumed (in-place safe). */
        for (int32_t c = 0; c < c_out; c++) {
            for (int32_t oy = 0; oy < output_dims->h; oy++) {
                for (int32_t ox = 0; ox < output_dims->w; ox++) {
                    tmp[oy * output_dims->w + ox] =
                        dw_value(params, quant, input_dims, in_batch, filter_dims, filter, bias, c, c, oy, ox);
                }
            }
            for (int32_t i = 0; i < out_hw; i++) {
                out_batch[i * c_out + c] = tmp[i];
            }
        }
    }
    return TC_OK;
}
