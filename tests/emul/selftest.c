// SPDX-License-Identifier: GPL-2.0
/*
 * The native runner's own check: instructions whose effect is known,
 * run on the CPU (or on the emulator the test machine is: QEMU, Bochs).
 * If these fail, the differences the harness reports mean nothing.
 */
#include <signal.h>
#include <string.h>
#include <linux/kernel.h>

#include "emul_diff.h"

static struct test_case tc;
static struct outcome out;
static unsigned int nfailed, nrun;

static u64 A(const void *p)
{
	return (uintptr_t)p;
}

static void start(bool compat, const u8 *insn, unsigned int len)
{
	memset(&tc, 0, sizeof(tc));
	tc.compat = compat;
	memcpy(tc.insn, insn, len);
	tc.len = len;
	tc.in.rip = A(arena.code) + 0x100;
	tc.in.rflags = 0x202;
	tc.segs[EMU_DS] = sels[SEL_USER_DS];
	tc.segs[EMU_ES] = sels[SEL_USER_DS];
	tc.segs[EMU_SS] = sels[SEL_USER_DS];
	tc.segs[EMU_GS] = sels[SEL_NULL];
	memset(arena.data, 0x5a, DATA_PAGES * ARENA_PAGE);
}

static void expect(const char *name, bool ok, const char *detail)
{
	nrun++;
	if (ok) {
		if (verbose)
			printf("  selftest %s: ok\n", name);
		return;
	}
	nfailed++;
	printf("  selftest %s: FAILED (%s): vector %d error %#x cr2 %#llx",
	       name, detail, out.vector, out.error_code,
	       (unsigned long long)out.cr2);
	printf(" rip %#llx (start %#llx) signal %d\n",
	       (unsigned long long)out.st.rip, (unsigned long long)tc.in.rip,
	       out.signo);
}

static bool done_at(unsigned int len)
{
	return out.vector == -1 && out.st.rip == tc.in.rip + len;
}

static bool fault(int vector, u32 error_code)
{
	return out.vector == vector && out.error_code == error_code &&
	       out.st.rip == tc.in.rip;
}

