#include "tc_transformer.h"

tc_status tc_lut_interp_s16(const int16_t *lut, int32_t size, const int16_t *input, int16_t *output)
{
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = input[i];
        const int32_t index = 256 + (v >> 7);
        const int32_t offset = v & 0x7F;
        const int16_t base = lut[index];
        const int16_t slope = (int16_t)(lut[index + 1] - base);
        const int32_t delta = (slope * offset + 64) >> 7;
        output[i] = (int16_t)(base + delta);
    }
    return TC_OK;
}
