/*
 * tc_types.h - shared types of the tinyc runtime (CMSIS-NN style).
 *
 * Kernels take their parameters in small structs and return a tc_status.
 * Tensors are NHWC; dims give the shape, data pointers the bytes.
 */
#ifndef TC_TYPES_H
#define TC_TYPES_H

#include <stdint.h>

typedef enum {
    TC_OK = 0,
    TC_ERR_ARG = -1 /**< an argument is out of the kernel's supported range */
} tc_status;

/** Tensor shape, NHWC. Unused leading dims are 1. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} tc_dims;

/** A (height, width) pair: strides, dilations, top/left padding. */
typedef struct {
    int32_t h;
    int32_t w;
} tc_tile;

/** Clamp range of the fused activation, in the output's integer domain. */
typedef struct {
    int32_t min;
    int32_t max;
} tc_activation;

/** Per-channel requantization: real multiplier[c] = multiplier[c] * 2^(shift[c] - 31). */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
} tc_per_channel_quant;

/** Per-tensor requantization. */
typedef struct {
    int32_t multiplier;
    int32_t shift;
} tc_per_tensor_quant;

/** Scratch memory handed to a kernel; size from its _get_buffer_size(). */
typedef struct {
    void *buf;
    int32_t size;
} tc_context;

/** Convolution (regular and grouped). padding is top/left; bottom/right follow from the dims. */
typedef struct {
    int32_t input_offset;  /**< -input zero point */
    int32_t output_offset; /**< output zero point */
    int32_t groups;
    tc_tile stride;
    tc_tile padding;
    tc_tile dilation;
    tc_activation activation;
} tc_conv_params;

/** Depthwise convolution. */
typedef struct {
    int32_t input_offset;
    int32_t output_offset;
    int32_t ch_mult;
    tc_tile stride;
    tc_tile padding;
    tc_tile dilation;
    tc_activation activation;
} tc_dw_conv_params;

/** Fully connected. */
typedef struct {
    int32_t input_offset;
    int32_t filter_offset;
    int32_t output_offset;
    tc_activation activation;
} tc_fc_params;

/** Pooling (max and average). */
typedef struct {
    tc_tile stride;
    tc_tile padding;
    tc_activation activation;
} tc_pool_params;

#endif /* TC_TYPES_H */
