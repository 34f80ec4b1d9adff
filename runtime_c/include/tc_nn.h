/*
 * tc_nn.h - the tinyc runtime: every kernel's prototype, one header per family.
 */
#ifndef TC_NN_H
#define TC_NN_H

#include "tc_types.h"
#include "tc_fixedpoint.h"
#include "tc_conv.h"
#include "tc_fc.h"
#include "tc_pool.h"
#include "tc_elementwise.h"
#include "tc_data.h"
#include "tc_activation.h"
#include "tc_softmax.h"
#include "tc_mixed.h"
#include "tc_quantmcu.h"
#include "tc_transformer.h"
#include "tc_reduce.h"
#include "tc_recurrent.h"
#include "tc_rnn_f32.h"
#include "tc_norm.h"

#endif /* TC_NN_H */
