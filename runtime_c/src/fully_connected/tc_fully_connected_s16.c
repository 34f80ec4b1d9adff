#include "tc_mixed.h"

tc_status tc_fully_connected_s16(const tc_fc_params *params, const tc_per_channel_quant *quant,
                                 int32_t batches, int32_t in_ch, int32_t out_ch,
                                 const int16_t *input, const int8_t *filter, const int64_t *bias,
                                 int16_t *output)
{
    for (int32_t b = 0; b < batches; b++) {
        const int16_t *in_row = input + b * in_ch;
        for (int32_t o = 0; o < out_ch; o++) {
            const int8_t *w_row = filter + o * in_ch;
            int64_t acc = bias ? bias[o] : 0;
            for (int32_t k = 0; k < in_ch; k++) {
                acc += (int64_t)((int32_t)in_row[k] * (int32_t)w_row[k]);
            }
            int64_t y = tc_requantize_s64_full(acc, quant->multiplier[o], quant->shift[o]);
            y = y < params->activation.min ? params->activation.min : y;
            y = y > params->activation.max ? params->activation.max : y;
            output[b * out_ch + o] = (int16_t)y;
        }
    }
    return TC_OK;
}
