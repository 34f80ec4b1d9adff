#include "tc_activation.h"

tc_status tc_logistic_s16(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size,
                          const int16_t *input, int16_t *output)
{
    if (table == 0 || size < 0 || multiplier <= 0 || multiplier > 65535 || shift < 0 || shift > 31) {
        return TC_ERR_ARG;
    }
    const int32_t round = shift > 0 ? (int32_t)(1u << (shift - 1)) : 0;
    for (int32_t i = 0; i < size; i++) {
        /* |input| * multiplier < 2^31: the product and the shift stay in int32, as in TFLite. */
        const int32_t v = (int32_t)(((int64_t)input[i] * multiplier + round) >> shift);
        const uint32_t a = (uint32_t)(v < 0 ? -v : v);
        const uint32_t step = a >> 9; /* 9 fraction bits per table step */
        uint32_t r;
        if (step >= 255u) {
            r = 0x7FFFu << 10;
        } else {
            const uint32_t lo = table[step];
            r = (lo << 9) + (a & 0x1FFu) * ((uint32_t)table[step + 1] - lo);
        }
        /* sigmoid(-x) = 1 - sigmoid(x); 1.0 is 2^25 here, and the rounding leans the same way on both sides */
        r = v >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1u;
        output[i] = (int16_t)(r >> 10);
    }
    return TC_OK;
}
