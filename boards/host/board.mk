# board.mk for the host: native gcc, no counter, no stack measurement.
# `make SANITIZE=1` builds with ASan + UBSan into build/asan/.
CC := gcc
SIZE := size
ifeq ($(SANITIZE),1)
BUILD := build/asan
SANITIZE_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g
endif
BIN := $(BUILD)/$(MODEL)
RUN_BIN := $(BIN)
BOARD_SRCS := board/tc_board_host.c
BOARD_CFLAGS := $(SANITIZE_FLAGS)
BOARD_LDFLAGS := $(SANITIZE_FLAGS)
LIBS := -lm
RUN = ./$(RUN_BIN)
FLASH = @echo "tinyc: board 'host' runs natively: there is nothing to flash; use 'make run'" >&2; exit 1
