#include "tc_pack.h"

tc_status tc_pack_unpack_s8(const uint8_t *src, int8_t *dst, int32_t n, int32_t bits, const int8_t *lut)
{
    if (bits < 1 || bits > 7 || n < 0) {
        return TC_ERR_ARG;
    }
    const uint32_t mask = (1u << bits) - 1u;
    uint32_t acc = 0;
    int32_t have = 0;
    int32_t in = 0;
    for (int32_t i = 0; i < n; i++) {
        if (have < bits) {
            acc |= (uint32_t)src[in++] << have;
            have += 8;
        }
        dst[i] = lut[acc & mask];
        acc >>= bits;
        have -= bits;
    }
    return TC_OK;
}
