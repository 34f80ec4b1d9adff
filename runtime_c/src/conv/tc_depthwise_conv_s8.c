#include <stddef.h>
#include <string.h>

#include "tc_conv.h"
#include "tc_conv_requant.h"
#include "tc_dot_s8_dsp.h"
#include "tc_dw_3x3_dsp.h"

/* One output value: output channel oc at output pixel (oy, ox), reading input channel ic.
 * Taps outside the input are skipped (TFLite: padding contributes nothing). */
static int8_t dw_value(const tc_dw_conv_params *p, const tc_per_channel_quant *q, const tc_dims *in_dims,
                       const int8_t *in_batch, const tc_dims *f_dims, const int8_t *filter,
                       const int32_t *bias, int32_t ic, int32_t oc, int32_t oy, int32_t ox)
{
    const int32_t iy0 = oy * p->stride.h - p->padding.h;
    const int32_t ix0 = ox * p->stride.w - p->padding.w;
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
            const int32_t x = (int32_t)in_batch[(iy * in_dims->w + ix) * in_dims->c + ic];
            const int32_t w = (int32_t)filter[(ky * f_dims->w + kx) * f_dims->c + oc];
            acc += (x + p->input_offset) * w;
        }
    }
    if (bias) {
        acc += bias[oc];
    }
    return tc_conv_requant(acc, q->multiplier[oc], q->shift[oc], p->output_offset,
                           p->activation.min, p->activation.max);
}

int32_t tc_depthwise_conv_s8_get_buffer_size(const tc_dims *output_dims, int32_t ch_mult)
{
    return ch_mult == 1 ? 4 * output_dims->h * output_dims->w : 0;
}

/* In place, one channel through a ring of output rows: after output row oy is computed, rows
 * head.. whose bytes (flat pixels [r*OW, (r+1)*OW) of the channel) only cover input rows no
 * later output row reads (all rows below (oy+1)*stride - pad_top) can be written. Returns the
 * new head (all rows once oy is the last). */
static int32_t ring_flush_to(const tc_dw_conv_params *p, const tc_dims *in_dims, const tc_dims *out_dims,
                             int32_t head, int32_t oy)
{
    const int32_t lo = (oy + 1) * p->stride.h - p->padding.h;
    while (head <= oy && (oy + 1 == out_dims->h || ((head + 1) * out_dims->w - 1) / in_dims->w < lo)) {
        head++;
    }
    return head;
}

int32_t tc_depthwise_conv_s8_get_min_buffer_size(const tc_dw_conv_params *params, const tc_dims *input_dims,
                                                 const tc_dims *output_dims)
{
    if (params->ch_mult != 1) {
        return 0;
    }
    int32_t head = 0, most = 0;
    for (int32_t oy = 0; oy < output_dims->h; oy++) {
        most = oy - head + 1 > most ? oy - head + 1 : most;
        head = ring_flush_to(params, input_dims, output_dims, head, oy);
    }
    return most * output_dims->w;
}

#if defined(TC_DSP) && TC_DSP
/* Taps k in [lo, hi) with 0 <= origin + k * dil < size (the in-bounds part of a kernel axis). */
static void tap_range(int32_t origin, int32_t dil, int32_t k, int32_t size, int32_t *lo, int32_t *hi)
{
    int32_t a, b;
    if (dil == 1) {
        a = origin < 0 ? -origin : 0;
        b = size - origin;
    } else {
        a = origin < 0 ? (-origin + dil - 1) / dil : 0;
        b = origin >= size ? 0 : (size - 1 - origin) / dil + 1;
    }
    *lo = a;
    *hi = b < k ? b : k;
}

/* Channels c..c+3 (ch_mult 1) at one output pixel: four requantized bytes to dst[0..3].
 * Only in-bounds taps are visited (no per-tap pad test): SMLABB/SMLATT on the SXTB16 lanes. */
