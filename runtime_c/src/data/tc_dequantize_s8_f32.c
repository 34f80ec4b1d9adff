#include "tc_data.h"

tc_status tc_dequantize_s8_f32(int32_t size, float scale, int32_t zp, const int8_t *input, float *output)
{
    for (int32_t i = 0; i < size; i++) {
        /* A single rounding: TFLite's double product is exact, then cast to float. */
        output[i] = scale * (float)((int32_t)input[i] - zp);
    }
    return TC_OK;
}
