# twin.mk - link the QEMU twin (mps2-an500) from the same objects as the real
# image, except the counter, which is rebuilt for the mps2's 25 MHz SysTick.
# Included by the generated Makefile after OBJS is known.
QEMU_SYSTICK_HZ := 25000000
QEMU_COUNTER_OBJ := $(BUILD)/board/common/tc_board_cortexm-qemu.o

$(QEMU_COUNTER_OBJ): board/common/tc_board_cortexm.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Iboard/common -DTC_SYSTICK_HZ=$(QEMU_SYSTICK_HZ) -DTC_EMULATED=1 -MMD -MP -c $< -o $@

$(RUN_BIN): LDSCRIPT := board/stm32f746_qemu.ld
$(RUN_BIN): $(filter-out %/tc_board_cortexm.o,$(OBJS)) $(QEMU_COUNTER_OBJ)
	$(CC) $(LDFLAGS) $(BOARD_LDFLAGS) $^ $(LIBS) -o $@
