#include "tc_activation.h"

tc_status tc_tanh_s16(const uint16_t *table, int32_t multiplier, int32_t shift, int32_t size, const int16_t *input,
                      int16_t *output)
{
    if (table == 0 || size < 0 || multiplier <= 0 || multiplier > 65535 || shift < 0 || shift > 31) {
        return TC_ERR_ARG;
    }
    const int32_t round = shift > 0 ? (int32_t)(1u << (shift - 1)) : 0;
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = (int32_t)(((int64_t)input[i] * multiplier + round) >> shift);
        const uint32_t a = (uint32_t)(v < 0 ? -v : v);
        const uint32_t step = a >> 8; /* tanh(x) = 2 sigmoid(2x) - 1: the same table at twice the rate */
        int32_t r;
        if (step >= 255u) {
            r = 0xFFFF << 8;
        } else {
            const uint32_t lo = table[step];
            r = (int32_t)((lo << 8) + (a & 0xFFu) * ((uint32_t)table[step + 1] - lo));
        }
        /* 2 sigmoid - 1 with 0.5 = 2^23, mirrored for negative inputs (arithmetic shift, as TFLite) */
        r = v >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
        output[i] = (int16_t)(r >> 8);
    }
    return TC_OK;
}
