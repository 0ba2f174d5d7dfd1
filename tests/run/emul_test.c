// SPDX-License-Identifier: GPL-2.0
/*
 * The instruction emulator on the real exit path: guests (emul_guests.S)
 * touch a device where the VMM has no memory with TEST, locked
 * read-modify-writes, bit operations, XCHG, XADD, CMPXCHG, SETcc, REP
 * MOVS in both directions and 16-byte SSE moves.  Each check is a script
 * of the exits a CPU's accesses make, in order: one AXV_EXIT_MMIO per
 * access, a read first and then its write, with the data the VMM answers
 * and the data it must see.  Then the guest's registers and RAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "run_test.h"

/* One exit of a script. */
struct step {
	__u32 exit;		/* AXV_EXIT_MMIO, AXV_EXIT_IO or AXV_EXIT_HALT */
	__u64 addr;		/* gpa, or port */
	__u8 size;
	__u8 write;
	__u64 data;		/* answered to a read; expected of a write */
	__u32 count;		/* string I/O: elements (0: not checked) */
};

#define R(a, s, d)	{ AXV_EXIT_MMIO, (a), (s), 0, (d), 0 }
#define W(a, s, d)	{ AXV_EXIT_MMIO, (a), (s), 1, (d), 0 }
#define OUT(p, s, d)	{ AXV_EXIT_IO, (p), (s), 1, (d), 0 }
#define IN(p, s, d)	{ AXV_EXIT_IO, (p), (s), 0, (d), 0 }
#define HALT		{ AXV_EXIT_HALT, 0, 0, 0, 0, 0 }
#define OUTS(p, s, d, n) { AXV_EXIT_IO, (p), (s), 1, (d), (n) }
#define INS(p, s, d, n)	{ AXV_EXIT_IO, (p), (s), 0, (d), (n) }

/* The MMIO exit of step @i was not @s. */
static int mmio_mismatch(const char *what, unsigned int i,
			 const struct axv_run *run, const struct step *s)
{
	return fail("%s: step %u: %s of %u at %#llx (data %#llx), want %s of %u at %#llx (%#llx)",
		    what, i, run->mmio.is_write ? "write" : "read",
		    run->mmio.size, (unsigned long long)run->mmio.gpa,
		    (unsigned long long)run->mmio.data,
		    s->write ? "write" : "read", s->size,
		    (unsigned long long)s->addr, (unsigned long long)s->data);
}

/* Run @v through @n steps; the first that differs fails the check. */
static int run_script(struct vm *v, const char *what, const struct step *s,
		      unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, s++) {
		struct axv_run *run = v->run;

		if (run_expect(v, s->exit))
			return fail("%s: step %u", what, i);
		if (s->exit == AXV_EXIT_MMIO) {
			__u64 mask = s->size == 8 ? ~0ULL :
				     (1ULL << (8 * s->size)) - 1;

			if (run->mmio.gpa != s->addr ||
			    run->mmio.size != s->size ||
			    run->mmio.is_write != s->write ||
			    (s->write && (run->mmio.data & mask) != s->data))
				return mmio_mismatch(what, i, run, s);
			if (!s->write)
				run->mmio.data = s->data;
		} else if (s->exit == AXV_EXIT_IO) {
			__u32 data = 0;

			memcpy(&data, (__u8 *)run + run->io.data_offset,
			       run->io.size);
			if (!s->write)
				data = s->data;
			if (run->io.port != s->addr || run->io.size != s->size ||
			    run->io.direction != s->write || data != s->data ||
			    (s->count && run->io.count != s->count))
				return fail("%s: step %u: port %#x/%u %#x x%u, want %#llx/%u %#llx",
					    what, i, run->io.port, run->io.size,
					    data, run->io.count,
					    (unsigned long long)s->addr,
					    s->size, (unsigned long long)s->data);
			if (!s->write)
				memcpy((__u8 *)run + run->io.data_offset,
				       &data, run->io.size);
		}
	}
	return 0;
}

static int start(struct vm *v, const __u8 *code, const __u8 *end)
{
	if (vm_create(v, code, end - code))
		return -1;
	return vm_set_flat32(v, 0, 0);
}

static int get_regs(struct vm *v, struct axv_regs *regs)
{
	if (ioctl(v->vcpu, AXV_GET_REGS, regs))
		return fail("AXV_GET_REGS: %s", strerror(errno));
	return 0;
}

