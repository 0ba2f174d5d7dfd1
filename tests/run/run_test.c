// SPDX-License-Identifier: GPL-2.0
/*
 * run_test: AXV_RUN in the emulated Intel machine.  Tiny guests, written
 * here as machine code, exercise the exits and the rules of running a
 * vCPU: port and string I/O, MMIO, hypercalls, HLT, triple fault, entry
 * failure, a second thread's RUN, kicks, signals, immediate_exit and a
 * process killed in the guest.
 *
 * Usage: run_test [--apicv] [PREFIX...]
 * With prefixes, only the checks whose names begin with one of them run.
 * --apicv is for a module loaded with apicv=1: it first checks that
 * axvcpu runs guests with APIC virtualization (AXV_GET_VMX_CAPS), and
 * the checks' names end in ".apicv".
 *
 * Output, one line per check (tests/guest/lib.sh reads it):
 *	AXVTEST ok NAME
 *	AXVTEST fail NAME REASON
 * Exit status: 0 when every check passed, 1 otherwise.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/axvcpu.h>
#include <linux/capability.h>

#include "run_test.h"

static char reason[512];
static int failures;

int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *name_suffix = "";

static void report(const char *name, int ret)
{
	if (ret) {
		printf("AXVTEST fail %s%s %s\n", name, name_suffix, reason);
		failures++;
	} else {
		printf("AXVTEST ok %s%s\n", name, name_suffix);
	}
	reason[0] = '\0';
}

const char *exit_name(__u32 r)
{
	static const char *const names[] = {
		"UNKNOWN", "MMIO", "IO", "MSR", "HYPERCALL", "NPF", "HALT",
		"CPU_UP", "CPU_DOWN", "SYSTEM_DOWN", "SEND_IPI", "EXTINT",
		"FAIL_ENTRY", "TRIPLE_FAULT", "KICKED", "INTR", "EXCEPTION",
		"INTERNAL_ERROR", "DEBUG_REG",
	};

	return r < ARRAY_LEN(names) ? names[r] : "?";
}

/* Host CPUs the vCPU of the next vm_create() may use (0: all). */
static unsigned long long vcpu_allowed;

/* AXV_CREATE_VM flags of the next vm_create(). */
unsigned long vm_flags;

/* A VM with GUEST_MEM of RAM at 0 and one vCPU in real mode at CODE. */
int vm_create(struct vm *v, const __u8 *code, size_t len)
{
	struct axv_memory_region region = { 0 };
	struct axv_vcpu_create create = { .favoured_cpu = -1 };

	if (vcpu_allowed) {
		create.allowed_cpus = (unsigned long)&vcpu_allowed;
		create.allowed_cpus_size = sizeof(vcpu_allowed);
	}
	struct axv_sregs sregs;
	struct axv_regs regs = { 0 };
	long size;

	memset(v, 0, sizeof(*v));
	v->dev = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (v->dev < 0)
		return fail("open /dev/axvcpu: %s", strerror(errno));
	v->vm = ioctl(v->dev, AXV_CREATE_VM, vm_flags);
	if (v->vm < 0)
		return fail("AXV_CREATE_VM: %s", strerror(errno));
	v->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->mem == MAP_FAILED)
		return fail("mmap: %s", strerror(errno));
	memcpy(v->mem + CODE, code, len);
	region.size = GUEST_MEM;
	region.userspace_addr = (unsigned long)v->mem;
	if (ioctl(v->vm, AXV_SET_MEMORY_REGION, &region))
		return fail("AXV_SET_MEMORY_REGION: %s", strerror(errno));
	v->vcpu = ioctl(v->vm, AXV_CREATE_VCPU, &create);
	if (v->vcpu < 0)
		return fail("AXV_CREATE_VCPU: %s", strerror(errno));
	size = ioctl(v->dev, AXV_GET_VCPU_MMAP_SIZE, 0);
	if (size < (long)sizeof(struct axv_run))
		return fail("AXV_GET_VCPU_MMAP_SIZE: %ld", size);
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED)
		return fail("mmap of the run structure: %s", strerror(errno));

	if (ioctl(v->vcpu, AXV_GET_SREGS, &sregs))
		return fail("AXV_GET_SREGS: %s", strerror(errno));
	sregs.cs.selector = 0;
	sregs.cs.base = 0;
	sregs.cr0 = 0x10;
	if (ioctl(v->vcpu, AXV_SET_SREGS, &sregs))
		return fail("AXV_SET_SREGS: %s", strerror(errno));
	regs.rip = CODE;
	regs.rflags = 2;
	regs.rsp = 0x8000;
	if (ioctl(v->vcpu, AXV_SET_REGS, &regs))
		return fail("AXV_SET_REGS: %s", strerror(errno));
	return 0;
}

int vm_add_region(struct vm *v, __u32 slot, __u32 flags, __u64 gpa,
		  __u64 size, void *mem)
{
	struct axv_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.size = size, .userspace_addr = (unsigned long)mem,
	};

	if (ioctl(v->vm, AXV_SET_MEMORY_REGION, &r))
		return fail("AXV_SET_MEMORY_REGION slot %u: %s", slot,
			    strerror(errno));
	return 0;
}

int vm_set_flat32(struct vm *v, __u32 idt, __u16 idt_limit)
{
	static const __u64 gdt[] = {
		0, 0x00cf9a000000ffffULL, 0x00cf92000000ffffULL,
	};
	struct axv_segment flat = {
		.limit = 0xffffffff, .present = 1, .db = 1, .s = 1, .g = 1,
	};
	struct axv_sregs sr;

	memcpy(v->mem + FLAT32_GDT, gdt, sizeof(gdt));
	if (ioctl(v->vcpu, AXV_GET_SREGS, &sr))
		return fail("AXV_GET_SREGS: %s", strerror(errno));
	sr.cs = flat;
	sr.cs.selector = 0x08;
	sr.cs.type = 0xb;
	flat.selector = 0x10;
	flat.type = 0x3;
	sr.ds = flat;
	sr.es = flat;
	sr.ss = flat;
	sr.fs = flat;
	sr.gs = flat;
	sr.gdt.base = FLAT32_GDT;
	sr.gdt.limit = sizeof(gdt) - 1;
	sr.idt.base = idt;
	sr.idt.limit = idt_limit;
	sr.cr0 = 0x11;
	if (ioctl(v->vcpu, AXV_SET_SREGS, &sr))
		return fail("AXV_SET_SREGS (flat 32-bit): %s", strerror(errno));
	return 0;
}

void vm_destroy(struct vm *v)
{
	if (v->run && v->run != MAP_FAILED)
		munmap(v->run, 4096);
	if (v->vcpu > 0)
		close(v->vcpu);
	if (v->mem && v->mem != MAP_FAILED)
		munmap(v->mem, GUEST_MEM);
	if (v->vm > 0)
		close(v->vm);
	if (v->dev > 0)
		close(v->dev);
}

/*
 * A guest that never exits must not hang the test: the watchdog thread
 * signals the thread in AXV_RUN once its deadline passes (the test kernel
 * has no POSIX timers, so no alarm()).
 */
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t watch_target;
static time_t watch_deadline;

void watch_arm(int seconds)
{
	pthread_mutex_lock(&watch_lock);
	watch_target = pthread_self();
	watch_deadline = seconds ? time(NULL) + seconds : 0;
	pthread_mutex_unlock(&watch_lock);
}

