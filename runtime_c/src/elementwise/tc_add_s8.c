#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

static int8_t add_one(const tc_add_params *p, int32_t a, int32_t b)
{
    /* (q - zp) fits in 9 bits, so the 2^20 headroom shift cannot overflow. */
    const int32_t sa = (a + p->input1_offset) * (1 << p->left_shift);
    const int32_t sb = (b + p->input2_offset) * (1 << p->left_shift);
    const int32_t raw = tc_requantize_dr(sa, p->input1_multiplier, p->input1_shift) +
                        tc_requantize_dr(sb, p->input2_multiplier, p->input2_shift);
    const int32_t out = tc_requantize_dr(raw, p->output_multiplier, p->output_shift) + p->output_offset;
    return (int8_t)tc_clamp_i32(out, p->activation.min, p->activation.max);
}

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_conv_requant.h"

/* The three requantizations of one call with their constants computed once (tc_dr_chan: one
 * 64-bit multiply-accumulate and a shift each, the output offset folded into the last). */
typedef struct {
    tc_dr_chan in1, in2, out;
    int32_t off1, off2, left;
    int32_t act_min, act_max;
} add_consts;

static add_consts add_consts_of(const tc_add_params *p)
{
    add_consts k;
    k.in1 = tc_dr_chan_of(p->input1_multiplier, p->input1_shift, 0);
    k.in2 = tc_dr_chan_of(p->input2_multiplier, p->input2_shift, 0);
    k.out = tc_dr_chan_of(p->output_multiplier, p->output_shift, p->output_offset);
    k.off1 = p->input1_offset;
    k.off2 = p->input2_offset;
    k.left = p->left_shift;
    k.act_min = p->activation.min;
    k.act_max = p->activation.max;
    return k;
}

/* add_one through the precomputed constants: the same integers (tc_dr_apply == tc_requantize_dr
 * + offset for tinyc's non-negative multipliers). */
static inline int8_t add_one_dsp(const add_consts *k, int32_t a, int32_t b)
{
    const int32_t sa = (a + k->off1) * (1 << k->left);
    const int32_t sb = (b + k->off2) * (1 << k->left);
    const int32_t raw = tc_dr_apply(&k->in1, sa) + tc_dr_apply(&k->in2, sb);
    return (int8_t)tc_clamp_i32(tc_dr_apply(&k->out, raw), k->act_min, k->act_max);
}
#endif

tc_status tc_add_s8(const tc_add_params *params,
                    const tc_dims *out_dims,
                    const tc_strides *a_strides,
                    const int8_t *a,
                    const tc_strides *b_strides,
                    const int8_t *b,
                    int8_t *output)
{
#if defined(TC_DSP) && TC_DSP
    /* tc_dr_apply needs non-negative multipliers; SUB negates input 2's and takes the portable loop. */
    const int dsp = params->input1_multiplier >= 0 && params->input2_multiplier >= 0 && params->output_multiplier >= 0;
    const add_consts k = add_consts_of(params);
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                const int8_t *pa = a + n * a_strides->n + h * a_strides->h + w * a_strides->w;
                const int8_t *pb = b + n * b_strides->n + h * b_strides->h + w * b_strides->w;
                for (int32_t c = 0; c < out_dims->c; c++) {
                    *output++ = dsp ? add_one_dsp(&k, pa[c * a_strides->c], pb[c * b_strides->c])
                                    : add_one(params, pa[c * a_strides->c], pb[c * b_strides->c]);
                }
            }
        }
    }
    return TC_OK;
#else
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                const int8_t *pa = a + n * a_strides->n + h * a_strides->h + w * a_strides->w;
                const int8_t *pb = b + n * b_strides->n + h * b_strides->h + w * b_strides->w;
                for (int32_t c = 0; c < out_dims->c; c++) {
                    *output++ = add_one(params, pa[c * a_strides->c], pb[c * b_strides->c]);
                }
            }
        }
    }
    return TC_OK;
#endif
}
