#include "tc_minmax_s8.h"

tc_status tc_minimum_s8(const tc_dims *out_dims,
                        const tc_strides *a_strides,
                        const int8_t *a,
                        const tc_strides *b_strides,
                        const int8_t *b,
                        int8_t *output)
{
    return tc_minmax_s8(out_dims, a_strides, a, b_strides, b, output, 0);
}
