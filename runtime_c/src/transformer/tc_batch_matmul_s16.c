#include "tc_transformer.h"
#include "tc_fixedpoint.h"

tc_status tc_batch_matmul_s16(const tc_batch_matmul_params *p, const int16_t *lhs, const int16_t *rhs,
                              int16_t *output)
{
    if (p->rows < 1 || p->cols < 1 || p->depth < 1 || p->shift > 14) {
        return TC_ERR_ARG;
    }
    /* TFLite's int64 MultiplyByQuantizedMultiplier: 16-bit multiplier, one rounding. */
    const int64_t m = p->multiplier < 0x7FFF0000 ? ((int64_t)p->multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - p->shift;
    const int64_t round = (int64_t)1 << (total_shift - 1);
    for (int32_t b0 = 0; b0 < p->batch[0]; b0++) {
        for (int32_t b1 = 0; b1 < p->batch[1]; b1++) {
            for (int32_t b2 = 0; b2 < p->batch[2]; b2++) {
                const int16_t *l = lhs + b0 * p->lhs_bstride[0] + b1 * p->lhs_bstride[1] + b2 * p->lhs_bstride[2];
                const int16_t *r = rhs + b0 * p->rhs_bstride[0] + b1 * p->rhs_bstride[1] + b2 * p->rhs_bstride[2];
                for (int32_t i = 0; i < p->rows; i++) {
                    const int16_t *li = l + i * p->lhs_rstride;
                    for (int32_t j = 0; j < p->cols; j++) {
                        const int16_t *rj = r + j * p->rhs_cstride;
                        int64_t acc = 0;
                        for (int32_t k = 0; k < p->depth; k++) {
                            acc += (int64_t)(((int32_t)li[k * p->lhs_kstride] + p->lhs_offset) *
                                             ((int32_t)rj[k * p->rhs_kstride] + p->rhs_offset));
                        }
                        int64_t y = ((acc * m + round) >> total_shift) + p->output_offset;
                        y = y < p->activation.min ? p->activation.min : y;
                        y = y > p->activation.max ? p->activation.max : y;
                        *output++ = (int16_t)y;
                    }
                }
            }
        }
    }
    return TC_OK;
}
