#include "tc_activation.h"

tc_status tc_lut_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    if (table == 0 || size < 0) {
        return TC_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        output[i] = table[(int32_t)input[i] + 128];
    }
    return TC_OK;
}
