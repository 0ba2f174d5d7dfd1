/* SPDX-License-Identifier: GPL-2.0 */
/* Stand-in for the kernel's <linux/string.h>. */
#ifndef _SHIM_LINUX_STRING_H
#define _SHIM_LINUX_STRING_H

#include <string.h>

#endif /* _SHIM_LINUX_STRING_H */
