/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for the kernel's <linux/types.h>, so that emul/ builds in a
 * host program (tests/emul).  The shim folder shadows the system's
 * <linux/...> headers for every file of the harness, so this one includes
 * the system's (the uapi types, which C library headers include under
 * this name) and adds the kernel-internal names.
 */
#ifndef _SHIM_LINUX_TYPES_H
#define _SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include_next <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

#endif /* _SHIM_LINUX_TYPES_H */
