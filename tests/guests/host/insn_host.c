// SPDX-License-Identifier: GPL-2.0
/*
 * mmio_insn_test64's device cases on the build machine, without VMX: the
 * guest code runs natively in this process, the test device's two pages
 * at 0xd0000000 are mapped with no access, and each instruction that
 * touches them faults into a SIGSEGV handler which does what axvcpu and
 * userctl do for it: the instruction emulator (emul/, built here with
 * tests/emul/shim) runs it, as vmx/mmio.c runs it; each access it hands
 * on becomes an AXV_EXIT_MMIO in a struct axv_run, which userctl's exit
 * handling (tools/userctl/vmexit.c) gives to its test device
 * (devices.c), one at a time; and the registers it leaves go back into
 * the interrupted context.  The guest's port I/O (its UART output and the
 * debug-exit port) faults too and is answered here.
 *
 * What this checks before a Bochs run: that the guest's expectations, the
 * emulator and the device model agree.  What it cannot: the VMX backend,
 * the kernel's exits, the local APIC (those cases are left out by
 * TESTDEV_HOST), and anything of 32-bit code.
 *
 * Exit status: the guest's, (V << 1) | 1 for the V it writes to port 0xf4
 * (33: every check passed); 2 when the harness itself fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <linux/bits.h>
#include <linux/compiler.h>
#include <axvcpu/emul.h>

#include "devices.h"
#include "insn_host.h"
#include "vmexit.h"

#define HOST_DEV_BASE		0xd0000000ULL
#define PORT_UART_THR		0x3f8
#define PORT_UART_LSR		0x3fd
#define PORT_DEBUG_EXIT		0xf4

#define XSTATE_BV_OFFSET	512	/* the XSAVE header, after the legacy area */
#define XSTATE_YMM_OFFSET	576	/* YMM_Hi128, standard format */
#define XSTATE_YMM		4ULL
#define FP_XSTATE_MAGIC1	0x46505853U

static struct devices devs;
static struct vmexit_ctx exit_ctx;
static union {
	struct axv_run run;
	__u8 page[4096];
} run_page;
static __u64 insn_rip;
static unsigned long exits;

/* A read handed on, waiting for its exit. */
static bool read_pending;
static __u64 read_gpa;
static unsigned int read_size;

/* The interrupted context, for the vector register ops. */
static ucontext_t *cur_uc;

static void die(const char *what, const struct emu_ctxt *c)
{
	unsigned int i;

	fprintf(stderr, "insn_host: %s at RIP 0x%llx:", what,
		(unsigned long long)c->rip);
	for (i = 0; i < c->insn_avail; i++)
		fprintf(stderr, " %02x", c->insn[i]);
	fprintf(stderr, " (fail %u, exception %u)\n", c->fail, c->exc.vector);
	_exit(2);
}

static bool on_dev(__u64 gpa)
{
	return gpa - HOST_DEV_BASE < TESTDEV_SIZE;
}

/* Guest-physical is host-virtual: the guest code runs identity-mapped here. */
static int host_translate(struct emu_ctxt *c, u64 la, u32 acc, u64 *gpa)
{
	(void)c;
	(void)acc;
	*gpa = la;
	return EMU_OK;
}

/*
 * One AXV_EXIT_MMIO, as vmx/mmio.c fills it (RIP: the instruction's,
 * read before it completes), handled by userctl's exit handling; a read's
 * data is then in run->mmio.data.
 */
static struct axv_run *user_exit(struct emu_ctxt *c, __u64 gpa, const void *buf,
				 unsigned int size, bool write)
{
	struct axv_run *run = &run_page.run;

	exits++;
	memset(run, 0, sizeof(*run));
	run->exit_reason = AXV_EXIT_MMIO;
	run->rip = insn_rip;
	run->mmio.gpa = gpa;
	run->mmio.size = size;
	run->mmio.is_write = write;
	run->mmio.reg = c->mov_reg;
	if (write)
		memcpy(&run->mmio.data, buf, size);
	if (vmexit_handle(&exit_ctx, run) != VMEXIT_CONTINUE)
		die("userctl ended the run at an MMIO exit", c);
	return run;
}

