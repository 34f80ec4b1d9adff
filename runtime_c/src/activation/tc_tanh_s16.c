#include "tc_activation.h"

tc_status tc_tanh_s16(int32_t input_multiplier, int32_t input_left_shift, int32_t size, const int16_t *input,
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
        const uint32_t uh = a >> 8;
        int32_t r;
        if (uh >= 255u) {
            r = 0xFFFF << 8;
        } else {
            /* tanh(x) = 2 sigmoid(2x) - 1: the same table with one fraction bit less */
            const uint32_t ua = tc_sigmoid_table_u16[uh];
            const uint32_t ub = tc_sigmoid_table_u16[uh + 1u];
            r = (int32_t)((ua << 8) + (a & 0xFFu) * (ub - ua));
        }
        r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        output[i] = (int16_t)(r >> 8);
    }
    return TC_OK;
}
