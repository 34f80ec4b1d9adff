#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

static int8_t sqdiff_one(const tc_add_params *p, int32_t a, int32_t b)
{
    /* (q - zp) fits in 9 bits: shifted by 7 and scaled by at most 1/2 each term stays under 2^15,
     * so the square of their difference fits in int32 (TFLite's bound: 255^2 * 2^14). */
    const int32_t sa = tc_requantize_dr((a + p->input1_offset) * (1 << p->left_shift), p->input1_multiplier,
                                        p->input1_shift);
    const int32_t sb = tc_requantize_dr((b + p->input2_offset) * (1 << p->left_shift), p->input2_multiplier,
                                        p->input2_shift);
    const int32_t d = sa - sb;
    const int32_t out = tc_requantize_dr(d * d, p->output_multiplier, p->output_shift) + p->output_offset;
    return (int8_t)tc_clamp_i32(out, p->activation.min, p->activation.max);
}

tc_status tc_squared_difference_s8(const tc_add_params *params,
                                   const tc_dims *out_dims,
                                   const tc_strides *a_strides,
                                   const int8_t *a,
                                   const tc_strides *b_strides,
                                   const int8_t *b,
                                   int8_t *output)
{
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                const int8_t *pa = a + n * a_strides->n + h * a_strides->h + w * a_strides->w;
                const int8_t *pb = b + n * b_strides->n + h * b_strides->h + w * b_strides->w;
                for (int32_t c = 0; c < out_dims->c; c++) {
                    *output++ = sqdiff_one(params, pa[c * a_strides->c], pb[c * b_strides->c]);
                }
            }
        }
    }
    return TC_OK;
}