/*
 * The device's accesses are handed on (EMU_EXIT), as the VMX backend
 * hands them to userspace: a write at once, a read once emu_emulate()
 * returns, its data then given with emu_complete_read().
 */
static int host_read(struct emu_ctxt *c, u64 gpa, void *buf, unsigned int size)
{
	(void)c;
	if (on_dev(gpa)) {
		read_pending = true;
		read_gpa = gpa;
		read_size = size;
		return EMU_EXIT;
	}
	memcpy(buf, (const void *)(unsigned long)gpa, size);
	return EMU_OK;
}

static int host_write(struct emu_ctxt *c, u64 gpa, const void *buf,
		      unsigned int size)
{
	if (on_dev(gpa)) {
		user_exit(c, gpa, buf, size, true);
		return EMU_EXIT;
	}
	memcpy((void *)(unsigned long)gpa, buf, size);
	return EMU_OK;
}

/* The XSAVE area of the signal frame: XMM in the legacy part, YMM above. */
static __u8 *xsave_area(void)
{
	return (__u8 *)cur_uc->uc_mcontext.fpregs;
}

static bool xsave_has_ymm(void)
{
	const __u8 *area = xsave_area();
	__u32 magic;

	memcpy(&magic, area + 464, sizeof(magic));	/* fpx_sw_bytes.magic1 */
	return magic == FP_XSTATE_MAGIC1;
}

static void host_read_vec(struct emu_ctxt *c, unsigned int reg, void *buf,
			  unsigned int size)
{
	const __u8 *area = xsave_area();
	__u64 bv;

	(void)c;
	memset(buf, 0, size);
	memcpy(buf, area + 160 + 16 * reg, size < 16 ? size : 16);
	if (size <= 16 || !xsave_has_ymm())
		return;
	memcpy(&bv, area + XSTATE_BV_OFFSET, sizeof(bv));
	if (bv & XSTATE_YMM)
		memcpy((__u8 *)buf + 16, area + XSTATE_YMM_OFFSET + 16 * reg, 16);
}

static void host_write_vec(struct emu_ctxt *c, unsigned int reg,
			   const void *buf, unsigned int size, bool vex)
{
	__u8 *area = xsave_area();
	__u64 bv;

	(void)c;
	memcpy(area + 160 + 16 * reg, buf, 16);
	if ((!vex && size <= 16) || !xsave_has_ymm())
		return;
	memcpy(&bv, area + XSTATE_BV_OFFSET, sizeof(bv));
	if (!(bv & XSTATE_YMM)) {
		memset(area + XSTATE_YMM_OFFSET, 0, 16 * 16);
		bv |= XSTATE_YMM;
		memcpy(area + XSTATE_BV_OFFSET, &bv, sizeof(bv));
	}
	if (size > 16)
		memcpy(area + XSTATE_YMM_OFFSET + 16 * reg, (const __u8 *)buf + 16, 16);
	else
		memset(area + XSTATE_YMM_OFFSET + 16 * reg, 0, 16);
}

static const struct emu_ops host_ops = {
	.translate = host_translate,
	.read = host_read,
	.write = host_write,
	.read_vec = host_read_vec,
	.write_vec = host_write_vec,
};

/* ucontext's general registers, in the encoding order of emul.h. */
static const int gpr_index[EMU_NR_GPRS] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static __u64 xgetbv0(void)
{
	__u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (__u64)hi << 32 | lo;
}

/* After EMU_EXIT: the read handed on, if it was one, and its data back. */
static void host_exit(struct emu_ctxt *c)
{
	struct axv_run *run;

	if (!read_pending)
		return;		/* a write: userctl had it already */
	read_pending = false;
	if (!emu_pending_access(c))
		die("a read handed on, and no read pending", c);
	run = user_exit(c, read_gpa, NULL, read_size, false);
	if (emu_complete_read(c, &run->mmio.data))
		die("emu_complete_read() refused the data", c);
}

