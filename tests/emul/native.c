// SPDX-License-Identifier: GPL-2.0
/*
 * The CPU side of emul_diff: run one instruction natively with a chosen
 * register state, and capture the state after it or the exception it
 * raised.
 *
 * A signal handler can set every general register, RIP, RFLAGS, CS, SS and
 * the vector registers of the interrupted context through its ucontext,
 * and rt_sigreturn loads them all.  So: raise(SIGUSR1), whose handler
 * "returns" into the code page that holds the instruction followed by
 * int3; the int3 (or the exception the instruction raises) brings a
 * second signal, whose handler copies the context out and siglongjmp()s
 * back into native_run().  Both handlers run on an alternate stack, since
 * the case owns RSP.  Setting CS to Linux's 32-bit user code segment
 * (0x23) in the context returns into compatibility mode; the second
 * signal is delivered in 64-bit mode as usual.
 *
 * REP string instructions run with TF set: the CPU traps after each
 * iteration, which is what one call of emu_emulate() does.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include <asm/ldt.h>
#include <asm/prctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <linux/kernel.h>

#include "emul_diff.h"

struct arena arena;
struct host host;
struct seg_desc sels[NR_SELS];

#define USER32_CS	0x23	/* Linux's __USER32_CS */
#define USER_DS		0x2b	/* Linux's __USER_DS */
#define USER_CS		0x33	/* Linux's __USER_CS */

/* Where the arena goes when that address is free: runs then repeat. */
#define ARENA_HINT	0x10000000UL

/* The standard XSAVE layout of a signal frame (SDM Vol. 1, 13.4). */
#define FX_XMM_OFF	160
#define FX_SW_OFF	464	/* the kernel's struct _fpx_sw_bytes */
#define XSAVE_HDR_OFF	512
#define FP_XSTATE_MAGIC1	0x46505853U
#define XFEATURE_SSE	BIT(1)
#define XFEATURE_YMM	BIT(2)

static struct {
	sigjmp_buf jmp;
	volatile sig_atomic_t active;
	const struct test_case *tc;
	struct outcome *out;
	u16 cur_gs;		/* GS selector loaded for compat mode, 0: none */
} nat;

/* Seconds a case may take, emulated machines included. */
#define WATCHDOG_S	60

static const struct test_case *current_case;

/* The case under way, for the crash and watchdog reports; NULL: none. */
void native_set_current(const struct test_case *tc)
{
	current_case = tc;
	alarm(tc ? WATCHDOG_S : 0);
}

static void die(const char *what)
{
	perror(what);
	exit(2);
}

/* Clear RFLAGS.AC: a case may leave it set, and the handler's own
 * misaligned accesses (memcpy) would then raise #AC.
 */
static inline void clear_ac(void)
{
	asm volatile("pushfq; andq %0, (%%rsp); popfq"
		     : : "i" (~FL_AC) : "memory", "cc");
}

static u8 *fp_bytes(ucontext_t *uc)
{
	return (u8 *)uc->uc_mcontext.fpregs;
}

/* The frame's XSAVE area holds the AVX state (the kernel wrote XSAVE). */
static bool frame_has_ymm(u8 *fp)
{
	u32 magic, size;
	u64 features;

	if (!host.avx)
		return false;
	memcpy(&magic, fp + FX_SW_OFF, 4);
	memcpy(&size, fp + FX_SW_OFF + 4, 4);
	memcpy(&features, fp + FX_SW_OFF + 8, 8);
	return magic == FP_XSTATE_MAGIC1 && (features & XFEATURE_YMM) &&
	       size >= host.ymm_off + 256;
}

static const int greg_of[EMU_NR_GPRS] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

