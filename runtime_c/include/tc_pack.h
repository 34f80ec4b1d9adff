/*
 * tc_pack.h - sub-8-bit activation storage of QuantMCU's patch stage.
 *
 * tinyc/quantmcu/pack.py defines the semantics; these kernels equal it bit for bit.
 */
#ifndef TC_PACK_H
#define TC_PACK_H

#include "tc_types.h"

/** The b-bit grid of one feature map (all integers, computed offline by tinyc). */
typedef struct {
    int32_t bits;   /**< 1..7: bits per code */
    int32_t zp;     /**< the map's int8 zero point */
    int32_t offset; /**< d = q - zp is clamped to [offset, offset + span] */
    int32_t span;   /**< >= 1 */
    int32_t mul;    /**< round((2^bits - 1) * 2^16 / span) */
} tc_pack_grid;

/**
 * Quantize int8 values to b-bit codes, u = min(((d - offset) * mul + 2^15) >> 16, 2^b - 1),
 * and pack them as an LSB-first bit stream: code k occupies stream bits [k*b, k*b + b),
 * stream bit j is bit (j % 8) of byte j / 8.
 * src: int8 [n] (NHWC order). dst: uint8 [(n * bits + 7) / 8], fully written.
 */
tc_status tc_pack_s8(const int8_t *src, uint8_t *dst, int32_t n, const tc_pack_grid *grid);

/**
 * Unpack n b-bit codes (tc_pack_s8's layout) and map each through lut to int8.
 * src: uint8 [(n * bits + 7) / 8]. lut: int8 [2^bits]. dst: int8 [n].
 */
tc_status tc_pack_unpack_s8(const uint8_t *src, int8_t *dst, int32_t n, int32_t bits, const int8_t *lut);

#endif /* TC_PACK_H */