static void dw_pixel4(const tc_dw_conv_params *p, const tc_per_channel_quant *q, const tc_dims *in_dims,
                      const int8_t *in_batch, const tc_dims *f_dims, const int8_t *filter, const int32_t *bias,
                      int32_t c, int32_t oy, int32_t ox, int8_t *dst)
{
    const int32_t iy0 = oy * p->stride.h - p->padding.h;
    const int32_t ix0 = ox * p->stride.w - p->padding.w;
    int32_t ky0, ky1, kx0, kx1;
    tap_range(iy0, p->dilation.h, f_dims->h, in_dims->h, &ky0, &ky1);
    tap_range(ix0, p->dilation.w, f_dims->w, in_dims->w, &kx0, &kx1);
    const int32_t xo2 = tc_dsp_dup16(p->input_offset);
    const int32_t chans = in_dims->c;
    const int32_t x_step = p->dilation.w * chans;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int32_t ky = ky0; ky < ky1; ky++) {
        const int32_t iy = iy0 + ky * p->dilation.h;
        const int8_t *ip = in_batch + (iy * in_dims->w + ix0 + kx0 * p->dilation.w) * chans + c;
        const int8_t *wp = filter + (ky * f_dims->w + kx0) * chans + c;
        for (int32_t kx = kx0; kx < kx1; kx++) {
            const int32_t xv = tc_dsp_load4(ip);
            const int32_t wv = tc_dsp_load4(wp);
            const int32_t x02 = __sxtab16(xo2, xv);
            const int32_t x13 = tc_dsp_sxtab16_ror8(xo2, xv);
            const int32_t w02 = __sxtb16(wv);
            const int32_t w13 = tc_dsp_sxtb16_ror8(wv);
            a0 = __smlabb(x02, w02, a0);
            a2 = __smlatt(x02, w02, a2);
            a1 = __smlabb(x13, w13, a1);
            a3 = __smlatt(x13, w13, a3);
            ip += x_step;
            wp += chans;
        }
    }
    const int32_t acc[4] = {a0, a1, a2, a3};
    for (int32_t r = 0; r < 4; r++) {
        const int32_t sum = bias ? acc[r] + bias[c + r] : acc[r];
        dst[r] = tc_conv_requant(sum, q->multiplier[c + r], q->shift[c + r], p->output_offset,
                                 p->activation.min, p->activation.max);
    }
}

/* ch_mult 1, four channels per pass. With tmp (4 planes), each block is computed into tmp
 * and then copied into its four output channels, which overwrites only input channels the
 * block has consumed (in-place safe); without tmp it writes straight to output. */
static void dw_dsp_s8(const tc_dw_conv_params *p, const tc_per_channel_quant *q, const tc_dims *in_dims,
                      const int8_t *in_batch, const tc_dims *f_dims, const int8_t *filter, const int32_t *bias,
                      const tc_dims *out_dims, int8_t *out_batch, int8_t *tmp)
{
    const int32_t chans = out_dims->c;
    const int32_t out_hw = out_dims->h * out_dims->w;
    int32_t c = 0;
    for (; c + 4 <= chans; c += 4) {
        int8_t *dst = tmp != NULL ? tmp : out_batch + c;
        const int32_t step = tmp != NULL ? 4 : chans;
        const int fast_3x3 = f_dims->h == 3 && f_dims->w == 3 && p->dilation.h == 1 && p->dilation.w == 1;
        tc_dw4_block blk;
        if (fast_3x3) {
            tc_dw4_block_init(p, q, filter, bias, chans, c, &blk);
        }
        for (int32_t oy = 0; oy < out_dims->h; oy++) {
            if (fast_3x3) {
                tc_dw4_3x3_row(&blk, p, in_dims, in_batch, c, oy, out_dims->w, dst, step);
                dst += step * out_dims->w;
                continue;
            }
            for (int32_t ox = 0; ox < out_dims->w; ox++) {
                dw_pixel4(p, q, in_dims, in_batch, f_dims, filter, bias, c, oy, ox, dst);
                dst += step;
            }
        }
        if (tmp != NULL) {
            for (int32_t i = 0; i < out_hw; i++) {
                memcpy(out_batch + i * chans + c, tmp + 4 * i, 4);
            }
        }
    }
    for (; c < chans; c++) { /* leftover channels, one plane each */
        for (int32_t i = 0; i < out_hw; i++) {
            const int8_t v = dw_value(p, q, in_dims, in_batch, f_dims, filter, bias, c, c,
                                      i / out_dims->w, i % out_dims->w);
            if (tmp != NULL) {
                tmp[i] = v;
            } else {
                out_batch[i * chans + c] = v;
            }
        }
        for (int32_t i = 0; tmp != NULL && i < out_hw; i++) {
            out_batch[i * chans + c] = tmp[i];
        }
    }
}
#endif

