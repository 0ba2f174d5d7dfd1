// SPDX-License-Identifier: GPL-2.0
/*
 * hlt_test: HLT with interrupts off can never resume, so "userctl run"
 * must end with status 0 right after "halting".
 */
#include "guest.h"

void guest_main(void)
{
	guest_puts("halting\n");
	asm volatile("cli; hlt" : : : "memory");
	guest_check(false, "HLT with interrupts off returned");
	guest_done("hlt_test");
}
