/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for the kernel's <linux/compiler.h> (see types.h). */
#ifndef _SHIM_LINUX_COMPILER_H
#define _SHIM_LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define fallthrough	__attribute__((__fallthrough__))

#endif /* _SHIM_LINUX_COMPILER_H */
