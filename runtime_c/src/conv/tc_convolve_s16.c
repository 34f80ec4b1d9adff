#include "tc_mixed.h"
#include "tc_fixedpoint.h"

/* Padded taps are skipped (zero point 0, so they would add nothing anyway). */
tc_status tc_convolve_s16(const tc_conv_params *params, const tc_per_channel_quant *quant,
                          const tc_dims *input_dims, const int16_t *input,
                          const tc_dims *filter_dims, const int8_t *filter, const int64_t *bias,
                          const tc_dims *output_dims, int16_t *output)
{
    const int32_t groups = params->groups;
    const int32_t cin_g = filter_dims->c;
    if (groups < 1 || cin_g * groups != input_dims->c || output_dims->c % groups != 0) {
        return TC_ERR_ARG;
    }
    const int32_t cout_g = output_dims->c / groups;
    for (int32_t n = 0; n < output_dims->n; n++) {
        const int16_t *in_b = input + n * input_dims->h * input_dims->w * input_dims->c;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t iy0 = oy * params->stride.h - params->padding.h;
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int16_t *out = output + ((n * output_dims->h + oy) * output_dims->w + ox) * output_dims->c;
                for (int32_t oc = 0; oc < output_dims->c; oc++) {
                    const int32_t c0 = (oc / cout_g) * cin_g;
                    const int8_t *f_oc = filter + oc * filter_dims->h * filter_dims->w * cin_g;
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
                            const int16_t *ip = in_b + (iy * input_dims->w + ix) * input_dims->c + c0;
                            const int8_t *wp = f_oc + (ky * filter_dims->w + kx) * cin_g;
                            for (int32_t ic = 0; ic < cin_g; ic++) {
                                acc += (int64_t)((int32_t)ip[ic] * (int32_t)wp[ic]);
                            }
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
