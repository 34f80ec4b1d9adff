/*
 * tc_rnn_f32.h - whole-sequence LSTM and GRU with float32 activations and int8 weights
 * (float islands of a quantized model; ONNX gate order and equations).
 *
 * Arithmetic is float32 in a fixed order (no contraction): gate row c is
 * bias[c] + w_scale[c] * sum_k(x[k] * w[c][k]) + r_scale[c] * sum_k(h[k] * r[c][k]),
 * sums in k order; sigmoid(v) = 1 / (1 + expf(-v)), tanh = tanhf. tinyc's numpy
 * reference (tinyc/quant/recurrent.py) does the same operations.
 */
#ifndef TC_RNN_F32_H
#define TC_RNN_F32_H

#include "tc_types.h"

/** Sequence geometry. */
typedef struct {
    int32_t steps;               /**< T */
    int32_t n_in;                /**< I, input features */
    int32_t hidden;              /**< H */
    int32_t reverse;             /**< 1: run from the last step to the first */
    int32_t linear_before_reset; /**< GRU only (ONNX attribute) */
} tc_rnn_params;

/**
 * @brief LSTM over a sequence (ONNX LSTM, one direction, batch 1, no peepholes). Gates i, o, f, c.
 *
 * @param[in]  params   geometry
 * @param[in]  x        float32, Format: [T, I]
 * @param[in]  w        int8, Format: [4H, I]; row c scaled by w_scale[c]
 * @param[in]  w_scale  float32, Format: [4H]
 * @param[in]  r        int8, Format: [4H, H]; row c scaled by r_scale[c]
 * @param[in]  r_scale  float32, Format: [4H]
 * @param[in]  bias     float32, Format: [4H] (input and recurrent biases summed)
 * @param[in]  h0       float32, Format: [H], or NULL for zeros
 * @param[in]  c0       float32, Format: [H], or NULL for zeros
 * @param[out] y        float32, Format: [T, H], h of every step in time order
 * @param[out] h_last   float32, Format: [H], the final h (also the running state)
 * @param[out] c_last   float32, Format: [H], the final c (also the running state)
 * @param[in]  scratch  float32, 4H elements
 * @return TC_OK, or TC_ERR_ARG for a bad geometry
 */
tc_status tc_lstm_f32(const tc_rnn_params *params, const float *x, const int8_t *w, const float *w_scale,
                      const int8_t *r, const float *r_scale, const float *bias, const float *h0, const float *c0,
                      float *y, float *h_last, float *c_last, float *scratch);

/**
 * @brief GRU over a sequence (ONNX GRU, one direction, batch 1). Gates z, r, h.
 *
 * h_t = (1 - z) * n + z * h_{t-1}; n = tanh(Wh x + wb_h + r * (Rh h + rb_h)) with
 * linear_before_reset, else tanh(Wh x + wb_h + Rh (r * h) + rb_h).
 *
 * @param[in]  params   geometry (linear_before_reset used)
 * @param[in]  x        float32, Format: [T, I]
 * @param[in]  w        int8, Format: [3H, I]; row c scaled by w_scale[c]
 * @param[in]  w_scale  float32, Format: [3H]
 * @param[in]  r        int8, Format: [3H, H]; row c scaled by r_scale[c]
 * @param[in]  r_scale  float32, Format: [3H]
 * @param[in]  wb       float32, Format: [3H], input biases
 * @param[in]  rb       float32, Format: [3H], recurrent biases
 * @param[in]  h0       float32, Format: [H], or NULL for zeros
 * @param[out] y        float32, Format: [T, H]
 * @param[out] h_last   float32, Format: [H] (also the running state)
 * @param[in]  scratch  float32, 4H elements
 * @return TC_OK, or TC_ERR_ARG for a bad geometry
 */
tc_status tc_gru_f32(const tc_rnn_params *params, const float *x, const int8_t *w, const float *w_scale,
                     const int8_t *r, const float *r_scale, const float *wb, const float *rb, const float *h0,
                     float *y, float *h_last, float *scratch);

#endif /* TC_RNN_F32_H */
