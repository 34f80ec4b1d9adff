/*
 * tc_data.h - data movement and (de)quantization kernels: pad, concat,
 * transpose, strided slice, resize nearest, quantize, requantize, dequantize.
 *
 * Reshape has no kernel: it is an alias, or a memcpy in the generated code.
 * Tensors of rank < 4 are passed as 4-D with leading dims of 1.
 */
#ifndef TC_DATA_H
#define TC_DATA_H

#include "tc_types.h"

/** Constant padding. before/after hold the pad amount per dim (n, h, w, c). */
typedef struct {
    tc_dims input;     /**< input shape */
    tc_dims before;    /**< elements added before the data, per dim */
    tc_dims after;     /**< elements added after the data, per dim */
    int32_t pad_value; /**< fill value, already quantized, in the element type's range */
} tc_pad_params;

/** One input of a concatenation, viewed as [outer, in_inner] inside an output [outer, out_inner]. */
typedef struct {
    int32_t outer;    /**< product of the dims before the axis */
    int32_t in_inner; /**< input dim on the axis times the product of the dims after it */
    int32_t out_inner;/**< output dim on the axis times the product of the dims after it */
    int32_t offset;   /**< where this input starts inside each output row, 0 <= offset <= out_inner - in_inner */
} tc_concat_params;

/** Transpose: output dim i is input dim perm[i]. */
typedef struct {
    int32_t in_dims[4]; /**< input shape, outermost first */
    int32_t perm[4];    /**< a permutation of 0..3 */
} tc_transpose_params;

/** Transpose of rank 5 or 6 (what stays after merging adjacent axes): output dim i is input dim perm[i]. */
typedef struct {
    int32_t in_dims[6]; /**< input shape, outermost first (pad with leading 1s) */
    int32_t perm[6];    /**< a permutation of 0..5 */
} tc_transpose6_params;

/** Dims of a strided slice (tensors of lower rank are padded at the front with unit dims). */
#define TC_SLICE_DIMS 6

/** Strided slice of a 6-D tensor: element j of dim i reads index begin[i] + j * strides[i]. */
typedef struct {
    int32_t in_dims[TC_SLICE_DIMS]; /**< input shape, outermost first */
    int32_t begin[TC_SLICE_DIMS];   /**< first index per dim, in [0, in_dims[i]) when size[i] > 0 */
    int32_t size[TC_SLICE_DIMS];    /**< output shape, >= 0 */
    int32_t strides[TC_SLICE_DIMS]; /**< non-zero, may be negative; the last index must stay in range */
} tc_strided_slice_params;

/**
 * @brief Strided slice (TFLite STRIDED_SLICE; ONNX Slice / Split / Gather with constant indices), any element size.
 *
 * Values are copied unchanged. tinyc drops unit dims and merges whole trailing dims first, so
 * any rank that reduces to 6 dims works.
 *
 * @param[in]  params      input shape, begin, size and strides per dim
 * @param[in]  elem_bytes  1 (int8), 2 (int16) or 4 (int32 / float32)
 * @param[in]  input       Format: [d0, ..., d5]
 * @param[out] output      Format: [size0, ..., size5]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if an index leaves the input or elem_bytes is not 1, 2 or 4
 */
tc_status tc_strided_slice(const tc_strided_slice_params *params, int32_t elem_bytes, const void *input, void *output);

/**
 * @brief Constant pad (TFLite PAD / PADV2), int8 or int16 (16x8) elements.
 *
 * @param[in]  params      shape, pad amounts and fill value (in the element's range)
 * @param[in]  elem_bytes  1 (int8) or 2 (int16)
 * @param[in]  input       Format: [N, H, W, C]
 * @param[out] output      Format: [N + bn + an, H + bh + ah, W + bw + aw, C + bc + ac];
 *                         must not overlap the input
 * @return TC_OK, or TC_ERR_ARG for a negative dim or pad or another element size
 */
tc_status tc_pad(const tc_pad_params *params, int32_t elem_bytes, const void *input, void *output);

