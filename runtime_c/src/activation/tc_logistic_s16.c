#include "tc_activation.h"

tc_status tc_logistic_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
                          int16_t *output)
{
    if (size < 0 || input_left_shift < 0 || input_left_shift > 31) {
        return TC_ERR_ARG;
    }
    if (input_multiplier == 0) { /* power-of-two input scale */
        input_multiplier = 3 << input_left_shift;
        input_left_shift = 0;
    }
    const int32_t round = input_left_shift > 0 ? (int32_t)1 << (input_left_shift - 1) : 0;
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = ((int32_t)input[i] * input_multiplier + round) >> input_left_shift;
        const uint32_t a = (uint32_t)(v < 0 ? -v : v);
        const uint32_t uh = a >> 9;
        uint32_t r;
        if (uh >= 255u) {
            r = 0x7FFFu << 10;
        } else {
            const uint32_t ua = tc_sigmoid_table_u16[uh];
            const uint32_t ub = tc_sigmoid_table_u16[uh + 1u];
            r = (ua << 9) + (a & 0x1FFu) * (ub - ua);
        }
        r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        output[i] = (int16_t)(r >> 10);
    }
    return TC_OK;
}
