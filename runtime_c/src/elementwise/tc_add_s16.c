#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

/* (q - zp) fits in 17 bits, so the 2^15 headroom shift cannot overflow int32. */
static int16_t add_one(const tc_add_params *p, int32_t a, int32_t b)
{
    const int32_t sa = (a + p->input1_offset) * (1 << p->left_shift);
    const int32_t sb = (b + p->input2_offset) * (1 << p->left_shift);
    const int32_t raw = tc_requantize_dr(sa, p->input1_multiplier, p->input1_shift) +
                        tc_requantize_dr(sb, p->input2_multiplier, p->input2_shift);
    const int32_t out = tc_requantize_dr(raw, p->output_multiplier, p->output_shift) + p->output_offset;
    return (int16_t)tc_clamp_i32(out, p->activation.min, p->activation.max);
}

tc_status tc_add_s16(const tc_add_params *params,
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
                    *output++ = add_one(params, pa[c * a_strides->c], pb[c * b_strides->c]);
                }
            }
        }
    }
    return TC_OK;
}
