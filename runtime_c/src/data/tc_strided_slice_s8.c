#include "tc_data.h"

tc_status tc_strided_slice_s8(const tc_strided_slice_params *params, const int8_t *input, int8_t *output)
{
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
        for (int32_t j = 0; j < n[inner]; j++) {
            *output++ = input[off + j * s[inner]];
        }
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
