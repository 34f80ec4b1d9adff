#include "tc_norm.h"
#include "tc_norm_internal.h"

tc_status tc_l2_norm_s8(const tc_l2_norm_params *params, const int8_t *input, int8_t *output)
{
    const int32_t depth = params->depth;
    if (depth <= 0 || depth > (1 << 20)) {
        return TC_ERR_ARG;
    }
    for (int32_t i = 0; i < params->rows; i++) {
        const int8_t *x = input + (int64_t)i * depth;
        int8_t *y = output + (int64_t)i * depth;
        int64_t d = params->eps_q;
        for (int32_t j = 0; j < depth; j++) {
            const int64_t v = (int64_t)x[j] - params->zp_in;
            d += v * v;
        }
        if (d == 0) {
            for (int32_t j = 0; j < depth; j++) {
                y[j] = (int8_t)params->zp_out;
            }
            continue;
        }
        const int32_t s = (62 - tc_bitlen_u64((uint64_t)d)) / 2;
        const int64_t r = (int64_t)tc_isqrt_u64((uint64_t)d << (2 * s));
        const int64_t m = ((int64_t)params->mant * ((int64_t)1 << 31) + r / 2) / r;
        const int32_t k = 62 - params->expo - s;
        for (int32_t j = 0; j < depth; j++) {
            const int64_t v = (int64_t)x[j] - params->zp_in;
            int64_t out = params->zp_out + ((v * m + ((int64_t)1 << (k - 1))) >> k);
            if (out < -128) {
                out = -128;
            } else if (out > 127) {
                out = 127;
            }
            y[j] = (int8_t)out;
        }
    }
    return TC_OK;
}
