#include <string.h>

#include "tc_data.h"

/* The input index that output index o of an axis reads (see tc_pad_edge in tc_data.h). */
static int32_t source_index(int32_t o, int32_t before, int32_t n, int32_t mode)
{
    int32_t i = o - before;
    if (mode == 0) {
        if (i < 0) {
            i = -i;
        }
        if (i >= n) {
            i = 2 * (n - 1) - i;
        }
    } else {
        i = i < 0 ? 0 : (i >= n ? n - 1 : i);
    }
    return i;
}

tc_status tc_pad_edge(const tc_pad_edge_params *params, int32_t elem_bytes, const void *input_data, void *output_data)
{
    if (elem_bytes != 1 && elem_bytes != 2) {
        return TC_ERR_ARG;
    }
    const uint8_t *input = (const uint8_t *)input_data;
    uint8_t *output = (uint8_t *)output_data;
    const int32_t *d = params->in_dims, *b = params->before, *a = params->after;
    int32_t out[4];
    for (int32_t k = 0; k < 4; k++) {
        if (d[k] <= 0 || b[k] < 0 || a[k] < 0 || (params->mode == 0 && (b[k] >= d[k] || a[k] >= d[k]) &&
                                                  (b[k] > 0 || a[k] > 0))) {
            return TC_ERR_ARG;
        }
        out[k] = b[k] + d[k] + a[k];
    }
    const int32_t e = elem_bytes;
    for (int32_t o0 = 0; o0 < out[0]; o0++) {
        const int32_t i0 = source_index(o0, b[0], d[0], params->mode);
        for (int32_t o1 = 0; o1 < out[1]; o1++) {
            const int32_t i1 = source_index(o1, b[1], d[1], params->mode);
            for (int32_t o2 = 0; o2 < out[2]; o2++) {
                const int32_t i2 = source_index(o2, b[2], d[2], params->mode);
                const uint8_t *row = input + (((int64_t)i0 * d[1] + i1) * d[2] + i2) * d[3] * e;
                for (int32_t o3 = 0; o3 < out[3]; o3++) {
                    const int32_t i3 = source_index(o3, b[3], d[3], params->mode);
                    memcpy(output, row + (int64_t)i3 * e, (size_t)e);
                    output += e;
                }
            }
        }
    }
    return TC_OK;
}
