#include <stddef.h>

#include "tc_quantmcu.h"

#include <string.h>

#if defined(TC_DSP) && TC_DSP
/* Byte-wise signed max / min of two words (SSUB8 sets the GE flags SEL reads). */
static inline __attribute__((always_inline)) uint32_t max8x4(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}

static inline __attribute__((always_inline)) uint32_t min8x4(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8 %0, %1, %2\n\tsel %0, %2, %1" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}
#endif

/* max q - zp over buf[0..n) (maps stored below 8 bits follow a fused ReLU: q >= zp) */
static int32_t peak_nonneg_s8(const int8_t *buf, int32_t n, int32_t zp)
{
    int32_t hi = -128;
    int32_t i = 0;
#if defined(TC_DSP) && TC_DSP
    uint32_t hi4 = 0x80808080u, hj4 = 0x80808080u;
    for (; i + 8 <= n; i += 8) {
        uint32_t v, w;
        memcpy(&v, buf + i, 4);
        memcpy(&w, buf + i + 4, 4);
        hi4 = max8x4(hi4, v);
        hj4 = max8x4(hj4, w);
    }
    hi4 = max8x4(hi4, hj4);
    for (int32_t k = 0; k < 4; k++) {
        const int32_t h = (int32_t)(int8_t)(uint8_t)(hi4 >> (8 * k));
        hi = h > hi ? h : hi;
    }
#endif
    for (; i < n; i++) {
        hi = buf[i] > hi ? buf[i] : hi;
    }
    return n == 0 ? 0 : hi - zp;
}

/* max |q - zp| over buf[0..n) */
static int32_t peak_s8(const int8_t *buf, int32_t n, int32_t zp)
{
    int32_t hi = -128, lo = 127;
    int32_t i = 0;
#if defined(TC_DSP) && TC_DSP
    uint32_t hi4 = 0x80808080u, lo4 = 0x7F7F7F7Fu;
    for (; i + 4 <= n; i += 4) {
        uint32_t v;
        memcpy(&v, buf + i, 4);
        hi4 = max8x4(hi4, v);
        lo4 = min8x4(lo4, v);
    }
    for (int32_t k = 0; k < 4; k++) {
        const int32_t h = (int32_t)(int8_t)(uint8_t)(hi4 >> (8 * k)), l = (int32_t)(int8_t)(uint8_t)(lo4 >> (8 * k));
        hi = h > hi ? h : hi;
        lo = l < lo ? l : lo;
    }
#endif
    for (; i < n; i++) {
        hi = buf[i] > hi ? buf[i] : hi;
        lo = buf[i] < lo ? buf[i] : lo;
    }
    if (n == 0) {
        return 0;
    }
    return hi - zp > zp - lo ? hi - zp : zp - lo;
}

/* The plane bytes of eight values (byte j: bit c of channel c's code's bit j), from the table. */
static inline __attribute__((always_inline)) uint32_t planes8(const uint32_t *lut, const int8_t *s)
{
    return lut[s[0]] | lut[s[1]] << 1 | lut[s[2]] << 2 | lut[s[3]] << 3 | lut[s[4]] << 4 | lut[s[5]] << 5 |
           lut[s[6]] << 6 | lut[s[7]] << 7;
}

tc_status tc_quantmcu_bp_s8(const tc_quantmcu_map *map, const int8_t *src, uint8_t *dst, int32_t pixels,
                            int32_t channels, int32_t *outlier)
{
    const int32_t bits = map->bits;
    if (pixels < 0 || channels < 1 || bits < 1 || bits > 8 ||
        (bits < 8 && (map->planes == NULL || bits > 4 || channels % 8 != 0 || channels > TC_BP_MAX_C))) {
        return TC_ERR_ARG;
    }
    const int32_t peak = bits < 8 ? peak_nonneg_s8(src, pixels * channels, map->zp)
                                  : peak_s8(src, pixels * channels, map->zp);
    if (peak > map->threshold) {
        *outlier = 1;
    }
    if (bits == 8) {
        return TC_OK;
    }
    const int32_t cb = channels >> 3;
    /* planes[q + 128] has bit j of q's code at bit 8 j: eight lookups shifted by the channel's
     * position give the pixel's plane bytes for eight channels. Pixel p's planes land in bytes
     * [p * bits * cb, (p + 1) * bits * cb), never past its own values: reading the whole pixel
     * first makes an in-place store (dst == src) safe too. */
    const uint32_t *lut = map->planes + 128; /* indexed by the signed value */
    if (cb <= 2) { /* 8 or 16 channels: the words stay in registers */
        for (int32_t p = 0; p < pixels; p++, src += channels, dst += bits * cb) {
            const uint32_t w0 = planes8(lut, src);
            const uint32_t w1 = cb == 2 ? planes8(lut, src + 8) : 0u;
            for (int32_t j = 0; j < bits; j++) {
                dst[j * cb] = (uint8_t)(w0 >> (8 * j));
                if (cb == 2) {
                    dst[j * cb + 1] = (uint8_t)(w1 >> (8 * j));
                }
            }
        }
        return TC_OK;
    }
    uint32_t words[TC_BP_MAX_C / 8];
    for (int32_t p = 0; p < pixels; p++, src += channels, dst += bits * cb) {
        for (int32_t k = 0; k < cb; k++) {
            words[k] = planes8(lut, src + 8 * k);
        }
        for (int32_t j = 0; j < bits; j++) {
            for (int32_t k = 0; k < cb; k++) {
                dst[j * cb + k] = (uint8_t)(words[k] >> (8 * j));
            }
        }
    }
    return TC_OK;
}
