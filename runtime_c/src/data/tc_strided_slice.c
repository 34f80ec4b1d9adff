#include "tc_data.h"

/* Elements are moved, never computed on: one kernel serves every element size. */
static void copy_run(int32_t elem_bytes, const void *input, int32_t off, int32_t stride, int32_t n, void *output)
{
    if (elem_bytes == 1) {
        const int8_t *in = (const int8_t *)input + off;
        int8_t *out = (int8_t *)output;
        for (int32_t j = 0; j < n; j++) {
            out[j] = in[j * stride];
        }
    } else if (elem_bytes == 2) {
        const int16_t *in = (const int16_t *)input + off;
        int16_t *out = (int16_t *)output;
        for (int32_t j = 0; j < n; j++) {
            out[j] = in[j * stride];
        }
    } else {
        const int32_t *in = (const int32_t *)input + off;
        int32_t *out = (int32_t *)output;
        for (int32_t j = 0; j < n; j++) {
            out[j] = in[j * stride];
        }
    }
}

tc_status tc_strided_slice(const tc_strided_slice_params *params, int32_t elem_bytes, const void *input, void *output)
{
    if (elem_bytes != 1 && elem_bytes != 2 && elem_bytes != 4) {
        return TC_ERR_ARG;
    }
    const int32_t *d = params->in_dims;
    const int32_t *b = params->begin;
    const int32_t *n = params->size;
    const int32_t *s = params->strides;
    int32_t pitch[TC_SLICE_DIMS];  /* input elements per step of each dim */
    int32_t idx[TC_SLICE_DIMS] = {0};
    int32_t total = 1;
    for (int32_t i = TC_SLICE_DIMS - 1; i >= 0; i--) {
        const int32_t last = b[i] + (n[i] - 1) * s[i];
        if (n[i] < 0 || (n[i] > 0 && (b[i] < 0 || b[i] >= d[i] || last < 0 || last >= d[i]))) {
            return TC_ERR_ARG;
        }
        pitch[i] = i == TC_SLICE_DIMS - 1 ? 1 : pitch[i + 1] * d[i + 1];
        total *= n[i];
    }
    if (total == 0) {
        return TC_OK;
    }
    /* An odometer over the outer dims; the innermost dim is one strided run. */
    const int32_t inner = TC_SLICE_DIMS - 1;
    for (;;) {
        int32_t off = b[inner];
        for (int32_t i = 0; i < inner; i++) {
            off += (b[i] + idx[i] * s[i]) * pitch[i];
        }
        copy_run(elem_bytes, input, off, s[inner], n[inner], output);
        output = (int8_t *)output + n[inner] * elem_bytes;
        int32_t i = inner - 1;
        while (i >= 0 && ++idx[i] == n[i]) {
            idx[i] = 0;
            i--;
        }
        if (i < 0) {
            return TC_OK;
        }
    }
}