/** Reflect / edge padding (ONNX Pad modes 'reflect', 'edge'). Amounts per dim, outermost first. */
typedef struct {
    int32_t in_dims[4]; /**< input shape (lower ranks padded with leading 1s) */
    int32_t before[4];  /**< elements added before, per dim */
    int32_t after[4];   /**< elements added after, per dim */
    int32_t mode;       /**< 0: reflect (mirror without repeating the edge), 1: edge (replicate) */
} tc_pad_edge_params;

/**
 * @brief Reflect or edge padding, int8 or int16 elements: output index o of a dim reads input index
 *        i = o - before, mirrored (reflect: i < 0 -> -i, i >= n -> 2(n-1) - i) or clamped (edge).
 *
 * @param[in]  params      shape, pad amounts and mode
 * @param[in]  elem_bytes  1 (int8) or 2 (int16)
 * @param[in]  input       Format: in_dims
 * @param[out] output      Format: in_dims + before + after; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG for a non-positive dim, a negative pad, a reflect pad >= its dim or another
 *         element size
 */
tc_status tc_pad_edge(const tc_pad_edge_params *params, int32_t elem_bytes, const void *input, void *output);

/**
 * @brief Write one int8 input of a concatenation into its slot of the output.
 *
 * Call once per input. For each of params->outer rows, in_inner elements go
 * to output[row * out_inner + offset ...]. With a table, element q becomes
 * lut[q + 128] (TFLite ConcatenationWithScaling precomputed); without, it is
 * copied.
 *
 * @param[in]  params  row geometry
 * @param[in]  lut     int8, Format: [256], indexed by q + 128; NULL to copy
 * @param[in]  input   int8, Format: [outer, in_inner]
 * @param[out] output  int8, Format: [outer, out_inner]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if the slot does not fit in a row
 */
tc_status tc_concat_s8(const tc_concat_params *params, const int8_t *lut, const int8_t *input, int8_t *output);

/** @brief int16 concatenation slot copy (TFLite 16x8 CONCATENATION: no rescaling, equal QParams). */
tc_status tc_concat_s16(const tc_concat_params *params, const int16_t *input, int16_t *output);

/**
 * @brief int8 transpose of a tensor up to rank 4.
 *
 * @param[in]  params  input shape and permutation
 * @param[in]  input   int8, Format: [d0, d1, d2, d3]
 * @param[out] output  int8, Format: [d[perm[0]], d[perm[1]], d[perm[2]], d[perm[3]]]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if perm is not a permutation
 */
tc_status tc_transpose_s8(const tc_transpose_params *params, const int8_t *input, int8_t *output);

/**
 * @brief int8 transpose of a tensor of rank 5 or 6 (pixel shuffle, MobileViT unfolding, attention heads).
 *
 * @param[in]  params  input shape and permutation
 * @param[in]  input   int8, Format: [d0, d1, d2, d3, d4, d5]
 * @param[out] output  int8, Format: [d[perm[0]], ..., d[perm[5]]]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if perm is not a permutation or a dim is negative
 */
tc_status tc_transpose6_s8(const tc_transpose6_params *params, const int8_t *input, int8_t *output);

/**
 * @brief int8 nearest-neighbour resize (TFLite RESIZE_NEAREST_NEIGHBOR), with precomputed source indices.
 *
 * output[n][y][x][c] = input[n][y_index[y]][x_index[x]][c].
 *
 * @param[in]  input_dims  input shape
 * @param[in]  out_h       output height
 * @param[in]  out_w       output width
 * @param[in]  y_index     int32, Format: [out_h], each in [0, H)
 * @param[in]  x_index     int32, Format: [out_w], each in [0, W)
 * @param[in]  input       int8, Format: [N, H, W, C]
 * @param[out] output      int8, Format: [N, out_h, out_w, C]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG for an index out of range
 */
tc_status tc_resize_nearest_s8(const tc_dims *input_dims, int32_t out_h, int32_t out_w,
                               const int32_t *y_index, const int32_t *x_index,
                               const int8_t *input, int8_t *output);

