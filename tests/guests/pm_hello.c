// SPDX-License-Identifier: GPL-2.0
/*
 * pm_hello: an ELF32 started in protected mode; checks the state the
 * contract promises: CR0.PE set, paging off, CPL 0, the flat selectors and
 * ESP 0x7000.
 */
#include "guest.h"

void guest_main(void)
{
	unsigned long cr0 = read_cr0();
	u16 cs = read_seg(cs);

	guest_puts("hello from protected mode\n");
	guest_check(cr0 & X86_CR0_PE, "CR0.PE is set");
	guest_check(!(cr0 & X86_CR0_PG), "CR0.PG is clear");
	guest_check_eq("CPL (CS.RPL)", cs & 3, 0);
	guest_check_eq("CS", cs, AXV_SEL_CODE32);
	guest_check_eq("DS", read_seg(ds), AXV_SEL_DATA);
	guest_check_eq("ES", read_seg(es), AXV_SEL_DATA);
	guest_check_eq("SS", read_seg(ss), AXV_SEL_DATA);
	guest_check_eq("ESP at entry", guest_entry_sp, AXV_ELF_STACK);
	guest_done("pm_hello");
}
