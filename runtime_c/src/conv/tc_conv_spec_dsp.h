/*
 * tc_conv_spec_dsp.h - compile-time specialised conv kernels (TC_DSP=1 only),
 * reached through tc_conv.h so that generated model code can call them.
 *
 * The functions are always_inline: templates/ops/<op>_spec.j2 call them with the
 * layer's geometry as integer literals, so each call site becomes a kernel of
 * its own. GCC folds the border/interior split, unrolls the border rows and
 * columns (each with its constant tap ranges) and the clipped tap loops (the
 * pragmas below: -O2 alone does not unroll loops that grow code), and every tap
 * becomes a load at an immediate offset. The arithmetic is that of
 * tc_dw_3x3_dsp.h, the same integers in the same order: results equal the
 * generic kernel's bytes.
 *
 * Measured on QEMU mps2-an386, instructions per layer: KWS's 25x5x64 depthwise
 * 531,920 -> about 350,000, its 1x1 64->64 910,920 -> 774,500 and its first conv
 * 832,120 -> 705,700; VWW's first conv 2.42 M -> 1.57 M. These kernels sit in
 * one large function (the model's invoke), where GCC stops inlining plain
 * `static inline` helpers; the hot ones are always_inline for that reason
 * (without it the 1x1 variant was slower than the generic kernel).
 */
#ifndef TC_CONV_SPEC_DSP_H
#define TC_CONV_SPEC_DSP_H

#if defined(TC_DSP) && TC_DSP

#include "tc_dw_3x3_dsp.h"
#include "tc_pair_dsp.h"

/* One output pixel of the block from the taps ky0..ky1-1 x kx0..kx1-1 (all constants at the call
 * site, so the loops unroll and every tap is a load at a constant offset). Tap (0, 0) sits at
 * in[off], which may lie outside the input: only the listed taps are read, and only their
 * addresses are formed. */
static inline __attribute__((always_inline)) void tc_dw4_spec_px(const tc_dw4_block *blk, const int8_t *in,
                                                                 const int32_t off, const int32_t C, const int32_t row,
                                                                 const int32_t ky0, const int32_t ky1,
                                                                 const int32_t kx0, const int32_t kx1, int8_t *dst)
{
    int32_t acc[4] = {0, 0, 0, 0};
#pragma GCC unroll 3
    for (int32_t ky = ky0; ky < ky1; ky++) {
#pragma GCC unroll 3
        for (int32_t kx = kx0; kx < kx1; kx++) {
            tc_dw4_tap(blk, ky * 3 + kx, in + (off + ky * row + kx * C), acc);
        }
    }
    tc_dw4_store(blk, acc, dst);
}

/* The output row whose kernel row 0 starts at in_c[row_off] and whose taps cover kernel rows
 * ky0..ky1-1 (constants): the left and right border pixels (their column ranges constants too)
 * and the interior run between them. */
static inline __attribute__((always_inline)) void tc_dw4_spec_row(
    const tc_dw4_block *blk, const int8_t *in_c, const int32_t row_off, const int32_t W, const int32_t C,
    const int32_t OW, const int32_t SW, const int32_t PL, const int32_t ky0, const int32_t ky1,
    const int32_t ox_lo, const int32_t ox_hi, int8_t *dst, const int32_t step)
{
    const int32_t row = W * C;
#pragma GCC unroll 4
    for (int32_t ox = 0; ox < ox_lo; ox++) {
        const int32_t ix0 = ox * SW - PL;
        tc_dw4_spec_px(blk, in_c, row_off + ix0 * C, C, row, ky0, ky1, ix0 < 0 ? -ix0 : 0,
                       W - ix0 < 3 ? W - ix0 : 3, dst + ox * step);
    }
    if (ox_lo < ox_hi && ky0 < ky1) {
        /* ip: kernel row ky0's first tap, inside the input for every interior pixel */
        const int8_t *ip = in_c + (row_off + ky0 * row + (ox_lo * SW - PL) * C);
        for (int32_t ox = ox_lo; ox < ox_hi; ox++, ip += SW * C) {
            tc_dw4_spec_px(blk, ip, -ky0 * row, C, row, ky0, ky1, 0, 3, dst + ox * step);
        }
    } else {
        for (int32_t ox = ox_lo; ox < ox_hi; ox++) { /* no kernel row inside the input */
            tc_dw4_store(blk, (const int32_t[4]){0, 0, 0, 0}, dst + ox * step);
        }
    }
#pragma GCC unroll 4
    for (int32_t ox = ox_hi; ox < OW; ox++) {
        const int32_t ix0 = ox * SW - PL;
        tc_dw4_spec_px(blk, in_c, row_off + ix0 * C, C, row, ky0, ky1, ix0 < 0 ? -ix0 : 0,
                       W - ix0 < 3 ? W - ix0 : 3, dst + ox * step);
    }
}

