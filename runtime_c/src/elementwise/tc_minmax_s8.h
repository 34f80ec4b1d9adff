/* Private to tc_maximum_s8.c and tc_minimum_s8.c: the broadcast walk both share. They compare the
   stored int8 values (input and output scales are equal, as LiteRT requires), so no requantization. */
#ifndef TC_MINMAX_S8_H
#define TC_MINMAX_S8_H

#include "tc_elementwise.h"

static inline tc_status tc_minmax_s8(const tc_dims *out_dims,
                                     const tc_strides *a_strides,
                                     const int8_t *a,
                                     const tc_strides *b_strides,
                                     const int8_t *b,
                                     int8_t *output,
                                     int take_max)
{
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                const int8_t *pa = a + n * a_strides->n + h * a_strides->h + w * a_strides->w;
                const int8_t *pb = b + n * b_strides->n + h * b_strides->h + w * b_strides->w;
                for (int32_t c = 0; c < out_dims->c; c++) {
                    const int8_t x = pa[c * a_strides->c], y = pb[c * b_strides->c];
                    *output++ = (take_max ? x > y : x < y) ? x : y;
                }
            }
        }
    }
    return TC_OK;
}

#endif