/**
 * @brief int8 bilinear resize (TFLite RESIZE_BILINEAR, reference ResizeBilinearInteger arithmetic).
 *
 * Each output row y reads input rows lo = y_table[3y], hi = y_table[3y+1] with weight
 * frac = y_table[3y+2] (1/1024 units) on hi; columns likewise. The four-corner int32 sum
 * is rounded half away from zero and divided by 2^20. Input and output share QParams.
 *
 * @param[in]  input_dims  [N, H, W, C] of the input
 * @param[in]  out_h       output rows
 * @param[in]  out_w       output columns
 * @param[in]  y_table     int32, Format: [out_h, 3] (lo, hi, frac), 0 <= lo <= hi < H
 * @param[in]  x_table     int32, Format: [out_w, 3] (lo, hi, frac), 0 <= lo <= hi < W
 * @param[in]  input       int8, Format: [N, H, W, C]
 * @param[out] output      int8, Format: [N, out_h, out_w, C]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG for a table entry out of range
 */
tc_status tc_resize_bilinear_s8(const tc_dims *input_dims, int32_t out_h, int32_t out_w,
                                const int32_t *y_table, const int32_t *x_table,
                                const int8_t *input, int8_t *output);

/**
 * @brief float32 -> int8 (TFLite AffineQuantize): clamp(zp + roundf(x / scale), -128, 127).
 *
 * NaN becomes -128.
 *
 * @param[in]  size    number of elements
 * @param[in]  scale   output scale (> 0)
 * @param[in]  zp      output zero point
 * @param[in]  input   float32, Format: [size]
 * @param[out] output  int8, Format: [size]
 * @return TC_OK
 */
tc_status tc_quantize_f32_s8(int32_t size, float scale, int32_t zp, const float *input, int8_t *output);

/** @brief float32 -> int16, as tc_quantize_f32_s8 with the range [-32768, 32767]. */
tc_status tc_quantize_f32_s16(int32_t size, float scale, int32_t zp, const float *input, int16_t *output);

/**
 * @brief int8 -> int8 requantize (TFLite Requantize):
 * clamp(MultiplyByQuantizedMultiplier(q - in_zp, mult, shift) + out_zp), with
 * TFLite's double rounding (SaturatingRoundingDoublingHighMul, then
 * RoundingDivideByPOT), which is what LiteRT's QUANTIZE kernel does.
 *
 * @param[in]  size    number of elements
 * @param[in]  in_zp   input zero point
 * @param[in]  quant   s_in / s_out as (multiplier, shift)
 * @param[in]  out_zp  output zero point
 * @param[in]  input   int8, Format: [size]
 * @param[out] output  int8, Format: [size]; may equal input
 * @return TC_OK
 */
tc_status tc_requantize_s8_s8(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                              const int8_t *input, int8_t *output);

/** @brief int8 -> int16 requantize; output must not overlap the input. */
tc_status tc_requantize_s8_s16(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                               const int8_t *input, int16_t *output);

/** @brief int16 -> int8 requantize; output must not overlap the input. */
tc_status tc_requantize_s16_s8(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                               const int16_t *input, int8_t *output);

/** @brief int32 -> int16 requantize (TFLite QUANTIZE); output may equal input (a forward walk that narrows). */
tc_status tc_requantize_s32_s16(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                                const int32_t *input, int16_t *output);
/** @brief int16 -> int32 requantize (TFLite QUANTIZE); output must not overlap the input. */
tc_status tc_requantize_s16_s32(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                                const int16_t *input, int32_t *output);
/** @brief int16 -> int16 requantize; output may equal input. */
tc_status tc_requantize_s16_s16(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                                const int16_t *input, int16_t *output);

/**
 * @brief int8 -> float32 (TFLite Dequantize): scale * (float)(q - zp), one float multiply.
 *
 * @param[in]  size    number of elements
 * @param[in]  scale   input scale
 * @param[in]  zp      input zero point
 * @param[in]  input   int8, Format: [size]
 * @param[out] output  float32, Format: [size]; must not overlap the input
 * @return TC_OK
 */
tc_status tc_dequantize_s8_f32(int32_t size, float scale, int32_t zp, const int8_t *input, float *output);

/**
 * @brief int8 -> float32 dequantize written in another axis order: output = transpose(dequantize(input)),
 *        one pass (a model's NHWC -> NCHW float output straight into the caller's buffer).
 *
 * @param[in]  params  input shape and permutation, as tc_transpose_s8
 * @param[in]  scale   input scale
 * @param[in]  zp      input zero point
 * @param[in]  input   int8, Format: [d0, d1, d2, d3]
 * @param[out] output  float32, Format: [d[perm[0]], d[perm[1]], d[perm[2]], d[perm[3]]]; must not overlap the input
 * @return TC_OK, or TC_ERR_ARG if perm is not a permutation
 */
