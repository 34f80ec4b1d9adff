#include "tc_rnn_internal.h"

tc_status tc_gru_f32(const tc_rnn_params *params, const float *x, const int8_t *w, const float *w_scale,
                     const int8_t *r, const float *r_scale, const float *wb, const float *rb, const float *h0,
                     float *y, float *h_last, float *scratch)
{
    const int32_t steps = params->steps, n_in = params->n_in, hid = params->hidden;
    if (steps <= 0 || n_in <= 0 || hid <= 0) {
        return TC_ERR_ARG;
    }
    for (int32_t j = 0; j < hid; j++) {
        h_last[j] = h0 ? h0[j] : 0.0f;
    }
    float *gx = scratch;              /* 3H: input projections */
    float *gh = scratch + 3 * hid;    /* H: recurrent part of the h gate, or r * h */
    for (int32_t step = 0; step < steps; step++) {
        const int32_t t = params->reverse ? steps - 1 - step : step;
        const float *xt = x + t * n_in;
        for (int32_t row = 0; row < 3 * hid; row++) {
            gx[row] = wb[row] + tc_rnn_dot(w + row * n_in, xt, n_in, w_scale[row]);
        }
        /* z and r gates: sigmoid(gx + rb + R h), written over gx */
        for (int32_t row = 0; row < 2 * hid; row++) {
            const float rec = rb[row] + tc_rnn_dot(r + row * hid, h_last, hid, r_scale[row]);
            gx[row] = tc_rnn_sigmoid(gx[row] + rec);
        }
        if (params->linear_before_reset) {
            for (int32_t j = 0; j < hid; j++) {
                const int32_t row = 2 * hid + j;
                gh[j] = rb[row] + tc_rnn_dot(r + row * hid, h_last, hid, r_scale[row]);
            }
            for (int32_t j = 0; j < hid; j++) {
                gx[2 * hid + j] = tanhf(gx[2 * hid + j] + gx[hid + j] * gh[j]);
            }
        } else {
            for (int32_t j = 0; j < hid; j++) {
                gh[j] = gx[hid + j] * h_last[j];
            }
            for (int32_t j = 0; j < hid; j++) {
                const int32_t row = 2 * hid + j;
                gx[row] = tanhf(gx[row] + (rb[row] + tc_rnn_dot(r + row * hid, gh, hid, r_scale[row])));
            }
        }
        for (int32_t j = 0; j < hid; j++) {
            const float z = gx[j];
            h_last[j] = (1.0f - z) * gx[2 * hid + j] + z * h_last[j];
            y[t * hid + j] = h_last[j];
        }
    }
    return TC_OK;
}
