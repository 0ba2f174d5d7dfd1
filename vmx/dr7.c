// SPDX-License-Identifier: GPL-2.0
/*
 * Matching an access against DR7 and DR0-DR3 (SDM Vol. 3, 18.2.4 and
 * 18.2.5), with no hardware involved: KUnit tests it against the SDM's
 * rules (kunit/vmx_dr7_test.c).
 */
#include <linux/bits.h>

#include "dr7.h"

#define VMX_DR7_RW_WRITE	1
#define VMX_DR7_RW_IO		2
#define VMX_DR7_RW_ANY		3

/* The R/W field of breakpoint @i. */
static unsigned int vmx_dr7_rw(unsigned long dr7, unsigned int i)
{
	return (dr7 >> (16 + 4 * i)) & 3;
}

unsigned long vmx_dr7_armed(unsigned long dr7, bool cr4_de)
{
	unsigned int i;

	for (i = 0; i < 4 && !cr4_de; i++)
		if (vmx_dr7_rw(dr7, i) == VMX_DR7_RW_IO)
			dr7 &= ~(3UL << (2 * i));
	return dr7 & VMX_DR7_ENABLED ? dr7 : 0;
}

/* Does a breakpoint of R/W @rw break on @acc? */
static bool vmx_dr7_type(unsigned int rw, enum vmx_bp_access acc)
{
	switch (acc) {
	case VMX_BP_READ:
		return rw == VMX_DR7_RW_ANY;
	case VMX_BP_WRITE:
		return rw == VMX_DR7_RW_WRITE || rw == VMX_DR7_RW_ANY;
	default:
		return rw == VMX_DR7_RW_IO;
	}
}

unsigned int vmx_dr7_match(unsigned long dr7, const unsigned long db[4],
			   u64 addr, unsigned int len, enum vmx_bp_access acc)
{
	unsigned int i, hit = 0;

	for (i = 0; i < 4; i++) {
		unsigned int size_bits = (dr7 >> (18 + 4 * i)) & 3;
		u64 size = size_bits == 2 ? 8 : size_bits + 1;
		u64 start = db[i] & ~(size - 1);

		if (!(dr7 & (3UL << (2 * i))) ||
		    !vmx_dr7_type(vmx_dr7_rw(dr7, i), acc))
			continue;
		if (addr < start + size && start < addr + len)
			hit |= BIT(i);
	}
	return hit;
}
