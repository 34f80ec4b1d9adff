/*
 * tc_pair_dsp.h - private to the conv and fully connected kernels (TC_DSP=1 only):
 * two output pixels x two output channels per pass over an int16 "column" buffer.
 *
 * Each pixel's input vector (a 1x1 pixel, or a receptive field gathered by
 * im2col) is widened once to int16 with the input offset folded in, in the lane
 * order SXTB16 gives the weights: per group of four k, the words
 * (x0, x2), (x1, x3) of pixel A, then the same of pixel B. The multiply loop
 * then loads four words (one LDM), widens each weight word once (SXTB16 twice)
 * and issues eight SMLADs for 16 MACs. The sums are the same integers as the
 * portable loops', in another order: the results are bit-identical.
 */
#ifndef TC_PAIR_DSP_H
#define TC_PAIR_DSP_H

#if defined(TC_DSP) && TC_DSP

#include <string.h>

#include "tc_conv_requant.h"
#include "tc_dot_s8_dsp.h"

/* Longest input vector (k) the pair kernels take; kernels fall back beyond it. */
#define TC_PAIR_MAX_K 1024
/* Most output channels whose requantization constants the pair kernels tabulate. */
#define TC_PAIR_MAX_C 256

/* Column buffer of two pixels: k/4 groups of 4 words (in the caller's scratch), plus the
 * k % 4 tail values (offset added). */
typedef struct {
    int32_t *words; /* 4 * (k / 4) words */
    int32_t tail_a[3];
    int32_t tail_b[3];
    int32_t k;
} tc_pair_col;

/* Afterwards col holds the widened pair xa[0..k), xb[0..k) (k <= TC_PAIR_MAX_K). */
static inline void tc_pair_widen(const int8_t *xa, const int8_t *xb, int32_t k, int32_t x_off, tc_pair_col *col)
{
    const int32_t xo2 = tc_dsp_dup16(x_off);
    int32_t *dst = col->words;
    const int32_t n4 = k >> 2;
    for (int32_t j = 0; j < n4; j++) {
        const int32_t va = tc_dsp_load4(xa + 4 * j);
        const int32_t vb = tc_dsp_load4(xb + 4 * j);
        dst[0] = __sxtab16(xo2, va);
        dst[1] = tc_dsp_sxtab16_ror8(xo2, va);
        dst[2] = __sxtab16(xo2, vb);
        dst[3] = tc_dsp_sxtab16_ror8(xo2, vb);
        dst += 4;
    }
    for (int32_t t = 0; t < (k & 3); t++) {
        col->tail_a[t] = (int32_t)xa[4 * n4 + t] + x_off;
        col->tail_b[t] = (int32_t)xb[4 * n4 + t] + x_off;
    }
    col->k = k;
}

/* acc = {row0.A, row0.B, row1.A, row1.B}: the dot products of weight rows w0 and w1 (k int8 each)
 * with the two widened pixels. */
static inline void tc_pair_mac2x2(const tc_pair_col *col, const int8_t *w0, const int8_t *w1, int32_t acc[4])
{
    const int32_t *x = col->words;
    const int32_t *x_end = x + 4 * (col->k >> 2);
    int32_t a0 = 0, b0 = 0, a1 = 0, b1 = 0;
    while (x < x_end) {
        const int32_t xa02 = x[0], xa13 = x[1], xb02 = x[2], xb13 = x[3];
        x += 4;
        int32_t wv = tc_dsp_load4(w0);
        w0 += 4;
        int32_t w02 = __sxtb16(wv);
        int32_t w13 = tc_dsp_sxtb16_ror8(wv);
        a0 = __smlad(xa02, w02, a0);
        a0 = __smlad(xa13, w13, a0);
        b0 = __smlad(xb02, w02, b0);
        b0 = __smlad(xb13, w13, b0);
        wv = tc_dsp_load4(w1);
        w1 += 4;
        w02 = __sxtb16(wv);
        w13 = tc_dsp_sxtb16_ror8(wv);
        a1 = __smlad(xa02, w02, a1);
        a1 = __smlad(xa13, w13, a1);
        b1 = __smlad(xb02, w02, b1);
        b1 = __smlad(xb13, w13, b1);
    }
    for (int32_t t = 0; t < (col->k & 3); t++) {
        a0 += col->tail_a[t] * (int32_t)w0[t];
        b0 += col->tail_b[t] * (int32_t)w0[t];
        a1 += col->tail_a[t] * (int32_t)w1[t];
        b1 += col->tail_b[t] * (int32_t)w1[t];
    }
    acc[0] = a0;
    acc[1] = b0;
    acc[2] = a1;
    acc[3] = b1;
}

/* One output channel's requantization on the fast path (shift <= -1, so no left shift). */
typedef struct {
    int32_t mult;
    int32_t k;
    int32_t rs;
    int32_t bias;
} tc_pair_chan;

/* Requantization of one call: per-channel constants computed once (tab) when every channel
 * takes the fast path, else the per-output generic path. */
typedef struct {
    const int32_t *mult;
    const int32_t *shift;
    const int32_t *bias; /* may be NULL */
    int32_t out_offset;
    int32_t act_min;
    int32_t act_max;
    int fast; /* tab is filled */
    tc_pair_chan *tab; /* c_out entries (in the caller's scratch) when c_out <= TC_PAIR_MAX_C */
} tc_pair_quant;

/*
 * Scratch of the pair kernels, one int32-aligned block (kernel scratch in the arena, planned
 * like a tensor, never on the stack): the requantization table (16 bytes per output channel,
 * none beyond TC_PAIR_MAX_C channels), the widened column (4 * k bytes) and, with `fields`,
 * two gathered receptive fields (2 * k bytes). tinyc.ops.conv2d.pair_scratch mirrors it.
 */
