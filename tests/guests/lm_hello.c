// SPDX-License-Identifier: GPL-2.0
/*
 * lm_hello: an ELF64 started in 64-bit mode; the guest of "make demo".
 * Checks that 64-bit registers work, paging with PAE is on, the selectors
 * and RSP 0x7000 as the contract sets them.
 */
#include "guest.h"

void guest_main(void)
{
	unsigned long wide = 0x12345678;
	u16 cs = read_seg(cs);

	guest_puts("hello from long mode\n");
	guest_puts("axvcpu demo guest: 64-bit code on an identity map, no firmware\n");

	/* Outside 64-bit mode these bytes would not even be this code. */
	asm volatile("shlq $32, %0; addq $0x9abc, %0" : "+r"(wide));
	guest_check_eq("64-bit register arithmetic", wide, 0x1234567800009abcULL);
	guest_check(read_cr0() & X86_CR0_PG, "CR0.PG is set");
	guest_check(read_cr4() & X86_CR4_PAE, "CR4.PAE is set");
	guest_check_eq("CPL (CS.RPL)", cs & 3, 0);
	guest_check_eq("CS", cs, AXV_SEL_CODE64);
	guest_check_eq("DS", read_seg(ds), AXV_SEL_DATA);
	guest_check_eq("SS", read_seg(ss), AXV_SEL_DATA);
	guest_check_eq("RSP at entry", guest_entry_sp, AXV_ELF_STACK);
	guest_done("lm_hello");
}