int check_emul_poll(void)
{
	static const struct step script[] = {
		R(0xd0300, 4, 0x1000), R(0xd0300, 4, 0x1fff),
		R(0xd0300, 4, 0xefff), HALT,
	};
	struct vm v;
	int ret;

	ret = start(&v, emul_poll_code, emul_poll_code_end);
	if (!ret)
		ret = run_script(&v, "testl poll", script, ARRAY_LEN(script));
	vm_destroy(&v);
	return ret;
}

int check_emul_rmw(void)
{
	static const struct step script[] = {
		R(0xd0010, 4, 0x30), W(0xd0010, 4, 0x35),	/* lock or */
		R(0xd0004, 4, 0x1), W(0xd0004, 4, 0x9),		/* lock bts */
		R(0xd0040, 4, 0xff), W(0xd0040, 4, 0xfd),	/* lock btr */
		R(0xd0020, 4, 0xabcd), W(0xd0020, 4, 0x11111111), /* xchg */
		R(0xd0030, 4, 40), W(0xd0030, 4, 42),		/* xadd */
		R(0xd0050, 4, 0x77), W(0xd0050, 4, 0x99),	/* cmpxchg */
		R(0xd0060, 1, 0xff), W(0xd0060, 1, 0x00),	/* addb */
		R(0xd0062, 2, 0x0001), W(0xd0062, 2, 0xffff),	/* negw */
		R(0xd0064, 4, 0x0fffffff), W(0xd0064, 4, 0xfffffff0),
		R(0xd0068, 4, 7),				/* cmpl */
		W(0xd0070, 1, 1),				/* setz */
		HALT,
	};
	struct axv_regs regs;
	struct vm v;
	int ret;

	ret = start(&v, emul_rmw_code, emul_rmw_code_end);
	if (!ret)
		ret = run_script(&v, "read-modify-write", script,
				 ARRAY_LEN(script));
	if (!ret)
		ret = get_regs(&v, &regs);
	/* xchg's old value, xadd's old value, cmpxchg's ZF kept EAX. */
	if (!ret && ((__u32)regs.rcx != 0xabcd || (__u32)regs.rdx != 40 ||
		     (__u32)regs.rax != 0x77 ||
		     regs.rip != CODE + (__u64)(emul_rmw_code_end - emul_rmw_code)))
		ret = fail("registers: ecx %#llx edx %#llx eax %#llx rip %#llx",
			   (unsigned long long)regs.rcx,
			   (unsigned long long)regs.rdx,
			   (unsigned long long)regs.rax,
			   (unsigned long long)regs.rip);
	vm_destroy(&v);
	return ret;
}

int check_emul_string(void)
{
	static const struct step script[] = {
		W(0xd0100, 4, 0x01010101), W(0xd0104, 4, 0x02020202),
		W(0xd0108, 4, 0x03030303),
		R(0xd0208, 4, 0xaaaaaaaa), R(0xd0204, 4, 0xbbbbbbbb),
		HALT,
	};
	struct axv_regs regs;
	__u32 got[2];
	struct vm v;
	int ret, i;

	ret = start(&v, emul_string_code, emul_string_code_end);
	for (i = 0; !ret && i < 3; i++)
		memset(v.mem + 0x2000 + 4 * i, i + 1, 4);
	if (!ret)
		ret = run_script(&v, "rep movsl", script, ARRAY_LEN(script));
	if (!ret)
		ret = get_regs(&v, &regs);
	if (!ret) {
		memcpy(got, v.mem + 0x20fc, sizeof(got));
		if (got[1] != 0xaaaaaaaa || got[0] != 0xbbbbbbbb ||
		    (__u32)regs.rcx || (__u32)regs.rsi != 0xd0200 ||
		    (__u32)regs.rdi != 0x20f8 || (regs.rflags & 0x400))
			ret = fail("after: RAM %#x %#x, ecx %#llx esi %#llx edi %#llx rflags %#llx",
				   got[1], got[0],
				   (unsigned long long)regs.rcx,
				   (unsigned long long)regs.rsi,
				   (unsigned long long)regs.rdi,
				   (unsigned long long)regs.rflags);
	}
	vm_destroy(&v);
	return ret;
}

int check_emul_sse(void)
{
	static const struct step script[] = {
		R(0xd0400, 8, 0x0706050403020100ULL),
		R(0xd0408, 8, 0x0f0e0d0c0b0a0908ULL),
		W(0xd0500, 8, 0x0706050403020100ULL),
		W(0xd0508, 8, 0x0f0e0d0c0b0a0908ULL),
		HALT,
	};
	struct vm v;
	int ret;

	ret = start(&v, emul_sse_code, emul_sse_code_end);
	if (!ret)
		ret = run_script(&v, "movdqu", script, ARRAY_LEN(script));
	vm_destroy(&v);
	return ret;
}