/* SIGUSR1: load the case's state into the context and return into it. */
static void enter_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *gr = uc->uc_mcontext.gregs;
	const struct test_case *tc = nat.tc;
	const struct cpu_state *s = &tc->in;
	u8 *fp = fp_bytes(uc);
	unsigned int i;
	u64 flags;

	(void)sig;
	(void)si;
	for (i = 0; i < EMU_NR_GPRS; i++)
		gr[greg_of[i]] = s->gprs[i];
	gr[REG_RIP] = s->rip;
	flags = s->rflags & FL_CASE;
	if (tc->step)
		flags |= FL_TF;
	gr[REG_EFL] = (gr[REG_EFL] & ~(FL_CASE | FL_TF)) | flags;
	if (tc->compat) {
		/* CSGSFS: cs in bits 15:0, ss in 63:48 (UC_SIGCONTEXT_SS). */
		gr[REG_CSGSFS] = (gr[REG_CSGSFS] & 0x0000ffffffff0000ULL) |
				 USER32_CS | (u64)tc->segs[EMU_SS].sel << 48;
	}
	for (i = 0; i < 16; i++)
		memcpy(fp + FX_XMM_OFF + 16 * i, s->vec[i], 16);
	if (frame_has_ymm(fp)) {
		u64 bv;

		for (i = 0; i < 16; i++)
			memcpy(fp + host.ymm_off + 16 * i, s->vec[i] + 16, 16);
		/* Components marked init would be loaded as zeroes. */
		memcpy(&bv, fp + XSAVE_HDR_OFF, 8);
		bv |= XFEATURE_SSE | XFEATURE_YMM;
		memcpy(fp + XSAVE_HDR_OFF, &bv, 8);
	}
	nat.active = 1;
}

static void crash(int sig, siginfo_t *si, ucontext_t *uc)
{
	greg_t *gr = uc->uc_mcontext.gregs;

	fprintf(stderr, "emul_diff: signal %d outside a native run: ", sig);
	fprintf(stderr, "rip %#llx, address %p, trap %lld\n",
		(unsigned long long)gr[REG_RIP], si->si_addr,
		(long long)gr[REG_TRAPNO]);
	if (current_case) {
		fprintf(stderr, "emul_diff: while on case %lu of form %s: ",
			current_case->index, current_case->form->name);
		print_insn(stderr, current_case);
		fprintf(stderr, "\n");
	}
	fflush(stderr);
	_exit(3);
}

/* SIGALRM: a case that does not end (the emulator looping, say). */
static void watchdog(int sig)
{
	(void)sig;
	fprintf(stderr, "emul_diff: a case took more than %u s\n", WATCHDOG_S);
	if (current_case) {
		fprintf(stderr, "emul_diff: case %lu of form %s: ",
			current_case->index, current_case->form->name);
		print_insn(stderr, current_case);
		fprintf(stderr, "\n");
	}
	fflush(stderr);
	_exit(4);
}

/* SIGTRAP (int3 or TF), SIGSEGV, SIGBUS, SIGILL, SIGFPE: the end of a run. */
static void trap_handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	greg_t *gr = uc->uc_mcontext.gregs;
	struct outcome *out = nat.out;
	u8 *fp = fp_bytes(uc);
	unsigned int i;
	bool ymm;
	u64 bv;

	clear_ac();
	if (!nat.active)
		crash(sig, si, uc);
	nat.active = 0;

	for (i = 0; i < EMU_NR_GPRS; i++)
		out->st.gprs[i] = gr[greg_of[i]];
	out->st.rip = gr[REG_RIP];
	out->st.rflags = gr[REG_EFL] & ~(FL_TF | FL_RF);
	out->signo = sig;
	out->vector = gr[REG_TRAPNO];
	out->error_code = gr[REG_ERR];
	out->cr2 = gr[REG_CR2];
	switch (out->vector) {
	case 3:		/* int3: RIP is past it */
		out->st.rip--;
		fallthrough;
	case 1:		/* TF: RIP is the next instruction */
		out->vector = -1;
		out->has_error_code = false;
		break;
	case 8: case 10: case 11: case 12: case 13: case 14: case 17:
		out->has_error_code = true;
		break;
	default:
		out->has_error_code = false;
		break;
	}
	if (out->vector != 14)
		out->cr2 = 0;
	if (!out->has_error_code)
		out->error_code = 0;

	memcpy(&bv, fp + XSAVE_HDR_OFF, 8);
	ymm = frame_has_ymm(fp);
	for (i = 0; i < 16; i++) {
		/* An init-state component reads as zeroes. */
		if (ymm && !(bv & XFEATURE_SSE))
			memset(out->st.vec[i], 0, 16);
		else
			memcpy(out->st.vec[i], fp + FX_XMM_OFF + 16 * i, 16);
		if (ymm && (bv & XFEATURE_YMM))
			memcpy(out->st.vec[i] + 16, fp + host.ymm_off + 16 * i, 16);
		else
			memset(out->st.vec[i] + 16, 0, 16);
	}
	out->cs = gr[REG_CSGSFS] & 0xffff;
	siglongjmp(nat.jmp, 1);
}

