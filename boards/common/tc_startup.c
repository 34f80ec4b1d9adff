/*
 * tc_startup.c - reset and fault handling for every Cortex-M board.
 *
 * After Reset_Handler: the FPU is on (if the build uses one), .data is
 * copied from flash, .bss is zero, the unused stack is painted with
 * TC_STACK_PAINT (for tc_stack_high_water), semihosting stdio is open, and
 * main()'s return value is the exit status. Any fault prints the fault
 * registers through semihosting and exits with TC_FAULT_EXIT_CODE.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "tc_semihost.h"
#include "tc_startup.h"

#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t *)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t *)0xE000ED38u)
#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)

#define TC_NUM_IRQS 32

/* Linker script symbols (tc_sections.ld). */
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __StackLimit[], __StackTop[];
extern char __heap_start[];

extern int main(void);
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);

void Reset_Handler(void) __attribute__((noreturn));
void HardFault_Handler(void) __attribute__((naked));
void Default_Handler(void) __attribute__((naked));
void SysTick_Handler(void) __attribute__((weak, alias("tc_ignore_irq")));
void tc_fault_report(const uint32_t *frame) __attribute__((noreturn, used));

void tc_ignore_irq(void);
void tc_ignore_irq(void)
{
}

typedef void (*tc_vector)(void);

__attribute__((section(".isr_vector"), used))
const tc_vector tc_vector_table[16 + TC_NUM_IRQS] = {
    [0] = (tc_vector)(uintptr_t)__StackTop,
    [1] = Reset_Handler,
    [2] = Default_Handler,   /* NMI */
    [3] = HardFault_Handler,
    [4] = Default_Handler,   /* MemManage */
    [5] = Default_Handler,   /* BusFault */
    [6] = Default_Handler,   /* UsageFault */
    [11] = Default_Handler,  /* SVCall */
    [12] = Default_Handler,  /* DebugMonitor */
    [14] = Default_Handler,  /* PendSV */
    [15] = SysTick_Handler,
    [16 ... 16 + TC_NUM_IRQS - 1] = Default_Handler,
};

/* newlib calls these from __libc_init_array / exit; there is no crti.o. */
void _init(void);
void _init(void)
{
}
void _fini(void);
void _fini(void)
{
}

/* The heap runs from the end of .bss up to the reserved stack, never into it,
 * so the painted stack stays a true record of stack use. */
void *_sbrk(ptrdiff_t increment);
void *_sbrk(ptrdiff_t increment)
{
    static char *brk = __heap_start;
    if (increment > (char *)__StackLimit - brk || increment < __heap_start - brk) {
        errno = ENOMEM;
        return (void *)-1;
    }
    char *previous = brk;
    brk += increment;
    return previous;
}

static void paint_stack(void)
{
    uint32_t *sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile uint32_t *p = __StackLimit; p < sp - 8; p++) {
        *p = TC_STACK_PAINT;
    }
}

void Reset_Handler(void)
{
#if defined(__ARM_FP)
    SCB_CPACR |= 0xFu << 20; /* CP10 and CP11: full access */
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
    SCB_VTOR = (uint32_t)(uintptr_t)tc_vector_table;
    const uint32_t *src = __data_load;
    for (volatile uint32_t *dst = __data_start; dst < __data_end; dst++) {
        *dst = *src++;
    }
    for (volatile uint32_t *dst = __bss_start__; dst < __bss_end__; dst++) {
        *dst = 0;
    }
    paint_stack();
    initialise_monitor_handles();
    __libc_init_array();
    exit(main());
}

/* Pass the stacked exception frame (MSP or PSP, from EXC_RETURN bit 2). */
void HardFault_Handler(void)
{
    __asm__ volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "b tc_fault_report\n\t");
}

void Default_Handler(void)
{
    __asm__ volatile(
        "tst lr, #4\n\t"
        "ite eq\n\t"
        "mrseq r0, msp\n\t"
        "mrsne r0, psp\n\t"
        "b tc_fault_report\n\t");
}

void tc_fault_report(const uint32_t *frame)
{
    tc_semihost_write_hex("tinyc: fault: exception=", SCB_ICSR & 0x1ffu);
    tc_semihost_write_hex(" CFSR=", SCB_CFSR);
    tc_semihost_write_hex(" HFSR=", SCB_HFSR);
    tc_semihost_write_hex(" MMFAR=", SCB_MMFAR);
    tc_semihost_write_hex(" BFAR=", SCB_BFAR);
    tc_semihost_write_hex(" PC=", frame[6]);
    tc_semihost_write_hex(" LR=", frame[5]);
    tc_semihost_write_hex(" xPSR=", frame[7]);
    tc_semihost_write0("\n");
    tc_semihost_exit(TC_FAULT_EXIT_CODE);
}