static void check_64(void)
{
	u32 v32;
	u64 v64;

	/* add [rbx], eax */
	start(false, (const u8[]){ 0x01, 0x03 }, 2);
	tc.in.gprs[EMU_RBX] = A(arena.data) + 0x10;
	tc.in.gprs[EMU_RAX] = 5;
	memcpy(arena.data + 0x10, &(u32){ 7 }, 4);
	native_run(&tc, &out);
	memcpy(&v32, arena.data + 0x10, 4);
	expect("add_mem", done_at(2) && v32 == 12 && !(out.st.rflags & FL_ARITH & ~FL_PF),
	       "12 in memory, flags clear");

	/* mov eax, [rbx] in the high guard page */
	start(false, (const u8[]){ 0x8b, 0x03 }, 2);
	tc.in.gprs[EMU_RBX] = A(arena.hi) + 8;
	native_run(&tc, &out);
	expect("pf_read_guard", fault(14, 4) && out.cr2 == A(arena.hi) + 8,
	       "#PF error 4 at the address");

	/* mov [rbx], eax on the read-only page */
	start(false, (const u8[]){ 0x89, 0x03 }, 2);
	tc.in.gprs[EMU_RBX] = A(arena.ro) + 4;
	native_run(&tc, &out);
	expect("pf_write_ro", fault(14, 7) && out.cr2 == A(arena.ro) + 4,
	       "#PF error 7");

	/* mov eax, [rbx] across into the guard page */
	start(false, (const u8[]){ 0x8b, 0x03 }, 2);
	tc.in.gprs[EMU_RBX] = A(arena.hi) - 2;
	native_run(&tc, &out);
	expect("pf_split", fault(14, 4) &&
	       (out.cr2 == A(arena.hi) || out.cr2 == A(arena.hi) - 2),
	       "#PF in the guard page");
	if (verbose && out.vector == 14)
		printf("  selftest: a split read reports cr2 %s\n",
		       out.cr2 == A(arena.hi) ? "at the guard page" : "at the access");

	/* lock mov [rbx], eax */
	start(false, (const u8[]){ 0xf0, 0x89, 0x03 }, 3);
	tc.in.gprs[EMU_RBX] = A(arena.data);
	native_run(&tc, &out);
	if (host.lock_ud)
		expect("ud_lock_mov", out.vector == 6 && out.signo == SIGILL, "#UD");

	/* movaps xmm0, [rbx] misaligned */
	start(false, (const u8[]){ 0x0f, 0x28, 0x03 }, 3);
	tc.in.gprs[EMU_RBX] = A(arena.data) + 1;
	native_run(&tc, &out);
	expect("gp_movaps", fault(13, 0), "#GP(0)");

	/* movdqu xmm1, [rbx]: the upper half of YMM1 stays */
	start(false, (const u8[]){ 0xf3, 0x0f, 0x6f, 0x0b }, 4);
	tc.in.gprs[EMU_RBX] = A(arena.data) + 3;
	memset(tc.in.vec[1], 0x11, 32);
	memset(arena.data + 3, 0x77, 16);
	native_run(&tc, &out);
	expect("movdqu_load", done_at(4) && out.st.vec[1][0] == 0x77 &&
	       out.st.vec[1][15] == 0x77 &&
	       out.st.vec[1][16] == (host.avx ? 0x11 : 0), "xmm1 loaded");

	if (host.avx) {
		/* vmovdqu ymm2, [rbx] and vmovdqu xmm2, [rbx] */
		start(false, (const u8[]){ 0xc5, 0xfe, 0x6f, 0x13 }, 4);
		tc.in.gprs[EMU_RBX] = A(arena.data) + 5;
		memset(arena.data + 5, 0x66, 32);
		native_run(&tc, &out);
		expect("vmovdqu_ymm", done_at(4) && out.st.vec[2][0] == 0x66 &&
		       out.st.vec[2][31] == 0x66, "ymm2 loaded");
		start(false, (const u8[]){ 0xc5, 0xfa, 0x6f, 0x13 }, 4);
		tc.in.gprs[EMU_RBX] = A(arena.data) + 5;
		memset(tc.in.vec[2], 0x11, 32);
		memset(arena.data + 5, 0x66, 32);
		native_run(&tc, &out);
		expect("vmovdqu_xmm", done_at(4) && out.st.vec[2][15] == 0x66 &&
		       out.st.vec[2][16] == 0, "xmm2 loaded, upper cleared");
	}

	/* rep movsb, one iteration under TF */
	start(false, (const u8[]){ 0xf3, 0xa4 }, 2);
	tc.step = true;
	tc.in.gprs[EMU_RSI] = A(arena.data);
	tc.in.gprs[EMU_RDI] = A(arena.data) + 0x100;
	tc.in.gprs[EMU_RCX] = 3;
	arena.data[0] = 0x42;
	native_run(&tc, &out);
	expect("rep_movsb_step", out.vector == -1 && out.st.rip == tc.in.rip &&
	       out.st.gprs[EMU_RCX] == 2 && arena.data[0x100] == 0x42 &&
	       arena.data[0x101] == 0x5a, "one iteration");

	/* mov eax, [rbx+1] with RFLAGS.AC */
	start(false, (const u8[]){ 0x8b, 0x43, 0x01 }, 3);
	tc.in.gprs[EMU_RBX] = A(arena.data);
	tc.in.rflags |= FL_AC;
	native_run(&tc, &out);
	if (host.ac)
		expect("ac_misaligned", fault(17, 0), "#AC(0)");

	/* push rax */
	start(false, (const u8[]){ 0x50 }, 1);
	tc.in.gprs[EMU_RSP] = A(arena.data) + 0x40;
	tc.in.gprs[EMU_RAX] = 0x1122334455667788ULL;
	native_run(&tc, &out);
	memcpy(&v64, arena.data + 0x38, 8);
	expect("push", done_at(1) && v64 == 0x1122334455667788ULL &&
	       out.st.gprs[EMU_RSP] == A(arena.data) + 0x38, "pushed");

	/* mov eax, gs:[rbx] */
	start(false, (const u8[]){ 0x65, 0x8b, 0x03 }, 3);
	tc.in.gprs[EMU_RBX] = A(arena.data) + 8 - host.gs_base;
	memcpy(arena.data + 8, &(u32){ 0xdeadbeef }, 4);
	native_run(&tc, &out);
	expect("gs_base", done_at(3) && (u32)out.st.gprs[EMU_RAX] == 0xdeadbeef,
	       "read through GS");
}

