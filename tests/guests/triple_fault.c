// SPDX-License-Identifier: GPL-2.0
/*
 * triple_fault: INT3 with an IDT of limit 0.  Vector 3 lies outside the
 * IDT, which raises #GP; vector 13 lies outside too, which raises #DF;
 * so does vector 8, and the CPU shuts down.  "userctl run" must exit with
 * status 1 and say "triple fault".  Nothing printed here contains those
 * words, so the test script can look for userctl's message.
 */
#include "guest.h"

struct __attribute__((packed)) idtr {
	u16 limit;
	unsigned long base;
};

void guest_main(void)
{
	static const struct idtr empty = { .limit = 0, .base = 0 };

	guest_puts("loading an IDT of limit 0, then int3\n");
	asm volatile("lidt %0; int3" : : "m"(empty) : "memory");
	guest_check(false, "int3 with an IDT of limit 0 returned");
	guest_done("triple_fault");
}
