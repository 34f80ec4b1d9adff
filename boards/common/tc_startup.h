/* tc_startup.h - what the startup code and the board support share. */
#ifndef TC_STARTUP_H
#define TC_STARTUP_H

/** Word painted over the free stack at reset; untouched words were never used. */
#define TC_STACK_PAINT 0xC5AC5AC5u

#endif /* TC_STARTUP_H */
