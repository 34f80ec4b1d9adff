#include "tc_data.h"
#include "tc_data_internal.h"

tc_status tc_quantize_f32_s16(int32_t size, float scale, int32_t zp, const float *input, int16_t *output)
{
    for (int32_t i = 0; i < size; i++) {
        /* One float32 division, as TFLite's val / static_cast<float>(scale). */
        const float v = input[i] / scale;
        output[i] = (int16_t)tc_round_clamp(v, zp, -32768, 32767);
    }
    return TC_OK;
}