int check_emul_string_io(void)
{
	static const struct step script[] = {
		R(0xd0000, 1, 0x61), OUT(0xf2, 1, 0x61),
		R(0xd0001, 1, 0x62), OUT(0xf2, 1, 0x62),
		IN(0xf3, 1, 0x71), W(0xd0100, 1, 0x71),
		IN(0xf3, 1, 0x72), W(0xd0101, 1, 0x72),
		HALT,
	};
	struct axv_regs regs;
	struct vm v;
	int ret;

	ret = start(&v, emul_strio_code, emul_strio_code_end);
	if (!ret)
		ret = run_script(&v, "rep outsb, rep insb", script,
				 ARRAY_LEN(script));
	if (!ret)
		ret = get_regs(&v, &regs);
	if (!ret && ((__u32)regs.rsi != 0xd0002 || (__u32)regs.rdi != 0xd0102 ||
		     (__u32)regs.rcx))
		ret = fail("esi %#llx edi %#llx ecx %#llx",
			   (unsigned long long)regs.rsi,
			   (unsigned long long)regs.rdi,
			   (unsigned long long)regs.rcx);
	vm_destroy(&v);
	return ret;
}

int check_emul_unknown(void)
{
	struct axv_run *run;
	struct vm v;
	int ret;

	ret = start(&v, emul_unknown_code, emul_unknown_code_end);
	if (!ret)
		ret = run_expect(&v, AXV_EXIT_INTERNAL_ERROR);
	run = v.run;
	/* imull 0xd0000, %eax: 0f af 05 00 00 0d 00. */
	if (!ret && (run->internal.suberror != AXV_INTERNAL_EMULATION_FAILED ||
		     run->internal.ndata != 3 ||
		     run->internal.data[0] != 0xd0000 ||
		     run->internal.data[1] != CODE ||
		     run->internal.data[2] != AXV_EMUL_FAIL_OPCODE ||
		     run->internal.insn_len < 7 ||
		     memcmp(run->internal.insn, "\x0f\xaf\x05\x00\x00\x0d\x00", 7)))
		ret = fail("suberror %u ndata %u data %#llx %#llx %#llx, %u bytes %02x %02x %02x",
			   run->internal.suberror, run->internal.ndata,
			   (unsigned long long)run->internal.data[0],
			   (unsigned long long)run->internal.data[1],
			   (unsigned long long)run->internal.data[2],
			   run->internal.insn_len, run->internal.insn[0],
			   run->internal.insn[1], run->internal.insn[2]);
	vm_destroy(&v);
	return ret;
}

/* Interrupt gate, 32-bit, DPL 0, to @handler in the code segment 0x08. */
static void set_gate(__u8 *idt, unsigned int vector, __u32 handler)
{
	__u32 gate[2] = {
		0x00080000 | (handler & 0xffff),
		(handler & 0xffff0000) | 0x8e00,
	};

	memcpy(idt + 8 * vector, gate, sizeof(gate));
}

/*
 * Flat 32-bit protected mode with an IDT at 0x3000 whose #DB gate goes to
 * @handler, a label within @code.
 */
static int start_with_db(struct vm *v, const __u8 *code, const __u8 *end,
			 const __u8 *handler)
{
	if (vm_create(v, code, end - code))
		return -1;
	set_gate(v->mem + 0x3000, 1, CODE + (handler - code));
	return vm_set_flat32(v, 0x3000, 0xff);
}

int check_emul_single_step(void)
{
	__u32 next = CODE + (emul_step_next - emul_step_code);
	__u32 next2 = CODE + (emul_step_next2 - emul_step_code);
	const struct step script[] = {
		R(0xd0000, 4, 0x42), OUT(0xf1, 4, next), OUT(0xf1, 4, next2),
		HALT,
	};
	struct axv_regs regs;
	struct vm v;
	int ret;

	ret = start_with_db(&v, emul_step_code, emul_step_code_end,
			    emul_step_handler);
	if (!ret)
		ret = run_script(&v, "single-step over an MMIO load and CPUID", script,
				 ARRAY_LEN(script));
	if (!ret)
		ret = get_regs(&v, &regs);
	if (!ret && ((__u32)regs.rax != next2 || (regs.rflags & 0x100)))
		ret = fail("eax %#llx rflags %#llx",
			   (unsigned long long)regs.rax,
			   (unsigned long long)regs.rflags);
	vm_destroy(&v);
	return ret;
}

