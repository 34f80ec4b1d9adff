/*
 * Test program for the board tests (tests/boards/test_boards.py).
 *
 * Reads input.bin, writes output.bin with every byte XOR 0x5a, times a loop
 * of exactly TEST_LOOP_N iterations of two instructions, prints the counter
 * and the stack high-water mark, and exits with TEST_EXIT_CODE.
 * With TEST_FAULT=1 it reads an unmapped address instead (expects a fault);
 * TEST_BIG_BSS=n adds an n-byte static buffer (for "does not fit" tests).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "tc_board.h"

#ifndef TEST_EXIT_CODE
#define TEST_EXIT_CODE 0
#endif
#ifndef TEST_LOOP_N
#define TEST_LOOP_N 1000000u
#endif
#ifndef TEST_FAULT
#define TEST_FAULT 0
#endif

#ifdef TEST_BIG_BSS
static volatile uint8_t big_buffer[TEST_BIG_BSS];
#endif

static void known_loop(uint32_t n)
{
#if defined(__arm__)
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
#else
    volatile uint32_t i = n;
    while (i != 0) {
        i--;
    }
#endif
}

static long copy_xor(const char *in_path, const char *out_path)
{
    FILE *in = fopen(in_path, "rb");
    FILE *out = fopen(out_path, "wb");
    if (in == NULL || out == NULL) {
        return -1;
    }
    unsigned char buf[64];
    long total = 0;
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        for (size_t i = 0; i < n; i++) {
            buf[i] ^= 0x5au;
        }
        if (fwrite(buf, 1, n, out) != n) {
            return -1;
        }
        total += (long)n;
    }
    fclose(in);
    fclose(out);
    return total;
}

int main(void)
{
    tc_board_init();
#ifdef TEST_BIG_BSS
    big_buffer[TEST_BIG_BSS - 1] = 1;
#endif
    if (TEST_FAULT) {
        volatile uint32_t *bad = (volatile uint32_t *)0xCFFFFFF0u;
        printf("test: about to fault\n");
        printf("test: read %lu\n", (unsigned long)*bad);
    }
    volatile float half = 1.5f; /* hard-float boards fault here unless reset enabled the FPU */
    printf("test: float=%d\n", (int)(half * half * 4.0f));
    const long copied = copy_xor("input.bin", "output.bin");
    if (copied < 0) {
        printf("test: cannot copy input.bin to output.bin\n");
        return 99;
    }
    tc_counter_reset();
    known_loop(TEST_LOOP_N);
    const unsigned long insns = (unsigned long)tc_counter_read();
    printf("test: bytes=%ld\n", copied);
    printf("tinyc: instructions=%lu\n", insns);
    printf("tinyc: stack_bytes=%lu\n", (unsigned long)tc_stack_high_water());
    return TEST_EXIT_CODE;
}
