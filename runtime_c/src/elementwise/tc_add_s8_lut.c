#include <string.h>

#include "tc_elementwise.h"
#include "tc_fixedpoint.h"

/* Each input's contribution to TFLite's AddFunc depends on that input's int8 value alone, so
 * the generator tabulates it (256 int32 per input): what is left per element is two loads, a
 * sum, the output requantization and the clamp. */

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_conv_requant.h"

/* n contiguous elements; output may equal a or b (each element is read before it is written). */
static void add_run_dsp(const tc_add_params *p, const int32_t *la, const int32_t *lb, int32_t n, const int8_t *a,
                        const int8_t *b, int8_t *out)
{
    const tc_dr_chan k = tc_dr_chan_of(p->output_multiplier, p->output_shift, p->output_offset);
    int32_t i = 0;
    if (k.k != 0 && p->output_multiplier >= 0) {
        const uint32_t lo4 = tc_dup8(p->activation.min), hi4 = tc_dup8(p->activation.max);
        for (; i + 4 <= n; i += 4) {
            const uint32_t v = tc_pack4_clamp(tc_dr_apply_fast(&k, la[a[i]] + lb[b[i]]),
                                              tc_dr_apply_fast(&k, la[a[i + 1]] + lb[b[i + 1]]),
                                              tc_dr_apply_fast(&k, la[a[i + 2]] + lb[b[i + 2]]),
                                              tc_dr_apply_fast(&k, la[a[i + 3]] + lb[b[i + 3]]), lo4, hi4);
            memcpy(out + i, &v, 4);
        }
    }
    for (; i < n; i++) {
        const int32_t y = tc_requantize_dr(la[a[i]] + lb[b[i]], p->output_multiplier, p->output_shift);
        out[i] = (int8_t)tc_clamp_i32(y + p->output_offset, p->activation.min, p->activation.max);
    }
}
#endif

static int8_t add_one_lut(const tc_add_params *p, const int32_t *la, const int32_t *lb, int8_t a, int8_t b)
{
    const int32_t y = tc_requantize_dr(la[a] + lb[b], p->output_multiplier, p->output_shift);
    return (int8_t)tc_clamp_i32(y + p->output_offset, p->activation.min, p->activation.max);
}

/* Whether the strides walk the output dims as one contiguous run (a dim of size 1 takes any stride). */
static int dense(const tc_dims *d, const tc_strides *s)
{
    return (d->c == 1 || s->c == 1) && (d->w == 1 || s->w == d->c) && (d->h == 1 || s->h == d->w * d->c) &&
           (d->n == 1 || s->n == d->h * d->w * d->c);
}

tc_status tc_add_s8_lut(const tc_add_params *params,
                        const int32_t *lut_a,
                        const int32_t *lut_b,
                        const tc_dims *out_dims,
                        const tc_strides *a_strides,
                        const int8_t *a,
                        const tc_strides *b_strides,
                        const int8_t *b,
                        int8_t *output)
{
    const int32_t *la = lut_a + 128, *lb = lut_b + 128; /* indexed by the int8 value */
    if (dense(out_dims, a_strides) && dense(out_dims, b_strides)) {
        const int32_t n = out_dims->n * out_dims->h * out_dims->w * out_dims->c;
#if defined(TC_DSP) && TC_DSP
        add_run_dsp(params, la, lb, n, a, b, output);
#else
        for (int32_t i = 0; i < n; i++) {
            output[i] = add_one_lut(params, la, lb, a[i], b[i]);
        }
#endif
        return TC_OK;
    }
    for (int32_t n = 0; n < out_dims->n; n++) {
        for (int32_t h = 0; h < out_dims->h; h++) {
            for (int32_t w = 0; w < out_dims->w; w++) {
                const int8_t *pa = a + n * a_strides->n + h * a_strides->h + w * a_strides->w;
                const int8_t *pb = b + n * b_strides->n + h * b_strides->h + w * b_strides->w;
                for (int32_t c = 0; c < out_dims->c; c++) {
                    *output++ = add_one_lut(params, la, lb, pa[c * a_strides->c], pb[c * b_strides->c]);
                }
            }
        }
    }
    return TC_OK;
}