tc_status tc_dequantize_transpose_s8_f32(const tc_transpose_params *params, float scale, int32_t zp,
                                         const int8_t *input, float *output);

/** @brief int16 -> float32, as tc_dequantize_s8_f32. */
tc_status tc_dequantize_s16_f32(int32_t size, float scale, int32_t zp, const int16_t *input, float *output);

/** A rectangle of rows [y0, y0 + h) and columns [x0, x0 + w) of an NHWC tensor (batch 1). */
typedef struct {
    int32_t y0;
    int32_t x0;
    int32_t h;
    int32_t w;
} tc_rect;

/**
 * @brief Gather a window of a larger tensor into a contiguous buffer (patch-based inference: a patch's input).
 *
 * dst[y][x][:] = src[win->y0 + y][win->x0 + x][:], byte for byte, for any element type.
 *
 * @param[in]  src_dims    shape of the source, Format: [1, H, W, C]
 * @param[in]  elem_bytes  bytes per element (1 for int8, 4 for float32)
 * @param[in]  win         the window, inside [0, H) x [0, W)
 * @param[in]  src         Format: [1, H, W, C]
 * @param[out] dst         Format: [1, win->h, win->w, C]; must not overlap src
 * @return TC_OK, or TC_ERR_ARG if the window leaves the source
 */
tc_status tc_copy_window(const tc_dims *src_dims, int32_t elem_bytes, const tc_rect *win, const void *src, void *dst);

/**
 * @brief Scatter a contiguous tile into its place in a larger tensor (patch-based inference: stitching).
 *
 * dst[tile->y0 + y][tile->x0 + x][:] = src[y][x][:], byte for byte, for any element type.
 *
 * @param[in]  dst_dims    shape of the destination, Format: [1, H, W, C]
 * @param[in]  elem_bytes  bytes per element
 * @param[in]  tile        the tile, inside [0, H) x [0, W)
 * @param[in]  src         Format: [1, tile->h, tile->w, C]
 * @param[out] dst         Format: [1, H, W, C]; must not overlap src
 * @return TC_OK, or TC_ERR_ARG if the tile leaves the destination
 */
tc_status tc_copy_tile(const tc_dims *dst_dims, int32_t elem_bytes, const tc_rect *tile, const void *src, void *dst);

/**
 * @brief Gather a window of the caller's int8 model input into a per-patch NHWC buffer, reading the
 * source in its own layout (patch-based inference: the stage reads the input, never a full NHWC copy).
 *
 * dst[y][x][c] = src(win->y0 + y, win->x0 + x, c), src being NHWC (nchw == 0) or NCHW (nchw != 0).
 *
 * @param[in]  dims  the source's logical shape as NHWC, Format: [1, H, W, C]
 * @param[in]  nchw  non-zero: src is Format: [1, C, H, W] (the model's leading TRANSPOSE, done per window)
 * @param[in]  win   the window, inside [0, H) x [0, W)
 * @param[in]  src   the model input
 * @param[out] dst   Format: [1, win->h, win->w, C]; must not overlap src
 * @return TC_OK, or TC_ERR_ARG if the window leaves the source
 */
tc_status tc_load_window_s8(const tc_dims *dims, int32_t nchw, const tc_rect *win, const int8_t *src, int8_t *dst);

/**
 * @brief As tc_load_window_s8 for a float32 model input, quantized per element exactly as
 * tc_quantize_f32_s8: dst = clamp(zp + round(src / scale), -128, 127).
 *
 * @param[in]  scale  output scale (float32 division, as TFLite)
 * @param[in]  zp     output zero point
 * @param[in]  src    Format: [1, H, W, C] or, with nchw, [1, C, H, W]; float32
 */
tc_status tc_load_window_f32_s8(const tc_dims *dims, int32_t nchw, const tc_rect *win, float scale, int32_t zp,
                                const float *src, int8_t *dst);

#endif /* TC_DATA_H */
