#include "tc_data.h"
#include "tc_data_internal.h"

tc_status tc_requantize_s32_s16(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                                const int32_t *input, int16_t *output)
{
    for (int32_t i = 0; i < size; i++) {
        /* TFLite subtracts the zero point in int32 (wrapping here, instead of C's undefined overflow). */
        const int32_t x = (int32_t)((uint32_t)(int32_t)input[i] - (uint32_t)in_zp);
        const int32_t v = tc_requantize_dr(x, quant->multiplier, quant->shift);
        int64_t w = (int64_t)v + out_zp;
        w = w < -32768 ? -32768 : (w > 32767 ? 32767 : w);
        output[i] = (int16_t)w;
    }
    return TC_OK;
}