tc_status tc_depthwise_conv_s8(const tc_context *ctx,
                               const tc_dw_conv_params *params,
                               const tc_per_channel_quant *quant,
                               const tc_dims *input_dims,
                               const int8_t *input,
                               const tc_dims *filter_dims,
                               const int8_t *filter,
                               const int32_t *bias,
                               const tc_dims *output_dims,
                               int8_t *output)
{
    const int32_t dm = params->ch_mult;
    const int32_t c_out = output_dims->c;
    if (dm < 1 || c_out != input_dims->c * dm || filter_dims->c != c_out || output_dims->n != input_dims->n) {
        return TC_ERR_ARG;
    }
    const int32_t in_plane = input_dims->h * input_dims->w * input_dims->c;
    const int32_t out_hw = output_dims->h * output_dims->w;
    int8_t *tmp = (ctx != NULL && dm == 1) ? (int8_t *)ctx->buf : NULL;
    if (tmp != NULL && ctx->size < tc_depthwise_conv_s8_get_min_buffer_size(params, input_dims, output_dims)) {
        return TC_ERR_ARG;
    }
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *in_batch = input + b * in_plane;
        int8_t *out_batch = output + b * out_hw * c_out;
#if defined(TC_DSP) && TC_DSP
        /* Four channels per pass need four planes in place; with one plane (the
         * planner's choice where four would raise the peak) channels go one at a time. */
        if (dm == 1 && (tmp == NULL || ctx->size >= 4 * out_hw)) {
            dw_dsp_s8(params, quant, input_dims, in_batch, filter_dims, filter, bias, output_dims, out_batch, tmp);
            continue;
        }
#endif
        if (tmp == NULL) {
            int8_t *out = out_batch;
            for (int32_t oy = 0; oy < output_dims->h; oy++) {
                for (int32_t ox = 0; ox < output_dims->w; ox++) {
                    for (int32_t oc = 0; oc < c_out; oc++) {
                        *out++ = dw_value(params, quant, input_dims, in_batch, filter_dims, filter, bias,
                                          oc / dm, oc, oy, ox);
                    }
                }
            }
            continue;
        }
        if (ctx->size < out_hw) {
            /* One channel at a time through a ring of output rows (ring_flush_to): in-place safe. */
            const int32_t ow = output_dims->w, rows = ctx->size / ow;
            for (int32_t c = 0; c < c_out; c++) {
                int32_t head = 0;
                for (int32_t oy = 0; oy < output_dims->h; oy++) {
                    int8_t *row = tmp + (oy % rows) * ow;
                    for (int32_t ox = 0; ox < ow; ox++) {
                        row[ox] = dw_value(params, quant, input_dims, in_batch, filter_dims, filter, bias, c, c, oy, ox);
                    }
                    const int32_t next = ring_flush_to(params, input_dims, output_dims, head, oy);
                    for (; head < next; head++) {
                        const int8_t *done = tmp + (head % rows) * ow;
                        for (int32_t ox = 0; ox < ow; ox++) {
                            out_batch[(head * ow + ox) * c_out + c] = done[ox];
                        }
                    }
                }
            }
            continue;
        }
        /* One channel at a time through a plane: channel c of the output overwrites only
         * channel c of the input, which the plane has fully consumed (in-place safe). */
        for (int32_t c = 0; c < c_out; c++) {
            for (int32_t oy = 0; oy < output_dims->h; oy++) {
                for (int32_t ox = 0; ox < output_dims->w; ox++) {
                    tmp[oy * output_dims->w + ox] =
                        dw_value(params, quant, input_dims, in_batch, filter_dims, filter, bias, c, c, oy, ox);
                }
            }
            for (int32_t i = 0; i < out_hw; i++) {
                out_batch[i * c_out + c] = tmp[i];
            }
        }
    }
    return TC_OK;
}
