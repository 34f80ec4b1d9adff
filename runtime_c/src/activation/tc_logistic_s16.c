#include "tc_activation.h"
#include "tc_sigmoid16_lerp.h"

tc_status tc_logistic_s16(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size,
                          const int16_t *input, int16_t *output)
{
    if (!tc_sigmoid16_args_ok(table, multiplier, shift, size)) {
        return TC_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = tc_sigmoid16_scale(input[i], multiplier, shift);
        const uint32_t a = (uint32_t)(v < 0 ? -v : v);
        uint32_t r = tc_sigmoid16_lerp(table, a, 9u, 0x7FFFu << 10); /* 9 fraction bits per table step */
        /* sigmoid(-x) = 1 - sigmoid(x); 1.0 is 2^25 here, and the rounding leans the same way on both sides */
        r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        output[i] = (int16_t)(r >> 10);
    }
    return TC_OK;
}
