#include "tc_activation.h"
#include "tc_sigmoid16_lerp.h"

tc_status tc_tanh_s16(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size, const int16_t *input,
                      int16_t *output)
{
    if (!tc_sigmoid16_args_ok(table, multiplier, shift, size)) {
        return TC_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = tc_sigmoid16_scale(input[i], multiplier, shift);
        const uint32_t a = (uint32_t)(v < 0 ? -v : v);
        /* tanh(x) = 2 sigmoid(2x) - 1: the same table at twice the rate (8 fraction bits per step) */
        int32_t r = (int32_t)tc_sigmoid16_lerp(table, a, 8u, 0xFFFFu << 8);
        /* 2 sigmoid - 1 with 0.5 = 2^23, mirrored for negative inputs (arithmetic shift, as TFLite) */
        r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        output[i] = (int16_t)(r >> 8);
    }
    return TC_OK;
}
