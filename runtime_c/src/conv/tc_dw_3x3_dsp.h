/*
 * tc_dw_3x3_dsp.h - private to tc_depthwise_conv_s8.c (TC_DSP=1 only): the 3x3,
 * dilation-1, depth-multiplier-1 fast path, four channels per pass.
 *
 * Per block of four channels the nine filter words are widened once (SXTB16
 * lanes: channels 0/2 and 1/3) and the four channels' requantization constants
 * are computed once. Each output row is split into a border part (taps clipped
 * to the input, no per-tap test) and an interior part where all nine taps are
 * inside the input and unrolled. Four accumulators per pixel, SMLABB/SMLATT on
 * the 16-bit lanes: the same integer sums as the portable kernel.
 */
#ifndef TC_DW_3X3_DSP_H
#define TC_DW_3X3_DSP_H

#if defined(TC_DSP) && TC_DSP

#include <string.h>

#include "tc_conv_requant.h"
#include "tc_dot_s8_dsp.h"

typedef struct {
    int32_t w[18]; /* per tap t: w[2t] = channels (0, 2), w[2t + 1] = channels (1, 3) */
    tc_dr_chan rq[4];
    int32_t bias[4];
    int32_t xo2;  /* input offset in both lanes */
    uint32_t lo4; /* activation range in all four byte lanes */
    uint32_t hi4;
    int fast; /* every rq[r].k != 0 */
} tc_dw4_block;

/* Afterwards blk holds channels c..c+3's widened 3x3 filter and requantization constants. */
static void tc_dw4_block_init(const tc_dw_conv_params *p, const tc_per_channel_quant *q, const int8_t *filter,
                              const int32_t *bias, int32_t chans, int32_t c, tc_dw4_block *blk)
{
    for (int32_t t = 0; t < 9; t++) {
        const int32_t wv = tc_dsp_load4(filter + t * chans + c);
        blk->w[2 * t] = __sxtb16(wv);
        blk->w[2 * t + 1] = tc_dsp_sxtb16_ror8(wv);
    }
    for (int32_t r = 0; r < 4; r++) {
        blk->rq[r] = tc_dr_chan_of(q->multiplier[c + r], q->shift[c + r], p->output_offset);
        blk->bias[r] = bias ? bias[c + r] : 0;
    }
    blk->fast = blk->rq[0].k != 0 && blk->rq[1].k != 0 && blk->rq[2].k != 0 && blk->rq[3].k != 0;
    blk->xo2 = tc_dsp_dup16(p->input_offset);
    blk->lo4 = tc_dup8(p->activation.min);
    blk->hi4 = tc_dup8(p->activation.max);
}

/* acc[0..3] += tap t of the block at input pointer ip (four channels). */
static inline __attribute__((always_inline)) void tc_dw4_tap(const tc_dw4_block *blk, int32_t t, const int8_t *ip,
                                                             int32_t acc[4])
{
    const int32_t xv = tc_dsp_load4(ip);
    const int32_t x02 = __sxtab16(blk->xo2, xv);
    const int32_t x13 = tc_dsp_sxtab16_ror8(blk->xo2, xv);
    acc[0] = __smlabb(x02, blk->w[2 * t], acc[0]);
    acc[2] = __smlatt(x02, blk->w[2 * t], acc[2]);
    acc[1] = __smlabb(x13, blk->w[2 * t + 1], acc[1]);
    acc[3] = __smlatt(x13, blk->w[2 * t + 1], acc[3]);
}

/* tc_dw4_store's path for blocks with a channel outside the folded fast form (rare): out of line,
 * so that the unrolled callers carry only the fast path. */
static __attribute__((noinline, unused)) uint32_t tc_dw4_pack_slow(const tc_dw4_block *blk, const int32_t acc[4])
{
    return tc_pack4_clamp(tc_dr_apply(&blk->rq[0], acc[0] + blk->bias[0]),
                          tc_dr_apply(&blk->rq[1], acc[1] + blk->bias[1]),
                          tc_dr_apply(&blk->rq[2], acc[2] + blk->bias[2]),
                          tc_dr_apply(&blk->rq[3], acc[3] + blk->bias[3]), blk->lo4, blk->hi4);
}

static inline __attribute__((always_inline)) void tc_dw4_store(const tc_dw4_block *blk, const int32_t acc[4],
                                                               int8_t *dst)
{
    uint32_t v;
    if (blk->fast) {
        v = tc_pack4_clamp(tc_dr_apply_fast(&blk->rq[0], acc[0] + blk->bias[0]),
                           tc_dr_apply_fast(&blk->rq[1], acc[1] + blk->bias[1]),
                           tc_dr_apply_fast(&blk->rq[2], acc[2] + blk->bias[2]),
                           tc_dr_apply_fast(&blk->rq[3], acc[3] + blk->bias[3]), blk->lo4, blk->hi4);
    } else {
        v = tc_dw4_pack_slow(blk, acc);
    }
    memcpy(dst, &v, 4);
}

