#include "tc_rnn_internal.h"

tc_status tc_lstm_f32(const tc_rnn_params *params, const float *x, const int8_t *w, const float *w_scale,
                      const int8_t *r, const float *r_scale, const float *bias, const float *h0, const float *c0,
                      float *y, float *h_last, float *c_last, float *scratch)
{
    const int32_t steps = params->steps, n_in = params->n_in, hid = params->hidden;
    if (steps <= 0 || n_in <= 0 || hid <= 0) {
        return TC_ERR_ARG;
    }
    for (int32_t j = 0; j < hid; j++) {
        h_last[j] = h0 ? h0[j] : 0.0f;
        c_last[j] = c0 ? c0[j] : 0.0f;
    }
    float *gates = scratch;
    for (int32_t step = 0; step < steps; step++) {
        const int32_t t = params->reverse ? steps - 1 - step : step;
        for (int32_t row = 0; row < 4 * hid; row++) {
            gates[row] = (bias[row] + tc_rnn_dot(w + row * n_in, x + t * n_in, n_in, w_scale[row]))
                       + tc_rnn_dot(r + row * hid, h_last, hid, r_scale[row]);
        }
        for (int32_t j = 0; j < hid; j++) {
            const float i = tc_rnn_sigmoid(gates[j]);
            const float o = tc_rnn_sigmoid(gates[hid + j]);
            const float f = tc_rnn_sigmoid(gates[2 * hid + j]);
            const float cand = tanhf(gates[3 * hid + j]);
            c_last[j] = f * c_last[j] + i * cand;
            h_last[j] = o * tanhf(c_last[j]);
            y[t * hid + j] = h_last[j];
        }
    }
    return TC_OK;
}
