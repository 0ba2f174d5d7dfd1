// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: decoding VM-exit qualifications and instruction information
 * (SDM Vol. 3, 28.2.1 Tables 28-3 and 28-5, 28.2.5).
 */
#include <kunit/test.h>

#include "../vmx/exit_info.h"

struct io_case {
	const char *name;
	unsigned long qual;
	int err;
	struct vmx_io_qual want;
};

static const struct io_case io_cases[] = {
	{ "out al, dx to 0x3f8", 0x03f80000, 0, { 0x3f8, 1, false, false, false } },
	{ "in ax, 0x60", 0x00600009, 0, { 0x60, 2, true, false, false } },
	{ "in eax, dx from 0xcfc", 0x0cfc000b, 0, { 0xcfc, 4, true, false, false } },
	{ "rep outsb to 0x3f8", 0x03f80030, 0, { 0x3f8, 1, false, true, true } },
	{ "insw, no rep", 0x00800019, 0, { 0x80, 2, true, true, false } },
	{ "rep insl from 0xffff", 0xffff003b, 0, { 0xffff, 4, true, true, true } },
	{ "immediate operand (bit 6)", 0x00f40040, 0, { 0xf4, 1, false, false, false } },
	{ "size 3 is undefined", 0x00000002, -EINVAL, { } },
	{ "size 5 is undefined", 0x00000004, -EINVAL, { } },
	{ "size 8 is undefined", 0x00000007, -EINVAL, { } },
};

static void io_qual(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(io_cases); i++) {
		const struct io_case *c = &io_cases[i];
		struct vmx_io_qual io = { };
		int err = vmx_decode_io_qual(c->qual, &io);

		KUNIT_EXPECT_EQ_MSG(test, err, c->err, "%s", c->name);
		if (err)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, io.port, c->want.port, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, io.size, c->want.size, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, io.in, c->want.in, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, io.string, c->want.string, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, io.rep, c->want.rep, "%s", c->name);
	}
}

struct cr_case {
	const char *name;
	unsigned long qual;
	struct vmx_cr_qual want;
};

static const struct cr_case cr_cases[] = {
	{ "mov %eax, %cr0", 0x00000000, { 0, VMX_CR_MOV_TO, 0, 0 } },
	{ "mov %rbx, %cr4", 0x00000304, { 4, VMX_CR_MOV_TO, 3, 0 } },
	{ "mov %cr3, %r15", 0x00000f13, { 3, VMX_CR_MOV_FROM, 15, 0 } },
	{ "mov %r8, %cr8", 0x00000808, { 8, VMX_CR_MOV_TO, 8, 0 } },
	{ "clts", 0x00000020, { 0, VMX_CR_CLTS, 0, 0 } },
	{ "lmsw $0xb (register operand)", 0x000b0030, { 0, VMX_CR_LMSW, 0, 0xb } },
	{ "lmsw from memory (bit 6)", 0xfffe0070, { 0, VMX_CR_LMSW, 0, 0xfffe } },
};

static void cr_qual(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cr_cases); i++) {
		const struct cr_case *c = &cr_cases[i];
		struct vmx_cr_qual cr = { };

		vmx_decode_cr_qual(c->qual, &cr);
		KUNIT_EXPECT_EQ_MSG(test, cr.cr, c->want.cr, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, cr.type, c->want.type, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, cr.reg, c->want.reg, "%s", c->name);
		KUNIT_EXPECT_EQ_MSG(test, cr.lmsw_data, c->want.lmsw_data, "%s",
				    c->name);
	}
}

static void insn_addr_size(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vmx_insn_addr_size(0 << 7), 2);
	KUNIT_EXPECT_EQ(test, vmx_insn_addr_size(1 << 7), 4);
	KUNIT_EXPECT_EQ(test, vmx_insn_addr_size(2 << 7), 8);
	KUNIT_EXPECT_EQ(test, vmx_insn_addr_size(3 << 7), 0);
	KUNIT_EXPECT_EQ(test, vmx_insn_addr_size(7 << 7), 0);
	/* Other fields of the word do not change it (segment in 17:15). */
	KUNIT_EXPECT_EQ(test, vmx_insn_addr_size((1 << 7) | (3 << 15)), 4);
}

static void exit_names(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(10), "CPUID");
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(48), "EPT violation");
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(64), "XRSTORS");
	/* Numbers the SDM leaves unused. */
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(35), "unknown");
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(38), "unknown");
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(65), "unknown");
	KUNIT_EXPECT_STREQ(test, vmx_exit_reason_name(0xffff), "unknown");
}

static struct kunit_case vmx_exit_info_cases[] = {
	KUNIT_CASE(io_qual),
	KUNIT_CASE(cr_qual),
	KUNIT_CASE(insn_addr_size),
	KUNIT_CASE(exit_names),
	{ }
};

static struct kunit_suite vmx_exit_info_suite = {
	.name = "axvcpu_vmx_exit_info",
	.test_cases = vmx_exit_info_cases,
};

kunit_test_suites(&vmx_exit_info_suite);