/*
 * Afterwards output holds the same bytes tc_depthwise_conv_s8 writes for a 3x3, dilation-1,
 * depth-multiplier-1 depthwise conv of an H x W x C input (C % 4 == 0) to OH x OW x C, strides
 * SH x SW, pads PT (top) and PL (left). Call with literals for H..PL. With tmp (four planes of
 * OH * OW bytes) output may equal input: each block of four channels is computed into tmp and
 * then copied out, as in the generic kernel; with tmp NULL output must not overlap input.
 * The border rows and columns are known at compile time (their loops unroll, each with its own
 * constant tap ranges); the interior run has no tests.
 */
static inline __attribute__((always_inline)) void tc_dw_3x3_s8_spec(
    const tc_dw_conv_params *p, const tc_per_channel_quant *q, const int32_t H, const int32_t W,
    const int32_t C, const int32_t OH, const int32_t OW, const int32_t SH, const int32_t SW, const int32_t PT,
    const int32_t PL, const int8_t *input, const int8_t *filter, const int32_t *bias, int8_t *output, int8_t *tmp)
{
    const int32_t row = W * C;
    const int32_t oy_end = H + PT >= 3 ? (H + PT - 3) / SH + 1 : 0;
    const int32_t oy_hi = oy_end < OH ? oy_end : OH;
    const int32_t oy_lo0 = (PT + SH - 1) / SH;
    const int32_t oy_lo = oy_lo0 < oy_hi ? oy_lo0 : oy_hi;
    const int32_t ox_end = W + PL >= 3 ? (W + PL - 3) / SW + 1 : 0;
    const int32_t ox_hi = ox_end < OW ? ox_end : OW;
    const int32_t ox_lo0 = (PL + SW - 1) / SW;
    const int32_t ox_lo = ox_lo0 < ox_hi ? ox_lo0 : ox_hi;
    const int32_t step = tmp != NULL ? 4 : C;
    for (int32_t c = 0; c < C; c += 4) {
        tc_dw4_block blk;
        tc_dw4_block_init(p, q, filter, bias, C, c, &blk);
        int8_t *dst = tmp != NULL ? tmp : output + c;
        const int8_t *in_c = input + c;
#pragma GCC unroll 4
        for (int32_t oy = 0; oy < oy_lo; oy++) {
            const int32_t iy0 = oy * SH - PT;
            tc_dw4_spec_row(&blk, in_c, iy0 * row, W, C, OW, SW, PL, iy0 < 0 ? -iy0 : 0,
                            H - iy0 < 3 ? H - iy0 : 3, ox_lo, ox_hi, dst + oy * OW * step, step);
        }
        for (int32_t oy = oy_lo; oy < oy_hi; oy++) {
            tc_dw4_spec_row(&blk, in_c, (oy * SH - PT) * row, W, C, OW, SW, PL, 0, 3, ox_lo, ox_hi,
                            dst + oy * OW * step, step);
        }
#pragma GCC unroll 4
        for (int32_t oy = oy_hi; oy < OH; oy++) {
            const int32_t iy0 = oy * SH - PT;
            tc_dw4_spec_row(&blk, in_c, iy0 * row, W, C, OW, SW, PL, iy0 < 0 ? -iy0 : 0,
                            H - iy0 < 3 ? H - iy0 : 3, ox_lo, ox_hi, dst + oy * OW * step, step);
        }
        for (int32_t i = 0; tmp != NULL && i < OH * OW; i++) {
            memcpy(output + i * C + c, tmp + 4 * i, 4);
        }
    }
}

/* Output pixel (iy0, ix0)'s receptive field into col in the filter's [KH, KW, C] order, taps
 * outside the input set to the input zero point (they then add nothing, as in the reference). */
