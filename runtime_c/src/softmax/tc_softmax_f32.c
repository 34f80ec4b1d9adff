#include <math.h>

#include "tc_softmax.h"

/* LiteRT's float reference Softmax: subtract the row max, exp of (x - max) * beta, divide by the
 * float32 sum taken in element order. */
tc_status tc_softmax_f32(float beta, int32_t rows, int32_t depth, const float *input, float *output)
{
    if (rows < 0 || depth < 1) {
        return TC_ERR_ARG;
    }
    for (int32_t r = 0; r < rows; r++) {
        const float *in = input + r * depth;
        float *out = output + r * depth;
        float max = in[0];
        for (int32_t c = 1; c < depth; c++) {
            max = in[c] > max ? in[c] : max;
        }
        float sum = 0.0f;
        for (int32_t c = 0; c < depth; c++) {
            out[c] = expf((in[c] - max) * beta);
            sum += out[c];
        }
        for (int32_t c = 0; c < depth; c++) {
            out[c] = out[c] / sum;
        }
    }
    return TC_OK;
}
