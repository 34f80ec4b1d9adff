#include "tc_norm.h"
#include "tc_norm_internal.h"

tc_status tc_group_norm_s8(const tc_group_norm_params *params, const int32_t *mant, const int32_t *expo,
                           const int32_t *sign, const int32_t *bias16, const int8_t *input, int8_t *output)
{
    const int32_t pixels = params->pixels, c = params->channels, groups = params->groups;
    if (groups <= 0 || c % groups != 0) {
        return TC_ERR_ARG;
    }
    const int32_t k = c / groups;
    const int64_t n = (int64_t)pixels * k;
    if (n <= 0 || n > ((int64_t)1 << 20)) {
        return TC_ERR_ARG;
    }
    for (int32_t g = 0; g < groups; g++) {
        int64_t s_sum = 0, q_sum = 0;
        for (int32_t p = 0; p < pixels; p++) {
            const int8_t *row = input + (int64_t)p * c + (int64_t)g * k;
            for (int32_t j = 0; j < k; j++) {
                s_sum += row[j];
                q_sum += (int64_t)row[j] * row[j];
            }
        }
        const uint64_t d = (uint64_t)(n * q_sum - s_sum * s_sum + params->eps_q);
        const int32_t s = (62 - tc_bitlen_u64(d)) / 2;
        const int64_t r = (int64_t)tc_isqrt_u64(d << (2 * s));
        for (int32_t j = 0; j < k; j++) {
            const int32_t ch = g * k + j;
            const int64_t m = ((int64_t)mant[ch] * ((int64_t)1 << 31) + r / 2) / r;
            const int32_t sh = 46 - expo[ch] - s;
            for (int32_t p = 0; p < pixels; p++) {
                const int64_t idx = (int64_t)p * c + ch;
                const int64_t ci = (n * input[idx] - s_sum) * sign[ch];
                const int64_t y16 = sh <= 62 ? (ci * m + ((int64_t)1 << (sh - 1))) >> sh : 0;
                int64_t out = params->zp_out + ((y16 + bias16[ch] + ((int64_t)1 << 15)) >> 16);
                if (out < -128) {
                    out = -128;
                } else if (out > 127) {
                    out = 127;
                }
                output[idx] = (int8_t)out;
            }
        }
    }
    return TC_OK;
}
