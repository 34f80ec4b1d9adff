#include "tc_quantmcu.h"

tc_status tc_quantmcu_bp_s8(const tc_quantmcu_map *map, int8_t *buf, int32_t pixels, int32_t channels,
                            int32_t *outlier, int32_t *packed)
{
    const tc_pack_grid *g = &map->grid;
    const int32_t bits = g->bits;
    const int32_t n = pixels * channels;
    *packed = 0;
    if (pixels < 0 || channels < 1 || bits < 1 || bits > 8 ||
        (bits < 8 && (g->span < 1 || channels % 8 != 0 || channels > TC_BP_MAX_C))) {
        return TC_ERR_ARG;
    }
    int32_t peak = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t d = (int32_t)buf[i] - g->zp;
        d = d < 0 ? -d : d;
        peak = d > peak ? d : peak;
    }
    if (peak > map->threshold) {
        *outlier = 1;
    }
    if (*outlier || bits == 8) {
        return TC_OK;
    }
    const int32_t levels = (1 << bits) - 1;
    const int32_t cb = channels >> 3;
    uint8_t codes[TC_BP_MAX_C];
    uint8_t *dst = (uint8_t *)buf;
    /* Pixel p's planes land in bytes [p * bits * cb, (p + 1) * bits * cb), never past the end of
     * its own int8 values: reading the pixel first makes the in-place store safe. */
    for (int32_t p = 0; p < pixels; p++) {
        const int8_t *src = buf + p * channels;
        for (int32_t c = 0; c < channels; c++) {
            int32_t d = (int32_t)src[c] - g->zp - g->offset;
            d = d < 0 ? 0 : (d > g->span ? g->span : d);
            const int32_t u = (d * g->mul + 32768) >> 16;
            codes[c] = (uint8_t)(u > levels ? levels : u);
        }
        uint8_t *px = dst + p * bits * cb;
        for (int32_t j = 0; j < bits; j++) {
            for (int32_t k = 0; k < cb; k++) {
                uint32_t v = 0;
                for (int32_t t = 0; t < 8; t++) {
                    v |= ((uint32_t)codes[8 * k + t] >> j & 1u) << t;
                }
                px[j * cb + k] = (uint8_t)v;
            }
        }
    }
    *packed = 1;
    return TC_OK;
}
