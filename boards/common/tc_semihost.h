/*
 * tc_semihost.h - the few Arm semihosting calls the board code makes itself.
 *
 * Everything else (printf, fopen, fread, fwrite) goes through newlib's
 * librdimon (--specs=rdimon.specs). The emulator or debugger on the other
 * end must have semihosting enabled.
 */
#ifndef TC_SEMIHOST_H
#define TC_SEMIHOST_H

#include <stdint.h>

/** Exit status a fault handler gives (sysexits' EX_SOFTWARE). */
#define TC_FAULT_EXIT_CODE 70

/** Print a NUL-terminated string on the host's console (SYS_WRITE0). */
void tc_semihost_write0(const char *s);

/** Print `label` then `value` as 0x%08x (no newline). */
void tc_semihost_write_hex(const char *label, uint32_t value);

/** Stop the program with `code` as the host's exit status (SYS_EXIT_EXTENDED). */
void tc_semihost_exit(int code) __attribute__((noreturn));

#endif /* TC_SEMIHOST_H */
