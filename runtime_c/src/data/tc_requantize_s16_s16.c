#include "tc_data.h"
#include "tc_data_internal.h"

tc_status tc_requantize_s16_s16(int32_t size, int32_t in_zp, const tc_per_tensor_quant *quant, int32_t out_zp,
                              const int16_t *input, int16_t *output)
{
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = tc_requantize_dr((int32_t)input[i] - in_zp, quant->multiplier, quant->shift);
        /* int64 sum: a huge multiplier must saturate, not overflow. */
        int64_t w = (int64_t)v + out_zp;
        w = w < -32768 ? -32768 : (w > 32767 ? 32767 : w);
        output[i] = (int16_t)w;
    }
    return TC_OK;
}
