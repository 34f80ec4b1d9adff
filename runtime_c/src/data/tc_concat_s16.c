#include <string.h>

#include "tc_data.h"

tc_status tc_concat_s16(const tc_concat_params *params, const int16_t *input, int16_t *output)
{
    const int32_t in_inner = params->in_inner;
    if (params->outer < 0 || in_inner < 0 || params->offset < 0 ||
        params->offset + in_inner > params->out_inner) {
        return TC_ERR_ARG;
    }
    for (int32_t k = 0; k < params->outer; k++) {
        if (in_inner > 0) {
            memcpy(output + k * params->out_inner + params->offset, input + k * in_inner,
                   (size_t)in_inner * sizeof(int16_t));
        }
    }
    return TC_OK;
}
