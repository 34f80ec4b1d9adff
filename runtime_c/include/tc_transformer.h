/* Transformer kernels: matmul of two activations, gather. */
#ifndef TC_TRANSFORMER_H
#define TC_TRANSFORMER_H

#include "tc_types.h"

/** Batched matmul parameters. Element (b, i, k) of lhs is
 *  lhs[b0*lhs_bstride[0] + b1*lhs_bstride[1] + b2*lhs_bstride[2] + i*lhs_rstride + k*lhs_kstride],
 *  and (b, k, j) of rhs likewise with rhs_kstride / rhs_cstride (a stride 0 broadcasts a batch dim).
 *  The output is dense [batch[0], batch[1], batch[2], rows, cols].
 *  Requantization: real = multiplier * 2^(shift - 31). */
typedef struct {
    int32_t lhs_offset;    /**< -zero point of lhs */
    int32_t rhs_offset;    /**< -zero point of rhs */
    int32_t output_offset; /**< zero point of the output */
    int32_t multiplier;
    int32_t shift;
    tc_activation activation;
    int32_t batch[3];
    int32_t lhs_bstride[3];
    int32_t rhs_bstride[3];
    int32_t rows;
    int32_t cols;
    int32_t depth;
    int32_t lhs_rstride;
    int32_t lhs_kstride;
    int32_t rhs_kstride;
    int32_t rhs_cstride;
} tc_batch_matmul_params;

/** int8 batched matmul (TFLite BATCH_MATMUL): int32 sums of (lhs + lhs_offset)(rhs + rhs_offset),
 *  double-rounding MultiplyByQuantizedMultiplier, + output_offset, clamped to the activation.
 *  Formats: int8 lhs, rhs, output as described by params. Not in place. */
tc_status tc_batch_matmul_s8(const tc_batch_matmul_params *params, const int8_t *lhs, const int8_t *rhs,
                             int8_t *output);

/** int16 batched matmul (TFLite 16x8 BATCH_MATMUL, zero points 0): int64 sums, the int64
 *  MultiplyByQuantizedMultiplier (multiplier reduced to 16 bits), clamped. Not in place. */
tc_status tc_batch_matmul_s16(const tc_batch_matmul_params *params, const int16_t *lhs, const int16_t *rhs,
                              int16_t *output);

/** Gather along one axis with constant indices, any element type.
 *  input: [outer, axis_size, row_bytes] bytes; output: [outer, count, row_bytes] bytes where
 *  output row (o, j) = input row (o, indices[j]); every index in [0, axis_size). */
tc_status tc_gather(int32_t outer, int32_t axis_size, int32_t row_bytes, const int32_t *indices, int32_t count,
                    const void *input, void *output);

/** int16 activation through TFLite's 513-entry interpolated table (LUTLookup): for v in
 *  [-32768, 32767], base = lut[256 + (v >> 7)], slope = lut[index + 1] - base (int16),
 *  output = base + ((slope * (v & 127) + 64) >> 7). May run in place (input == output). */
tc_status tc_lut_interp_s16(const int16_t *lut, int32_t size, const int16_t *input, int16_t *output);

#endif
