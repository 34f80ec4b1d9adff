#include "tc_fixedpoint.h"
#include "tc_softmax.h"

/* lut_lookup_with_interpolation: 512 base values, the 513th only gives the last slope. */
static int16_t lut16(int32_t value, const int16_t *lut)
{
    const int32_t index = 256 + (value >> 7);
    const int32_t offset = value & 0x7F;
    const int32_t base = lut[index];
    const int32_t slope = (int16_t)(lut[index + 1] - base);
    return (int16_t)(base + ((slope * offset + 64) >> 7));
}

static int32_t clz32(uint32_t v)
{
    int32_t n = 0;
    if (v == 0u) {
        return 32;
    }
    while ((v & 0x80000000u) == 0u) {
        v <<= 1;
        n++;
    }
    return n;
}

tc_status tc_softmax_s16(const tc_softmax_s16_params *params, const int16_t *exp_lut, const int16_t *recip_lut,
                         int32_t rows, int32_t depth, const int16_t *input, int16_t *output)
{
    if (rows < 0 || depth < 1 || depth > 65535) {
        return TC_ERR_ARG;
    }
    for (int32_t r = 0; r < rows; r++) {
        const int16_t *in = input + r * depth;
        int16_t *out = output + r * depth;
        int32_t max = INT16_MIN;
        for (int32_t c = 0; c < depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        /* The exps go to the output first (TFLite does the same), so in place is fine. */
        int32_t sum = 0;
        for (int32_t c = 0; c < depth; c++) {
            const int32_t scaled = tc_requantize_dr((int32_t)in[c] - max, params->input_multiplier,
                                                    params->input_shift) + 32767;
            out[c] = lut16(tc_clamp_i32(scaled, -32768, 32767), exp_lut);
            sum += out[c];
        }
        const int32_t headroom_plus_one = clz32((uint32_t)sum);
        const int32_t shifted = (int32_t)((((int64_t)sum << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        const int32_t sym = tc_clamp_i32(shifted - ((1 << 15) + (1 << 16)), -32768, 32767);
        const int64_t recip = lut16(sym, recip_lut);
        const int32_t right = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right - 1);
        for (int32_t c = 0; c < depth; c++) {
            const int32_t v = (int32_t)(((int64_t)out[c] * recip + round) >> right);
            out[c] = (int16_t)tc_clamp_i32(v, 0, 32767);
        }
    }
    return TC_OK;
}