static inline void tc_conv_spec_field_clipped(const int8_t *input, int32_t h, int32_t w, int32_t chans,
                                              int32_t kh, int32_t kw, int32_t iy0, int32_t ix0, int8_t pad,
                                              int8_t *col)
{
    for (int32_t ky = 0; ky < kh; ky++) {
        for (int32_t kx = 0; kx < kw; kx++, col += chans) {
            const int32_t iy = iy0 + ky, ix = ix0 + kx;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                memset(col, pad, (size_t)chans);
            } else {
                memcpy(col, input + (iy * w + ix) * chans, (size_t)chans);
            }
        }
    }
}

/* The receptive field of the output pixel whose tap (0, 0) is input pixel (iy0, ix0): inside
 * the input it is KH runs of KW * C contiguous bytes (constant-size copies); else clipped. */
static inline __attribute__((always_inline)) void tc_conv_spec_field(const int8_t *input, const int32_t H,
                                                                     const int32_t W, const int32_t C,
                                                                     const int32_t KH, const int32_t KW,
                                                                     int32_t iy0, int32_t ix0, int8_t pad,
                                                                     int8_t *col)
{
    if (iy0 >= 0 && iy0 <= H - KH && ix0 >= 0 && ix0 <= W - KW) {
#pragma GCC unroll 11
        for (int32_t ky = 0; ky < KH; ky++) {
            memcpy(col + ky * KW * C, input + ((iy0 + ky) * W + ix0) * C, (size_t)(KW * C));
        }
    } else {
        tc_conv_spec_field_clipped(input, H, W, C, KH, KW, iy0, ix0, pad, col);
    }
}

/*
 * Afterwards output holds the same bytes tc_convolve_s8 writes (DSP path) for a groups-1,
 * dilation-1 KH x KW convolution of H x W x C to OH x OW x COUT, strides SH x SW, pads PT / PL,
 * with KH * KW * C <= TC_PAIR_MAX_K and COUT <= TC_PAIR_MAX_C. Call with literals for H..PL.
 * Output pixels go two at a time (the last paired with itself when the count is odd) through
 * the receptive-field gather above and the 2x2 pair kernel of tc_pair_dsp.h, whose table,
 * column and fields live in scratch (TC_PAIR_SCRATCH_BYTES(KH * KW * C, COUT, 1) bytes,
 * int32-aligned: tc_convolve_s8_get_buffer_size).
 */
static inline __attribute__((always_inline)) void tc_convolve_s8_spec(
    const tc_conv_params *p, const tc_per_channel_quant *q, const int32_t H, const int32_t W, const int32_t C,
    const int32_t KH, const int32_t KW, const int32_t COUT, const int32_t OH, const int32_t OW, const int32_t SH,
    const int32_t SW, const int32_t PT, const int32_t PL, const int8_t *input, const int8_t *filter,
    const int32_t *bias, int8_t *output, void *scratch)
{
    tc_pair_col col;
    tc_pair_quant pq;
    int8_t *field0 = tc_pair_scratch_init(scratch, KH * KW * C, COUT, &pq, &col);
    int8_t *field1 = field0 + KH * KW * C;
    tc_pair_quant_init(&pq, q, bias, p->output_offset, p->activation.min, p->activation.max, COUT);
    const int8_t pad = (int8_t)(-p->input_offset);
    for (int32_t pa = 0; pa < OH * OW; pa += 2) {
        const int32_t pb = pa + 1 < OH * OW ? pa + 1 : pa;
        tc_conv_spec_field(input, H, W, C, KH, KW, (pa / OW) * SH - PT, (pa % OW) * SW - PL, pad, field0);
        tc_conv_spec_field(input, H, W, C, KH, KW, (pb / OW) * SH - PT, (pb % OW) * SW - PL, pad, field1);
        tc_pair_widen(field0, field1, KH * KW * C, p->input_offset, &col);
        tc_pair_outputs(&col, filter, COUT, &pq, output + pa * COUT, output + pb * COUT);
    }
}

/* tc_pair_mac2x2 for k = 4 * n4 (no tail), n4 a constant at the call site: unrolled, each
 * column word and weight word a load at an immediate offset. */
