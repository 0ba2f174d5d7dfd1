/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stand-in for the kernel's <linux/errno.h>: the numbers are the uapi's,
 * which the C library's <errno.h> also reaches through this very name.
 */
#ifndef _SHIM_LINUX_ERRNO_H
#define _SHIM_LINUX_ERRNO_H

#include_next <linux/errno.h>

#endif /* _SHIM_LINUX_ERRNO_H */
