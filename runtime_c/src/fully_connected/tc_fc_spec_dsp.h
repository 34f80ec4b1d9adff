/*
 * tc_fc_spec_dsp.h - compile-time specialised fully connected kernel (TC_DSP=1 only),
 * reached through tc_fc.h so that generated model code can call it.
 *
 * tc_fully_connected_s8_spec is always_inline: templates/ops/fully_connected_s8_spec.j2
 * calls it with the layer's sizes as literals. With the row length a constant, the four
 * weight rows of a pass are one pointer plus immediate offsets, which frees the register
 * the generic kernel spends on the stride and keeps the multiply loop free of spills.
 * The arithmetic is that of the generic widened path (tc_fully_connected_s8.c): the same
 * integers, single-rounding requantization: the same bytes.
 */
#ifndef TC_FC_SPEC_DSP_H
#define TC_FC_SPEC_DSP_H

#if defined(TC_DSP) && TC_DSP

#include "../conv/tc_conv_requant.h"
#include "../conv/tc_dot_s8_dsp.h"
#include "tc_fixedpoint.h"

/* Longest input row tc_fully_connected_s8_spec takes (offsets in range). */
#define TC_FC_SPEC_MAX_K 1024

/* Afterwards acc[r] = sum over k < 4 * n4 of the widened input (words) times weight row
 * w + r * rs (r < 4); rs a constant at the call site. */
static inline __attribute__((always_inline)) void tc_fc_spec_rows4(const int32_t *words, const int8_t *w,
                                                                   const int32_t rs, const int32_t n4,
                                                                   int32_t acc[4])
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    const int32_t *x_end = words + 2 * n4;
    for (const int32_t *x = words; x < x_end; x += 2, w += 4) {
        const int32_t x02 = x[0], x13 = x[1];
        int32_t wv = tc_dsp_load4(w);
        a0 = __smlad(x02, __sxtb16(wv), a0);
        a0 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a0);
        wv = tc_dsp_load4(w + rs);
        a1 = __smlad(x02, __sxtb16(wv), a1);
        a1 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a1);
        wv = tc_dsp_load4(w + 2 * rs);
        a2 = __smlad(x02, __sxtb16(wv), a2);
        a2 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a2);
        wv = tc_dsp_load4(w + 3 * rs);
        a3 = __smlad(x02, __sxtb16(wv), a3);
        a3 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a3);
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* Output row o from its accumulator over the first 4 * n4 inputs: the IN % 4 tail, the bias,
 * then single rounding, offset and clamp. */
static inline int8_t tc_fc_spec_out(const tc_fc_params *p, const tc_per_channel_quant *q, const int8_t *in_row,
                                    const int8_t *w_row, const int32_t IN, const int32_t n4, const int32_t *bias,
                                    int32_t o, int32_t acc)
{
    for (int32_t k = 4 * n4; k < IN; k++) {
        acc += ((int32_t)in_row[k] + p->input_offset) * (int32_t)w_row[k];
    }
    if (bias) {
        acc += bias[o];
    }
    const int32_t y = tc_requantize_away(acc, q->multiplier[o], q->shift[o]) + p->output_offset;
    return (int8_t)tc_clamp_i32(y, p->activation.min, p->activation.max);
}

/* The input row widened once to int16 pairs (input offset xo2 folded in, SXTB16 lane order), two
 * words per four inputs: what tc_fc_spec_rows4 multiplies against. */
static inline __attribute__((always_inline)) void tc_fc_spec_widen(const int8_t *in_row, int32_t n4, int32_t xo2,
                                                                   int32_t *words)
{
    for (int32_t j = 0; j < n4; j++) {
        const int32_t v = tc_dsp_load4(in_row + 4 * j);
        words[2 * j] = __sxtab16(xo2, v);
        words[2 * j + 1] = tc_dsp_sxtab16_ror8(xo2, v);
    }
}

/*
 * Afterwards output holds the same bytes tc_fully_connected_s8 writes for BATCHES rows of IN
 * int8 inputs against OUT weight rows (filter_offset 0, IN <= TC_FC_SPEC_MAX_K). Call with
 * literals for BATCHES, IN and OUT. Weight rows go four per pass; leftover rows one at a
 * time (stride 0: the four lanes read the same row). The widened row lives in scratch
 * (2 * IN bytes, int32-aligned: tc_fully_connected_s8_get_buffer_size).
 */
