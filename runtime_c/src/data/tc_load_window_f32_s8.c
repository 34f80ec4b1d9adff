#include <stddef.h>

#include "tc_data.h"
#include "tc_data_internal.h"

tc_status tc_load_window_f32_s8(const tc_dims *dims, int32_t nchw, const tc_rect *win, float scale, int32_t zp,
                                const float *src, int8_t *dst)
{
    if (win->y0 < 0 || win->x0 < 0 || win->h < 0 || win->w < 0 || win->y0 + win->h > dims->h ||
        win->x0 + win->w > dims->w) {
        return TC_ERR_ARG;
    }
    const int32_t c_n = dims->c;
    const size_t plane = (size_t)dims->h * (size_t)dims->w;
    for (int32_t y = 0; y < win->h; y++) {
        const size_t row = (size_t)(win->y0 + y) * (size_t)dims->w + (size_t)win->x0;
        for (int32_t x = 0; x < win->w; x++) {
            for (int32_t c = 0; c < c_n; c++) {
                const float v = nchw ? src[(size_t)c * plane + row + (size_t)x] : src[(row + (size_t)x) * (size_t)c_n + (size_t)c];
                /* One float32 division, exactly as tc_quantize_f32_s8 (TFLite's AffineQuantize). */
                *dst++ = (int8_t)tc_round_clamp(v / scale, zp, -128, 127);
            }
        }
    }
    return TC_OK;
}
