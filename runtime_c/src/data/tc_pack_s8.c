#include "tc_pack.h"

tc_status tc_pack_s8(const int8_t *src, uint8_t *dst, int32_t n, const tc_pack_grid *grid)
{
    const int32_t bits = grid->bits;
    const int32_t levels = (1 << bits) - 1;
    if (bits < 1 || bits > 7 || grid->span < 1 || n < 0) {
        return TC_ERR_ARG;
    }
    uint32_t acc = 0; /* bits not yet written, LSB first */
    int32_t used = 0;
    int32_t out = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t d = (int32_t)src[i] - grid->zp - grid->offset;
        d = d < 0 ? 0 : (d > grid->span ? grid->span : d);
        /* d <= span, so d * mul <= (2^bits - 1) * 2^16 + span: no int32 overflow */
        int32_t u = (d * grid->mul + 32768) >> 16;
        u = u > levels ? levels : u;
        acc |= (uint32_t)u << used;
        used += bits;
        while (used >= 8) {
            dst[out++] = (uint8_t)(acc & 0xFFu);
            acc >>= 8;
            used -= 8;
        }
    }
    if (used > 0) {
        dst[out] = (uint8_t)(acc & 0xFFu);
    }
    return TC_OK;
}
