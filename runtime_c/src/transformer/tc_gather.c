#include <string.h>

#include "tc_transformer.h"

tc_status tc_gather(int32_t outer, int32_t axis_size, int32_t row_bytes, const int32_t *indices, int32_t count,
                    const void *input, void *output)
{
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    for (int32_t j = 0; j < count; j++) {
        if (indices[j] < 0 || indices[j] >= axis_size) {
            return TC_ERR_ARG;
        }
    }
    for (int32_t o = 0; o < outer; o++) {
        const uint8_t *base = in + (size_t)o * (size_t)axis_size * (size_t)row_bytes;
        for (int32_t j = 0; j < count; j++) {
            memcpy(out, base + (size_t)indices[j] * (size_t)row_bytes, (size_t)row_bytes);
            out += row_bytes;
        }
    }
    return TC_OK;
}
