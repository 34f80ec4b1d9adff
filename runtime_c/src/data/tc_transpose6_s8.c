#include "tc_data.h"

tc_status tc_transpose6_s8(const tc_transpose6_params *params, const int8_t *input, int8_t *output)
{
    const int32_t *d = params->in_dims;
    const int32_t *p = params->perm;
    int32_t seen = 0;
    for (int32_t i = 0; i < 6; i++) {
        if (p[i] < 0 || p[i] > 5 || d[i] < 0) {
            return TC_ERR_ARG;
        }
        seen |= 1 << p[i];
    }
    if (seen != 0x3F) {
        return TC_ERR_ARG;
    }
    int32_t in_stride[6];
    in_stride[5] = 1;
    for (int32_t i = 4; i >= 0; i--) {
        in_stride[i] = in_stride[i + 1] * d[i + 1];
    }
    /* Walk the output in order; output axis i steps the input by the stride of input axis perm[i]. */
    int32_t s[6], n[6];
    for (int32_t i = 0; i < 6; i++) {
        s[i] = in_stride[p[i]];
        n[i] = d[p[i]];
    }
    for (int32_t i0 = 0; i0 < n[0]; i0++) {
        for (int32_t i1 = 0; i1 < n[1]; i1++) {
            for (int32_t i2 = 0; i2 < n[2]; i2++) {
                for (int32_t i3 = 0; i3 < n[3]; i3++) {
                    for (int32_t i4 = 0; i4 < n[4]; i4++) {
                        const int8_t *src = input + i0 * s[0] + i1 * s[1] + i2 * s[2] + i3 * s[3] + i4 * s[4];
                        for (int32_t i5 = 0; i5 < n[5]; i5++) {
                            *output++ = src[i5 * s[5]];
                        }
                    }
                }
            }
        }
    }
    return TC_OK;
}
