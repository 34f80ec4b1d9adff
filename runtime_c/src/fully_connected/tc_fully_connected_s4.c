#include "tc_mixed.h"
#include "tc_fixedpoint.h"

/* tc_fully_connected_s8's arithmetic (single rounding, as LiteRT's FULLY_CONNECTED) on nibbles. */
tc_status tc_fully_connected_s4(const tc_fc_params *params, const tc_per_channel_quant *quant,
                                int32_t batches, int32_t in_ch, int32_t out_ch,
                                const int8_t *input, const int8_t *filter, const int32_t *bias,
                                int8_t *output)
{
    for (int32_t b = 0; b < batches; b++) {
        const int8_t *in_row = input + b * in_ch;
        for (int32_t o = 0; o < out_ch; o++) {
            int32_t acc = bias ? bias[o] : 0;
            for (int32_t k = 0; k < in_ch; k++) {
                acc += ((int32_t)in_row[k] + params->input_offset) * tc_s4_at(filter, o * in_ch + k);
            }
            acc = tc_requantize_away(acc, quant->multiplier[o], quant->shift[o]) + params->output_offset;
            output[b * out_ch + o] = (int8_t)tc_clamp_i32(acc, params->activation.min, params->activation.max);
        }
    }
    return TC_OK;
}
