# tinyc: one-command set-up, demo and tests.
#   make demo       set up, then compile + run the bundled KWS model on the host and in QEMU
#   make test       set up, then run the test suite (QEMU boards included; slow sweeps excluded)
#   make test-slow  the long sweeps (every model x every board, long fuzzing)
#   make bench      benchmark tables (memory vs TFLM, instructions in QEMU)

PYTHON ?= python3
APT_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm ccache
JOBS ?= 2
# Tests run make themselves: don't hand them this make's level and flags
# (a nested make prints "Entering directory" lines the tests would parse).
CLEAN_ENV := env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL
DEMO_OUT ?= build/demo

.PHONY: setup setup-apt setup-python demo test test-slow bench clean

setup: setup-apt setup-python

# Debian packages, only when a tool is missing.
setup-apt:
	@if ! command -v arm-none-eabi-gcc >/dev/null || ! command -v qemu-system-arm >/dev/null \
	   || ! command -v ccache >/dev/null \
	   || [ ! -f /usr/lib/arm-none-eabi/newlib/libc.a ]; then \
	  echo "tinyc setup: installing $(APT_PACKAGES)"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update && $$SUDO apt-get install -y --no-install-recommends $(APT_PACKAGES); \
	fi

setup-python:
	$(PYTHON) -m pip install -q -e '.[test]'

demo: setup
	$(CLEAN_ENV) $(PYTHON) scripts/demo.py --out $(DEMO_OUT)

test: setup
	$(CLEAN_ENV) $(PYTHON) -m pytest -q -n $(JOBS) tests

test-slow: setup
	$(CLEAN_ENV) $(PYTHON) -m pytest -q -n $(JOBS) -m slow tests

bench: setup
	$(PYTHON) bench/memory.py
	$(PYTHON) bench/latency.py

clean:
	rm -rf build .pytest_cache
