#ifndef TC_RNN_INTERNAL_H
#define TC_RNN_INTERNAL_H

#include <math.h>

#include "tc_rnn_f32.h"

/* scale * sum_k(v[k] * w[k]), summed in k order (the numpy reference's order) */
static inline float tc_rnn_dot(const int8_t *w, const float *v, int32_t n, float scale)
{
    float acc = 0.0f;
    for (int32_t k = 0; k < n; k++) {
        acc = acc + v[k] * (float)w[k];
    }
    return scale * acc;
}

static inline float tc_rnn_sigmoid(float v)
{
    return 1.0f / (1.0f + expf(-v));
}

#endif /* TC_RNN_INTERNAL_H */
