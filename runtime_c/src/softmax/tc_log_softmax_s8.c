#include "tc_softmax.h"
#include "tc_gemmlowp.h"

tc_status tc_log_softmax_s8(const tc_log_softmax_params *params, const int32_t *diff_q5,
                            const int32_t *exp_q12, int32_t rows, int32_t depth,
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
        int32_t sum = 0; /* Q12.19, >= 1.0 since the max contributes exp(0) */
        for (int32_t j = 0; j < depth; j++) {
            sum += exp_q12[base + x[j]];
        }
        const int32_t log_sum = tc_log_x_ge_1(sum, 12, 5); /* Q5.26 */
        /* TFLite only outputs d with d * scale - log_sum representable in Q5.26 */
        const int32_t limit = tc_requantize(tc_add_wrap(log_sum, INT32_MIN),
                                            params->reverse_mult, params->reverse_shift);
        const int32_t adjusted = limit > params->diff_min - 1 ? limit : params->diff_min - 1;
        for (int32_t j = 0; j < depth; j++) {
            const int32_t d = x[j] - max_val;
            int32_t q = -128;
            if (d > adjusted) {
                q = tc_rdbpot(tc_sub_wrap(diff_q5[base + x[j]], log_sum), 31 - 5 - 4) + 127;
                q = q < -128 ? -128 : (q > 127 ? 127 : q);
            }
            y[j] = (int8_t)q;
        }
    }
    return TC_OK;
}