static void *watchdog(void *unused)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	(void)unused;
	for (;;) {
		nanosleep(&ts, NULL);
		pthread_mutex_lock(&watch_lock);
		if (watch_deadline && time(NULL) >= watch_deadline) {
			pthread_kill(watch_target, SIGALRM);
			watch_deadline = 0;
		}
		pthread_mutex_unlock(&watch_lock);
	}
	return NULL;
}

/* AXV_RUN once; the exit must be @want. */
int run_expect(struct vm *v, __u32 want)
{
	struct axv_vcpu_stats st = { 0 };
	struct axv_regs regs = { 0 };

	watch_arm(20);
	if (ioctl(v->vcpu, AXV_RUN, 0)) {
		int err = errno;

		watch_arm(0);
		ioctl(v->vcpu, AXV_GET_REGS, &regs);
		ioctl(v->vcpu, AXV_GET_VCPU_STATS, &st);
		return fail("AXV_RUN: %s (exit %s, rip %#llx, rax %#llx, %llu ns, %llu ext)",
			    strerror(err), exit_name(v->run->exit_reason),
			    (unsigned long long)regs.rip,
			    (unsigned long long)regs.rax,
			    (unsigned long long)st.exec_ns,
			    (unsigned long long)st.exits[AXV_EXIT_EXTERNAL_INTERRUPT]);
	}
	watch_arm(0);
	if (v->run->exit_reason != want) {
		if (v->run->exit_reason == AXV_EXIT_UNKNOWN)
			return fail("exit %s (hw %u, qual %#llx) at %#llx, want %s",
				    exit_name(v->run->exit_reason),
				    v->run->unknown.hw_reason,
				    (unsigned long long)v->run->unknown.qualification,
				    (unsigned long long)v->run->rip,
				    exit_name(want));
		return fail("exit %s (hw %u) at %#llx, want %s",
			    exit_name(v->run->exit_reason),
			    v->run->hw_exit_reason,
			    (unsigned long long)v->run->rip, exit_name(want));
	}
	return 0;
}

/*
 * Real mode: OUT 'A' to 0x3f8; IN from 0x3f8 (the test gives 0x5a);
 * OUT AL to 0xf4; VMCALL (the test returns 0x1234); REP OUTSB of four
 * bytes at 0x500; CLI; HLT.
 */
static const __u8 io_code[] = {
	0xba, 0xf8, 0x03,		/* mov $0x3f8, %dx */
	0xb0, 0x41,			/* mov $0x41, %al */
	0xee,				/* out %al, (%dx) */
	0xec,				/* in (%dx), %al */
	0xe6, 0xf4,			/* out %al, $0xf4 */
	0xbb, 0x07, 0x00,		/* mov $7, %bx */
	0x0f, 0x01, 0xc1,		/* vmcall */
	0xbe, 0x00, 0x05,		/* mov $0x500, %si */
	0xb9, 0x04, 0x00,		/* mov $4, %cx */
	0xf3, 0x6e,			/* rep outsb (%si), (%dx) */
	0xfa,				/* cli */
	0xf4,				/* hlt */
};

