/*
 * tc_board.h - what every board gives the generated harness (main.c).
 *
 * Each board folder (boards/<name>/) implements these functions.
 * On QEMU boards the counter is SysTick under `-icount shift=0`, where one
 * guest instruction advances virtual time by exactly 1 ns, so
 * instructions = ticks * 1e9 / systick_hz. On real hardware the same
 * counter returns CPU cycles. On the host every function is a stub.
 */
#ifndef TC_BOARD_H
#define TC_BOARD_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Set up the counter (SysTick and its wrap interrupt). Call once, first thing in main. */
void tc_board_init(void);

/** Restart the counter: tc_counter_read() returns 0 right after this. */
void tc_counter_reset(void);

/**
 * Instructions executed since the last tc_counter_reset() (under QEMU;
 * CPU cycles on real hardware; always 0 on the host). Resolution is one
 * SysTick tick, e.g. 40 instructions on the 25 MHz mps2 machines.
 */
uint64_t tc_counter_read(void);

/**
 * Raw counter ticks since the last tc_counter_reset() (SysTick ticks, wraps included): a
 * cheap read (no division) for the profiling build's marks around each kernel call
 * (model.c, -DTC_PROFILE=1). 0 on the host.
 */
uint64_t tc_counter_ticks(void);

/** ticks (differences of tc_counter_ticks()) in tc_counter_read()'s unit. 0 on the host. */
uint64_t tc_counter_from_ticks(uint64_t ticks);

/**
 * Bytes of stack ever used since reset, from the pattern the startup code
 * paints over the stack region. 0 on the host.
 */
uint32_t tc_stack_high_water(void);

/** Bytes reserved for the stack by the linker script. 0 on the host. */
uint32_t tc_stack_size(void);

#ifdef __cplusplus
}
#endif

#endif /* TC_BOARD_H */
