# board.mk for mps2-an386 (QEMU machine $(QEMU_MACHINE), from board.json).
LDSCRIPT := board/mps2_an386.ld
include board/common/cortexm.mk
