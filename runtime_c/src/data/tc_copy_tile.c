#include <string.h>

#include "tc_data.h"

tc_status tc_copy_tile(const tc_dims *dst_dims, int32_t elem_bytes, const tc_rect *tile, const void *src, void *dst)
{
    if (elem_bytes < 1 || tile->y0 < 0 || tile->x0 < 0 || tile->h < 0 || tile->w < 0 ||
        tile->y0 + tile->h > dst_dims->h || tile->x0 + tile->w > dst_dims->w) {
        return TC_ERR_ARG;
    }
    const size_t pixel = (size_t)dst_dims->c * (size_t)elem_bytes;
    const size_t row = (size_t)tile->w * pixel;
    const uint8_t *s = (const uint8_t *)src;
    uint8_t *d = (uint8_t *)dst + ((size_t)tile->y0 * (size_t)dst_dims->w + (size_t)tile->x0) * pixel;
    for (int32_t y = 0; y < tile->h; y++) {
        if (row > 0) {
            memcpy(d, s, row);
        }
        s += row;
        d += (size_t)dst_dims->w * pixel;
    }
    return TC_OK;
}
