# cortexm.mk - make settings shared by every Cortex-M board (included by the
# board's board.mk after it sets LDSCRIPT, and SYSTICK_HZ if it differs from
# CLOCK_HZ). Uses CLOCK_HZ, QEMU_MACHINE, MODEL, BOARD and BUILD from the
# generated Makefile.
CC := arm-none-eabi-gcc
SIZE := arm-none-eabi-size
BIN := $(BUILD)/$(MODEL).elf
RUN_BIN := $(BIN)
SYSTICK_HZ ?= $(CLOCK_HZ)

BOARD_SRCS := board/common/tc_startup.c board/common/tc_semihost.c \
	board/common/tc_board_cortexm.c
BOARD_CFLAGS := -Iboard/common -DTC_SYSTICK_HZ=$(SYSTICK_HZ) -DTC_EMULATED=1
# newlib-nano (integer printf, small malloc: ~2.4 KB less RAM, ~20 KB less
# flash than full newlib); `make LIBC_SPECS=` links full newlib instead.
LIBC_SPECS := --specs=nano.specs
SPECS := $(LIBC_SPECS) --specs=rdimon.specs -nostartfiles -Lboard/common
BOARD_LDFLAGS = $(SPECS) -T $(LDSCRIPT) -Wl,-Map=$(@:.elf=.map)
LIBS := -lm

# QEMU: semihosting carries stdio, files and the exit status; -icount
# shift=0 makes one instruction one nanosecond of virtual time.
QEMU := qemu-system-arm
QEMU_FLAGS := -M $(QEMU_MACHINE) -nographic -monitor none -serial none \
	-icount shift=0 -semihosting-config enable=on,target=native
RUN = $(QEMU) $(QEMU_FLAGS) -kernel $(RUN_BIN)
FLASH = @echo "tinyc: board '$(BOARD)' is emulation-only (QEMU machine $(QEMU_MACHINE)): there is nothing to flash; use 'make run'" >&2; exit 1
