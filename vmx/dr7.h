/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which of the guest's breakpoints an access meets, from DR7 and DR0-DR3
 * (SDM Vol. 3, 18.2.4, 18.2.5): pure, for debug.c and KUnit.
 */
#ifndef AXVCPU_VMX_DR7_H
#define AXVCPU_VMX_DR7_H

#include <linux/types.h>

/* DR7: L0-L3 and G0-G3, the breakpoints' enable bits. */
#define VMX_DR7_ENABLED		0xffUL

/* What an access is, for the R/W field of a breakpoint. */
enum vmx_bp_access {
	VMX_BP_READ,		/* a data read */
	VMX_BP_WRITE,		/* a data write */
	VMX_BP_IO,		/* a port read or write */
};

/**
 * vmx_dr7_armed() - DR7 with only the breakpoints an access can meet.
 * @dr7: DR7.
 * @cr4_de: CR4.DE is set: R/W 10 is an I/O breakpoint (otherwise it is
 *	undefined, and never met).
 *
 * Return: @dr7 without the enable bits of I/O breakpoints when @cr4_de is
 * clear, or 0 when no breakpoint is left enabled.
 */
unsigned long vmx_dr7_armed(unsigned long dr7, bool cr4_de);

/**
 * vmx_dr7_match() - the enabled breakpoints an access meets.
 * @dr7: DR7, as vmx_dr7_armed() gives it.
 * @db: DR0-DR3: linear addresses, or ports.
 * @addr: the access's linear address, or its port.
 * @len: its size in bytes, at least 1.
 * @acc: what it is.
 *
 * A breakpoint is enabled by its L or G bit; R/W 01 breaks on data
 * writes, 11 on data reads and writes, 10 on port reads and writes, 00
 * on instruction fetches (never an access here).  It covers the 1, 2, 8
 * or 4 bytes that LEN 00, 01, 10 or 11 gives, from its address rounded
 * down to that size.
 *
 * Return: B0-B3 (bit N for breakpoint N) of the breakpoints met.
 */
unsigned int vmx_dr7_match(unsigned long dr7, const unsigned long db[4],
			   u64 addr, unsigned int len, enum vmx_bp_access acc);

#endif /* AXVCPU_VMX_DR7_H */
