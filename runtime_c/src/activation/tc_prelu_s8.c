#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

tc_status tc_prelu_s8(const tc_prelu_params *params, int32_t size, const int8_t *input, const int8_t *alpha,
                      int32_t alpha_len, int8_t *output)
{
    if (size < 0 || alpha_len <= 0) {
        return TC_ERR_ARG;
    }
    const int32_t lo = params->activation.min, hi = params->activation.max;
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = (int32_t)input[i] + params->input_offset;
        int32_t y;
        if (v >= 0) {
            y = tc_requantize_dr(v, params->mult_pos, params->shift_pos);
        } else {
            /* |v| <= 255 and |alpha| <= 255: the product fits int32 */
            const int32_t a = (int32_t)alpha[i % alpha_len] + params->alpha_offset;
            y = tc_requantize_dr(v * a, params->mult_neg, params->shift_neg);
        }
        output[i] = (int8_t)tc_clamp_i32(y + params->output_offset, lo, hi);
    }
    return TC_OK;
}