static int set_ldt(unsigned int entry, u32 base, u32 limit, bool down,
		   bool big, bool pages)
{
	struct user_desc d = {
		.entry_number = entry,
		.base_addr = base,
		.limit = limit,
		.seg_32bit = big,
		.contents = down ? 1 : 0,	/* data, expand-up or down */
		.read_exec_only = 0,
		.limit_in_pages = pages,
		.seg_not_present = 0,
	};

	return syscall(SYS_modify_ldt, 1, &d, sizeof(d));
}

/* Describe LDT entry @entry in sels[@idx] as VMX would show it. */
static void ldt_sel(int idx, unsigned int entry, u32 base, u32 limit,
		    bool down, bool big, bool pages)
{
	struct seg_desc *s = &sels[idx];

	s->sel = entry << 3 | 4 | 3;		/* LDT, RPL 3 */
	s->base = base;
	s->limit = pages ? limit << 12 | 0xfff : limit;
	s->ar = EMU_AR_TYPE_A | EMU_AR_TYPE_W | EMU_AR_S | 3 << 5 | EMU_AR_P;
	if (down)
		s->ar |= EMU_AR_TYPE_E;
	if (big)
		s->ar |= EMU_AR_DB;
	if (pages)
		s->ar |= EMU_AR_G;
}

/*
 * The data segments compatibility-mode cases choose from for DS, ES, SS
 * and GS: Linux's flat one, a null selector, and with modify_ldt() a flat
 * one, ones with a base below the arena (one of them 16-bit, for 16-bit
 * addressing: the arena sits inside its 64 KiB), one whose limit ends
 * inside the data and an expand-down one whose bottom is inside it.
 */
static void init_segments(void)
{
	u32 lo = (u32)(uintptr_t)arena.lo, data = (u32)(uintptr_t)arena.data;
	u32 down_base = (u32)(uintptr_t)arena.end + 0x1000;
	/* Expand-down, 4 KiB granular: offsets above the limit are valid. */
	u32 down_limit = ((data + 0x1000 - down_base) >> 12) - 1;
	const struct {
		int idx;
		u32 base, limit;
		bool down, big, pages;
	} ldt[] = {
		{ SEL_LDT_FLAT, 0, 0xfffff, false, true, true },
		{ SEL_LDT_BASED, lo - 0x5000, 0xfffff, false, true, true },
		{ SEL_LDT_SMALL, data, DATA_PAGES * ARENA_PAGE - 0x400 - 1,
		  false, true, false },
		{ SEL_LDT_DOWN, down_base, down_limit & 0xfffff, true, true, true },
		{ SEL_LDT_16, lo - 0x2000, 0xffff, false, false, false },
	};
	unsigned int i;

	sels[SEL_USER_DS] = (struct seg_desc){
		.sel = USER_DS, .base = 0, .limit = 0xffffffff,
		.ar = EMU_AR_TYPE_A | EMU_AR_TYPE_W | EMU_AR_S | 3 << 5 |
		      EMU_AR_P | EMU_AR_DB | EMU_AR_G,
	};
	sels[SEL_NULL] = (struct seg_desc){ .ar = EMU_AR_UNUSABLE };

	host.ldt = true;
	for (i = 0; i < ARRAY_SIZE(ldt); i++) {
		if (set_ldt(i, ldt[i].base, ldt[i].limit, ldt[i].down,
			    ldt[i].big, ldt[i].pages)) {
			host.ldt = false;
			break;
		}
		ldt_sel(ldt[i].idx, i, ldt[i].base, ldt[i].limit, ldt[i].down,
			ldt[i].big, ldt[i].pages);
	}
}

