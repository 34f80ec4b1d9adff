#include "tc_reduce.h"

tc_status tc_top_k_s8(int32_t outer, int32_t n, int32_t k, int32_t largest, const int8_t *input, int8_t *values,
                      int32_t *indices)
{
    if (outer < 0 || k <= 0 || k > n) {
        return TC_ERR_ARG;
    }
    const int32_t sign = largest ? 1 : -1;
    for (int32_t o = 0; o < outer; o++) {
        const int8_t *x = input + o * n;
        /* k passes: each takes the best element below the previous pick in (value desc, index asc) order */
        int32_t prev_v = 0, prev_i = -1;
        for (int32_t r = 0; r < k; r++) {
            int32_t best = -1, best_v = 0;
            for (int32_t j = 0; j < n; j++) {
                const int32_t v = sign * x[j];
                const int32_t after_prev = prev_i < 0 || v < prev_v || (v == prev_v && j > prev_i);
                if (after_prev && (best < 0 || v > best_v)) {
                    best = j;
                    best_v = v;
                }
            }
            values[o * k + r] = x[best];
            indices[o * k + r] = best;
            prev_v = best_v;
            prev_i = best;
        }
    }
    return TC_OK;
}
