#include "tc_fc.h"
#include "tc_fixedpoint.h"

#if defined(TC_DSP) && TC_DSP
#include "../conv/tc_dot_s8_dsp.h"
#endif

/* Output o of one row from its accumulator (bias and all products included). */
static int8_t fc_output(const tc_fc_params *params, const tc_per_channel_quant *quant, int32_t o, int32_t acc)
{
    acc = tc_requantize_away(acc, quant->multiplier[o], quant->shift[o]);
    acc += params->output_offset;
    acc = tc_clamp_i32(acc, params->activation.min, params->activation.max);
    return (int8_t)acc;
}

#if defined(TC_DSP) && TC_DSP
/* Longest input row widened; longer rows (or a filter offset) take the dot4 path. */
#define TC_FC_MAX_K 1024

/* One input row against all weight rows, filter_offset 0: the row is widened once to int16
 * pairs (input offset folded in, SXTB16 lane order) into words (scratch, 2 * in_ch bytes),
 * then weight rows go four at a time, each weight word widened once and used by two SMLADs. */
static void fc_row_widened(const tc_fc_params *params, const tc_per_channel_quant *quant, int32_t in_ch,
                           int32_t out_ch, const int8_t *in_row, const int8_t *filter, const int32_t *bias,
                           int8_t *out_row, int32_t *words)
{
    const int32_t xo2 = tc_dsp_dup16(params->input_offset);
    const int32_t n4 = in_ch >> 2;
    for (int32_t j = 0; j < n4; j++) {
        const int32_t v = tc_dsp_load4(in_row + 4 * j);
        words[2 * j] = __sxtab16(xo2, v);
        words[2 * j + 1] = tc_dsp_sxtab16_ror8(xo2, v);
    }
    for (int32_t o = 0; o < out_ch;) {
        /* Rows o..o+3 as w0, w0 + s, w2, w2 + s: two pointers and a stride keep the loop in
         * registers. Leftover rows go one at a time (s = 0, every lane the same row). */
        const int32_t rows = out_ch - o >= 4 ? 4 : 1;
        const int32_t s = rows == 4 ? in_ch : 0;
        const int8_t *w0 = filter + o * in_ch;
        const int8_t *w2 = w0 + 2 * s;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        const int32_t *x = words;
        const int32_t *x_end = words + 2 * n4;
        while (x < x_end) {
            const int32_t x02 = x[0], x13 = x[1];
            x += 2;
            int32_t wv = tc_dsp_load4(w0 + s);
            a1 = __smlad(x02, __sxtb16(wv), a1);
            a1 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a1);
            wv = tc_dsp_load4(w0);
            w0 += 4;
            a0 = __smlad(x02, __sxtb16(wv), a0);
            a0 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a0);
            wv = tc_dsp_load4(w2 + s);
            a3 = __smlad(x02, __sxtb16(wv), a3);
            a3 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a3);
            wv = tc_dsp_load4(w2);
            w2 += 4;
            a2 = __smlad(x02, __sxtb16(wv), a2);
            a2 = __smlad(x13, tc_dsp_sxtb16_ror8(wv), a2);
        }
        for (int32_t k = 4 * n4; k < in_ch; k++, w0++, w2++) {
            const int32_t xk = (int32_t)in_row[k] + params->input_offset;
            a0 += xk * (int32_t)w0[0];
            a1 += xk * (int32_t)w0[s];
            a2 += xk * (int32_t)w2[0];
            a3 += xk * (int32_t)w2[s];
        }
        const int32_t acc[4] = {a0, a1, a2, a3};
        for (int32_t r = 0; r < rows; r++) {
            out_row[o + r] = fc_output(params, quant, o + r, bias ? acc[r] + bias[o + r] : acc[r]);
        }
        o += rows;
    }
}
#endif

int32_t tc_fully_connected_s8_get_buffer_size(int32_t in_ch)
{
    return in_ch <= 1024 ? 2 * in_ch : 0; /* TC_FC_MAX_K */
}

tc_status tc_fully_connected_s8(const tc_context *ctx,
                                const tc_fc_params *params,
                                const tc_per_channel_quant *quant,
                                int32_t batches,
                                int32_t in_ch,
                                int32_t out_ch,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output)
{
#if !(defined(TC_DSP) && TC_DSP)
    (void)ctx;
#endif
    for (int32_t b = 0; b < batches; b++) {
        const int8_t *in_row = input + b * in_ch;
        int8_t *out_row = output + b * out_ch;
#if defined(TC_DSP) && TC_DSP
        if (params->filter_offset == 0 && in_ch <= TC_FC_MAX_K && ctx != NULL && ctx->buf != NULL &&
            ctx->size >= 2 * in_ch) {
            fc_row_widened(params, quant, in_ch, out_ch, in_row, filter, bias, out_row, (int32_t *)ctx->buf);
            continue;
        }
        /* Four weight rows per pass share each input load (SMLAD on 16-bit pairs). */
        int32_t o = 0;
        for (; o + 4 <= out_ch; o += 4) {
            int32_t acc[4];
            for (int32_t r = 0; r < 4; r++) {
                acc[r] = bias ? bias[o + r] : 0;
            }
            tc_dsp_dot4_s8(in_row, params->input_offset, filter + o * in_ch, in_ch, params->filter_offset,
                           in_ch, acc);
            for (int32_t r = 0; r < 4; r++) {
                out_row[o + r] = fc_output(params, quant, o + r, acc[r]);
            }
        }
        for (; o < out_ch; o++) {
            const int32_t acc = tc_dsp_dot1_s8(in_row, params->input_offset, filter + o * in_ch,
                                               params->filter_offset, in_ch, bias ? bias[o] : 0);
            out_row[o] = fc_output(params, quant, o, acc);
        }
#else
        for (int32_t o = 0; o < out_ch; o++) {
            const int8_t *w_row = filter + o * in_ch;
            int32_t acc = bias ? bias[o] : 0;
            for (int32_t k = 0; k < in_ch; k++) {
                acc += ((int32_t)in_row[k] + params->input_offset) *
                       ((int32_t)w_row[k] + params->filter_offset);
            }
            out_row[o] = fc_output(params, quant, o, acc);
        }
#endif
    }
    return TC_OK;
}