static bool emulate(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	static struct emu_ctxt c;
	unsigned int i, n;
	int r;

	memset(&c, 0, sizeof(c));
	emu_reset(&c);
	c.ops = &host_ops;
	c.mode = EMU_MODE_LONG;
	c.cpl = 3;
	c.cr0 = 0x80050033;	/* PE MP ET NE WP AM PG */
	c.cr4 = (1 << 5) | (1 << 9) | (1 << 10) | (1 << 18);
	c.xcr0 = xgetbv0();
	for (i = 0; i < EMU_NR_GPRS; i++)
		c.gprs[i] = g[gpr_index[i]];
	c.rip = g[REG_RIP];
	c.rflags = g[REG_EFL];
	c.segs[EMU_CS].ar = EMU_AR_L | EMU_AR_P | EMU_AR_S | 0xb | (3 << 5);
	memcpy(c.insn, (const void *)(unsigned long)c.rip, EMU_INSN_MAX);
	c.insn_avail = EMU_INSN_MAX;
	insn_rip = c.rip;
	for (n = 0; n < 2 * EMU_MAX_ACCESSES + 2; n++) {
		r = emu_emulate(&c);
		if (r == EMU_EXIT) {
			host_exit(&c);
			continue;
		}
		if (r != EMU_OK)
			die(r == EMU_FAULT ? "exception" : "not emulated", &c);
		for (i = 0; i < EMU_NR_GPRS; i++)
			g[gpr_index[i]] = c.gprs[i];
		g[REG_RIP] = c.rip;
		g[REG_EFL] = c.rflags;
		return true;
	}
	die("no end", &c);
	return false;
}

/* IN and OUT of the guest library: the UART's THR and LSR, port 0xf4. */
static bool port_io(ucontext_t *uc)
{
	greg_t *g = uc->uc_mcontext.gregs;
	const __u8 *p = (const __u8 *)g[REG_RIP];
	unsigned int port = g[REG_RDX] & 0xffff, len = 1;
	__u8 al = g[REG_RAX];

	switch (p[0]) {
	case 0xe6:		/* out %al, $imm8 */
		port = p[1];
		len = 2;
		fallthrough;
	case 0xee:		/* out %al, %dx */
		if (port == PORT_DEBUG_EXIT) {
			fflush(stdout);
			fprintf(stderr, "insn_host: %lu device accesses emulated\n", exits);
			_exit(((al << 1) | 1) & 0xff);
		}
		if (port == PORT_UART_THR)
			putchar(al);
		break;
	case 0xec:		/* in %dx, %al */
		g[REG_RAX] = (g[REG_RAX] & ~0xffULL) |
			     (port == PORT_UART_LSR ? 0x60 : 0xff);
		break;
	default:
		return false;
	}
	g[REG_RIP] += len;
	return true;
}

static void on_segv(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)sig;
	cur_uc = uc;
	if (port_io(uc))
		return;
	if (on_dev((unsigned long)si->si_addr) && emulate(uc))
		return;
	fprintf(stderr, "insn_host: fault at RIP 0x%llx, address %p\n",
		(unsigned long long)uc->uc_mcontext.gregs[REG_RIP], si->si_addr);
	_exit(2);
}

int main(void)
{
	/* The device alone on the MMIO bus; the port I/O is answered above. */
	const struct devices_layout layout = {
		.testdev = true, .testdev_base = HOST_DEV_BASE,
	};
	struct sigaction sa;
	void *p;

	p = mmap((void *)HOST_DEV_BASE, TESTDEV_SIZE, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p != (void *)HOST_DEV_BASE) {
		perror("insn_host: mmap of the device pages at 0xd0000000");
		return 2;
	}
	devices_init_layout(&devs, &layout, stdout, stderr, false, true);
	exit_ctx.dev = &devs;
	exit_ctx.log = stderr;
	exit_ctx.strict = true;
	exit_ctx.vcpu_fd = -1;
	exit_ctx.prefix = "";
	exit_ctx.run_size = sizeof(run_page);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	guest_main();
	fprintf(stderr, "insn_host: guest_main() returned\n");
	return 2;
}
