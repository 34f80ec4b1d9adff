/*
 * tc_board_cortexm.c - tc_board.h for every Cortex-M board: a 64-bit
 * SysTick counter and the stack high-water mark.
 *
 * SysTick runs from the core clock with the full 24-bit reload, and its
 * interrupt counts wraps. Build-time defines (set by board.mk):
 *   TC_SYSTICK_HZ   the frequency SysTick counts at (the emulated machine's
 *                   clock under QEMU);
 *   TC_EMULATED=1   convert ticks to instructions: under QEMU `-icount
 *                   shift=0` one instruction is 1 ns of virtual time, so
 *                   instructions = ticks * 1e9 / TC_SYSTICK_HZ.
 *   TC_EMULATED=0   return ticks as they are (CPU cycles on real hardware).
 */
#include <stdint.h>

#include "tc_board.h"
#include "tc_startup.h"

#ifndef TC_SYSTICK_HZ
#error "TC_SYSTICK_HZ must be defined by the board's board.mk"
#endif
#ifndef TC_EMULATED
#define TC_EMULATED 1
#endif

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define SYST_RELOAD 0xFFFFFFu /* period 2^24 ticks */
#define SYST_ENABLE_TICKINT_CORECLK 7u

extern uint32_t __StackLimit[], __StackTop[];

static volatile uint32_t tc_wraps;

void SysTick_Handler(void);
void SysTick_Handler(void)
{
    tc_wraps++;
}

void tc_board_init(void)
{
    tc_counter_reset();
}

void tc_counter_reset(void)
{
    SYST_CSR = 0;
    SYST_RVR = SYST_RELOAD;
    SYST_CVR = 0; /* clears the count; the next tick reloads SYST_RELOAD */
    SCB_ICSR = 1u << 25; /* PENDSTCLR: drop a wrap from before the reset */
    tc_wraps = 0;
    SYST_CSR = SYST_ENABLE_TICKINT_CORECLK;
}

/* Ticks since reset. With interrupts off, a pending SysTick means a wrap
 * happened that tc_wraps does not hold yet; the value read after seeing it
 * is already past that wrap. */
static uint64_t read_ticks(void)
{
    uint32_t primask;
    __asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(primask)::"memory");
    uint32_t wraps = tc_wraps;
    uint32_t value = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {
        wraps++;
        value = SYST_CVR;
    }
    __asm__ volatile("msr primask, %0" ::"r"(primask) : "memory");
    const uint32_t into_period = (0x1000000u - value) & SYST_RELOAD;
    return ((uint64_t)wraps << 24) + into_period;
}

uint64_t tc_counter_ticks(void)
{
    return read_ticks();
}

uint64_t tc_counter_read(void)
{
    return tc_counter_from_ticks(read_ticks());
}

uint64_t tc_counter_from_ticks(uint64_t ticks)
{
#if TC_EMULATED
    return ticks * 1000000000ull / (uint64_t)TC_SYSTICK_HZ;
#else
    return ticks;
#endif
}

uint32_t tc_stack_high_water(void)
{
    const volatile uint32_t *p = __StackLimit;
    while (p < __StackTop && *p == TC_STACK_PAINT) {
        p++;
    }
    return (uint32_t)((uintptr_t)__StackTop - (uintptr_t)p);
}

uint32_t tc_stack_size(void)
{
    return (uint32_t)((uintptr_t)__StackTop - (uintptr_t)__StackLimit);
}
