#include "tc_data.h"

tc_status tc_strided_slice_s8(const tc_strided_slice_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *d = params->in_dims;
    const int32_t *b = params->begin;
    const int32_t *n = params->size;
    const int32_t *s = params->strides;
    for (int32_t i = 0; i < 4; i++) {
        const int32_t last = b[i] + (n[i] - 1) * s[i];
        if (n[i] < 0 || (n[i] > 0 && (b[i] < 0 || b[i] >= d[i] || last < 0 || last >= d[i]))) {
            return TC_ERR_ARG;
        }
    }
    for (int32_t i0 = 0; i0 < n[0]; i0++) {
        const int32_t o0 = (b[0] + i0 * s[0]) * d[1];
        for (int32_t i1 = 0; i1 < n[1]; i1++) {
            const int32_t o1 = (o0 + b[1] + i1 * s[1]) * d[2];
            for (int32_t i2 = 0; i2 < n[2]; i2++) {
                const int8_t *row = input + (o1 + b[2] + i2 * s[2]) * d[3] + b[3];
                for (int32_t i3 = 0; i3 < n[3]; i3++) {
                    *output++ = row[i3 * s[3]];
                }
            }
        }
    }
    return TC_OK;
}
