/*
 * tc_quantmcu.h - QuantMCU in the patch loop: run-time VDPC and VDQS storage of one feature map.
 *
 * tinyc/quantmcu (execute.py, vdpc.py, pack.py) defines the semantics; this kernel equals it bit for bit.
 */
#ifndef TC_QUANTMCU_H
#define TC_QUANTMCU_H

#include "tc_types.h"
#include "tc_pack.h"

/** One stage feature map's QuantMCU parameters (computed offline by tinyc's calibration and search). */
typedef struct {
    int32_t threshold;  /**< VDPC: the patch is an outlier when max |q - zp| over the map exceeds this */
    tc_pack_grid grid;  /**< VDQS: the sub-8-bit grid (grid.bits == 8: the map stays int8) */
    const int8_t *lut;  /**< int8 [2^grid.bits]: the value of each code (NULL when grid.bits == 8) */
} tc_quantmcu_map;

/**
 * After a stage node wrote map `buf` (int8 [n], one patch): sets *outlier to 1 when the map holds
 * a value with |q - zp| > threshold (the flag is sticky: the caller resets it once per patch).
 * Afterwards, when *outlier is 0 and grid.bits < 8, buf holds the map as the next node reads it
 * after a packed store: each value quantized to its b-bit code (tc_pack_s8's layout, packed in
 * place in buf's first (n * bits + 7) / 8 bytes) and unpacked through lut. Otherwise buf is unchanged.
 */
tc_status tc_quantmcu_s8(const tc_quantmcu_map *map, int8_t *buf, int32_t n, int32_t *outlier);

#endif /* TC_QUANTMCU_H */
