// SPDX-License-Identifier: GPL-2.0
/*
 * axvcpu_kunit.ko: the KUnit suites.  The code under test is compiled
 * into this module (core_impl.c, vmx_impl.c) so that the suites run
 * where axvcpu.ko itself refuses to load (no VMX, e.g. QEMU TCG).
 */
#include <linux/module.h>

MODULE_DESCRIPTION("KUnit tests for axvcpu");
MODULE_LICENSE("GPL");