static void probe_cpu(void)
{
	u32 a, b, c, d, osxsave;

	__cpuid(0, a, b, c, d);
	memcpy(host.vendor, &b, 4);
	memcpy(host.vendor + 4, &d, 4);
	memcpy(host.vendor + 8, &c, 4);
	__cpuid(1, a, b, c, d);
	host.movbe = c & BIT(22);
	osxsave = c & BIT(27);
	if (osxsave) {
		u32 lo, hi;

		asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
		host.xcr0 = (u64)hi << 32 | lo;
	}
	host.avx = (c & BIT(28)) && osxsave && (host.xcr0 & 6) == 6;
	__cpuid_count(7, 0, a, b, c, d);
	host.clflushopt = b & BIT(23);
	if (host.avx) {
		__cpuid_count(0xd, 2, a, b, c, d);
		host.ymm_off = b;
	}
}

static void arena_init(void)
{
	size_t len = (DATA_PAGES + 4) * ARENA_PAGE;
	int prot = PROT_READ | PROT_WRITE | PROT_EXEC;
	u8 *p;

	p = mmap((void *)ARENA_HINT, len, prot,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED || (uintptr_t)p + len > 0x80000000UL) {
		if (p != MAP_FAILED)
			munmap(p, len);
		p = mmap(NULL, len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
			 -1, 0);
	}
	if (p == MAP_FAILED)
		die("mmap arena");
	arena.code = p;
	arena.lo = p + ARENA_PAGE;
	arena.data = arena.lo + ARENA_PAGE;
	arena.ro = arena.data + DATA_PAGES * ARENA_PAGE;
	arena.hi = arena.ro + ARENA_PAGE;
	arena.end = arena.hi + ARENA_PAGE;
	memset(arena.code, 0xcc, ARENA_PAGE);
	if (mprotect(arena.lo, ARENA_PAGE, PROT_NONE) ||
	    mprotect(arena.hi, ARENA_PAGE, PROT_NONE) ||
	    mprotect(arena.data, DATA_PAGES * ARENA_PAGE, PROT_READ | PROT_WRITE) ||
	    mprotect(arena.ro, ARENA_PAGE, PROT_READ))
		die("mprotect arena");
	arena.dev = malloc(ARENA_MEM_SIZE);
	arena.before = malloc(ARENA_MEM_SIZE);
	if (!arena.dev || !arena.before)
		die("malloc");
}

/* Fill the read-only page, once per run (the seed decides its bytes). */
void native_prepare_memory(void)
{
	u64 *p = (u64 *)arena.ro;
	unsigned int i;

	if (mprotect(arena.ro, ARENA_PAGE, PROT_READ | PROT_WRITE))
		die("mprotect");
	for (i = 0; i < ARENA_PAGE / 8; i++)
		p[i] = rng();
	if (mprotect(arena.ro, ARENA_PAGE, PROT_READ))
		die("mprotect");
}

/*
 * DS, ES and GS as the case says (rt_sigreturn loads none of them in
 * 64-bit mode).  A 64-bit case gets the process's DS and ES back after a
 * compatibility-mode one: their bases do not count in 64-bit mode, but
 * QEMU's TCG adds the base of an LDT segment left in ES to an ES-
 * overridden address there.
 */
