#include "tc_conv.h"
#include "tc_conv_requant.h"
#include "tc_dot_s8_dsp.h"
#include "tc_pair_dsp.h"

/* Sum over the kernel taps that fall inside the input: TFLite skips padded
 * taps rather than adding zero-point values, so they contribute nothing. */
static int32_t conv_acc(const tc_conv_params *p, const tc_dims *in_dims, const int8_t *in_batch,
                        const tc_dims *f_dims, const int8_t *f_oc, int32_t in_c0,
                        int32_t iy0, int32_t ix0)
{
    int32_t acc = 0;
    for (int32_t ky = 0; ky < f_dims->h; ky++) {
        const int32_t iy = iy0 + ky * p->dilation.h;
        if (iy < 0 || iy >= in_dims->h) {
            continue;
        }
        for (int32_t kx = 0; kx < f_dims->w; kx++) {
            const int32_t ix = ix0 + kx * p->dilation.w;
            if (ix < 0 || ix >= in_dims->w) {
                continue;
            }
            const int8_t *ip = in_batch + (iy * in_dims->w + ix) * in_dims->c + in_c0;
            const int8_t *wp = f_oc + (ky * f_dims->w + kx) * f_dims->c;
            for (int32_t ic = 0; ic < f_dims->c; ic++) {
                acc += ((int32_t)ip[ic] + p->input_offset) * (int32_t)wp[ic];
            }
        }
    }
    return acc;
}

#if defined(TC_DSP) && TC_DSP
/* conv_acc for output channels oc..oc+3 at once (same group, filters filter_size apart):
 * afterwards acc[r] holds the sum for f_oc + r * filter_size. */
static void conv_acc4(const tc_conv_params *p, const tc_dims *in_dims, const int8_t *in_batch,
                      const tc_dims *f_dims, const int8_t *f_oc, int32_t filter_size, int32_t in_c0,
                      int32_t iy0, int32_t ix0, int32_t acc[4])
{
    for (int32_t r = 0; r < 4; r++) {
        acc[r] = 0;
    }
    /* A kernel row wholly inside the input, undilated, over all input channels is one
     * contiguous run of f_w * C bytes in both input and filter: one dot product. */
    const int32_t row_len = f_dims->w * f_dims->c;
    const int contiguous_rows = p->dilation.w == 1 && f_dims->c == in_dims->c && ix0 >= 0 &&
                                ix0 + f_dims->w <= in_dims->w;
    for (int32_t ky = 0; ky < f_dims->h; ky++) {
        const int32_t iy = iy0 + ky * p->dilation.h;
        if (iy < 0 || iy >= in_dims->h) {
            continue;
        }
        if (contiguous_rows) {
            tc_dsp_dot4_s8(in_batch + (iy * in_dims->w + ix0) * in_dims->c, p->input_offset,
                           f_oc + ky * row_len, filter_size, 0, row_len, acc);
            continue;
        }
        for (int32_t kx = 0; kx < f_dims->w; kx++) {
            const int32_t ix = ix0 + kx * p->dilation.w;
            if (ix < 0 || ix >= in_dims->w) {
                continue;
            }
            const int8_t *ip = in_batch + (iy * in_dims->w + ix) * in_dims->c + in_c0;
            const int8_t *wp = f_oc + (ky * f_dims->w + kx) * f_dims->c;
            tc_dsp_dot4_s8(ip, p->input_offset, wp, filter_size, 0, f_dims->c, acc);
        }
    }
}

/* Gathers output pixel (iy0, ix0)'s receptive field into col (the filter's [KH, KW, C] order).
 * Padded taps get the input zero point, so (x + input_offset) is 0 there and they add
 * nothing, as in the reference. Groups 1 only. */
static void im2col_pixel(const tc_conv_params *p, const tc_dims *in_dims, const int8_t *in_batch,
                         const tc_dims *f_dims, int32_t iy0, int32_t ix0, int8_t *col)
{
    const int32_t chans = in_dims->c;
    const int8_t pad = (int8_t)(-p->input_offset);
    for (int32_t ky = 0; ky < f_dims->h; ky++) {
        const int32_t iy = iy0 + ky * p->dilation.h;
        for (int32_t kx = 0; kx < f_dims->w; kx++) {
            const int32_t ix = ix0 + kx * p->dilation.w;
            if (iy < 0 || iy >= in_dims->h || ix < 0 || ix >= in_dims->w) {
                for (int32_t ic = 0; ic < chans; ic++) {
                    *col++ = pad;
                }
                continue;
            }
            const int8_t *src = in_batch + (iy * in_dims->w + ix) * chans;
            for (int32_t ic = 0; ic < chans; ic++) {
                *col++ = src[ic];
            }
        }
    }
}

/* Groups 1, receptive field <= TC_PAIR_MAX_K: output pixels two at a time (row-major, the last
 * one paired with itself when the count is odd) through im2col and the 2x2 pair kernel, with
 * its table, column and fields in scratch (TC_PAIR_SCRATCH_BYTES(k, C_OUT, 1) bytes). */
