#include "tc_elementwise.h"
#include "tc_pool.h"

tc_status tc_avg_pool_finish_s8(int32_t reduce, int32_t channels, int32_t act_min, int32_t act_max,
                                const int32_t *sums, int8_t *output)
{
    if (reduce < 1 || channels < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t c = 0; c < channels; c++) {
        /* as tc_avg_pool_s8: the sum over the count, rounded half away from zero, clamped */
        const int32_t acc = sums[c];
        const int32_t avg = acc > 0 ? (acc + reduce / 2) / reduce : (acc - reduce / 2) / reduce;
        output[c] = (int8_t)tc_clamp_i32(avg, act_min, act_max);
    }
    return TC_OK;
}
