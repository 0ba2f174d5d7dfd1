/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for the kernel's <linux/kernel.h>: the helpers emul/ and the
 * harness use.  min() and max() evaluate their arguments once, as the
 * kernel's do; the kernel's also refuse operands of different types at
 * compile time, which the module build checks, not this one.
 */
#ifndef _SHIM_LINUX_KERNEL_H
#define _SHIM_LINUX_KERNEL_H

#include <assert.h>		/* static_assert(), as <linux/build_bug.h> */
#include <linux/types.h>
#include <linux/bits.h>
#include <linux/compiler.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define min(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a < _b ? _a : _b; })
#define max(a, b) ({ __typeof__(a) _a = (a); __typeof__(b) _b = (b); _a > _b ? _a : _b; })
#define min_t(type, a, b) ({ type _a = (a), _b = (b); _a < _b ? _a : _b; })
#define clamp(v, lo, hi) min(max(v, lo), hi)

/* Sign-extend the value of bits @index..0 of @value (<linux/bitops.h>). */
static inline s64 sign_extend64(u64 value, int index)
{
	int shift = 63 - index;

	return (s64)(value << shift) >> shift;
}

#endif /* _SHIM_LINUX_KERNEL_H */