static inline __attribute__((always_inline)) void tc_spec_mac2x2(const int32_t *x, const int8_t *w0,
                                                                 const int8_t *w1, const int32_t n4, int32_t acc[4])
{
    int32_t a0 = 0, b0 = 0, a1 = 0, b1 = 0;
#pragma GCC unroll 16
    for (int32_t j = 0; j < n4; j++) {
        const int32_t xa02 = x[4 * j], xa13 = x[4 * j + 1], xb02 = x[4 * j + 2], xb13 = x[4 * j + 3];
        int32_t wv = tc_dsp_load4(w0 + 4 * j);
        int32_t w02 = __sxtb16(wv);
        int32_t w13 = tc_dsp_sxtb16_ror8(wv);
        a0 = __smlad(xa02, w02, a0);
        a0 = __smlad(xa13, w13, a0);
        b0 = __smlad(xb02, w02, b0);
        b0 = __smlad(xb13, w13, b0);
        wv = tc_dsp_load4(w1 + 4 * j);
        w02 = __sxtb16(wv);
        w13 = tc_dsp_sxtb16_ror8(wv);
        a1 = __smlad(xa02, w02, a1);
        a1 = __smlad(xa13, w13, a1);
        b1 = __smlad(xb02, w02, b1);
        b1 = __smlad(xb13, w13, b1);
    }
    acc[0] = a0;
    acc[1] = b0;
    acc[2] = a1;
    acc[3] = b1;
}

/*
 * Afterwards output holds the same bytes tc_convolve_1x1_s8 writes (DSP path) for a 1x1 conv
 * of `pixels` pixels of c_in int8 values to c_out channels; call with literals, and only with
 * c_in % 4 == 0, c_in <= TC_PAIR_MAX_K, c_out even and <= TC_PAIR_MAX_C (tinyc.ops.conv2d
 * checks this). Pixels go in pairs as in the generic kernel (forward when c_out <= c_in,
 * else backward; each pair widened before its outputs are written), so output may equal input.
 * scratch: TC_PAIR_SCRATCH_BYTES(c_in, c_out, 0) bytes, int32-aligned
 * (tc_convolve_1x1_s8_get_buffer_size).
 */
static inline __attribute__((always_inline)) void tc_convolve_1x1_s8_spec(
    const tc_conv_params *p, const tc_per_channel_quant *quant, const int32_t c_in, const int32_t c_out,
    const int32_t pixels, const int8_t *input, const int8_t *filter, const int32_t *bias, int8_t *output,
    void *scratch)
{
    tc_pair_quant pq;
    tc_pair_col col;
    (void)tc_pair_scratch_init(scratch, c_in, c_out, &pq, &col);
    tc_pair_quant_init(&pq, quant, bias, p->output_offset, p->activation.min, p->activation.max, c_out);
    const uint32_t lo4 = tc_dup8(p->activation.min);
    const uint32_t hi4 = tc_dup8(p->activation.max);
    for (int32_t i = 0; 2 * i < pixels; i++) {
        int32_t pa = 2 * i, pb = 2 * i + 1;
        if (c_out > c_in) {
            pb = pixels - 1 - 2 * i;
            pa = pb - 1;
        }
        pa = pa < 0 ? pb : pa;
        pb = pb >= pixels ? pa : pb;
        tc_pair_widen(input + pa * c_in, input + pb * c_in, c_in, p->input_offset, &col);
        int8_t *out_a = output + pa * c_out, *out_b = output + pb * c_out;
        /* the words through a register GCC cannot see into: otherwise, with every index a
         * constant, it turns col.words into 64 scalars and spills them all (+14% on KWS) */
        const int32_t *words = col.words;
        __asm__("" : "+r"(words) : "m"(col));
        for (int32_t oc = 0; oc < c_out; oc += 2) {
            int32_t acc[4];
            tc_spec_mac2x2(words, filter + oc * c_in, filter + (oc + 1) * c_in, c_in / 4, acc);
            if (pq.fast) {
                const tc_pair_chan *c = pq.tab + oc;
                const uint16_t ha =
                    (uint16_t)tc_pack2_clamp(tc_pair_rq(c, acc[0]), tc_pair_rq(c + 1, acc[2]), lo4, hi4);
                const uint16_t hb =
                    (uint16_t)tc_pack2_clamp(tc_pair_rq(c, acc[1]), tc_pair_rq(c + 1, acc[3]), lo4, hi4);
                memcpy(out_a + oc, &ha, 2);
                memcpy(out_b + oc, &hb, 2);
            } else {
                tc_pair_out_slow(&pq, oc, acc[0], acc[1], out_a + oc, out_b + oc);
                tc_pair_out_slow(&pq, oc + 1, acc[2], acc[3], out_a + oc + 1, out_b + oc + 1);
            }
        }
    }
}

#endif /* TC_DSP */

#endif /* TC_CONV_SPEC_DSP_H */
