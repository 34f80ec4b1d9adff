# board.mk for netduinoplus2 (QEMU machine $(QEMU_MACHINE), from board.json).
LDSCRIPT := board/stm32f405.ld
include board/common/cortexm.mk
