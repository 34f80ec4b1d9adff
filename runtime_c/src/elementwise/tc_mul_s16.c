#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

tc_status tc_mul_s16(const tc_mul_params *params,
                    const tc_dims *out_dims,
                    const tc_strides *a_strides,
                    const int16_t *a,
                    const tc_strides *b_strides,
                    const int16_t *b,
                    int16_t *output)
{
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                const int16_t *pa = a + n * a_strides->n + h * a_strides->h + w * a_strides->w;
                const int16_t *pb = b + n * b_strides->n + h * b_strides->h + w * b_strides->w;
                for (int32_t c = 0; c < out_dims->c; c++) {
                    const int32_t prod = ((int32_t)pa[c * a_strides->c] + params->input1_offset) *
                                         ((int32_t)pb[c * b_strides->c] + params->input2_offset);
                    int32_t out = tc_requantize_dr(prod, params->output_multiplier, params->output_shift) +
                                  params->output_offset;
                    out = tc_clamp_i32(out, params->activation.min, params->activation.max);
                    *output++ = (int16_t)out;
                }
            }
        }
    }
    return TC_OK;
}