#define TC_PAIR_TAB_BYTES(c_out) ((c_out) <= TC_PAIR_MAX_C ? 16 * (c_out) : 0)
#define TC_PAIR_SCRATCH_BYTES(k, c_out, fields) (TC_PAIR_TAB_BYTES(c_out) + 4 * (k) + ((fields) ? 2 * (k) : 0))

/* Afterwards pq and col point into scratch (TC_PAIR_SCRATCH_BYTES(k, c_out, ...) bytes,
 * int32-aligned); returns where the fields go (the bytes after the column). */
static inline int8_t *tc_pair_scratch_init(void *scratch, int32_t k, int32_t c_out, tc_pair_quant *pq,
                                           tc_pair_col *col)
{
    int8_t *base = (int8_t *)scratch;
    pq->tab = (tc_pair_chan *)(void *)base;
    col->words = (int32_t *)(void *)(base + TC_PAIR_TAB_BYTES(c_out));
    return base + TC_PAIR_TAB_BYTES(c_out) + 4 * k;
}

/* Afterwards pq describes the call; pq->fast when c_out <= TC_PAIR_MAX_C and every channel's
 * shift allows the folded fast form (tc_dr_chan.k != 0). pq->tab must be set
 * (tc_pair_scratch_init). */
static void tc_pair_quant_init(tc_pair_quant *pq, const tc_per_channel_quant *q, const int32_t *bias,
                               int32_t out_offset, int32_t act_min, int32_t act_max, int32_t c_out)
{
    pq->mult = q->multiplier;
    pq->shift = q->shift;
    pq->bias = bias;
    pq->out_offset = out_offset;
    pq->act_min = act_min;
    pq->act_max = act_max;
    pq->fast = c_out <= TC_PAIR_MAX_C;
    for (int32_t oc = 0; pq->fast && oc < c_out; oc++) {
        const tc_dr_chan c = tc_dr_chan_of(q->multiplier[oc], q->shift[oc], out_offset);
        pq->fast = c.k != 0 && c.left == 0;
        pq->tab[oc].mult = c.mult;
        pq->tab[oc].k = c.k;
        pq->tab[oc].rs = c.rs;
        pq->tab[oc].bias = bias ? bias[oc] : 0;
    }
}

/* tc_dr_apply_fast through a table entry, bias added first. */
static inline __attribute__((always_inline)) int32_t tc_pair_rq(const tc_pair_chan *c, int32_t acc)
{
    const int32_t x = acc + c->bias;
    const int32_t t = (int32_t)((uint32_t)c->k - (((uint32_t)x >> 31) << 1));
    const int64_t round = (int64_t)(((uint64_t)(uint32_t)(t >> 2) << 32) | ((uint32_t)t << 30));
    const int64_t v = round + (int64_t)x * (int64_t)c->mult;
    return (int32_t)(v >> 32) >> c->rs;
}

/* Channel oc of both pixels on the generic path. */
static inline void tc_pair_out_slow(const tc_pair_quant *q, int32_t oc, int32_t acc_a, int32_t acc_b,
                                    int8_t *out_a, int8_t *out_b)
{
    const tc_dr_chan c = tc_dr_chan_of(q->mult[oc], q->shift[oc], q->out_offset);
    const int32_t b = q->bias ? q->bias[oc] : 0;
    *out_a = tc_conv_requant_chan(&c, acc_a + b, q->act_min, q->act_max);
    *out_b = tc_conv_requant_chan(&c, acc_b + b, q->act_min, q->act_max);
}

/* All c_out outputs of the two pixels in col: out_a[oc], out_b[oc] for filter rows of col->k int8.
 * Channels go in pairs; on the fast path each pixel's two bytes are clamped lane-wise and
 * stored as one halfword. */
static inline void tc_pair_outputs(const tc_pair_col *col, const int8_t *filter, int32_t c_out,
                                   const tc_pair_quant *q, int8_t *out_a, int8_t *out_b)
{
    const int32_t k = col->k;
    const uint32_t lo4 = tc_dup8(q->act_min);
    const uint32_t hi4 = tc_dup8(q->act_max);
    int32_t oc = 0;
    for (; oc + 2 <= c_out; oc += 2) {
        int32_t acc[4];
        tc_pair_mac2x2(col, filter + oc * k, filter + (oc + 1) * k, acc);
        if (q->fast) {
            const tc_pair_chan *c = q->tab + oc;
            const uint16_t ha = (uint16_t)tc_pack2_clamp(tc_pair_rq(c, acc[0]), tc_pair_rq(c + 1, acc[2]), lo4, hi4);
            const uint16_t hb = (uint16_t)tc_pack2_clamp(tc_pair_rq(c, acc[1]), tc_pair_rq(c + 1, acc[3]), lo4, hi4);
            memcpy(out_a + oc, &ha, 2);
            memcpy(out_b + oc, &hb, 2);
        } else {
            tc_pair_out_slow(q, oc, acc[0], acc[1], out_a + oc, out_b + oc);
            tc_pair_out_slow(q, oc + 1, acc[2], acc[3], out_a + oc + 1, out_b + oc + 1);
        }
    }
    if (oc < c_out) { /* odd C_OUT: the last row twice */
        int32_t acc[4];
        tc_pair_mac2x2(col, filter + oc * k, filter + oc * k, acc);
        tc_pair_out_slow(q, oc, acc[0], acc[1], out_a + oc, out_b + oc);
    }
}

#endif /* TC_DSP */

#endif /* TC_PAIR_DSP_H */
