/* Test-only: every int16 input through the LSTM's private gemmlowp16 functions, for tests/test_gemmlowp16.py. */
#include <stdint.h>

#include "tc_gemmlowp16.h"

void gemmlowp16_tables(int32_t bits, int16_t *logistic, int16_t *tanh_out)
{
    for (int32_t v = -32768; v <= 32767; v++) {
        logistic[v + 32768] = (int16_t)tc_logistic16(v, bits);
        tanh_out[v + 32768] = (int16_t)tc_tanh16(v, bits);
    }
}
