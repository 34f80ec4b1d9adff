#include "tc_mixed.h"

/* round(v) with halves away from zero, saturated to [lo, hi]; no libm. For |v| < 2^31 the
 * truncation is exact and so is a - t, so this is C's round() exactly. */
static int32_t round_sat(double v, int32_t lo, int32_t hi)
{
    if (v >= (double)hi) {
        return hi;
    }
    if (v <= (double)lo) {
        return lo;
    }
    const double a = v < 0.0 ? -v : v;
    int32_t t = (int32_t)a;
    if (a - (double)t >= 0.5) {
        t++;
    }
    return v < 0.0 ? -t : t;
}

tc_status tc_fully_connected_s16(const tc_fc_params *params, const double *scale,
                                 int32_t batches, int32_t in_ch, int32_t out_ch,
                                 const int16_t *input, const int8_t *filter, const int64_t *bias,
                                 int16_t *output)
{
    if (scale == 0 || batches < 0 || in_ch < 0 || out_ch < 0) {
        return TC_ERR_ARG;
    }
    for (int32_t b = 0; b < batches; b++) {
        const int16_t *in_row = input + b * in_ch;
        for (int32_t o = 0; o < out_ch; o++) {
            const int8_t *w_row = filter + o * in_ch;
            int64_t acc = bias ? bias[o] : 0;
            for (int32_t k = 0; k < in_ch; k++) {
                acc += (int64_t)((int32_t)in_row[k] * (int32_t)w_row[k]);
            }
            /* LiteRT's reference requantizes in double; |acc| < 2^53, so (double)acc is exact */
            const int32_t y = round_sat((double)acc * scale[o], params->activation.min, params->activation.max);
            output[b * out_ch + o] = (int16_t)y;
        }
    }
    return TC_OK;
}
