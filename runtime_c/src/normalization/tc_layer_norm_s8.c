#include "tc_norm.h"

tc_status tc_layer_norm_s8(int32_t rows, const tc_group_norm_params *row_params, const int32_t *mant,
                           const int32_t *expo, const int32_t *sign, const int32_t *bias16, const int8_t *input,
                           int8_t *output)
{
    if (rows < 0 || row_params->pixels != 1 || row_params->groups != 1) {
        return TC_ERR_ARG;
    }
    const int32_t c = row_params->channels;
    tc_status status = TC_OK;
    for (int32_t r = 0; r < rows; r++) {
        status |= tc_group_norm_s8(row_params, mant, expo, sign, bias16, input + (int64_t)r * c,
                                   output + (int64_t)r * c);
    }
    return status;
}
