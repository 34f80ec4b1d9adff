#include "tc_activation.h"
#include "tc_fixedpoint.h"

tc_status tc_leaky_relu_s8(const tc_leaky_relu_params *params, int32_t size, const int8_t *input, int8_t *output)
{
    for (int32_t i = 0; i < size; i++) {
        const int32_t v = (int32_t)input[i] + params->input_offset;
        const tc_per_tensor_quant *q = v >= 0 ? &params->identity : &params->alpha;
        const int32_t out = tc_requantize_dr(v, q->multiplier, q->shift) + params->output_offset;
        output[i] = (int8_t)tc_clamp_i32(out, -128, 127);
    }
    return TC_OK;
}
