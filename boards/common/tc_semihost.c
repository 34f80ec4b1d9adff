/*
 * tc_semihost.c - SYS_WRITE0 and SYS_EXIT_EXTENDED, and an _exit() that uses
 * the latter so that exit(3) really gives status 3 on the host.
 *
 * Plain SYS_EXIT on AArch32 only carries a reason code, so every exit would
 * look like 0 or 1; SYS_EXIT_EXTENDED carries the subcode.
 */
#include "tc_semihost.h"

#define SYS_WRITE0 0x04u
#define SYS_EXIT_EXTENDED 0x20u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihost_call(uint32_t op, const void *arg)
{
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void tc_semihost_write0(const char *s)
{
    (void)semihost_call(SYS_WRITE0, s);
}

void tc_semihost_write_hex(const char *label, uint32_t value)
{
    static const char digits[] = "0123456789abcdef";
    char text[11];
    text[0] = '0';
    text[1] = 'x';
    for (int i = 0; i < 8; i++) {
        text[2 + i] = digits[(value >> (28 - 4 * i)) & 0xfu];
    }
    text[10] = '\0';
    tc_semihost_write0(label);
    tc_semihost_write0(text);
}

void tc_semihost_exit(int code)
{
    const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)code};
    (void)semihost_call(SYS_EXIT_EXTENDED, block);
    for (;;) {
    }
}

/* Overrides librdimon's _exit (a separate archive member, so no clash). */
void _exit(int code) __attribute__((noreturn));
void _exit(int code)
{
    tc_semihost_exit(code);
}
