#include "tc_data.h"
#include "tc_data_internal.h"

tc_status tc_quantize_f32_s8(int32_t size, float scale, int32_t zp, const float *input, int8_t *output)
{
    for (int32_t i = 0; i < size; i++) {
        /* One float32 division, as TFLite's val / static_cast<float>(scale). */
        const float v = input[i] / scale;
        output[i] = (int8_t)tc_round_clamp(v, zp, -128, 127);
    }
    return TC_OK;
}
