
#include "tc_fixedpoint.h"
#include "tc_mixed.h"

/* Gather form: each output pixel sums the input pixels that scatter onto it, so no scratch is
 * needed (the sum is the same integer as TFLite's scatter into a scratch buffer). */
tc_status tc_transpose_conv_s16(const tc_conv_params *params, const tc_per_channel_quant *quant,
                              const tc_dims *input_dims, const int16_t *input,
                              const tc_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                              const tc_dims *output_dims, int16_t *output)
{
    const int32_t cin = input_dims->c;
    if (filter_dims->c != cin || filter_dims->n != output_dims->c || params->stride.h < 1 ||
        params->stride.w < 1 || params->dilation.h < 1 || params->dilation.w < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t oy = 0; oy < output_dims->h; oy++) {
        for (int32_t ox = 0; ox < output_dims->w; ox++) {
            int16_t *out = output + (oy * output_dims->w + ox) * output_dims->c;
            for (int32_t oc = 0; oc < output_dims->c; oc++) {
                int64_t acc = bias ? (int64_t)bias[oc] : 0;
                for (int32_t ky = 0; ky < filter_dims->h; ky++) {
                    const int32_t ty = oy + params->padding.h - ky * params->dilation.h;
                    if (ty < 0 || ty % params->stride.h != 0 || ty / params->stride.h >= input_dims->h) {
                        continue;
                    }
                    for (int32_t kx = 0; kx < filter_dims->w; kx++) {
                        const int32_t tx = ox + params->padding.w - kx * params->dilation.w;
                        if (tx < 0 || tx % params->stride.w != 0 || tx / params->stride.w >= input_dims->w) {
                            continue;
                        }
                        const int16_t *ip = input + ((ty / params->stride.h) * input_dims->w + tx / params->stride.w) * cin;
                        const int8_t *wp = filter + ((oc * filter_dims->h + ky) * filter_dims->w + kx) * cin;
                        for (int32_t ic = 0; ic < cin; ic++) {
                            acc += (int64_t)(((int32_t)ip[ic] + params->input_offset) * (int32_t)wp[ic]);
                        }
                    }
                }
                int64_t y = tc_requantize_s64(acc, quant->multiplier[oc], quant->shift[oc]);
                y = y < params->activation.min ? params->activation.min : (y > params->activation.max ? params->activation.max : y);
                out[oc] = (int16_t)y;
            }
        }
    }
    return TC_OK;
}