int check_emul_data_breakpoints(void)
{
	__u32 next0 = CODE + (emul_dbp_next0 - emul_dbp_code);
	__u32 next = CODE + (emul_dbp_next - emul_dbp_code);
	__u32 next2 = CODE + (emul_dbp_next2 - emul_dbp_code);
	const struct step cpu[] = { OUT(0xf1, 4, next0) };
	const struct step store[] = { W(0xd0004, 4, 0x11) };
	struct step script[] = {
		OUT(0xf2, 4, 0x1), OUT(0xf1, 4, next),
		R(0xd0004, 4, 0x55), R(0xd000f, 2, 0x66),
		OUT(0xf2, 4, 0x2), OUT(0xf1, 4, next2),
		HALT,
	};
	struct vm v;
	__u32 dr6 = 0;
	int ret;

	ret = start_with_db(&v, emul_dbp_code, emul_dbp_code_end,
			    emul_dbp_handler);
	/* What the processor puts in DR6 for a breakpoint it met (B2). */
	if (!ret)
		ret = run_expect(&v, AXV_EXIT_IO);
	if (!ret) {
		memcpy(&dr6, (__u8 *)v.run + v.run->io.data_offset, 4);
		if (v.run->io.port != 0xf2 || (dr6 & 0xf) != 0x4)
			ret = fail("the processor's own #DB: port %#x, DR6 %#x",
				   v.run->io.port, dr6);
	}
	if (!ret)
		ret = run_script(&v, "data breakpoint in RAM", cpu, 1);
	/* The store's exit gives the store's address, not the next one's. */
	if (!ret)
		ret = run_script(&v, "the store to the device", store, 1);
	if (!ret && v.run->rip != next0)
		ret = fail("the store's exit: rip %#llx, want %#x",
			   (unsigned long long)v.run->rip, next0);
	/* The emulated accesses' #DBs must look the same but for B0-B3. */
	script[0].data = (dr6 & ~0xfU) | 0x1;
	script[4].data = (dr6 & ~0xfU) | 0x2;
	if (!ret)
		ret = run_script(&v, "data breakpoints on emulated accesses",
				 script, ARRAY_LEN(script));
	vm_destroy(&v);
	return ret;
}

/* A #DB in emul_iobp_handler: DR6's B0-B3 and BS, then where it returns. */
#define IOBP_DR6(dr6)	OUT(0xf2, 4, (dr6))
#define IOBP_RIP(sym)	OUT(0xf1, 4, CODE + ((sym) - emul_iobp_code))

int check_emul_io_breakpoints(void)
{
	const struct step script[] = {
		/* OUT and IN to the watched port: B0 after each. */
		OUT(0xe0, 1, 0x5a), IOBP_DR6(0x1), IOBP_RIP(emul_iobp_next1),
		IN(0xe0, 1, 0x33), IOBP_DR6(0x1), IOBP_RIP(emul_iobp_next2),
		/* Another port: nothing. */
		OUT(0xe1, 1, 0x33),
		/* REP INSB into RAM: the third byte is watched (B1). */
		INS(0xe4, 1, 0x10, 3), IOBP_DR6(0x2), IOBP_RIP(emul_iobp_ins),
		INS(0xe4, 1, 0x13, 1),
		/* REP OUTSB to the watched port: one element, one #DB. */
		OUTS(0xe0, 1, 0x77, 1), IOBP_DR6(0x1), IOBP_RIP(emul_iobp_outs),
		OUTS(0xe0, 1, 0x78, 1), IOBP_DR6(0x1), IOBP_RIP(emul_iobp_next3),
		/* From a device to it: the device's read, the port's OUT. */
		R(0xd0000, 1, 0x99), OUTS(0xe0, 1, 0x99, 1),
		IOBP_DR6(0x1), IOBP_RIP(emul_iobp_next4),
		/* Under TF: one iteration, its trap; then the rest at once. */
		OUTS(0xe6, 1, 0x77, 1), IOBP_DR6(0x4000), IOBP_RIP(emul_iobp_outs_tf),
		OUTS(0xe6, 1, 0x78, 2),
		HALT,
	};
	static const __u8 ins_want[] = { 0x10, 0, 0, 0x13 };
	struct vm v;
	int ret;

	ret = start_with_db(&v, emul_iobp_code, emul_iobp_code_end,
			    emul_iobp_handler);
	if (!ret)
		ret = run_script(&v, "I/O and data breakpoints on port I/O",
				 script, ARRAY_LEN(script));
	if (!ret && memcmp(v.mem + 0x7000, ins_want, sizeof(ins_want)))
		ret = fail("REP INSB wrote %02x %02x %02x %02x",
			   v.mem[0x7000], v.mem[0x7001], v.mem[0x7002],
			   v.mem[0x7003]);
	vm_destroy(&v);
	return ret;
}
