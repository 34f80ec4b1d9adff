/*
 * tc_conv_requant.h - private to the conv family: requantization as LiteRT's
 * CONV_2D / DEPTHWISE_CONV_2D reference kernels do it.
 *
 * Those kernels use TFLite's double-rounding MultiplyByQuantizedMultiplier
 * (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT), unlike the
 * single rounding of tc_requantize() that fully connected matches; the tests
 * in tests/ops/test_conv2d.py and test_depthwise_conv2d.py pin this against LiteRT.
 */
#ifndef TC_CONV_REQUANT_H
#define TC_CONV_REQUANT_H

#include "tc_fixedpoint.h"

/* acc -> int8 with per-channel (mult, shift), + output offset, clamped to [act_min, act_max]. */
static inline int8_t tc_conv_requant(int32_t acc, int32_t mult, int32_t shift, int32_t out_offset,
                                     int32_t act_min, int32_t act_max)
{
    const int32_t y = tc_requantize_dr(acc, mult, shift) + out_offset;
    return (int8_t)tc_clamp_i32(y, act_min, act_max);
}

#endif /* TC_CONV_REQUANT_H */
