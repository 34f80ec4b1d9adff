# board.mk for the STM32F746G-DISCO. Two images from the same objects:
#   build/$(MODEL).elf       the real board (flash at 0x08000000): make flash, make size
#   build/$(MODEL)-qemu.elf  its twin on QEMU mps2-an500 (code at 0), linked with
#                            the F746's 1 MB flash / 320 KB SRAM limits: make run
# On the real chip the counter returns CPU cycles; the twin counts
# instructions against the mps2-an500's 25 MHz SysTick (rules in twin.mk).
LDSCRIPT := board/stm32f746.ld
include board/common/cortexm.mk
BOARD_CFLAGS := -Iboard/common -DTC_SYSTICK_HZ=$(CLOCK_HZ) -DTC_EMULATED=0
RUN_BIN := $(BUILD)/$(MODEL)-qemu.elf
EXTRA_BINS := $(RUN_BIN)
BOARD_RULES := board/twin.mk
FLASH = @sh board/flash.sh $(BIN)
