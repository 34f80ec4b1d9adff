#include <string.h>

#include "tc_mixed.h"

/* C's round() (half away from zero) without libm: v is clamped to +-2^40, so the truncation is exact
 * and so is the fraction v - t. */
static int64_t round_half_away(double v)
{
    const double lim = 1099511627776.0; /* 2^40 */
    v = v < -lim ? -lim : (v > lim ? lim : v);
    int64_t t = (int64_t)v;
    const double frac = v - (double)t;
    if (frac >= 0.5) {
        t++;
    } else if (frac <= -0.5) {
        t--;
    }
    return t;
}

tc_status tc_fully_connected_s16(const tc_fc_params *params, const int64_t *eff_bits, int32_t batches,
                                 int32_t in_ch, int32_t out_ch, const int16_t *input, const int8_t *filter,
                                 const int64_t *bias, int16_t *output)
{
    for (int32_t o = 0; o < out_ch; o++) {
        double eff; /* LiteRT requantizes 16x8 FULLY_CONNECTED in double: s_in * s_w[o] / s_out */
        memcpy(&eff, &eff_bits[o], sizeof eff);
        const int8_t *w_row = filter + o * in_ch;
        for (int32_t b = 0; b < batches; b++) {
            const int16_t *in_row = input + b * in_ch;
            int64_t acc = bias ? bias[o] : 0;
            for (int32_t k = 0; k < in_ch; k++) {
                acc += (int64_t)((int32_t)in_row[k] * (int32_t)w_row[k]);
            }
            int64_t y = round_half_away((double)acc * eff);
            y = y < params->activation.min ? params->activation.min : y;
            y = y > params->activation.max ? params->activation.max : y;
            output[b * out_ch + o] = (int16_t)y;
        }
    }
    return TC_OK;
}
