#include "tc_fixedpoint.h"
#include "tc_elementwise.h"
#include "tc_pool.h"

tc_status tc_mean_finish_s8(const tc_mean_params *params, int32_t reduce, int32_t channels, const int32_t *sums,
                            int8_t *output)
{
    if (reduce < 1 || channels < 1) {
        return TC_ERR_ARG;
    }
    const int32_t offset = params->input_offset * reduce;
    for (int32_t c = 0; c < channels; c++) {
        /* as tc_mean_s8: zp * count subtracted from the plain sum, then one requantization */
        int32_t acc = tc_requantize_dr(sums[c] + offset, params->multiplier, params->shift) + params->output_offset;
        output[c] = (int8_t)tc_clamp_i32(acc, params->activation.min, params->activation.max);
    }
    return TC_OK;
}