static inline __attribute__((always_inline)) void tc_fully_connected_s8_spec(
    const tc_fc_params *p, const tc_per_channel_quant *q, const int32_t BATCHES, const int32_t IN,
    const int32_t OUT, const int8_t *input, const int8_t *filter, const int32_t *bias, int8_t *output,
    void *scratch)
{
    int32_t *words = (int32_t *)scratch;
    const int32_t xo2 = tc_dsp_dup16(p->input_offset);
    const int32_t n4 = IN / 4;
    for (int32_t b = 0; b < BATCHES; b++) {
        const int8_t *in_row = input + b * IN;
        int8_t *out_row = output + b * OUT;
        tc_fc_spec_widen(in_row, n4, xo2, words);
        for (int32_t o = 0; o < OUT / 4 * 4; o += 4) {
            int32_t acc[4];
            tc_fc_spec_rows4(words, filter + o * IN, IN, n4, acc);
            for (int32_t r = 0; r < 4; r++) {
                out_row[o + r] = tc_fc_spec_out(p, q, in_row, filter + (o + r) * IN, IN, n4, bias, o + r, acc[r]);
            }
        }
        for (int32_t o = OUT / 4 * 4; o < OUT; o++) {
            int32_t acc[4];
            tc_fc_spec_rows4(words, filter + o * IN, 0, n4, acc);
            out_row[o] = tc_fc_spec_out(p, q, in_row, filter + o * IN, IN, n4, bias, o, acc[0]);
        }
    }
}

/* tc_requantize_away(acc + bias, m, shift) + output offset through the folded table of
 * tinyc.ops.fully_connected.single_rounding_table: one SMLAL and one shift. c holds bias, rounding
 * half and output offset. Where a sum can land exactly on a half (short power-of-two-like scales),
 * nb is non-NULL: c then holds half minus one, and the one comes back when acc + bias >= 0
 * (acc >= nb[o] = -bias), so halves go away from zero. Elsewhere half-up is the same integer. */
static inline __attribute__((always_inline)) int32_t tc_fc_sr(int64_t c, int32_t m, int32_t rs, const int32_t *nb,
                                                              int32_t o, int32_t acc)
{
    const int64_t v = c + (nb && acc >= nb[o] ? 1 : 0) + (int64_t)acc * (int64_t)m;
    return (int32_t)(v >> 32) >> rs;
}

/*
 * tc_fully_connected_s8_spec with the requantization folded into a per-channel table
 * (rq_c: bias, rounding half and output offset as one int64; rq_rs: the shift of the high word;
 * rq_nb: NULL, or minus the bias where exact halves can occur (see tc_fc_sr);
 * tinyc.ops.fully_connected.single_rounding_table), four outputs saturated, clamped and stored
 * as one word: about 6 instructions per output instead of ~35. Requires IN % 4 == 0 (else the
 * generic-table variant above). Same bytes.
 */
static inline __attribute__((always_inline)) void tc_fully_connected_s8_spec_sr(
    const tc_fc_params *p, const tc_per_channel_quant *q, const int64_t *rq_c, const int32_t *rq_rs,
    const int32_t *rq_nb, const int32_t BATCHES, const int32_t IN, const int32_t OUT, const int8_t *input, const int8_t *filter,
    int8_t *output, void *scratch)
{
    int32_t *words = (int32_t *)scratch;
    const int32_t xo2 = tc_dsp_dup16(p->input_offset);
    const int32_t n4 = IN / 4;
    const uint32_t lo4 = tc_dup8(p->activation.min);
    const uint32_t hi4 = tc_dup8(p->activation.max);
    const int32_t *m = q->multiplier;
    for (int32_t b = 0; b < BATCHES; b++) {
        const int8_t *in_row = input + b * IN;
        int8_t *out_row = output + b * OUT;
        tc_fc_spec_widen(in_row, n4, xo2, words);
        for (int32_t o = 0; o < OUT / 4 * 4; o += 4) {
            int32_t acc[4];
            tc_fc_spec_rows4(words, filter + o * IN, IN, n4, acc);
            const uint32_t packed = tc_pack4_clamp(
                tc_fc_sr(rq_c[o], m[o], rq_rs[o], rq_nb, o, acc[0]),
                tc_fc_sr(rq_c[o + 1], m[o + 1], rq_rs[o + 1], rq_nb, o + 1, acc[1]),
                tc_fc_sr(rq_c[o + 2], m[o + 2], rq_rs[o + 2], rq_nb, o + 2, acc[2]),
                tc_fc_sr(rq_c[o + 3], m[o + 3], rq_rs[o + 3], rq_nb, o + 3, acc[3]), lo4, hi4);
            memcpy(out_row + o, &packed, 4);
        }
        for (int32_t o = OUT / 4 * 4; o < OUT; o++) {
            int32_t acc[4];
            tc_fc_spec_rows4(words, filter + o * IN, 0, n4, acc);
            const int32_t y = tc_fc_sr(rq_c[o], m[o], rq_rs[o], rq_nb, o, acc[0]);
            out_row[o] = (int8_t)tc_clamp_i32(y, p->activation.min, p->activation.max);
        }
    }
}

#endif /* TC_DSP */

#endif /* TC_FC_SPEC_DSP_H */