static void check_compat(void)
{
	u32 v32;

	/* add [ebx], eax */
	start(true, (const u8[]){ 0x01, 0x03 }, 2);
	tc.in.gprs[EMU_RBX] = A(arena.data) + 0x20;
	tc.in.gprs[EMU_RAX] = 0xffffffff;
	memcpy(arena.data + 0x20, &(u32){ 1 }, 4);
	native_run(&tc, &out);
	memcpy(&v32, arena.data + 0x20, 4);
	expect("compat_add", done_at(2) && v32 == 0 && (out.st.rflags & FL_ZF) &&
	       (out.st.rflags & FL_CF) && out.cs == 0x23, "0 with ZF CF");

	/* mov eax, ds:[ebx] with a null DS */
	start(true, (const u8[]){ 0x8b, 0x03 }, 2);
	tc.segs[EMU_DS] = sels[SEL_NULL];
	tc.in.gprs[EMU_RBX] = A(arena.data);
	native_run(&tc, &out);
	if (host.seg_checks)
		expect("compat_null_ds", fault(13, 0), "#GP(0)");

	if (!host.ldt)
		return;
	/* mov eax, [bx] with 16-bit addressing and a based DS */
	start(true, (const u8[]){ 0x67, 0x8b, 0x07 }, 3);
	tc.segs[EMU_DS] = sels[SEL_LDT_16];
	tc.in.gprs[EMU_RBX] = A(arena.data) + 0x30 - sels[SEL_LDT_16].base;
	tc.in.gprs[EMU_RBX] |= 0xabcd0000;	/* ignored: 16-bit address */
	memcpy(arena.data + 0x30, &(u32){ 0xcafe1234 }, 4);
	native_run(&tc, &out);
	expect("compat_addr16", done_at(3) && (u32)out.st.gprs[EMU_RAX] == 0xcafe1234,
	       "read through a based DS");

	/* mov eax, [ebx] beyond the limit of DS */
	start(true, (const u8[]){ 0x8b, 0x03 }, 2);
	tc.segs[EMU_DS] = sels[SEL_LDT_SMALL];
	tc.in.gprs[EMU_RBX] = sels[SEL_LDT_SMALL].limit - 1;
	native_run(&tc, &out);
	if (host.seg_checks)
		expect("compat_limit", fault(13, 0), "#GP(0)");

	/* push eax with a 16-bit stack segment: SP wraps, ESP's top stays */
	start(true, (const u8[]){ 0x50 }, 1);
	tc.segs[EMU_SS] = sels[SEL_LDT_16];
	tc.in.gprs[EMU_RSP] = 0x12340000 | (A(arena.data) + 0x44 - sels[SEL_LDT_16].base);
	tc.in.gprs[EMU_RAX] = 0x99887766;
	native_run(&tc, &out);
	memcpy(&v32, arena.data + 0x40, 4);
	expect("compat_push_sp16", done_at(1) && v32 == 0x99887766 &&
	       (u32)out.st.gprs[EMU_RSP] == (u32)tc.in.gprs[EMU_RSP] - 4,
	       "pushed through SS");
}

/* Returns the number of failed checks; prints one line per failure. */
int selftest_run(void)
{
	nfailed = 0;
	nrun = 0;
	check_64();
	if (host.compat)
		check_compat();
	memset(&tc, 0, sizeof(tc));
	printf("form native_selftest: %u cases, %u failed\n", nrun, nfailed);
	return nfailed;
}
