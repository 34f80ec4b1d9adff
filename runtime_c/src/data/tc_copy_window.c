#include <string.h>

#include "tc_data.h"

tc_status tc_copy_window(const tc_dims *src_dims, int32_t elem_bytes, const tc_rect *win, const void *src, void *dst)
{
    if (elem_bytes < 1 || win->y0 < 0 || win->x0 < 0 || win->h < 0 || win->w < 0 ||
        win->y0 + win->h > src_dims->h || win->x0 + win->w > src_dims->w) {
        return TC_ERR_ARG;
    }
    const size_t pixel = (size_t)src_dims->c * (size_t)elem_bytes;
    const size_t row = (size_t)win->w * pixel;
    const uint8_t *s = (const uint8_t *)src + ((size_t)win->y0 * (size_t)src_dims->w + (size_t)win->x0) * pixel;
    uint8_t *d = (uint8_t *)dst;
    for (int32_t y = 0; y < win->h; y++) {
        if (row > 0) {
            memcpy(d, s, row);
        }
        s += (size_t)src_dims->w * pixel;
        d += row;
    }
    return TC_OK;
}