/* One output pixel whose taps are clipped to ky0..ky1-1 x kx0..kx1-1; base is the input offset
 * of tap (0, 0) (it may lie outside the input; only in-bounds taps are read). */
/* (unused: model code includes this header through tc_conv_spec_dsp.h without the generic rows) */
static __attribute__((unused)) void tc_dw4_border(const tc_dw4_block *blk, const int8_t *in_batch, int32_t base,
                                                  int32_t row_stride, int32_t chans, int32_t ky0, int32_t ky1,
                                                  int32_t kx0, int32_t kx1, int8_t *dst)
{
    int32_t acc[4] = {0, 0, 0, 0};
    for (int32_t ky = ky0; ky < ky1; ky++) {
        for (int32_t kx = kx0; kx < kx1; kx++) {
            tc_dw4_tap(blk, ky * 3 + kx, in_batch + (base + ky * row_stride + kx * chans), acc);
        }
    }
    tc_dw4_store(blk, acc, dst);
}

/* Output row oy of the block (channels c..c+3): OW pixels to dst, dst advancing by step. */
static __attribute__((unused)) void tc_dw4_3x3_row(const tc_dw4_block *blk, const tc_dw_conv_params *p,
                                                   const tc_dims *in_dims, const int8_t *in_batch, int32_t c,
                                                   int32_t oy, int32_t ow, int8_t *dst, int32_t step)
{
    const int32_t chans = in_dims->c;
    const int32_t row_stride = in_dims->w * chans;
    const int32_t sw = p->stride.w;
    const int32_t pl = p->padding.w;
    const int32_t iy0 = oy * p->stride.h - p->padding.h;
    const int32_t ky0 = iy0 < 0 ? -iy0 : 0;
    const int32_t ky1 = in_dims->h - iy0 < 3 ? in_dims->h - iy0 : 3;
    /* interior pixels: ix0 = ox * sw - pl with 0 <= ix0 and ix0 + 3 <= W */
    int32_t ox_lo = (pl + sw - 1) / sw;
    int32_t ox_hi = in_dims->w + pl >= 3 ? (in_dims->w + pl - 3) / sw + 1 : 0;
    ox_hi = ox_hi < ow ? ox_hi : ow;
    if (ky0 != 0 || ky1 != 3 || ox_lo > ox_hi) {
        ox_lo = ox_hi = ow; /* the whole row is border */
    }
    const int32_t base0 = iy0 * row_stride + c - pl * chans;
    for (int32_t ox = 0; ox < ow; ox++) {
        if (ox == ox_lo) { /* the interior run, all nine taps unrolled */
            const int8_t *ip = in_batch + (base0 + ox_lo * sw * chans);
            const int32_t ip_step = sw * chans;
            for (; ox < ox_hi; ox++, ip += ip_step, dst += step) {
                int32_t acc[4] = {0, 0, 0, 0};
                tc_dw4_tap(blk, 0, ip, acc);
                tc_dw4_tap(blk, 1, ip + chans, acc);
                tc_dw4_tap(blk, 2, ip + 2 * chans, acc);
                tc_dw4_tap(blk, 3, ip + row_stride, acc);
                tc_dw4_tap(blk, 4, ip + row_stride + chans, acc);
                tc_dw4_tap(blk, 5, ip + row_stride + 2 * chans, acc);
                tc_dw4_tap(blk, 6, ip + 2 * row_stride, acc);
                tc_dw4_tap(blk, 7, ip + 2 * row_stride + chans, acc);
                tc_dw4_tap(blk, 8, ip + 2 * row_stride + 2 * chans, acc);
                tc_dw4_store(blk, acc, dst);
            }
            if (ox >= ow) {
                break;
            }
        }
        const int32_t ix0 = ox * sw - pl;
        const int32_t kx0 = ix0 < 0 ? -ix0 : 0;
        const int32_t kx1 = in_dims->w - ix0 < 3 ? in_dims->w - ix0 : 3;
        tc_dw4_border(blk, in_batch, base0 + ox * sw * chans, row_stride, chans, ky0, ky1, kx0, kx1, dst);
        dst += step;
    }
}

#endif /* TC_DSP */

#endif /* TC_DW_3X3_DSP_H */
