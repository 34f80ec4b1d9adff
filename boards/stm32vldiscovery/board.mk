# board.mk for stm32vldiscovery (QEMU machine $(QEMU_MACHINE), from board.json).
LDSCRIPT := board/stm32f100.ld
include board/common/cortexm.mk
