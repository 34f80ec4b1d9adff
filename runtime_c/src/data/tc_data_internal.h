/*
 * tc_data_internal.h - helpers shared by the data kernels (not a public header).
 */
#ifndef TC_DATA_INTERNAL_H
#define TC_DATA_INTERNAL_H

#include <stdint.h>

#include "tc_fixedpoint.h"

/*
 * clamp(zp + roundf(v), qmin, qmax) without libm and without out-of-range
 * float->int conversions. Clamping v to [qmin - zp, qmax - zp] (integers,
 * exact in float) before rounding gives the same result, because rounding is
 * monotone and keeps integers. After the clamp |v| < 2^17, so the truncated
 * integer and the fraction v - t are exact. NaN fails v >= lo and becomes lo.
 */
static inline int32_t tc_round_clamp(float v, int32_t zp, int32_t qmin, int32_t qmax)
{
    const float lo = (float)(qmin - zp);
    const float hi = (float)(qmax - zp);
    if (!(v >= lo)) {
        v = lo;
    }
    if (v > hi) {
        v = hi;
    }
    int32_t t = (int32_t)v;
    const float frac = v - (float)t;
    if (frac >= 0.5f) {
        t += 1;
    } else if (frac <= -0.5f) {
        t -= 1;
    }
    return t + zp;
}

#endif /* TC_DATA_INTERNAL_H */
