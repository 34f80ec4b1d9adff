#include "tc_mixed.h"
#include "tc_fixedpoint.h"

tc_status tc_depthwise_conv_s16(const tc_dw_conv_params *params, const tc_per_channel_quant *quant,
                                const tc_dims *input_dims, const int16_t *input,
                                const tc_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                                const tc_dims *output_dims, int16_t *output)
{
    const int32_t dm = params->ch_mult;
    if (dm < 1 || output_dims->c != input_dims->c * dm || filter_dims->c != output_dims->c) {
        return TC_ERR_ARG;
    }
    for (int32_t n = 0; n < output_dims->n; n++) {
        const int16_t *in_b = input + n * input_dims->h * input_dims->w * input_dims->c;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t iy0 = oy * params->stride.h - params->padding.h;
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int16_t *out = output + ((n * output_dims->h + oy) * output_dims->w + ox) * output_dims->c;
                for (int32_t oc = 0; oc < output_dims->c; oc++) {
                    const int32_t ic = oc / dm;
                    int64_t acc = bias ? bias[oc] : 0;
                    for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                        const int32_t iy = iy0 + ky * params->dilation.h;
                        if (iy < 0 || iy >= input_dims->h) {
                            continue;
                        }
                        for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                            const int32_t ix = ix0 + kx * params->dilation.w;
                            if (ix < 0 || ix >= input_dims->w) {
                                continue;
                            }
                            const int32_t x = in_b[(iy * input_dims->w + ix) * input_dims->c + ic];
                            const int32_t w = filter[(ky * filter_dims->w + kx) * filter_dims->c + oc];
                            acc += (int64_t)(x * w);
                        }
                    }
                    int64_t y = tc_requantize_s64(acc, quant->multiplier[oc], quant->shift[oc]);
                    y = y < params->activation.min ? params->activation.min : y;
                    y = y > params->activation.max ? params->activation.max : y;
                    out[oc] = (int16_t)y;
                }
            }
        }
    }
    return TC_OK;
}
