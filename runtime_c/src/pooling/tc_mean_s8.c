#include "tc_fixedpoint.h"
#include "tc_elementwise.h"
#include "tc_pool.h"

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
        for (int32_t i = 0; i < inner; i++) {
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