static void load_segments(const struct test_case *tc)
{
	static bool dirty = true;

	if (tc->compat) {
		asm volatile("mov %0, %%ds" : : "r" (tc->segs[EMU_DS].sel));
		asm volatile("mov %0, %%es" : : "r" (tc->segs[EMU_ES].sel));
		/* In 64-bit mode this also sets GS.base from the descriptor. */
		asm volatile("mov %0, %%gs" : : "r" (tc->segs[EMU_GS].sel));
		dirty = true;
	} else if (dirty) {
		asm volatile("mov %0, %%ds" : : "r" (host.ds));
		asm volatile("mov %0, %%es" : : "r" (host.es));
		if (syscall(SYS_arch_prctl, ARCH_SET_GS, host.gs_base))
			die("arch_prctl(ARCH_SET_GS)");
		dirty = false;
	}
}

void native_run(const struct test_case *tc, struct outcome *out)
{
	u8 *at = (u8 *)(uintptr_t)tc->in.rip;

	memset(out, 0, sizeof(*out));
	memcpy(at, tc->insn, tc->len);
	at[tc->len] = 0xcc;
	load_segments(tc);
	nat.tc = tc;
	nat.out = out;
	if (sigsetjmp(nat.jmp, 1) == 0) {
		raise(SIGUSR1);
		fprintf(stderr, "emul_diff: the native run came back\n");
		exit(2);
	}
	memset(at, 0xcc, tc->len + 1);
}

/* Run a NOP in compatibility mode: does the kernel let us in? */
static bool probe_compat(void)
{
	struct test_case tc = { .compat = true, .len = 1, .insn = { 0x90 } };
	struct outcome out;

	tc.in.rip = (uintptr_t)arena.code;
	tc.in.rflags = 0x202;
	tc.segs[EMU_DS] = sels[SEL_USER_DS];
	tc.segs[EMU_ES] = sels[SEL_USER_DS];
	tc.segs[EMU_SS] = sels[SEL_USER_DS];
	tc.segs[EMU_GS] = sels[SEL_NULL];
	native_run(&tc, &out);
	return out.signo == SIGTRAP && out.vector == -1 &&
	       out.cs == USER32_CS && out.st.rip == tc.in.rip + 1;
}

/* Run one instruction with RBX (and RSP) at @rbx, for the probes. */
static void probe(struct outcome *out, bool compat, const u8 *insn,
		  unsigned int len, u64 rbx, u64 rflags)
{
	struct test_case tc = { .compat = compat, .len = len };

	memcpy(tc.insn, insn, len);
	tc.in.rip = (uintptr_t)arena.code;
	tc.in.rflags = 0x202 | rflags;
	tc.in.gprs[EMU_RBX] = rbx;
	tc.in.gprs[EMU_RSP] = rbx;
	tc.segs[EMU_DS] = sels[SEL_NULL];
	tc.segs[EMU_ES] = sels[SEL_USER_DS];
	tc.segs[EMU_SS] = sels[SEL_USER_DS];
	tc.segs[EMU_GS] = sels[SEL_NULL];
	native_run(&tc, out);
}

/*
 * Where the harness cannot take what it runs on as the reference.  The
 * kernel: a PVM guest's cannot return to user space with a non-canonical
 * RSP (#GP before the first instruction).  The CPU: QEMU's TCG raises no
 * #AC, no #UD for an illegal LOCK, checks no segment in compatibility
 * mode, reports a read-modify-write's #PF as a read, never faults on
 * CLFLUSH, raises #GP for a non-canonical stack reference (so does any
 * CPU under such a kernel), and loads 16 bits for MOVBE with 66 and
 * REX.W; and CPUs differ: MOVSXD with a 16-bit operand reads 4 bytes on
 * AMD, 2 on Intel (as emul/ does).
 */
