#include "tc_mixed.h"
#include "tc_fixedpoint.h"

/* tc_convolve_s8's arithmetic (double rounding, as LiteRT's CONV_2D) on unpacked nibbles. */
tc_status tc_convolve_s4(const tc_conv_params *params, const tc_per_channel_quant *quant,
                         const tc_dims *input_dims, const int8_t *input,
                         const tc_dims *filter_dims, const int8_t *filter, const int32_t *bias,
                         const tc_dims *output_dims, int8_t *output)
{
    const int32_t groups = params->groups;
    const int32_t cin_g = filter_dims->c;
    if (groups < 1 || cin_g * groups != input_dims->c || output_dims->c % groups != 0) {
        return TC_ERR_ARG;
    }
    const int32_t cout_g = output_dims->c / groups;
    const int32_t f_size = filter_dims->h * filter_dims->w * cin_g;
    for (int32_t n = 0; n < output_dims->n; n++) {
        const int8_t *in_b = input + n * input_dims->h * input_dims->w * input_dims->c;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t iy0 = oy * params->stride.h - params->padding.h;
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int8_t *out = output + ((n * output_dims->h + oy) * output_dims->w + ox) * output_dims->c;
                for (int32_t oc = 0; oc < output_dims->c; oc++) {
                    const int32_t c0 = (oc / cout_g) * cin_g;
                    int32_t acc = bias ? bias[oc] : 0;
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
                            const int8_t *ip = in_b + (iy * input_dims->w + ix) * input_dims->c + c0;
                            const int32_t w0 = oc * f_size + (ky * filter_dims->w + kx) * cin_g;
                            for (int32_t ic = 0; ic < cin_g; ic++) {
                                acc += ((int32_t)ip[ic] + params->input_offset) * tc_s4_at(filter, w0 + ic);
                            }
                        }
                    }
                    acc = tc_requantize_dr(acc, quant->multiplier[oc], quant->shift[oc]) + params->output_offset;
                    out[oc] = (int8_t)tc_clamp_i32(acc, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TC_OK;
}
