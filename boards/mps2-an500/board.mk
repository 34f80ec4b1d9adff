# board.mk for mps2-an500 (QEMU machine $(QEMU_MACHINE), from board.json).
LDSCRIPT := board/mps2_an500.ld
include board/common/cortexm.mk
