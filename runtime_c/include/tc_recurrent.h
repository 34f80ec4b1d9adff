/*
 * tc_recurrent.h - recurrent kernels: int8 LSTM (TFLite UNIDIRECTIONAL_SEQUENCE_LSTM, 8x8_16).
 */
#ifndef TC_RECURRENT_H
#define TC_RECURRENT_H

#include "tc_types.h"

/** Constants of one int8 LSTM (gate order: input, forget, cell, output). */
typedef struct {
    int32_t steps;      /**< time steps T */
    int32_t batch;      /**< batch B */
    int32_t n_input;    /**< features per step I */
    int32_t n_cell;     /**< cells N (= output size; no projection) */
    int32_t time_major; /**< 1: input/output [T, B, .]; 0: [B, T, .] */
    const int32_t *mult;  /**< [8]: 4 input-weight then 4 recurrent-weight multipliers (s_w s_in / 2^-12) */
    const int32_t *shift; /**< [8] */
    const int32_t *gate_bias[4];  /**< int32, Format: [N] per gate (TFLite's gate biases) */
    const int32_t *zp_corr;       /**< [8 * N]: - zp_in * row sums of W_x per gate, then - zp_h * row sums of W_h */
    const int8_t *w_input[4];     /**< int8, Format: [N, I] per gate */
    const int8_t *w_recurrent[4]; /**< int8, Format: [N, N] per gate */
    const int8_t *output_state0;  /**< int8, Format: [B, N]: the output state at the start of every invoke */
    const int16_t *cell_state0;   /**< int16, Format: [B, N]: the cell state at the start of every invoke */
    tc_per_tensor_quant hidden;   /**< 2^-30 / hidden_scale */
    int32_t hidden_zp;
    int32_t cell_exp;   /**< the cell state's scale is 2^cell_exp, -15 <= cell_exp <= -9 */
    int32_t cell_clip;  /**< quantized cell clip, 0 = none */
} tc_lstm_params;

/** Scratch bytes tc_lstm_s8 needs: cell state and 4 gates (int16) and output state (int8), B * N each. */
int32_t tc_lstm_s8_get_buffer_size(int32_t batch, int32_t n_cell);

/**
 * @brief int8 LSTM over a sequence, bit-exact with TFLite's LstmStepInteger8x8_16 (no CIFG, peephole,
 *        projection or layer norm).
 *
 * Per step and gate: g = sat16(requant(x . W_x + b_x)); g = sat16(requant(h . W_h + b_h) + g) (double
 * rounding); i, f, o = logistic and c~ = tanh of g as FixedPoint<int16, 3> (gemmlowp);
 * c = sat16(rdbpot(f c, 15) + rdbpot(i c~, 30 + cell_exp)), clipped;
 * h = sat8(requant(o tanh(c)) + hidden_zp) with tanh of FixedPoint<int16, 15 + cell_exp>.
 * The states start from output_state0 / cell_state0 at every call (stateless across invokes).
 *
 * @param[in]  params   dims, multipliers, effective biases, weights, initial states
 * @param[in]  ctx      scratch of tc_lstm_s8_get_buffer_size() bytes, 2-byte aligned
 * @param[in]  input    int8, Format: [B, T, I] (or [T, B, I] when time_major)
 * @param[out] output   int8, Format: [B, T, N] (or [T, B, N]); must not overlap the input
 * @return TC_OK, or TC_ERR_ARG for a missing or too small scratch buffer or bad dims
 */
tc_status tc_lstm_s8(const tc_lstm_params *params, const tc_context *ctx, const int8_t *input, int8_t *output);

#endif /* TC_RECURRENT_H */
