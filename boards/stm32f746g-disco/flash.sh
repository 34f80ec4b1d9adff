#!/bin/sh
# flash.sh ELF - write ELF to a USB-connected STM32F746G-DISCO (ST-LINK/V2-1).
# Uses openocd (its board/stm32f746g-disco.cfg) or else st-flash.
set -e
elf="$1"
if command -v openocd >/dev/null 2>&1; then
    exec openocd -f board/stm32f746g-disco.cfg -c "program $elf verify reset exit"
elif command -v st-flash >/dev/null 2>&1; then
    arm-none-eabi-objcopy -O binary "$elf" "${elf%.elf}.bin"
    exec st-flash --reset write "${elf%.elf}.bin" 0x08000000
else
    echo "tinyc: make flash needs openocd or st-flash (stlink-tools) on PATH; neither is installed (e.g. apt install openocd)" >&2
    exit 1
fi
