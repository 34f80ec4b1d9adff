/* Integer helpers of the normalisation kernels (tc_group_norm_s8, tc_l2_norm_s8). */
#ifndef TC_NORM_INTERNAL_H
#define TC_NORM_INTERNAL_H

#include <stdint.h>

/* Number of significant bits of x (0 for 0). */
static inline int32_t tc_bitlen_u64(uint64_t x)
{
    int32_t n = 0;
    while (x != 0) {
        x >>= 1;
        n++;
    }
    return n;
}

/* floor(sqrt(x)), bit by bit. */
static inline uint64_t tc_isqrt_u64(uint64_t x)
{
    uint64_t res = 0;
    uint64_t bit = (uint64_t)1 << 62;
    while (bit > x) {
        bit >>= 2;
    }
    while (bit != 0) {
        if (x >= res + bit) {
            x -= res + bit;
            res = (res >> 1) + bit;
        } else {
            res >>= 1;
        }
        bit >>= 2;
    }
    return res;
}

#endif /* TC_NORM_INTERNAL_H */
