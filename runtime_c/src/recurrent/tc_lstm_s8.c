#include <stddef.h>

#include "tc_recurrent.h"
#include "tc_fixedpoint.h"
#include "tc_gemmlowp16.h"

int32_t tc_lstm_s8_get_buffer_size(int32_t batch, int32_t n_cell)
{
    return 11 * batch * n_cell;
}

/* gate[n] = sat16(requant(bias[n] + corr[n] + w[n] . v) + gate[n]): TFLite's MatrixBatchVectorMultiplyAccumulate
 * with its effective bias (bias may be NULL). */
static void gate_accumulate(const int8_t *w, const int8_t *v, int32_t len, const int32_t *bias, const int32_t *corr,
                            int32_t mult, int32_t shift, int32_t n_cell, int16_t *gate)
{
    for (int32_t n = 0; n < n_cell; n++) {
        int32_t acc = (bias != NULL ? bias[n] : 0) + corr[n];
        const int8_t *row = w + n * len;
        for (int32_t k = 0; k < len; k++) {
            acc += (int32_t)row[k] * (int32_t)v[k];
        }
        gate[n] = (int16_t)tc_clamp_i32(tc_requantize_dr(acc, mult, shift) + gate[n], INT16_MIN, INT16_MAX);
    }
}

tc_status tc_lstm_s8(const tc_lstm_params *p, const tc_context *ctx, const int8_t *input, int8_t *output)
{
    const int32_t n = p->n_cell;
    const int32_t bn = p->batch * n;
    if (ctx == NULL || ctx->buf == NULL || ctx->size < tc_lstm_s8_get_buffer_size(p->batch, n) || n < 1 ||
        p->n_input < 1 || p->steps < 1 || p->batch < 1 || p->cell_exp < -15 || p->cell_exp > -9) {
        return TC_ERR_ARG;
    }
    int16_t *cell = (int16_t *)ctx->buf;
    int16_t *gates = cell + bn; /* 4 gates of N for the batch row being computed */
    int8_t *hidden = (int8_t *)(gates + 4 * n);
    for (int32_t i = 0; i < bn; i++) {
        cell[i] = p->cell_state0[i];
        hidden[i] = p->output_state0[i];
    }
    for (int32_t t = 0; t < p->steps; t++) {
        for (int32_t b = 0; b < p->batch; b++) {
            const int32_t row = p->time_major ? t * p->batch + b : b * p->steps + t;
            const int8_t *x = input + row * p->n_input;
            int8_t *h = hidden + b * n;
            int16_t *c = cell + b * n;
            for (int32_t g = 0; g < 4; g++) {
                int16_t *gate = gates + g * n;
                for (int32_t k = 0; k < n; k++) {
                    gate[k] = 0;
                }
                gate_accumulate(p->w_input[g], x, p->n_input, p->gate_bias[g], p->zp_corr + g * n, p->mult[g],
                                p->shift[g], n, gate);
                gate_accumulate(p->w_recurrent[g], h, n, NULL, p->zp_corr + (4 + g) * n, p->mult[4 + g],
                                p->shift[4 + g], n, gate);
            }
            int8_t *out = output + row * n;
            for (int32_t k = 0; k < n; k++) {
                const int32_t ig = tc_logistic16(gates[k], 3);
                const int32_t fg = tc_logistic16(gates[n + k], 3);
                const int32_t cg = tc_tanh16(gates[2 * n + k], 3);
                const int32_t og = tc_logistic16(gates[3 * n + k], 3);
                int32_t cs = tc_w16(tc_rdbpot(fg * c[k], 15)) + tc_w16(tc_rdbpot(ig * cg, 30 + p->cell_exp));
                cs = tc_clamp_i32(cs, INT16_MIN, INT16_MAX);
                if (p->cell_clip > 0) {
                    cs = tc_clamp_i32(cs, -p->cell_clip, p->cell_clip);
                }
                c[k] = (int16_t)cs;
                const int32_t hv = tc_requantize_dr(og * tc_tanh16(cs, 15 + p->cell_exp), p->hidden.multiplier,
                                                    p->hidden.shift) + p->hidden_zp;
                out[k] = (int8_t)tc_clamp_i32(hv, -128, 127);
            }
            /* the new output state is this step's output row */
            for (int32_t k = 0; k < n; k++) {
                h[k] = out[k];
            }
        }
    }
    return TC_OK;
}
