#include "tc_softmax.h"
#include "tc_gemmlowp.h"

tc_status tc_softmax_s8(const int32_t *exp_table, int32_t rows, int32_t depth,
                        const int8_t *input, int8_t *output)
{
    if (rows < 0 || depth < 1 || depth >= 4096) {
        return TC_ERR_ARG; /* the Q12 sum of exps must not overflow */
    }
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *x = input + r * depth;
        int8_t *y = output + r * depth;
        int32_t max_val = -128;
        for (int32_t j = 0; j < depth; j++) {
            max_val = x[j] > max_val ? x[j] : max_val;
        }
        const int32_t base = 255 - max_val;
        int32_t sum = 0; /* Q12.19 */
        for (int32_t j = 0; j < depth; j++) {
            sum += tc_rdbpot(exp_table[base + x[j]], 12);
        }
        /* GetReciprocal: sum >= 1.0 (the max contributes exp(0)), so 0 <= headroom <= 12 */
        const int32_t headroom = tc_clz32((uint32_t)sum);
        const int32_t scale = tc_one_over_one_plus_x(
            (int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
        /* TFLite aborts when this exceeds 31 (exp sum >= 512); here those outputs round to 0 */
        const int32_t exponent = (12 - headroom) + 31 - 8;
        for (int32_t j = 0; j < depth; j++) {
            int32_t q = tc_rdbpot64(tc_sat_rdhm(scale, exp_table[base + x[j]]), exponent) - 128;
            q = q < -128 ? -128 : (q > 127 ? 127 : q);
            y[j] = (int8_t)q;
        }
    }
    return TC_OK;
}
