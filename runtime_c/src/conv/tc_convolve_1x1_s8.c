#include <string.h>

#include "tc_conv.h"
#include "tc_conv_requant.h"
#include "tc_dot_s8_dsp.h"
#include "tc_pair_dsp.h"

#if defined(TC_DSP) && TC_DSP
/* One output pixel (all C_OUT channels) from one input pixel: four filter rows per pass
 * share each input load (SMLAD on 16-bit pairs, input offset folded into the input lanes). */
static void pixel_1x1(const tc_conv_params *p, const tc_per_channel_quant *q, int32_t c_in, int32_t c_out,
                      const int8_t *in, const int8_t *filter, const int32_t *bias, int8_t *out)
{
    int32_t oc = 0;
    for (; oc + 4 <= c_out; oc += 4) {
        int32_t acc[4] = {0, 0, 0, 0};
        tc_dsp_dot4_s8(in, p->input_offset, filter + oc * c_in, c_in, 0, c_in, acc);
        for (int32_t r = 0; r < 4; r++) {
            const int32_t sum = bias ? acc[r] + bias[oc + r] : acc[r];
            out[oc + r] = tc_conv_requant(sum, q->multiplier[oc + r], q->shift[oc + r], p->output_offset,
                                          p->activation.min, p->activation.max);
        }
    }
    for (; oc < c_out; oc++) {
        int32_t acc = tc_dsp_dot1_s8(in, p->input_offset, filter + oc * c_in, 0, c_in, 0);
        if (bias) {
            acc += bias[oc];
        }
        out[oc] = tc_conv_requant(acc, q->multiplier[oc], q->shift[oc], p->output_offset,
                                  p->activation.min, p->activation.max);
    }
}

/* All pixels, two at a time (the last one paired with itself when the count is odd).
 * Each pair's inputs are copied into col (in scratch, TC_PAIR_SCRATCH_BYTES(C_IN, C_OUT, 0)
 * bytes) before any output is written, and pairs walk forward when C_OUT <= C_IN, backward
 * otherwise, so a pair's outputs only cover input pixels already read: correct in place. */
static void pointwise_pairs(const tc_conv_params *p, const tc_per_channel_quant *q, int32_t c_in, int32_t c_out,
                            int32_t pixels, const int8_t *input, const int8_t *filter, const int32_t *bias,
                            int8_t *output, void *scratch)
{
    tc_pair_col col;
    tc_pair_quant pq;
    (void)tc_pair_scratch_init(scratch, c_in, c_out, &pq, &col);
    tc_pair_quant_init(&pq, q, bias, p->output_offset, p->activation.min, p->activation.max, c_out);
    const int forward = c_out <= c_in;
    for (int32_t i = 0; 2 * i < pixels; i++) {
        int32_t pa = 2 * i, pb = 2 * i + 1;
        if (!forward) {
            pb = pixels - 1 - 2 * i;
            pa = pb - 1;
        }
        pa = pa < 0 ? pb : pa;
        pb = pb >= pixels ? pa : pb;
        tc_pair_widen(input + pa * c_in, input + pb * c_in, c_in, p->input_offset, &col);
        tc_pair_outputs(&col, filter, c_out, &pq, output + pa * c_out, output + pb * c_out);
    }
}
#else
/* One output pixel (all C_OUT channels) from one input pixel. */
static void pixel_1x1(const tc_conv_params *p, const tc_per_channel_quant *q, int32_t c_in, int32_t c_out,
                      const int8_t *in, const int8_t *filter, const int32_t *bias, int8_t *out)
{
    for (int32_t oc = 0; oc < c_out; oc++) {
        const int8_t *wp = filter + oc * c_in;
        int32_t acc = 0;
        for (int32_t ic = 0; ic < c_in; ic++) {
            acc += ((int32_t)in[ic] + p->input_offset) * (int32_t)wp[ic];
        }
        if (bias) {
            acc += bias[oc];
        }
        out[oc] = tc_conv_requant(acc, q->multiplier[oc], q->shift[oc], p->output_offset,
                                  p->activation.min, p->activation.max);
    }
}
#endif

int32_t tc_convolve_1x1_s8_get_buffer_size(const tc_dims *input_dims, const tc_dims *output_dims)
{
    const int32_t c_in = input_dims->c, c_out = output_dims->c;
    if (c_in > 1024) { /* TC_PAIR_MAX_K: one output pixel */
        return c_out;
    }
    const int32_t pairs = (c_out <= 256 ? 16 * c_out : 0) + 4 * c_in; /* TC_PAIR_SCRATCH_BYTES(C_IN, C_OUT, 0) */
    return pairs > c_out ? pairs : c_out;
}

tc_status tc_convolve_1x1_s8(const tc_context *ctx,
                             const tc_conv_params *params,
                             const tc_per_channel_quant *quant,
                             const tc_dims *input_dims,
                             const int8_t *input,
                             const tc_dims *filter_dims,
                             const int8_t *filter,
                             const int32_t *bias,
                             const tc_dims *output_dims,
                             int8_t *output)
{
    const int32_t c_in = input_dims->c;
    const int32_t c_out = output_dims->c;
    if (filter_dims->h != 1 || filter_dims->w != 1 || filter_dims->c != c_in || filter_dims->n != c_out ||
        output_dims->n != input_dims->n || output_dims->h != input_dims->h || output_dims->w != input_dims->w) {
        return TC_ERR_ARG;
    }
    const int32_t pixels = input_dims->n * input_dims->h * input_dims->w;
#if defined(TC_DSP) && TC_DSP
    if (c_in <= TC_PAIR_MAX_K && ctx != NULL && ctx->buf != NULL &&
        ctx->size >= TC_PAIR_SCRATCH_BYTES(c_in, c_out, 0)) {
        pointwise_pairs(params, quant, c_in, c_out, pixels, input, filter, bias, output, ctx->buf);
        return TC_OK;
    }
#endif
    int8_t *tmp = (ctx != NULL) ? (int8_t *)ctx->buf : NULL;
    if (tmp == NULL) {
        for (int32_t px = 0; px < pixels; px++) {
            pixel_1x1(params, quant, c_in, c_out, input + px * c_in, filter, bias, output + px * c_out);
        }
        return TC_OK;
    }
    if (ctx->size < c_out) {
        return TC_ERR_ARG;
    }
    /* In place (output == input): pixel px's output [px*C_OUT, (px+1)*C_OUT) only covers input
     * pixels already consumed when walking forward with C_OUT <= C_IN, or backward otherwise. */
    const size_t nbytes = (size_t)c_out;
    if (c_out <= c_in) {
        for (int32_t px = 0; px < pixels; px++) {
            pixel_1x1(params, quant, c_in, c_out, input + px * c_in, filter, bias, tmp);
            memcpy(output + px * c_out, tmp, nbytes);
        }
    } else {
        for (int32_t px = pixels - 1; px >= 0; px--) {
            pixel_1x1(params, quant, c_in, c_out, input + px * c_in, filter, bias, tmp);
            memcpy(output + px * c_out, tmp, nbytes);
        }
    }
    return TC_OK;
}
