#include <stddef.h>

#include "tc_quantmcu.h"

/* max |q - zp| over n values (0 when n == 0) */
static int32_t peak_s8(const int8_t *buf, int32_t n, int32_t zp)
{
    int32_t peak = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t d = (int32_t)buf[i] - zp;
        d = d < 0 ? -d : d;
        peak = d > peak ? d : peak;
    }
    return peak;
}

/*
 * Unpack n codes packed in buf's first bytes back into buf, last code first. Code i lies in
 * bytes <= (i * bits + bits - 1) / 8 <= i, and every code k < i lies in bytes < i, so writing
 * buf[i] only overwrites bytes no code still to be read needs.
 */
static void unpack_in_place(int8_t *buf, int32_t n, int32_t bits, const int8_t *lut)
{
    const uint8_t *bytes = (const uint8_t *)buf;
    const uint32_t mask = (1u << bits) - 1u;
    for (int32_t i = n - 1; i >= 0; i--) {
        const int32_t bit = i * bits;
        const int32_t byte = bit >> 3;
        uint32_t word = bytes[byte];
        if ((bit & 7) + bits > 8) {
            word |= (uint32_t)bytes[byte + 1] << 8;
        }
        buf[i] = lut[(word >> (bit & 7)) & mask];
    }
}

tc_status tc_quantmcu_s8(const tc_quantmcu_map *map, int8_t *buf, int32_t n, int32_t *outlier)
{
    const int32_t bits = map->grid.bits;
    if (n < 0 || bits < 1 || bits > 8 || (bits < 8 && map->lut == NULL)) {
        return TC_ERR_ARG;
    }
    if (peak_s8(buf, n, map->grid.zp) > map->threshold) {
        *outlier = 1;
    }
    if (*outlier || bits == 8) {
        return TC_OK;
    }
    /* packing in place is safe: code i is read before any byte >= i is written */
    tc_status st = tc_pack_s8(buf, (uint8_t *)buf, n, &map->grid);
    if (st != TC_OK) {
        return st;
    }
    unpack_in_place(buf, n, bits, map->lut);
    return TC_OK;
}
