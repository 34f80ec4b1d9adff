#include "tc_transformer.h"
#include "tc_fixedpoint.h"

tc_status tc_batch_matmul_s8(const tc_batch_matmul_params *p, const int8_t *lhs, const int8_t *rhs,
                             int8_t *output)
{
    if (p->rows < 1 || p->cols < 1 || p->depth < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t b0 = 0; b0 < p->batch[0]; b0++) {
        for (int32_t b1 = 0; b1 < p->batch[1]; b1++) {
            for (int32_t b2 = 0; b2 < p->batch[2]; b2++) {
                const int8_t *l = lhs + b0 * p->lhs_bstride[0] + b1 * p->lhs_bstride[1] + b2 * p->lhs_bstride[2];
                const int8_t *r = rhs + b0 * p->rhs_bstride[0] + b1 * p->rhs_bstride[1] + b2 * p->rhs_bstride[2];
                for (int32_t i = 0; i < p->rows; i++) {
                    const int8_t *li = l + i * p->lhs_rstride;
                    for (int32_t j = 0; j < p->cols; j++) {
                        const int8_t *rj = r + j * p->rhs_cstride;
                        int32_t acc = 0;
                        for (int32_t k = 0; k < p->depth; k++) {
                            acc += ((int32_t)li[k * p->lhs_kstride] + p->lhs_offset) *
                                   ((int32_t)rj[k * p->rhs_kstride] + p->rhs_offset);
                        }
                        int32_t y = tc_requantize_dr(acc, p->multiplier, p->shift) + p->output_offset;
                        *output++ = (int8_t)tc_clamp_i32(y, p->activation.min, p->activation.max);
                    }
                }
            }
        }
    }
    return TC_OK;
}