static void probe_quirks(void)
{
	u64 data = (uintptr_t)arena.data, guard = (uintptr_t)arena.hi;
	struct outcome out;

	/* nop, with RSP non-canonical */
	probe(&out, false, (const u8[]){ 0x90 }, 1, data ^ BIT_ULL(63), 0);
	host.rsp_any = out.vector == -1;
	/* mov eax, [rbx+1] */
	probe(&out, false, (const u8[]){ 0x8b, 0x43, 0x01 }, 3, data, FL_AC);
	host.ac = out.vector == 17;
	/* lock mov [rbx], eax */
	probe(&out, false, (const u8[]){ 0xf0, 0x89, 0x03 }, 3, data, 0);
	host.lock_ud = out.vector == 6;
	/* add [rbx], eax */
	probe(&out, false, (const u8[]){ 0x01, 0x03 }, 2, guard, 0);
	host.rmw_pf_w = out.vector == 14 && (out.error_code & EMU_ACC_WRITE);
	/* clflush [rbx] */
	probe(&out, false, (const u8[]){ 0x0f, 0xae, 0x3b }, 3, guard, 0);
	host.clflush_pf = out.vector == 14;
	/* mov eax, [rsp] */
	probe(&out, false, (const u8[]){ 0x8b, 0x04, 0x24 }, 3, data ^ BIT_ULL(63), 0);
	host.ss_canonical = out.vector == 12;
	/* movbe rax, [rbx] with 66 */
	memcpy(arena.data, (const u8[]){ 1, 2, 3, 4, 5, 6, 7, 8 }, 8);
	probe(&out, false, (const u8[]){ 0x66, 0x48, 0x0f, 0x38, 0xf0, 0x03 }, 6, data, 0);
	host.movbe_66w = !host.movbe || out.st.gprs[EMU_RAX] == 0x0102030405060708ULL;
	/* movsxd ax, [rbx] at the end of the read-only page */
	probe(&out, false, (const u8[]){ 0x66, 0x63, 0x03 }, 3, guard - 2, 0);
	host.movsxd16_wide = out.vector == 14;
	/* mov eax, ds:[ebx] with a null DS, in compatibility mode */
	host.seg_checks = false;
	if (host.compat) {
		probe(&out, true, (const u8[]){ 0x8b, 0x03 }, 2, data, 0);
		host.seg_checks = out.vector == 13;
	}
}

int native_init(void)
{
	static u8 altstack[256 * 1024];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_flags = SA_SIGINFO | SA_ONSTACK };
	static const int ends[] = { SIGTRAP, SIGSEGV, SIGBUS, SIGILL, SIGFPE };
	unsigned long fs;
	unsigned int i;
	u16 sel;

	probe_cpu();
	arena_init();
	if (sigaltstack(&ss, NULL))
		die("sigaltstack");
	sa.sa_sigaction = enter_handler;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL))
		die("sigaction");
	sa.sa_sigaction = trap_handler;
	for (i = 0; i < ARRAY_SIZE(ends); i++)
		if (sigaction(ends[i], &sa, NULL))
			die("sigaction");
	/* On the alternate stack too: the alarm may come in a native run. */
	sa.sa_flags = SA_ONSTACK;
	sa.sa_handler = watchdog;
	if (sigaction(SIGALRM, &sa, NULL))
		die("sigaction");

	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs))
		die("arch_prctl(ARCH_GET_FS)");
	host.fs_base = fs;
	/* GS-relative operands land in the arena with small offsets. */
	host.gs_base = (uintptr_t)arena.lo - 0x2345;
	asm volatile("mov %%ds, %0" : "=r" (sel));
	host.ds = sel;
	asm volatile("mov %%es, %0" : "=r" (sel));
	host.es = sel;

	init_segments();
	host.compat = probe_compat();
	probe_quirks();
	return 0;
}