static int check_io(void)
{
	struct axv_regs regs;
	struct vm v;
	int ret = -1;

	if (vm_create(&v, io_code, sizeof(io_code)))
		goto out;
	memcpy(v.mem + 0x500, "wxyz", 4);
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	if (v.run->io.port != 0x3f8 || v.run->io.size != 1 ||
	    v.run->io.direction != AXV_IO_OUT || v.run->io.count != 1 ||
	    ((__u8 *)v.run)[v.run->io.data_offset] != 'A') {
		fail("OUT: port %#x size %u dir %u count %u data %#x",
		     v.run->io.port, v.run->io.size, v.run->io.direction,
		     v.run->io.count, ((__u8 *)v.run)[v.run->io.data_offset]);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	if (v.run->io.direction != AXV_IO_IN || v.run->io.port != 0x3f8) {
		fail("IN: dir %u port %#x", v.run->io.direction, v.run->io.port);
		goto out;
	}
	((__u8 *)v.run)[v.run->io.data_offset] = 0x5a;
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	if (v.run->io.port != 0xf4 ||
	    ((__u8 *)v.run)[v.run->io.data_offset] != 0x5a) {
		fail("OUT to 0xf4: port %#x data %#x (want the IN's 0x5a)",
		     v.run->io.port, ((__u8 *)v.run)[v.run->io.data_offset]);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_HYPERCALL))
		goto out;
	if (v.run->hypercall.nr != 0x5a || v.run->hypercall.args[0] != 7) {
		fail("hypercall nr %#llx arg0 %#llx",
		     (unsigned long long)v.run->hypercall.nr,
		     (unsigned long long)v.run->hypercall.args[0]);
		goto out;
	}
	v.run->hypercall.ret = 0x1234;
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	if (!(v.run->io.flags & AXV_IO_F_STRING) ||
	    !(v.run->io.flags & AXV_IO_F_REP) || v.run->io.count != 4 ||
	    memcmp((__u8 *)v.run + v.run->io.data_offset, "wxyz", 4)) {
		fail("REP OUTSB: flags %#x count %u", v.run->io.flags,
		     v.run->io.count);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs)) {
		fail("AXV_GET_REGS: %s", strerror(errno));
		goto out;
	}
	if (regs.rax != 0x1234 || regs.rsi != 0x504 || regs.rcx != 0 ||
	    regs.rip != CODE + sizeof(io_code)) {
		fail("after the run: rax %#llx rsi %#llx rcx %#llx rip %#llx",
		     (unsigned long long)regs.rax, (unsigned long long)regs.rsi,
		     (unsigned long long)regs.rcx, (unsigned long long)regs.rip);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/* MMIO at 0x40010 (no RAM there): a load into AL, then a store of AL. */
static const __u8 mmio_code[] = {
	0xb8, 0x00, 0x40,		/* mov $0x4000, %ax */
	0x8e, 0xd8,			/* mov %ax, %ds */
	0xa0, 0x10, 0x00,		/* mov 0x10, %al */
	0xa2, 0x11, 0x00,		/* mov %al, 0x11 */
	0x0f, 0xbe, 0x1e, 0x12, 0x00,	/* movsbw 0x12, %bx */
	0xfa, 0xf4,			/* cli; hlt */
};

static int check_mmio(void)
{
	struct axv_regs regs;
	struct vm v;
	int ret = -1;

	if (vm_create(&v, mmio_code, sizeof(mmio_code)))
		goto out;
	if (run_expect(&v, AXV_EXIT_MMIO))
		goto out;
	if (v.run->mmio.gpa != 0x40010 || v.run->mmio.size != 1 ||
	    v.run->mmio.is_write || v.run->mmio.reg != AXV_REG_RAX) {
		fail("load: gpa %#llx size %u write %u reg %u",
		     (unsigned long long)v.run->mmio.gpa, v.run->mmio.size,
		     v.run->mmio.is_write, v.run->mmio.reg);
		goto out;
	}
	v.run->mmio.data = 0x77;
	if (run_expect(&v, AXV_EXIT_MMIO))
		goto out;
	if (v.run->mmio.gpa != 0x40011 || !v.run->mmio.is_write ||
	    v.run->mmio.data != 0x77) {
		fail("store: gpa %#llx write %u data %#llx",
		     (unsigned long long)v.run->mmio.gpa, v.run->mmio.is_write,
		     (unsigned long long)v.run->mmio.data);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_MMIO))
		goto out;
	if (v.run->mmio.size != 1 || v.run->mmio.reg != AXV_REG_RBX ||
	    !(v.run->mmio.flags & AXV_MMIO_F_SIGN_EXTEND)) {
		fail("movsx: size %u reg %u flags %#x", v.run->mmio.size,
		     v.run->mmio.reg, v.run->mmio.flags);
		goto out;
	}
	v.run->mmio.data = 0x80;
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs) ||
	    (regs.rax & 0xff) != 0x77 || (regs.rbx & 0xffff) != 0xff80) {
		fail("registers: rax %#llx rbx %#llx (want al 0x77, bx 0xff80)",
		     (unsigned long long)regs.rax, (unsigned long long)regs.rbx);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/* INT3 with an empty IDT: #GP, #DF, then a triple fault. */
static int check_triple_fault(void)
{
	static const __u8 code[] = { 0xcc };
	struct axv_sregs sregs;
	struct vm v;
	int ret = -1;

	if (vm_create(&v, code, sizeof(code)))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_SREGS, &sregs))
		goto out;
	sregs.idt.limit = 0;
	if (ioctl(v.vcpu, AXV_SET_SREGS, &sregs)) {
		fail("AXV_SET_SREGS: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_TRIPLE_FAULT))
		goto out;
	if (v.run->triple_fault.rip != CODE || v.run->triple_fault.insn_len < 1 ||
	    v.run->triple_fault.insn[0] != 0xcc) {
		fail("rip %#llx, %u bytes, first %#x",
		     (unsigned long long)v.run->triple_fault.rip,
		     v.run->triple_fault.insn_len, v.run->triple_fault.insn[0]);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/* Protected mode with a data segment in CS: the entry check names CS. */
static int check_fail_entry(void)
{
	static const __u8 code[] = { 0xf4 };
	struct axv_sregs sregs;
	struct vm v;
	int ret = -1;

	if (vm_create(&v, code, sizeof(code)))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_SREGS, &sregs))
		goto out;
	sregs.cr0 = 0x11;
	sregs.cs.type = 1;	/* read-only data, never valid in CS */
	if (ioctl(v.vcpu, AXV_SET_SREGS, &sregs)) {
		fail("AXV_SET_SREGS: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_FAIL_ENTRY))
		goto out;
	if (v.run->fail_entry.hw_reason != 33 ||
	    v.run->fail_entry.check != AXV_ENTRY_CHECK_CS) {
		fail("hw reason %u, check %u (want 33, CS)",
		     v.run->fail_entry.hw_reason, v.run->fail_entry.check);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/* A guest that spins with interrupts off: only a kick or a signal ends it. */
static const __u8 spin_code[] = { 0xfa, 0xeb, 0xfe };	/* cli; jmp . */

void *run_thread(void *arg)
{
	struct runner *r = arg;

	r->started = 1;
	r->ret = ioctl(r->v->vcpu, AXV_RUN, 0);
	r->err = errno;
	return NULL;
}

void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

bool wait_blocked(struct vm *v, struct axv_vcpu_state *st)
{
	int i;

	for (i = 0; i < 6000; i++) {
		if (!ioctl(v->vcpu, AXV_GET_VCPU_STATE, st) &&
		    st->state == AXV_VCPU_STATE_BLOCKED)
			return true;
		sleep_ms(10);
	}
	return false;
}

/*
 * Wait until the vCPU runs (its state says so without waiting for the
 * runner); a second RUN must then say EBUSY.
 */
static int wait_in_run(struct vm *v)
{
	struct axv_vcpu_state st;
	int i;

	for (i = 0; i < 6000; i++) {
		if (ioctl(v->vcpu, AXV_GET_VCPU_STATE, &st))
			return fail("AXV_GET_VCPU_STATE: %s", strerror(errno));
		if (st.state == AXV_VCPU_STATE_RUNNING) {
			if (ioctl(v->vcpu, AXV_RUN, 0) != -1 || errno != EBUSY)
				return fail("a second thread's AXV_RUN did not get EBUSY");
			return 0;
		}
		sleep_ms(10);
	}
	return fail("the first thread never got into AXV_RUN");
}

static int check_busy_and_kick(void)
{
	struct axv_kick kick = { .vcpus = 1 };
	struct runner r = { 0 };
	pthread_t t;
	struct vm v;
	int ret = -1;

	if (vm_create(&v, spin_code, sizeof(spin_code)))
		goto out;
	r.v = &v;
	if (pthread_create(&t, NULL, run_thread, &r)) {
		fail("pthread_create");
		goto out;
	}
	ret = wait_in_run(&v);
	if (ioctl(v.vm, AXV_KICK_VCPUS, &kick))
		ret = fail("AXV_KICK_VCPUS: %s", strerror(errno));
	pthread_join(t, NULL);
	if (!ret && (r.ret || v.run->exit_reason != AXV_EXIT_KICKED))
		ret = fail("kicked RUN returned %d (%s), exit %s", r.ret,
			   strerror(r.err), exit_name(v.run->exit_reason));
	/* A kick when not running makes the next RUN return at once. */
	if (!ret && ioctl(v.vm, AXV_KICK_VCPUS, &kick))
		ret = fail("AXV_KICK_VCPUS: %s", strerror(errno));
	if (!ret)
		ret = run_expect(&v, AXV_EXIT_KICKED);
out:
	vm_destroy(&v);
	return ret;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static int check_signal_and_immediate_exit(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct runner r = { 0 };
	pthread_t t;
	struct vm v;
	int ret = -1;

	sigaction(SIGUSR1, &sa, NULL);
	if (vm_create(&v, spin_code, sizeof(spin_code)))
		goto out;
	r.v = &v;
	if (pthread_create(&t, NULL, run_thread, &r)) {
		fail("pthread_create");
		goto out;
	}
	ret = wait_in_run(&v);
	pthread_kill(t, SIGUSR1);
	pthread_join(t, NULL);
	if (!ret && (r.ret != -1 || r.err != EINTR ||
		     v.run->exit_reason != AXV_EXIT_INTR))
		ret = fail("signalled RUN returned %d (%s), exit %s", r.ret,
			   strerror(r.err), exit_name(v.run->exit_reason));
	v.run->immediate_exit = 1;
	if (!ret && (ioctl(v.vcpu, AXV_RUN, 0) != -1 || errno != EINTR ||
		     v.run->exit_reason != AXV_EXIT_INTR))
		ret = fail("immediate_exit: RUN did not return EINTR/INTR");
out:
	vm_destroy(&v);
	return ret;
}

/* A process killed while its vCPU is in the guest leaves nothing behind. */
static int check_killed_in_run(void)
{
	int pipefd[2], status;
	pid_t pid;
	char c;

	if (pipe(pipefd))
		return fail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (!pid) {
		struct vm v;

		close(pipefd[0]);
		if (vm_create(&v, spin_code, sizeof(spin_code)))
			_exit(1);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(1);
		ioctl(v.vcpu, AXV_RUN, 0);
		_exit(2);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &c, 1) != 1) {
		waitpid(pid, &status, 0);
		return fail("the child could not set its VM up");
	}
	close(pipefd[0]);
	/* Let it enter the guest, then kill it there. */
	sleep_ms(200);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
		return fail("child status %#x, want killed by SIGKILL", status);
	return 0;
}

/*
 * A read-only region: reads see its memory, a write is an MMIO exit.
 * DS = 0x3000 (base 0x30000, the region); the byte at 0x30010 is 0x5c.
 */
static const __u8 ro_code[] = {
	0xb8, 0x00, 0x30,		/* mov $0x3000, %ax */
	0x8e, 0xd8,			/* mov %ax, %ds */
	0xa0, 0x10, 0x00,		/* mov 0x10, %al */
	0xa2, 0x11, 0x00,		/* mov %al, 0x11 */
	0xfa, 0xf4,			/* cli; hlt */
};

static int check_readonly_region(void)
{
	struct axv_memory_region ro = {
		.slot = 1, .flags = AXV_MEM_READONLY,
		.guest_phys_addr = 0x30000, .size = 0x1000,
	};
	struct axv_regs regs;
	struct vm v;
	__u8 *page;
	int ret = -1;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return fail("mmap: %s", strerror(errno));
	page[0x10] = 0x5c;
	/* The guest's RAM ends below the region: shrink it for this check. */
	if (vm_create(&v, ro_code, sizeof(ro_code)))
		goto out;
	if (ioctl(v.vm, AXV_DELETE_MEMORY_REGION, 0)) {
		fail("AXV_DELETE_MEMORY_REGION: %s", strerror(errno));
		goto out;
	}
	{
		struct axv_memory_region low = {
			.size = 0x30000, .userspace_addr = (unsigned long)v.mem,
		};

		if (ioctl(v.vm, AXV_SET_MEMORY_REGION, &low)) {
			fail("AXV_SET_MEMORY_REGION (RAM): %s", strerror(errno));
			goto out;
		}
	}
	ro.userspace_addr = (unsigned long)page;
	if (ioctl(v.vm, AXV_SET_MEMORY_REGION, &ro)) {
		fail("AXV_SET_MEMORY_REGION (read-only): %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_MMIO))
		goto out;
	if (v.run->mmio.gpa != 0x30011 || !v.run->mmio.is_write ||
	    v.run->mmio.data != 0x5c) {
		fail("write to the region: gpa %#llx write %u data %#llx (want 0x30011, 1, 0x5c)",
		     (unsigned long long)v.run->mmio.gpa, v.run->mmio.is_write,
		     (unsigned long long)v.run->mmio.data);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs) || (regs.rax & 0xff) != 0x5c ||
	    page[0x11] != 0) {
		fail("al %#llx (want 0x5c), region byte %#x (want 0)",
		     (unsigned long long)regs.rax, page[0x11]);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	munmap(page, 4096);
	return ret;
}

/*
 * Guest memory comes in on first use.  Regions at 0x80000 (OUTS source),
 * 0x90000 (INS destination) and 0xa0000 (memory the VMM unmapped) are
 * untouched until the guest's string I/O and load reach them.
 */
static const __u8 lazy_code[] = {
	0xb8, 0x00, 0x80,		/* mov $0x8000, %ax */
	0x8e, 0xd8,			/* mov %ax, %ds */
	0xbe, 0x10, 0x00,		/* mov $0x10, %si */
	0xb9, 0x04, 0x00,		/* mov $4, %cx */
	0xba, 0xf8, 0x03,		/* mov $0x3f8, %dx */
	0xf3, 0x6e,			/* rep outsb */
	0xb8, 0x00, 0x90,		/* mov $0x9000, %ax */
	0x8e, 0xc0,			/* mov %ax, %es */
	0x31, 0xff,			/* xor %di, %di */
	0xb9, 0x04, 0x00,		/* mov $4, %cx */
	0xf3, 0x6c,			/* rep insb */
	0xb8, 0x00, 0xa0,		/* mov $0xa000, %ax */
	0x8e, 0xd8,			/* mov %ax, %ds */
	0xa0, 0x00, 0x00,		/* mov 0x0, %al */
	0xfa, 0xf4,			/* cli; hlt */
};

static int check_lazy_memory(void)
{
	__u8 *data, *mem;
	struct axv_regs regs;
	struct vm v;
	int ret = -1;

	mem = mmap(NULL, 0x30000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap: %s", strerror(errno));
	memcpy(mem + 0x10, "pqrs", 4);
	if (vm_create(&v, lazy_code, sizeof(lazy_code)) ||
	    vm_add_region(&v, 1, 0, 0x80000, 0x10000, mem) ||
	    vm_add_region(&v, 2, 0, 0x90000, 0x10000, mem + 0x10000) ||
	    vm_add_region(&v, 3, 0, 0xa0000, 0x10000, mem + 0x20000))
		goto out;
	/* Accepted while mapped; gone before the guest comes to it. */
	if (munmap(mem + 0x20000, 0x10000)) {
		fail("munmap: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	data = (__u8 *)v.run + v.run->io.data_offset;
	if (v.run->io.count != 4 || v.run->io.direction != AXV_IO_OUT ||
	    memcmp(data, "pqrs", 4)) {
		fail("REP OUTSB from memory not in yet: dir %u count %u data %.4s",
		     v.run->io.direction, v.run->io.count, (char *)data);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	data = (__u8 *)v.run + v.run->io.data_offset;
	if (v.run->io.count != 4 || v.run->io.direction != AXV_IO_IN) {
		fail("REP INSB: dir %u count %u", v.run->io.direction,
		     v.run->io.count);
		goto out;
	}
	memcpy(data, "klmn", 4);
	if (run_expect(&v, AXV_EXIT_INTERNAL_ERROR))
		goto out;
	if (memcmp(mem + 0x10000, "klmn", 4)) {
		fail("REP INSB into memory not in yet: %.4s, want klmn",
		     (char *)mem + 0x10000);
		goto out;
	}
	if (v.run->internal.suberror != AXV_INTERNAL_MEMORY_FAULT ||
	    v.run->internal.ndata != 2 ||
	    v.run->internal.data[0] != 0xa0000 ||
	    v.run->internal.data[1] != EFAULT) {
		fail("load from unmapped memory: %u %u %#llx %llu, want %u 2 0xa0000 %u",
		     v.run->internal.suberror, v.run->internal.ndata,
		     (unsigned long long)v.run->internal.data[0],
		     (unsigned long long)v.run->internal.data[1],
		     AXV_INTERNAL_MEMORY_FAULT, EFAULT);
		goto out;
	}
	/* Without the region the load is MMIO: nothing of it stayed. */
	if (ioctl(v.vm, AXV_DELETE_MEMORY_REGION, 3)) {
		fail("AXV_DELETE_MEMORY_REGION: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_MMIO))
		goto out;
	if (v.run->mmio.gpa != 0xa0000 || v.run->mmio.is_write) {
		fail("MMIO gpa %#llx write %u, want 0xa0000 0",
		     (unsigned long long)v.run->mmio.gpa, v.run->mmio.is_write);
		goto out;
	}
	v.run->mmio.data = 0x77;
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs) || (regs.rax & 0xff) != 0x77 ||
	    (regs.rsi & 0xffff) != 0x14 || (regs.rdi & 0xffff) != 4) {
		fail("al %#llx si %#llx di %#llx, want 0x77 0x14 4",
		     (unsigned long long)regs.rax, (unsigned long long)regs.rsi,
		     (unsigned long long)regs.rdi);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	munmap(mem, 0x20000);
	return ret;
}

/*
 * A region deleted and set again while the guest uses it: each access
 * finds the memory (brought in again) or a hole (an MMIO exit).  The
 * guest increments the byte at 0x80010 and writes it to port 0xf0.
 */
static const __u8 churn_code[] = {
	0xb8, 0x00, 0x80,		/* mov $0x8000, %ax */
	0x8e, 0xd8,			/* mov %ax, %ds */
	0xa0, 0x10, 0x00,		/* 1: mov 0x10, %al */
	0xfe, 0xc0,			/* inc %al */
	0xa2, 0x10, 0x00,		/* mov %al, 0x10 */
	0xe6, 0xf0,			/* out %al, $0xf0 */
	0xeb, 0xf4,			/* jmp 1b */
};

struct churn {
	struct vm *v;
	int stop;
	unsigned long io, mmio;
	char why[128];
};

static void *churn_vcpu(void *arg)
{
	struct churn *c = arg;
	struct axv_run *run = c->v->run;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		if (ioctl(c->v->vcpu, AXV_RUN, 0)) {
			snprintf(c->why, sizeof(c->why), "AXV_RUN: %s",
				 strerror(errno));
			break;
		}
		if (run->exit_reason == AXV_EXIT_IO && run->io.port == 0xf0) {
			c->io++;
		} else if (run->exit_reason == AXV_EXIT_MMIO &&
			   (run->mmio.gpa & ~1ULL) == 0x80010) {
			run->mmio.data = 0;
			c->mmio++;
		} else {
			snprintf(c->why, sizeof(c->why), "exit %s at %#llx",
				 exit_name(run->exit_reason),
				 (unsigned long long)run->rip);
			break;
		}
	}
	return NULL;
}

static int check_memory_churn(void)
{
	struct axv_memory_region r = {
		.slot = 1, .guest_phys_addr = 0x80000, .size = 0x10000,
	};
	struct churn c = { 0 };
	bool running = false;
	struct vm v;
	pthread_t t;
	__u8 *mem;
	int i = 0, ret = -1;

	mem = mmap(NULL, 0x10000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return fail("mmap: %s", strerror(errno));
	r.userspace_addr = (unsigned long)mem;
	if (vm_create(&v, churn_code, sizeof(churn_code)))
		goto out;
	if (ioctl(v.vm, AXV_SET_MEMORY_REGION, &r)) {
		fail("AXV_SET_MEMORY_REGION: %s", strerror(errno));
		goto out;
	}
	c.v = &v;
	if (pthread_create(&t, NULL, churn_vcpu, &c)) {
		fail("pthread_create");
		goto out;
	}
	running = true;
	/* Every other round leaves the hole open a while. */
	for (i = 0; i < 100 && !c.why[0]; i++) {
		if (ioctl(v.vm, AXV_DELETE_MEMORY_REGION, 1)) {
			fail("round %d: delete: %s", i, strerror(errno));
			goto out;
		}
		sleep_ms(i & 1);
		if (ioctl(v.vm, AXV_SET_MEMORY_REGION, &r)) {
			fail("round %d: set: %s", i, strerror(errno));
			goto out;
		}
		sleep_ms(1);
	}
	ret = 0;
out:
	if (running) {
		struct axv_kick kick = { .vcpus = 1 };

		__atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
		ioctl(v.vm, AXV_KICK_VCPUS, &kick);
		pthread_join(t, NULL);
		if (!ret && c.why[0] && strncmp(c.why, "exit KICKED", 11))
			ret = fail("%s (after %lu OUTs, %lu MMIO)", c.why,
				   c.io, c.mmio);
		if (!ret && !c.io)
			ret = fail("the guest never got round its loop");
		printf("# run_memory_churn: %d rounds, %lu OUTs, %lu MMIO exits\n",
		       i, c.io, c.mmio);
	}
	vm_destroy(&v);
	munmap(mem, 0x10000);
	return ret;
}

/*
 * RDMSR of an MSR off the allow-list goes to userspace, EFER does not:
 * rdmsr 0xc0000080 (EFER, in the kernel), rdmsr 0x1234 (userspace gives
 * 0x1122334455667788), cli, hlt.
 */
static const __u8 msr_code[] = {
	0x66, 0xb9, 0x80, 0x00, 0x00, 0xc0,	/* mov $0xc0000080, %ecx */
	0x0f, 0x32,				/* rdmsr */
	0x66, 0x89, 0xc7,			/* mov %eax, %edi */
	0x66, 0xb9, 0x34, 0x12, 0x00, 0x00,	/* mov $0x1234, %ecx */
	0x0f, 0x32,				/* rdmsr */
	0xfa, 0xf4,				/* cli; hlt */
};

static int check_msr(void)
{
	struct axv_regs regs;
	struct vm v;
	int ret = -1;

	if (vm_create(&v, msr_code, sizeof(msr_code)))
		goto out;
	if (run_expect(&v, AXV_EXIT_MSR))
		goto out;
	if (v.run->msr.index != 0x1234 || v.run->msr.is_write ||
	    v.run->msr.error) {
		fail("MSR exit: index %#x write %u error %u", v.run->msr.index,
		     v.run->msr.is_write, v.run->msr.error);
		goto out;
	}
	v.run->msr.data = 0x1122334455667788ULL;
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs) ||
	    (regs.rax & 0xffffffff) != 0x55667788 ||
	    (regs.rdx & 0xffffffff) != 0x11223344 || (regs.rdi & 0xffffffff)) {
		fail("edx:eax %#llx:%#llx (want 0x11223344:0x55667788), EFER read %#llx (want 0)",
		     (unsigned long long)regs.rdx, (unsigned long long)regs.rax,
		     (unsigned long long)regs.rdi);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/*
 * HLT with interrupts on blocks in the kernel; a kick ends the RUN; an
 * interrupt injected then wakes the guest, whose handler (vector 0x30,
 * IVT entry at 0xc0 -> 0:0x1100) writes 0x30 to port 0x80.
 */
static const __u8 hlt_code[] = {
	0xfb,				/* sti */
	0xf4,				/* hlt */
	0xfa, 0xf4,			/* cli; hlt */
};

static const __u8 isr_code[] = {
	0xb0, 0x30,			/* mov $0x30, %al */
	0xe6, 0x80,			/* out %al, $0x80 */
	0xcf,				/* iret */
};

static int check_hlt_kick_interrupt(void)
{
	struct axv_kick kick = { .vcpus = 1 };
	struct axv_interrupt irq = { .vector = 0x30 };
	struct runner r = { 0 };
	struct axv_vcpu_state st;
	pthread_t t;
	struct vm v;
	int ret = -1;
	bool blocked;

	if (vm_create(&v, hlt_code, sizeof(hlt_code)))
		goto out;
	memcpy(v.mem + 0x1100, isr_code, sizeof(isr_code));
	v.mem[0xc0] = 0x00;
	v.mem[0xc1] = 0x11;
	v.mem[0xc2] = 0x00;
	v.mem[0xc3] = 0x00;
	r.v = &v;
	if (pthread_create(&t, NULL, run_thread, &r)) {
		fail("pthread_create");
		goto out;
	}
	/* Halted: the vCPU sleeps in the kernel, blocked. */
	blocked = wait_blocked(&v, &st);
	if (ioctl(v.vm, AXV_KICK_VCPUS, &kick))
		ret = fail("AXV_KICK_VCPUS: %s", strerror(errno));
	pthread_join(t, NULL);
	if (!blocked) {
		fail("the vCPU never blocked in HLT (state %u)", st.state);
		goto out;
	}
	if (r.ret || v.run->exit_reason != AXV_EXIT_KICKED) {
		fail("kicked RUN returned %d, exit %s", r.ret,
		     exit_name(v.run->exit_reason));
		goto out;
	}
	if (ioctl(v.vcpu, AXV_INTERRUPT, &irq)) {
		fail("AXV_INTERRUPT: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_IO))
		goto out;
	if (v.run->io.port != 0x80 ||
	    ((__u8 *)v.run)[v.run->io.data_offset] != 0x30) {
		fail("interrupt handler: port %#x data %#x", v.run->io.port,
		     ((__u8 *)v.run)[v.run->io.data_offset]);
		goto out;
	}
	ret = run_expect(&v, AXV_EXIT_HALT);
out:
	vm_destroy(&v);
	return ret;
}

/*
 * An AP waits for a start IPI, and then runs in real mode from the
 * vector: vector 2 -> CS 0x200, base 0x2000, IP 0.
 */
static int check_ap_start(void)
{
	static const __u8 code[] = { 0xe6, 0x81, 0xfa, 0xf4 };	/* out %al,$0x81; cli; hlt */
	struct axv_vcpu_create create = {
		.id = 1, .apic_id = 1, .role = AXV_VCPU_ROLE_AP,
		.favoured_cpu = -1,
	};
	struct axv_vcpu_op start = { .op = AXV_VCPU_OP_START, .arg = 2 };
	struct axv_sregs sregs;
	struct axv_run *run;
	struct vm v;
	int ap, ret = -1;

	if (vm_create(&v, code, sizeof(code)))
		goto out;
	memcpy(v.mem + 0x2000, code, sizeof(code));
	ap = ioctl(v.vm, AXV_CREATE_VCPU, &create);
	if (ap < 0) {
		fail("AXV_CREATE_VCPU (AP): %s", strerror(errno));
		goto out;
	}
	run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ap, 0);
	if (run == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		goto out_ap;
	}
	if (ioctl(ap, AXV_RUN, 0) != -1 || errno != EINVAL) {
		fail("AXV_RUN of an AP waiting for a start: not EINVAL");
		goto out_run;
	}
	if (ioctl(ap, AXV_VCPU_OP, &start) != 1) {
		fail("AXV_VCPU_OP START: %s", strerror(errno));
		goto out_run;
	}
	if (ioctl(ap, AXV_GET_SREGS, &sregs) || sregs.cs.selector != 0x200 ||
	    sregs.cs.base != 0x2000) {
		fail("after START: CS %#x base %#llx (want 0x200, 0x2000)",
		     sregs.cs.selector, (unsigned long long)sregs.cs.base);
		goto out_run;
	}
	if (ioctl(ap, AXV_RUN, 0) || run->exit_reason != AXV_EXIT_IO ||
	    run->io.port != 0x81 || run->rip != 0) {
		fail("AP run: exit %s port %#x rip %#llx (want IO, 0x81, 0)",
		     exit_name(run->exit_reason), run->io.port,
		     (unsigned long long)run->rip);
		goto out_run;
	}
	ret = 0;
out_run:
	munmap(run, 4096);
out_ap:
	close(ap);
out:
	vm_destroy(&v);
	return ret;
}

/* @req on @fd must fail with EINVAL; -1 (reason set) otherwise. */
static int expect_einval(int fd, unsigned long req, unsigned long arg,
			 const char *what)
{
	if (ioctl(fd, req, arg) != -1 || errno != EINVAL)
		return fail("%s: not EINVAL", what);
	return 0;
}

/* The new ioctls refuse reserved bits, unknown flags and bad values. */
static int check_bad_arguments(void)
{
	static const __u8 code[] = { 0xf4 };
	struct axv_regs regs = { .rflags = 2 };
	struct axv_events ev = { 0 };
	struct axv_traps traps = { 0 };
	struct axv_interrupt irq = { .vector = 0x30 };
	struct axv_kick kick = { 0 };
	struct vm v;
	int ret = -1;

	if (vm_create(&v, code, sizeof(code)))
		goto out;
	regs.reserved[0] = 1;
	if (expect_einval(v.vcpu, AXV_SET_REGS, (unsigned long)&regs, "SET_REGS reserved"))
		goto out;
	regs.reserved[0] = 0;
	regs.rflags = 1ULL << 40;
	if (expect_einval(v.vcpu, AXV_SET_REGS, (unsigned long)&regs, "SET_REGS rflags bit 40"))
		goto out;
	ev.flags = 1U << 31;
	if (expect_einval(v.vcpu, AXV_SET_EVENTS, (unsigned long)&ev, "SET_EVENTS unknown flag"))
		goto out;
	ev.flags = AXV_EVENT_F_EXT_PENDING;
	ev.ext_vector = 8;
	if (expect_einval(v.vcpu, AXV_SET_EVENTS, (unsigned long)&ev, "SET_EVENTS vector 8"))
		goto out;
	traps.flags = AXV_TRAP_F_ALL + 1;
	if (expect_einval(v.vcpu, AXV_SET_TRAPS, (unsigned long)&traps, "SET_TRAPS unknown flag"))
		goto out;
	traps.flags = 0;
	traps.exceptions = 1U << 2;
	if (expect_einval(v.vcpu, AXV_SET_TRAPS, (unsigned long)&traps, "SET_TRAPS NMI"))
		goto out;
	irq.flags = 2;
	if (expect_einval(v.vcpu, AXV_INTERRUPT, (unsigned long)&irq, "INTERRUPT unknown flag"))
		goto out;
	irq.flags = 0;
	irq.vector = 31;
	if (expect_einval(v.vcpu, AXV_INTERRUPT, (unsigned long)&irq, "INTERRUPT vector 31"))
		goto out;
	irq.vector = 0x30;
	if (ioctl(v.vcpu, AXV_INTERRUPT, &irq) ||
	    ioctl(v.vcpu, AXV_INTERRUPT, &irq) != -1 || errno != EBUSY) {
		fail("a second pending interrupt: not EBUSY");
		goto out;
	}
	if (ioctl(v.vcpu, AXV_GET_EVENTS, &ev) ||
	    !(ev.flags & AXV_EVENT_F_EXT_PENDING) || ev.ext_vector != 0x30) {
		fail("GET_EVENTS: flags %#x vector %#x", ev.flags, ev.ext_vector);
		goto out;
	}
	kick.reserved[1] = 1;
	if (expect_einval(v.vm, AXV_KICK_VCPUS, (unsigned long)&kick, "KICK_VCPUS reserved"))
		goto out;
	if (expect_einval(v.vcpu, AXV_RUN, 1, "RUN argument 1"))
		goto out;
	if (expect_einval(v.vcpu, AXV_SET_HYPERCALL_RESULT,
			  (unsigned long)&regs.rax, "SET_HYPERCALL_RESULT, no hypercall"))
		goto out;
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/*
 * Traps: INT3 exits as #BP when trapped; MOV to and from debug registers
 * exit when the CPU offers MOV-DR exiting (AXV_CAP_TRAPS 3).
 */
static const __u8 trap_code[] = {
	0xcc,					/* int3 */
	0x66, 0xb8, 0x78, 0x56, 0x34, 0x12,	/* mov $0x12345678, %eax */
	0x0f, 0x23, 0xc0,			/* mov %eax, %dr0 */
	0x0f, 0x21, 0xfb,			/* mov %dr7, %ebx */
	0xfa, 0xf4,				/* cli; hlt */
};

static int check_traps(void)
{
	struct axv_traps traps = { .exceptions = 1U << 3 };
	struct axv_regs regs;
	struct vm v;
	int cap, ret = -1;

	if (vm_create(&v, trap_code, sizeof(trap_code)))
		goto out;
	cap = ioctl(v.dev, AXV_CHECK_EXTENSION, AXV_CAP_TRAPS);
	if (ioctl(v.vcpu, AXV_SET_TRAPS, &traps)) {
		fail("AXV_SET_TRAPS #BP: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_EXCEPTION))
		goto out;
	if (v.run->exception.vector != 3 || v.run->rip != CODE) {
		fail("exception %u at %#llx (want 3 at the INT3)",
		     v.run->exception.vector, (unsigned long long)v.run->rip);
		goto out;
	}
	/* The VMM steps over it, as a debugger would. */
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs))
		goto out;
	regs.rip++;
	traps.exceptions = 0;
	traps.flags = AXV_TRAP_F_DEBUG_REGS;
	if (ioctl(v.vcpu, AXV_SET_REGS, &regs)) {
		fail("AXV_SET_REGS: %s", strerror(errno));
		goto out;
	}
	if (!(cap & 2)) {
		if (ioctl(v.vcpu, AXV_SET_TRAPS, &traps) != -1 ||
		    errno != EOPNOTSUPP) {
			fail("debug-register traps without the capability: not EOPNOTSUPP");
			goto out;
		}
		printf("AXVTEST-INFO run_traps: no MOV-DR exiting, debug-register part skipped\n");
		ret = 0;
		goto out;
	}
	if (ioctl(v.vcpu, AXV_SET_TRAPS, &traps)) {
		fail("AXV_SET_TRAPS debug registers: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_DEBUG_REG))
		goto out;
	if (v.run->debug_reg.dr != 0 || !v.run->debug_reg.is_write ||
	    v.run->debug_reg.data != 0x12345678) {
		fail("MOV to DR: dr %u write %u data %#llx",
		     v.run->debug_reg.dr, v.run->debug_reg.is_write,
		     (unsigned long long)v.run->debug_reg.data);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_DEBUG_REG))
		goto out;
	if (v.run->debug_reg.dr != 7 || v.run->debug_reg.is_write ||
	    v.run->debug_reg.reg != AXV_REG_RBX) {
		fail("MOV from DR: dr %u write %u reg %u",
		     v.run->debug_reg.dr, v.run->debug_reg.is_write,
		     v.run->debug_reg.reg);
		goto out;
	}
	v.run->debug_reg.data = 0x400;
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs) || regs.rbx != 0x400) {
		fail("EBX %#llx after MOV from DR7 (want 0x400)",
		     (unsigned long long)regs.rbx);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/*
 * A vCPU whose thread moves between host CPUs keeps running: its VMCS is
 * cleared on the old CPU and loaded on the new one.  Port 0x80 counts.
 */
static int check_migration(void)
{
	static const __u8 code[] = {
		0xfe, 0xc0,		/* inc %al */
		0xe6, 0x80,		/* out %al, $0x80 */
		0xeb, 0xfa,		/* jmp back to inc */
	};
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;
	struct vm v;
	int i, ret = -1;

	if (ncpus < 2) {
		printf("AXVTEST-INFO run_migration: one CPU, checked on one\n");
		ncpus = 1;
	}
	if (vm_create(&v, code, sizeof(code)))
		goto out;
	for (i = 0; i < 40; i++) {
		CPU_ZERO(&set);
		CPU_SET(i % ncpus, &set);
		if (sched_setaffinity(0, sizeof(set), &set)) {
			fail("sched_setaffinity: %s", strerror(errno));
			goto out;
		}
		if (run_expect(&v, AXV_EXIT_IO))
			goto out;
		if (((__u8 *)v.run)[v.run->io.data_offset] != (__u8)(i + 1)) {
			fail("run %d on CPU %ld: guest counted %u", i, i % ncpus,
			     ((__u8 *)v.run)[v.run->io.data_offset]);
			goto out;
		}
	}
	ret = 0;
out:
	CPU_ZERO(&set);
	for (i = 0; i < ncpus; i++)
		CPU_SET(i, &set);
	sched_setaffinity(0, sizeof(set), &set);
	vm_destroy(&v);
	return ret;
}

/*
 * The CPU model: what AXV_SET_CPUID narrows, the guest's CPUID sees; more
 * than AXV_GET_SUPPORTED_CPUID offers is refused, and so is any change
 * once a vCPU has run.
 */
static int check_cpuid_model(void)
{
	static const __u8 code[] = {
		0x66, 0xb8, 0x01, 0x00, 0x00, 0x00,	/* mov $1, %eax */
		0x0f, 0xa2,				/* cpuid */
		0xfa, 0xf4,				/* cli; hlt */
	};
	struct axv_cpuid *c;
	struct axv_regs regs;
	struct vm v;
	__u32 i, leaf1 = ~0U;
	int ret = -1;

	c = calloc(1, sizeof(*c) + 64 * sizeof(c->entries[0]));
	if (!c)
		return fail("out of memory");
	if (vm_create(&v, code, sizeof(code)))
		goto out;
	c->nent = 1;
	if (ioctl(v.dev, AXV_GET_SUPPORTED_CPUID, c) != -1 || errno != E2BIG ||
	    c->nent < 2) {
		fail("GET_SUPPORTED_CPUID with room for 1: not E2BIG with the count");
		goto out;
	}
	c->nent = 64;
	if (ioctl(v.vm, AXV_GET_CPUID, c)) {
		fail("AXV_GET_CPUID: %s", strerror(errno));
		goto out;
	}
	for (i = 0; i < c->nent; i++)
		if (c->entries[i].function == 1)
			leaf1 = i;
	if (leaf1 == ~0U || !(c->entries[leaf1].ecx & (1U << 31))) {
		fail("leaf 1 missing, or without the hypervisor bit");
		goto out;
	}
	/* A bit the model does not offer (VMX) is refused. */
	c->entries[leaf1].ecx |= 1U << 5;
	if (ioctl(v.vm, AXV_SET_CPUID, c) != -1 || errno != EINVAL) {
		fail("SET_CPUID offering VMX: not EINVAL");
		goto out;
	}
	/* Narrowed: SSE3 (bit 0) off. */
	c->entries[leaf1].ecx &= ~((1U << 5) | 1U);
	if (ioctl(v.vm, AXV_SET_CPUID, c)) {
		fail("AXV_SET_CPUID: %s", strerror(errno));
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_HALT))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_REGS, &regs) ||
	    regs.rcx != c->entries[leaf1].ecx) {
		fail("guest CPUID.1:ECX %#llx, model %#x",
		     (unsigned long long)regs.rcx, c->entries[leaf1].ecx);
		goto out;
	}
	if (ioctl(v.vm, AXV_SET_CPUID, c) != -1 || errno != EBUSY) {
		fail("SET_CPUID after a run: not EBUSY");
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	free(c);
	return ret;
}

/* Drop CAP_IPC_LOCK so that RLIMIT_MEMLOCK applies to this process. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1U << (CAP_IPC_LOCK % 32));
	data[CAP_IPC_LOCK / 32].permitted &= ~(1U << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &hdr, data);
}

/* Child of check_memlock: 0 when the accounting behaved. */
static int memlock_child(void)
{
	struct rlimit lim = { 64 * 1024, 64 * 1024 };
	struct axv_memory_region r = { .size = 0x10000 };
	int dev, vm;
	void *mem;

	if (drop_ipc_lock() || setrlimit(RLIMIT_MEMLOCK, &lim))
		return fail("cannot drop CAP_IPC_LOCK or set the limit: %s",
			    strerror(errno));
	dev = open("/dev/axvcpu", O_RDWR);
	vm = ioctl(dev, AXV_CREATE_VM, 0);
	mem = mmap(NULL, 0x20000, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (dev < 0 || vm < 0 || mem == MAP_FAILED)
		return fail("set-up: %s", strerror(errno));
	/* Over the limit: refused, and nothing stays charged. */
	r.size = 0x20000;
	r.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, AXV_SET_MEMORY_REGION, &r) != -1 || errno != ENOMEM)
		return fail("128 KiB with a 64 KiB limit: not ENOMEM (%s)",
			    strerror(errno));
	/* Exactly the limit fits; one page more in another slot does not. */
	r.size = 0x10000;
	if (ioctl(vm, AXV_SET_MEMORY_REGION, &r))
		return fail("64 KiB with a 64 KiB limit: %s", strerror(errno));
	r.slot = 1;
	r.guest_phys_addr = 0x100000;
	r.size = 0x1000;
	r.userspace_addr = (unsigned long)mem + 0x10000;
	if (ioctl(vm, AXV_SET_MEMORY_REGION, &r) != -1 || errno != ENOMEM)
		return fail("a page over the limit: not ENOMEM (%s)",
			    strerror(errno));
	/* Deleting the first region gives its pages back. */
	if (ioctl(vm, AXV_DELETE_MEMORY_REGION, 0) ||
	    ioctl(vm, AXV_SET_MEMORY_REGION, &r))
		return fail("after deleting slot 0, one page: %s",
			    strerror(errno));
	return 0;
}

/* Pinned guest memory counts against RLIMIT_MEMLOCK. */
static int check_memlock(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (!pid) {
		int ret = memlock_child();

		if (ret)
			printf("AXVTEST-INFO run_memlock: %s\n", reason);
		_exit(ret ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fail("the child's check failed (status %#x)", status);
	return 0;
}

/* AXV_RUN confines the calling thread to the vCPU's allowed CPUs. */
static int check_affinity(void)
{
	static const __u8 code[] = { 0xfa, 0xf4 };	/* cli; hlt */
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return fail("fork: %s", strerror(errno));
	if (!pid) {
		cpu_set_t set;
		struct vm v;
		int ok;

		vcpu_allowed = 1;	/* CPU 0 */
		ok = !vm_create(&v, code, sizeof(code)) &&
		     !run_expect(&v, AXV_EXIT_HALT) &&
		     !sched_getaffinity(0, sizeof(set), &set) &&
		     CPU_COUNT(&set) == 1 && CPU_ISSET(0, &set);
		if (!ok && !reason[0])
			fail("affinity after RUN: %d CPUs", CPU_COUNT(&set));
		if (!ok)
			printf("AXVTEST-INFO run_affinity: %s\n", reason);
		_exit(ok ? 0 : 1);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		return fail("the child's check failed (status %#x)", status);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} checks[] = {
	{ "run_io_hypercall_halt", check_io },
	{ "run_mmio_decode", check_mmio },
	{ "emul_testl_poll", check_emul_poll },
	{ "emul_read_modify_write", check_emul_rmw },
	{ "emul_rep_movs", check_emul_string },
	{ "emul_sse_moves", check_emul_sse },
	{ "emul_unknown_instruction", check_emul_unknown },
	{ "emul_string_io_device", check_emul_string_io },
	{ "emul_single_step", check_emul_single_step },
	{ "emul_data_breakpoints", check_emul_data_breakpoints },
	{ "emul_io_breakpoints", check_emul_io_breakpoints },
	{ "run_triple_fault", check_triple_fault },
	{ "run_fail_entry_names_cs", check_fail_entry },
	{ "run_busy_and_kick", check_busy_and_kick },
	{ "run_signal_and_immediate_exit", check_signal_and_immediate_exit },
	{ "run_killed_in_guest", check_killed_in_run },
	{ "run_thread_affinity", check_affinity },
	{ "run_readonly_region", check_readonly_region },
	{ "run_lazy_memory", check_lazy_memory },
	{ "run_memory_churn", check_memory_churn },
	{ "run_huge_memory_and_stats", check_huge_memory },
	{ "run_hugetlb_memory", check_hugetlb_memory },
	{ "run_huge_readonly", check_huge_readonly },
	{ "run_msr_allow_list", check_msr },
	{ "run_hlt_kick_interrupt", check_hlt_kick_interrupt },
	{ "run_memlock_limit", check_memlock },
	{ "run_ap_start", check_ap_start },
	{ "run_bad_arguments", check_bad_arguments },
	{ "run_traps", check_traps },
	{ "run_migration", check_migration },
	{ "run_cpuid_model", check_cpuid_model },
	{ "lapic_self_ipi_timer_tpr_x2apic", check_lapic_registers },
	{ "lapic_init_sipi_starts_ap", check_lapic_ap_start },
	{ "lapic_send_irq_wakes_hlt", check_lapic_send_irq },
	{ "lapic_level_irq_eoi_exit", check_lapic_level_eoi },
};

static void on_alarm(int sig)
{
	(void)sig;
}

/*
 * The secondary controls guests run with include APIC virtualization:
 * virtualize APIC accesses, APIC-register virtualization, virtual-
 * interrupt delivery (SDM Vol. 3, 25.6.2).
 */
static int check_apicv_in_use(void)
{
	const __u32 want = 1U << 0 | 1U << 8 | 1U << 9;
	struct axv_vmx_caps caps;
	int dev, ret;

	dev = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return fail("open /dev/axvcpu: %s", strerror(errno));
	ret = ioctl(dev, AXV_GET_VMX_CAPS, &caps);
	close(dev);
	if (ret)
		return fail("AXV_GET_VMX_CAPS: %s", strerror(errno));
	if ((caps.proc2_used & want) != want)
		return fail("secondary controls used %#x, want %#x set",
			    caps.proc2_used, want);
	return 0;
}

/* No prefix given, or @name begins with one of them. */
static bool selected(const char *name, char **prefixes, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return !n;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	pthread_t wd;
	unsigned int i;
	bool apicv = argc > 1 && !strcmp(argv[1], "--apicv");

	sigaction(SIGALRM, &sa, NULL);
	if (pthread_create(&wd, NULL, watchdog, NULL)) {
		fprintf(stderr, "run_test: cannot start the watchdog\n");
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	argv += 1 + apicv;
	argc -= 1 + apicv;
	if (apicv) {
		name_suffix = ".apicv";
		report("run_apicv_in_use", check_apicv_in_use());
	}
	for (i = 0; i < ARRAY_LEN(checks); i++)
		if (selected(checks[i].name, argv, argc))
			report(checks[i].name, checks[i].fn());
	return failures ? 1 : 0;
}
