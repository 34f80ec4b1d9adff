#include "tc_data.h"

tc_status tc_dequantize_transpose_s8_f32(const tc_transpose_params *params, float scale, int32_t zp,
                                         const int8_t *input, float *output)
{
    const int32_t *d = params->in_dims;
    const int32_t *p = params->perm;
    int32_t seen = 0;
    for (int32_t i = 0; i < 4; i++) {
        if (p[i] < 0 || p[i] > 3 || d[i] < 0) {
            return TC_ERR_ARG;
        }
        seen |= 1 << p[i];
    }
    if (seen != 0xF) {
        return TC_ERR_ARG;
    }
    const int32_t in_stride[4] = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
    const int32_t s0 = in_stride[p[0]], s1 = in_stride[p[1]], s2 = in_stride[p[2]], s3 = in_stride[p[3]];
    const int32_t n0 = d[p[0]], n1 = d[p[1]], n2 = d[p[2]], n3 = d[p[3]];
    for (int32_t i0 = 0; i0 < n0; i0++) {
        for (int32_t i1 = 0; i1 < n1; i1++) {
            for (int32_t i2 = 0; i2 < n2; i2++) {
                const int8_t *src = input + i0 * s0 + i1 * s1 + i2 * s2;
                for (int32_t i3 = 0; i3 < n3; i3++) {
                    /* tc_dequantize_s8_f32's single rounding */
                    *output++ = scale * (float)((int32_t)src[i3 * s3] - zp);
                }
            }
        }
    }
    return TC_OK;
}
