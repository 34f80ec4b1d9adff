#include "tc_reduce.h"

tc_status tc_arg_max_s8(int32_t outer, int32_t n, int32_t inner, int32_t smallest, int32_t last,
                        const int8_t *input, int32_t *output)
{
    if (outer < 0 || n <= 0 || inner < 0) {
        return TC_ERR_ARG;
    }
    const int32_t sign = smallest ? -1 : 1;
    for (int32_t o = 0; o < outer; o++) {
        for (int32_t i = 0; i < inner; i++) {
            const int8_t *x = input + o * n * inner + i;
            int32_t best = 0, best_v = sign * x[0];
            for (int32_t j = 1; j < n; j++) {
                const int32_t v = sign * x[j * inner];
                if (v > best_v || (last && v == best_v)) {
                    best = j;
                    best_v = v;
                }
            }
            output[o * inner + i] = best;
        }
    }
    return TC_OK;
}
