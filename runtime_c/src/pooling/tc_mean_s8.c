#include "tc_fixedpoint.h"
#include "tc_elementwise.h"
#include "tc_pool.h"

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_conv_requant.h"
#include "../conv/tc_dot_s8_dsp.h"

/* Most reduced values whose sum fits a 16-bit SXTAB16 lane exactly: 255 * 128 <= 32767. */
#define MEAN_LANE_MAX_REDUCE 255

/* Afterwards out[0..3] are the means of inner positions i..i+3 of one outer slice (in_o):
 * the sums added in 16-bit lanes, then the call's requantization (constants in rq, output
 * offset folded in), clamped. */
static void mean4(const tc_mean_params *p, const tc_dr_chan *rq, int32_t reduce, int32_t inner,
                  const int8_t *in_o, int32_t i, int8_t *out)
{
    int32_t s02 = 0, s13 = 0;
    const int8_t *px = in_o + i;
    for (int32_t r = 0; r < reduce; r++, px += inner) {
        const int32_t v = tc_dsp_load4(px);
        s02 = __sxtab16(s02, v);
        s13 = tc_dsp_sxtab16_ror8(s13, v);
    }
    const int32_t sums[4] = {(int32_t)((uint32_t)s02 << 16) >> 16, (int32_t)((uint32_t)s13 << 16) >> 16,
                             s02 >> 16, s13 >> 16};
    const int32_t offset = p->input_offset * reduce;
    for (int32_t k = 0; k < 4; k++) {
        out[k] = (int8_t)tc_clamp_i32(tc_dr_apply(rq, sums[k] + offset), p->activation.min, p->activation.max);
    }
}
#endif

tc_status tc_mean_s8(const tc_mean_params *params,
                     int32_t outer,
                     int32_t reduce,
                     int32_t inner,
                     const int8_t *input,
                     int8_t *output)
{
    if (outer < 1 || reduce < 1 || inner < 1) {
        return TC_ERR_ARG;
    }
    const int32_t offset = params->input_offset * reduce;
    for (int32_t o = 0; o < outer; o++) {
        const int8_t *in_o = input + o * reduce * inner;
        int32_t i = 0;
#if defined(TC_DSP) && TC_DSP
        const tc_dr_chan rq = tc_dr_chan_of(params->multiplier, params->shift, params->output_offset);
        for (; i + 4 <= inner && reduce <= MEAN_LANE_MAX_REDUCE; i += 4, output += 4) { /* four per pass */
            mean4(params, &rq, reduce, inner, in_o, i, output);
        }
#endif
        for (; i < inner; i++) {
            int32_t acc = 0;
            for (int32_t r = 0; r < reduce; r++) {
                acc += in_o[r * inner + i];
            }
            /* TFLite subtracts zp * count from the plain sum, then one requantization. */
            acc = tc_requantize_dr(acc + offset, params->multiplier, params->shift) + params->output_offset;
            acc = tc_clamp_i32(acc, params->activation.min, params->activation.max);
            *output++ = (int8_t)acc;
        }
    }
    return TC_OK;
}
