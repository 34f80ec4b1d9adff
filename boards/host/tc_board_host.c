/* tc_board_host.c - tc_board.h on the host: nothing to count or measure. */
#include "tc_board.h"

void tc_board_init(void)
{
}

void tc_counter_reset(void)
{
}

uint64_t tc_counter_read(void)
{
    return 0;
}

uint64_t tc_counter_ticks(void)
{
    return 0;
}

uint64_t tc_counter_from_ticks(uint64_t ticks)
{
    (void)ticks;
    return 0;
}

uint32_t tc_stack_high_water(void)
{
    return 0;
}

uint32_t tc_stack_size(void)
{
    return 0;
}
