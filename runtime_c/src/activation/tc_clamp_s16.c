#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

tc_status tc_clamp_s16(const tc_clamp_params *params,
                       int32_t size,
                       const int16_t *input,
                       int16_t *output)
{
    const int32_t lo = params->activation.min;
    const int32_t hi = params->activation.max;
    if (params->identity) {
        for (int32_t i = 0; i < size; i++) {
            output[i] = (int16_t)tc_clamp_i32(input[i], lo, hi);
        }
        return TC_OK;
    }
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = tc_requantize_dr((int32_t)input[i] + params->input_offset, params->multiplier,
                                        params->shift) + params->output_offset;
        output[i] = (int16_t)tc_clamp_i32(v, lo, hi);
    }
    return TC_OK;
}
