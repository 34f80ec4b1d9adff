#include <string.h>

#include "tc_data.h"

tc_status tc_concat_s8(const tc_concat_params *params, const int8_t *lut, const int8_t *input, int8_t *output)
{
    const int32_t in_inner = params->in_inner;
    if (params->outer < 0 || in_inner < 0 || params->offset < 0 ||
        params->offset + in_inner > params->out_inner) {
        return TC_ERR_ARG;
    }
    for (int32_t k = 0; k < params->outer; k++) {
        const int8_t *src = input + k * in_inner;
        int8_t *dst = output + k * params->out_inner + params->offset;
        if (lut == NULL) {
            if (in_inner > 0) {
                memcpy(dst, src, (size_t)in_inner);
            }
        } else {
            for (int32_t j = 0; j < in_inner; j++) {
                dst[j] = lut[(int32_t)src[j] + 128];
            }
        }
    }
    return TC_OK;
}