static void conv_pairs(const tc_conv_params *p, const tc_per_channel_quant *q, const tc_dims *in_dims,
                       const int8_t *in_batch, const tc_dims *f_dims, const int8_t *filter, const int32_t *bias,
                       const tc_dims *out_dims, int8_t *out_batch, void *scratch)
{
    const int32_t k = f_dims->h * f_dims->w * f_dims->c;
    tc_pair_col col;
    tc_pair_quant pq;
    int8_t *field0 = tc_pair_scratch_init(scratch, k, out_dims->c, &pq, &col);
    int8_t *field1 = field0 + k;
    tc_pair_quant_init(&pq, q, bias, p->output_offset, p->activation.min, p->activation.max, out_dims->c);
    const int32_t pixels = out_dims->h * out_dims->w;
    const int32_t c_out = out_dims->c;
    for (int32_t pa = 0; pa < pixels; pa += 2) {
        const int32_t pb = pa + 1 < pixels ? pa + 1 : pa;
        im2col_pixel(p, in_dims, in_batch, f_dims, (pa / out_dims->w) * p->stride.h - p->padding.h,
                     (pa % out_dims->w) * p->stride.w - p->padding.w, field0);
        im2col_pixel(p, in_dims, in_batch, f_dims, (pb / out_dims->w) * p->stride.h - p->padding.h,
                     (pb % out_dims->w) * p->stride.w - p->padding.w, field1);
        tc_pair_widen(field0, field1, k, p->input_offset, &col);
        tc_pair_outputs(&col, filter, c_out, &pq, out_batch + pa * c_out, out_batch + pb * c_out);
    }
}
#endif

int32_t tc_convolve_s8_get_buffer_size(const tc_dims *filter_dims, const tc_dims *output_dims, int32_t groups)
{
    const int32_t k = filter_dims->h * filter_dims->w * filter_dims->c;
    if (groups != 1 || k > 1024) { /* TC_PAIR_MAX_K: no pair path, no scratch */
        return 0;
    }
    return (output_dims->c <= 256 ? 16 * output_dims->c : 0) + 6 * k; /* TC_PAIR_SCRATCH_BYTES(k, C_OUT, 1) */
}

tc_status tc_convolve_s8(const tc_context *ctx,
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
#if !(defined(TC_DSP) && TC_DSP)
    (void)ctx;
#endif
    const int32_t groups = params->groups;
    if (groups < 1 || input_dims->c != groups * filter_dims->c || output_dims->c != filter_dims->n ||
        output_dims->c % groups != 0) {
        return TC_ERR_ARG;
    }
    const int32_t out_per_group = output_dims->c / groups;
    const int32_t filter_size = filter_dims->h * filter_dims->w * filter_dims->c;
    int8_t *out = output;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *in_batch = input + b * input_dims->h * input_dims->w * input_dims->c;
#if defined(TC_DSP) && TC_DSP
        if (groups == 1 && filter_size <= TC_PAIR_MAX_K && ctx != NULL && ctx->buf != NULL &&
            ctx->size >= TC_PAIR_SCRATCH_BYTES(filter_size, output_dims->c, 1)) {
            conv_pairs(params, quant, input_dims, in_batch, filter_dims, filter, bias, output_dims, out, ctx->buf);
            out += output_dims->h * output_dims->w * output_dims->c;
            continue;
        }
#endif
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t iy0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < output_dims->w; ox++) {
                const int32_t ix0 = ox * params->stride.w - params->padding.w;
                int32_t oc = 0;
#if defined(TC_DSP) && TC_DSP
                /* Blocks of four output channels within one group share each input load. */
                for (; oc + 4 <= output_dims->c && oc / out_per_group == (oc + 3) / out_per_group; oc += 4) {
                    int32_t acc4[4];
                    conv_acc4(params, input_dims, in_batch, filter_dims, filter + oc * filter_size, filter_size,
                              (oc / out_per_group) * filter_dims->c, iy0, ix0, acc4);
                    for (int32_t r = 0; r < 4; r++) {
                        const int32_t sum = bias ? acc4[r] + bias[oc + r] : acc4[r];
                        *out++ = tc_conv_requant(sum, quant->multiplier[oc + r], quant->shift[oc + r],
                                                 params->output_offset, params->activation.min,
                                                 params->activation.max);
                    }
                }
#endif
                for (; oc < output_dims->c; oc++) {
                    const int32_t in_c0 = (oc / out_per_group) * filter_dims->c;
                    int32_t acc = conv_acc(params, input_dims, in_batch, filter_dims,
                                           filter + oc * filter_size, in_c0, iy0, ix0);
                    if (bias) {
                        acc += bias[oc];
                    }
                    *out++ = tc_conv_requant(acc, quant->multiplier[oc], quant->shift[oc],
                                             params->output_offset, params->activation.min,
                                             params->activation.max);
                }
            }
        }
    }
    return TC_OK;
}
