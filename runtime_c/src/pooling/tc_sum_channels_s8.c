#include "tc_pool.h"

tc_status tc_sum_channels_s8(int32_t pixels, int32_t channels, const int8_t *input, int32_t *sums)
{
    if (pixels < 0 || channels < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t p = 0; p < pixels; p++, input += channels) {
        for (int32_t c = 0; c < channels; c++) {
            sums[c] += input[c];
        }
    }
    return TC_OK;
}
