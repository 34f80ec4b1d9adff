#include "tc_fc.h"
#include "tc_fixedpoint.h"

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_dot_s8_dsp.h"
#endif

/* Output o of one row from its accumulator (bias and all products included). */
static int8_t fc_output(const tc_fc_params *params, const tc_per_channel_quant *quant, int32_t o, int32_t acc)
{
    acc = tc_requantize(acc, quant->multiplier[o], quant->shift[o]);
    acc += params->output_offset;
    acc = tc_clamp_i32(acc, params->activation.min, params->activation.max);
    return (int8_t)acc;
}

tc_status tc_fully_connected_s8(const tc_fc_params *params,
                                const tc_per_channel_quant *quant,
                                int32_t batches,
                                int32_t in_ch,
                                int32_t out_ch,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output)
{
    for (int32_t b = 0; b < batches; b++) {
        const int8_t *in_row = input + b * in_ch;
        int8_t *out_row = output + b * out_ch;
#if defined(TC_DSP) && TC_DSP
        /* Four weight rows per pass share each input load (SMLAD on 16-bit pairs). */
        int32_t o = 0;
        for (; o + 4 <= out_ch; o += 4) {
            int32_t acc[4];
            for (int32_t r = 0; r < 4; r++) {
                acc[r] = bias ? bias[o + r] : 0;
            }
            tc_dsp_dot4_s8(in_row, params->input_offset, filter + o * in_ch, in_ch, params->filter_offset,
                           in_ch, acc);
            for (int32_t r = 0; r < 4; r++) {
                out_row[o + r] = fc_output(params, quant, o + r, acc[r]);
            }
        }
        for (; o < out_ch; o++) {
            const int32_t acc = tc_dsp_dot1_s8(in_row, params->input_offset, filter + o * in_ch,
                                               params->filter_offset, in_ch, bias ? bias[o] : 0);
            out_row[o] = fc_output(params, quant, o, acc);
        }
#else
        for (int32_t o = 0; o < out_ch; o++) {
            const int8_t *w_row = filter + o * in_ch;
            int32_t acc = bias ? bias[o] : 0;
            for (int32_t k = 0; k < in_ch; k++) {
                acc += ((int32_t)in_row[k] + params->input_offset) *
                       ((int32_t)w_row[k] + params->filter_offset);
            }
            out_row[o] = fc_output(params, quant, o, acc);
        }
#endif
    }
    return TC_OK;
}
