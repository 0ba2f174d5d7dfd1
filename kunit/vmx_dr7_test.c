// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: which breakpoints an access meets (vmx/dr7.c), from the rules of
 * SDM Vol. 3, 18.2.4 (DR7's L, G, R/W and LEN fields) and 18.2.5 (the
 * breakpoint covers LEN bytes from its address rounded down to them).
 */
#include <kunit/test.h>

#include "../vmx/dr7.h"

/* DR7 for breakpoint @n: L@n, R/W and LEN. */
#define L(n)		(1UL << (2 * (n)))
#define G(n)		(2UL << (2 * (n)))
#define RW(n, v)	((unsigned long)(v) << (16 + 4 * (n)))
#define LEN(n, v)	((unsigned long)(v) << (18 + 4 * (n)))

struct dr7_case {
	const char *name;
	unsigned long dr7;
	bool de;
	unsigned long db[4];
	u64 addr;
	unsigned int len;
	enum vmx_bp_access acc;
	unsigned int want;
};

static const struct dr7_case dr7_cases[] = {
	/* LEN 00: one byte. */
	{ "1-byte write on it",
	  L(0) | RW(0, 1), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_WRITE, 1 },
	{ "1-byte write next to it",
	  L(0) | RW(0, 1), false,
	  { 0x1000 }, 0x1001, 1, VMX_BP_WRITE, 0 },
	{ "1-byte write just below",
	  L(0) | RW(0, 1), false,
	  { 0x1000 }, 0xfff, 1, VMX_BP_WRITE, 0 },
	{ "4-byte write over it",
	  L(0) | RW(0, 1), false,
	  { 0x1000 }, 0xffe, 4, VMX_BP_WRITE, 1 },
	/* LEN 01, 11, 10: 2, 4, 8 bytes, the address rounded down. */
	{ "LEN 01: address rounded down",
	  L(0) | RW(0, 1) | LEN(0, 1), false,
	  { 0x1001 }, 0x1000, 1, VMX_BP_WRITE, 1 },
	{ "LEN 01: two bytes only",
	  L(0) | RW(0, 1) | LEN(0, 1), false,
	  { 0x1001 }, 0x1002, 1, VMX_BP_WRITE, 0 },
	{ "LEN 11: last of four",
	  L(0) | RW(0, 1) | LEN(0, 3), false,
	  { 0x1002 }, 0x1003, 1, VMX_BP_WRITE, 1 },
	{ "LEN 11: past four",
	  L(0) | RW(0, 1) | LEN(0, 3), false,
	  { 0x1002 }, 0x1004, 4, VMX_BP_WRITE, 0 },
	{ "LEN 10: eight bytes",
	  L(0) | RW(0, 1) | LEN(0, 2), false,
	  { 0x1005 }, 0x1007, 1, VMX_BP_WRITE, 1 },
	{ "LEN 10: first of eight",
	  L(0) | RW(0, 1) | LEN(0, 2), false,
	  { 0x1007 }, 0x1000, 2, VMX_BP_WRITE, 1 },
	{ "LEN 10: past eight",
	  L(0) | RW(0, 1) | LEN(0, 2), false,
	  { 0x1005 }, 0x1008, 8, VMX_BP_WRITE, 0 },
	/* R/W: what it breaks on. */
	{ "R/W 01 on a read",
	  L(0) | RW(0, 1), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_READ, 0 },
	{ "R/W 11 on a read",
	  L(0) | RW(0, 3), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_READ, 1 },
	{ "R/W 11 on a write",
	  L(0) | RW(0, 3), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_WRITE, 1 },
	{ "R/W 00 (execution) on data",
	  L(0) | RW(0, 0), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_READ, 0 },
	{ "R/W 00 (execution) on a port",
	  L(0) | RW(0, 0), true,
	  { 0x80 }, 0x80, 1, VMX_BP_IO, 0 },
	{ "R/W 10 on a port, CR4.DE",
	  L(0) | RW(0, 2), true,
	  { 0x80 }, 0x80, 1, VMX_BP_IO, 1 },
	{ "R/W 10 on a port, no CR4.DE",
	  L(0) | RW(0, 2), false,
	  { 0x80 }, 0x80, 1, VMX_BP_IO, 0 },
	{ "R/W 10 on data",
	  L(0) | RW(0, 2), true,
	  { 0x80 }, 0x80, 1, VMX_BP_WRITE, 0 },
	{ "R/W 11 on a port",
	  L(0) | RW(0, 3), true,
	  { 0x80 }, 0x80, 1, VMX_BP_IO, 0 },
	{ "I/O, 4 ports, OUT dx of 2 at the last",
	  L(0) | RW(0, 2) | LEN(0, 3), true,
	  { 0xcfc }, 0xcff, 2, VMX_BP_IO, 1 },
	{ "I/O, 1 port, IN of 4 below it",
	  L(0) | RW(0, 2), true,
	  { 0x3f9 }, 0x3f8, 4, VMX_BP_IO, 1 },
	/* Enabled by L or G; each breakpoint its own bit. */
	{ "disabled",
	  RW(0, 3), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_WRITE, 0 },
	{ "G alone enables",
	  G(0) | RW(0, 3), false,
	  { 0x1000 }, 0x1000, 1, VMX_BP_WRITE, 1 },
	{ "breakpoint 3 is B3",
	  L(3) | RW(3, 1), false,
	  { 0, 0, 0, 0x2000 }, 0x2000, 1, VMX_BP_WRITE, 8 },
	{ "breakpoint 2 disabled, its fields set",
	  L(3) | RW(2, 1) | RW(3, 1), false,
	  { 0, 0, 0x2000, 0x3000 }, 0x2000, 1, VMX_BP_WRITE, 0 },
	{ "two met at once",
	  L(1) | G(2) | RW(1, 1) | RW(2, 3) | LEN(2, 3), false,
	  { 0, 0x2002, 0x2000 }, 0x2002, 1, VMX_BP_WRITE, 6 },
	{ "the read meets only R/W 11",
	  L(1) | L(2) | RW(1, 1) | RW(2, 3) | LEN(2, 3), false,
	  { 0, 0x2002, 0x2000 }, 0x2002, 1, VMX_BP_READ, 4 },
};

static void dr7_match(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dr7_cases); i++) {
		const struct dr7_case *c = &dr7_cases[i];

		unsigned long dr7 = vmx_dr7_armed(c->dr7, c->de);

		KUNIT_EXPECT_EQ_MSG(test, vmx_dr7_match(dr7, c->db, c->addr,
							c->len, c->acc),
				    c->want, "%s", c->name);
	}
}

static struct kunit_case vmx_dr7_test_cases[] = {
	KUNIT_CASE(dr7_match),
	{}
};

static struct kunit_suite vmx_dr7_test_suite = {
	.name = "axvcpu_vmx_dr7",
	.test_cases = vmx_dr7_test_cases,
};

kunit_test_suites(&vmx_dr7_test_suite);
