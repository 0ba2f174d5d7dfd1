// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark driver shared by axv_bench and kvm_bench (see runner.h
 * and Documentation/performance.rst).  Each result is one line:
 *
 *   AXVBENCH hv=NAME key=KEY avg=A min=M max=X n=N uexits=U kexits=K
 *   AXVBENCH hv=NAME key=KEY status=na|fail reason=...
 *
 * avg, min and max are TSC cycles (per iteration, per page or KiB as the
 * key's unit says), n the iterations averaged, uexits the RUN returns
 * per iteration (exits that reached userspace) and kexits the VM exits
 * per iteration the hypervisor counted, or "na".  bench/report.sh turns
 * them into the table.
 */
#define _GNU_SOURCE	/* sched_setaffinity(), sched_getcpu() */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner.h"

#define SZ_2M		(2UL << 20)
#define PAGE_SIZE	4096UL

/* The 16550 registers the guest library touches (tests/guests). */
#define UART_THR	0x3f8
#define UART_LSR	0x3fd
#define UART_LSR_IDLE	0x60

static struct bench_hv *hv;
static const char *guest_path = "/bench/bench_guest.bin";
static void *guest_image;
static size_t guest_size;
static unsigned int iters = 1000;
static unsigned int touch_mib = 1024;
static unsigned int mem_vms = 16;
static unsigned int mem_vcpus = 4;
static unsigned int lifecycles = 20;
static const char *only;
static const char *skip;
static int ipi_cpus[2] = { -1, -1 };
static int failures;

/* What --only and --skip accept: one benchmark, or one group of rows. */
static const char *const bench_names[] = {
	"loop", "cpuid", "vmcall", "rdmsr", "pio", "mmio", "mmio_read",
	"xapic", "hlt_kick", "hlt_signal", "hlt_timer", "hlt_timer_pending",
	"self_ipi", "ipi", "lifecycle", "mem", "kmem",
};

/* The vCPU a SIGUSR1 is for: its handler asks RUN to return at once. */
static volatile __u8 *volatile signal_exit;

void bench_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "%s_bench: ", hv ? hv->name : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static inline __u64 rdtsc(void)
{
	__u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((__u64)hi << 32) | lo;
}

/*
 * Figures of one benchmark: @n iterations of @total cycles in all.  With
 * @whole the total was measured once for all of them, so there is no
 * minimum or maximum per iteration.
 */
struct result {
	__u64 total, min, max;
	unsigned long n;
	long long uexits, kexits;
	bool whole;
};

static void result_add(struct result *r, __u64 v)
{
	if (!r->n || v < r->min)
		r->min = v;
	if (v > r->max)
		r->max = v;
	r->total += v;
	r->n++;
}

static void print_result(const char *key, const struct result *r)
{
	char kx[32] = "na", mm[64] = "min=na max=na";

	if (r->kexits >= 0)
		snprintf(kx, sizeof(kx), "%.2f", (double)r->kexits / r->n);
	if (!r->whole)
		snprintf(mm, sizeof(mm), "min=%llu max=%llu",
			 (unsigned long long)r->min, (unsigned long long)r->max);
	printf("AXVBENCH hv=%s key=%s avg=%.1f %s total=%llu n=%lu uexits=%.2f kexits=%s\n",
	       hv->name, key, (double)r->total / r->n, mm,
	       (unsigned long long)r->total, r->n,
	       (double)r->uexits / r->n, kx);
	fflush(stdout);
}

static void print_status(const char *key, const char *status,
			 const char *reason)
{
	printf("AXVBENCH hv=%s key=%s status=%s reason=%s\n", hv->name, key,
	       status, reason);
	fflush(stdout);
	if (!strcmp(status, "fail"))
		failures++;
}

static void print_fail(const char *key, const char *what)
{
	char reason[256];

	snprintf(reason, sizeof(reason), "%s%s%s", what, errno ? ": " : "",
		 errno ? strerror(errno) : "");
	print_status(key, "fail", reason);
}

static long long kernel_exits(void)
{
	return hv->kernel_exits ? hv->kernel_exits() : -1;
}

/*
 * @size bytes of anonymous memory, 2 MiB aligned as VMMs align guest RAM
 * so that huge pages can back it; munmap(p, @size) frees it.
 */
static void *map_anon(size_t size)
{
	size_t span = size + SZ_2M, head;
	__u8 *raw, *p;

	raw = mmap(NULL, span, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	p = (__u8 *)(((unsigned long)raw + SZ_2M - 1) & ~(SZ_2M - 1));
	head = p - raw;
	if (head)
		munmap(raw, head);
	munmap(p + size, span - head - size);
	return p;
}

static int load_guest(void)
{
	struct stat st;
	int fd = open(guest_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st)) {
		bench_err("%s: %s", guest_path, strerror(errno));
		return -1;
	}
	guest_size = st.st_size;
	if (!guest_size || guest_size > BENCH_MEM_SIZE - BENCH_IMAGE) {
		bench_err("%s: bad size %zu", guest_path, guest_size);
		return -1;
	}
	guest_image = malloc(guest_size);
	if (!guest_image || read(fd, guest_image, guest_size) != (ssize_t)guest_size) {
		bench_err("%s: short read", guest_path);
		return -1;
	}
	close(fd);
	return 0;
}

/* Slot 0's content: the GDT of BENCH_FLAT_SREGS and the image. */
static void fill_memory(__u8 *mem)
{
	static const __u64 gdt[4] = {
		0,
		0x00cf9b000000ffffULL,	/* BENCH_SEL_CODE: 32-bit code, 4 GiB */
		0x00cf93000000ffffULL,	/* BENCH_SEL_DATA: data, 4 GiB */
		0x00008b0000000067ULL,	/* BENCH_SEL_TSS: busy 32-bit TSS */
	};

	memcpy(mem + BENCH_GDT, gdt, sizeof(gdt));
	memcpy(mem + BENCH_IMAGE, guest_image, guest_size);
}

static void mailbox_set(struct hv_vm *vm, enum bench_test test,
			unsigned int n, unsigned int arg)
{
	struct bench_mailbox *mb = (void *)(vm->mem + BENCH_MAILBOX);

	memset(mb, 0, sizeof(*mb));
	mb->magic = BENCH_MAGIC;
	mb->test = test;
	mb->iters = n;
	mb->arg = arg;
}

static struct bench_mailbox *mailbox(struct hv_vm *vm)
{
	return (void *)(vm->mem + BENCH_MAILBOX);
}

/*
 * Confine the calling thread to host CPU @cpu; with @old, save its CPUs
 * there first.
 */
static int pin_thread(int cpu, cpu_set_t *old)
{
	cpu_set_t set;

	if (old && sched_getaffinity(0, sizeof(*old), old))
		return -1;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* vCPU 0 of @vm, for host CPU @cpu or -1: create, map, set up. */
static int vcpu_open(struct hv_vm *vm, int cpu)
{
	vm->vcpu = hv->vcpu_create(vm->vm, 0, cpu);
	if (vm->vcpu < 0)
		return -1;
	vm->run = mmap(NULL, hv->run_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, vm->vcpu, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return -1;
	}
	return hv->vcpu_setup(vm);
}

static void vm_close(struct hv_vm *vm)
{
	if (vm->run)
		munmap(vm->run, hv->run_size);
	if (vm->vcpu >= 0)
		close(vm->vcpu);
	if (vm->vm >= 0)
		close(vm->vm);
	vm->run = NULL;
	vm->vcpu = -1;
	vm->vm = -1;
}

static void vm_free(struct hv_vm *vm)
{
	vm_close(vm);
	if (vm->mem)
		munmap(vm->mem, BENCH_MEM_SIZE);
	vm->mem = NULL;
}

/* A VM with slot 0 and its vCPU (for host CPU @cpu, or -1), ready to run. */
static int vm_new(struct hv_vm *vm, bool irqchip, int cpu, const char **what)
{
	memset(vm, 0, sizeof(*vm));
	vm->vm = -1;
	vm->vcpu = -1;
	*what = "create VM";
	if (hv->vm_create(vm, irqchip))
		return -1;
	*what = "guest memory";
	vm->mem = map_anon(BENCH_MEM_SIZE);
	if (!vm->mem)
		return -1;
	fill_memory(vm->mem);
	*what = "set memory region";
	if (hv->set_region(vm, 0, 0, BENCH_MEM_SIZE, vm->mem))
		return -1;
	*what = "create vCPU";
	return vcpu_open(vm, cpu);
}

/* Report a benchmark on its own VM and free the VM: @what names a failure. */
static void vm_finish(struct hv_vm *vm, const char *key,
		      const struct result *r, const char *what)
{
	if (what)
		print_fail(key, what);
	else
		print_result(key, r);
	vm_free(vm);
}

/*
 * The one exit handler: the same userspace work on both hypervisors.
 * Returns 1 to run again, 0 when the guest ended the run, -1 on an exit
 * the benchmarks do not expect.
 */
static int handle_exit(struct hv_exit *ex)
{
	switch (ex->kind) {
	case HV_EXIT_IO:
		if (ex->port == BENCH_DONE_PORT && ex->write)
			return 0;
		if (ex->port == BENCH_PORT)
			return 1;
		if (ex->write) {
			if (ex->port == UART_THR)
				fwrite(ex->data, ex->size, ex->count, stderr);
		} else {
			memset(ex->data, ex->port == UART_LSR ? UART_LSR_IDLE : 0xff,
			       (size_t)ex->size * ex->count);
		}
		return 1;
	case HV_EXIT_MMIO:
		if (!ex->write)
			memset(ex->data, 0xff, ex->size);
		return 1;
	case HV_EXIT_HALT:
		snprintf(ex->what, sizeof(ex->what), "guest halted");
		return -1;
	case HV_EXIT_INTR:
		return 1;
	case HV_EXIT_OTHER:
		break;
	}
	return -1;
}

/*
 * Run until the guest writes BENCH_DONE_PORT; counts the exits that
 * reached userspace on the way (not the last one).
 */
static int run_to_done(struct hv_vm *vm, long long *uexits, const char **what)
{
	struct hv_exit ex;
	int ret;

	for (;;) {
		memset(&ex, 0, sizeof(ex));
		if (hv->run(vm, &ex)) {
			*what = "RUN";
			return -1;
		}
		ret = handle_exit(&ex);
		if (ret <= 0) {
			if (ret < 0) {
				errno = 0;
				bench_err("unexpected exit: %s", ex.what);
				*what = "unexpected exit (see stderr)";
			}
			return ret;
		}
		(*uexits)++;
	}
}

/* A guest-timed benchmark: @n iterations of @test. */
static void guest_bench(const char *key, enum bench_test test, unsigned int n,
			bool irqchip, unsigned int arg)
{
	struct result r = { 0 };
	struct bench_mailbox *mb;
	const char *what;
	struct hv_vm vm;
	long long k0;

	if (vm_new(&vm, irqchip, -1, &what))
		goto fail;
	mailbox_set(&vm, test, n, arg);
	k0 = kernel_exits();
	if (run_to_done(&vm, &r.uexits, &what))
		goto fail;
	r.kexits = k0 < 0 ? -1 : kernel_exits() - k0;
	mb = mailbox(&vm);
	if (!mb->done) {
		errno = 0;
		what = "the guest did not finish";
		goto fail;
	}
	r.total = mb->total;
	r.min = mb->min;
	r.max = mb->max;
	r.n = n;
	if (test == BENCH_T_VMCALL && mb->value != hv->hc_result) {
		errno = 0;
		bench_err("VMCALL returned RAX %#llx, expected %#llx",
			  (unsigned long long)mb->value,
			  (unsigned long long)hv->hc_result);
		what = "wrong hypercall result";
		goto fail;
	}
	if (test == BENCH_T_MMIO_READ && mb->value != BENCH_MMIO_VALUE) {
		errno = 0;
		bench_err("MMIO read loaded %#llx, expected %#llx",
			  (unsigned long long)mb->value, BENCH_MMIO_VALUE);
		what = "wrong MMIO read result";
		goto fail;
	}
	if (test == BENCH_T_RDMSR)
		printf("# %s: guest read MSR %#x = %#llx\n", hv->name, BENCH_MSR,
		       (unsigned long long)mb->value);
	if ((test == BENCH_T_TIMER || test == BENCH_T_TIMER_PENDING) &&
	    mb->value == BENCH_NO_DEADLINE) {
		vm_free(&vm);
		print_status(key, "na", "no TSC-deadline timer in the guest's CPUID");
		return;
	}
	if (test == BENCH_T_TIMER)
		printf("# %s: %s: %llu of %u interrupts came before their deadline\n",
		       hv->name, key, (unsigned long long)mb->value, n);
	what = NULL;
fail:
	vm_finish(&vm, key, &r, what);
}

/* A local APIC benchmark: only where the hypervisor has one in the kernel. */
static void lapic_bench(const char *key, enum bench_test test, unsigned int n,
			unsigned int arg)
{
	if (!hv->has_lapic) {
		print_status(key, "na", "no in-kernel local APIC");
		return;
	}
	guest_bench(key, test, n, true, arg);
}

/* --- HLT and a kick from another thread. */

struct kicker {
	struct hv_vm *vm;
	pthread_t vcpu_thread;
	bool by_signal;
	unsigned int n;
	sem_t ready;
	__u64 t0;	/* the kicker's TSC, handed over with __atomic */
	int err;
};

static void on_sigusr1(int sig)
{
	volatile __u8 *p = signal_exit;

	(void)sig;
	if (p)
		*p = 1;
}

static void *kicker_main(void *arg)
{
	struct kicker *k = arg;
	unsigned int i;

	for (i = 0; i < k->n; i++) {
		sem_wait(&k->ready);
		/* Long enough for the vCPU to be asleep in HLT. */
		usleep(1000);
		__atomic_store_n(&k->t0, rdtsc(), __ATOMIC_RELEASE);
		if (k->by_signal)
			k->err = pthread_kill(k->vcpu_thread, SIGUSR1);
		else if (hv->kick(k->vm, 0))
			k->err = errno;
		if (k->err)
			break;
	}
	return NULL;
}

/*
 * Host-timed: from the kicker's TSC just before the kick to the vCPU
 * thread's just after RUN returned, while the guest sleeps in HLT with
 * interrupts on.  The guest stays halted: each RUN sleeps again.
 */
static void kick_bench(const char *key, bool by_signal, unsigned int n)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct result r = { 0 };
	struct kicker k = { 0 };
	const char *what;
	struct hv_vm vm;
	struct hv_exit ex;
	pthread_t thread;
	unsigned int i;
	__u64 t1;
	long long k0;

	/* Without a kick ioctl, a signal is the hypervisor's usual kick. */
	if (!hv->kick)
		by_signal = true;
	printf("# %s: %s: woken by %s\n", hv->name, key,
	       by_signal ? "SIGUSR1 to the vCPU thread (its handler sets immediate_exit)" :
	       hv->kick_method);
	if (vm_new(&vm, true, -1, &what))
		goto fail;
	mailbox_set(&vm, BENCH_T_HLT, 0, 0);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	signal_exit = vm.immediate_exit;
	k.vm = &vm;
	k.vcpu_thread = pthread_self();
	k.by_signal = by_signal;
	k.n = n;
	sem_init(&k.ready, 0, 0);
	what = "kicker thread";
	errno = pthread_create(&thread, NULL, kicker_main, &k);
	if (errno)
		goto fail;
	k0 = kernel_exits();
	for (i = 0; i < n; i++) {
		sem_post(&k.ready);
		memset(&ex, 0, sizeof(ex));
		if (hv->run(&vm, &ex))
			break;
		t1 = rdtsc();
		*vm.immediate_exit = 0;
		if (ex.kind != HV_EXIT_INTR) {
			snprintf(ex.what + strlen(ex.what),
				 sizeof(ex.what) - strlen(ex.what),
				 " (expected a kicked or interrupted RUN)");
			bench_err("%s", ex.what);
			break;
		}
		/* The first RUN also ran the guest up to its HLT. */
		if (i)
			result_add(&r, t1 - __atomic_load_n(&k.t0, __ATOMIC_ACQUIRE));
	}
	r.kexits = k0 < 0 ? -1 : kernel_exits() - k0;
	r.uexits = r.n;
	if (i < n) {
		/* Let the kicker finish: it waits for the next RUN. */
		k.n = 0;
		sem_post(&k.ready);
		what = "RUN";
	}
	pthread_join(thread, NULL);
	signal_exit = NULL;
	sem_destroy(&k.ready);
	if (i < n || k.err) {
		errno = k.err;
		if (k.err)
			what = by_signal ? "pthread_kill" : "kick";
		goto fail;
	}
	what = NULL;
fail:
	vm_finish(&vm, key, &r, what);
}

/*
 * --- IPI round trip between two vCPUs, one thread each.  The guest on
 * vCPU 0 writes where vCPU 1 starts into the mailbox and asks for it with
 * an OUT to BENCH_PORT; the runner then makes vCPU 1 runnable as a
 * start-up IPI would (hv->ap_start), sets its registers and runs it in a
 * second thread until its guest ends the run.  With --ipi-cpus each
 * vCPU's thread is confined to its own host CPU (and each vCPU, where the
 * hypervisor has such a mask, allowed only that CPU).
 */

struct ap_run {
	struct hv_vm vm;
	pthread_t thread;
	int cpu;
	int ran_on;
	bool stop;	/* __atomic: read by the vCPU thread */
	long long uexits;
	const char *what;
	int err;
};

static void *ap_thread(void *arg)
{
	struct ap_run *a = arg;
	struct hv_exit ex;
	int ret;

	if (a->cpu >= 0 && pin_thread(a->cpu, NULL)) {
		a->err = errno;
		a->what = "sched_setaffinity for vCPU 1";
		return NULL;
	}
	for (;;) {
		memset(&ex, 0, sizeof(ex));
		if (hv->run(&a->vm, &ex)) {
			a->err = errno;
			a->what = "RUN of vCPU 1";
			return NULL;
		}
		a->ran_on = sched_getcpu();
		if (ex.kind == HV_EXIT_INTR && __atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
			a->what = "vCPU 1 was stopped by a kick";
			return NULL;
		}
		ret = handle_exit(&ex);
		if (ret < 0) {
			bench_err("vCPU 1: unexpected exit: %s", ex.what);
			a->what = "unexpected exit of vCPU 1 (see stderr)";
			return NULL;
		}
		if (!ret)
			return NULL;
		a->uexits++;
	}
}

/* vCPU 1 set up and running at @entry, in its own thread. */
static int ap_launch(struct ap_run *a, __u32 entry, const char **what)
{
	*what = "start vCPU 1";
	if (hv->ap_start(&a->vm))
		return -1;
	*what = "set up vCPU 1";
	if (hv->vcpu_setup(&a->vm) ||
	    hv->set_entry(&a->vm, entry, BENCH_AP_STACK))
		return -1;
	*what = "vCPU 1 thread";
	errno = pthread_create(&a->thread, NULL, ap_thread, a);
	return errno ? -1 : 0;
}

/* Wait for vCPU 1's thread; kick it out of RUN first if vCPU 0 failed. */
static void ap_finish(struct ap_run *a, bool failed)
{
	if (failed) {
		__atomic_store_n(&a->stop, true, __ATOMIC_RELEASE);
		if (hv->kick) {
			hv->kick(&a->vm, 1);
		} else {
			signal_exit = a->vm.immediate_exit;
			pthread_kill(a->thread, SIGUSR1);
		}
	}
	pthread_join(a->thread, NULL);
	signal_exit = NULL;
}

static void ipi_bench(const char *key, unsigned int n)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };
	struct ap_run ap = {
		.vm = { .vm = -1, .vcpu = -1 },
		.cpu = ipi_cpus[1],
		.ran_on = -1,
	};
	struct result r = { 0 };
	struct bench_mailbox *mb;
	bool launched = false, pinned = false;
	const char *what;
	struct hv_vm vm = { .vm = -1, .vcpu = -1 };
	struct hv_exit ex;
	cpu_set_t cpus;
	long long k0;
	int ret, ran_on;

	if (!hv->has_lapic) {
		print_status(key, "na", "no in-kernel local APIC");
		return;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	what = "sched_setaffinity for vCPU 0";
	if (ipi_cpus[0] >= 0) {
		if (pin_thread(ipi_cpus[0], &cpus))
			goto fail;
		pinned = true;
	}
	if (vm_new(&vm, true, ipi_cpus[0], &what))
		goto fail;
	mb = mailbox(&vm);
	ap.vm.vm = vm.vm;
	ap.vm.mem = vm.mem;
	what = "create vCPU 1";
	ap.vm.vcpu = hv->vcpu_create(vm.vm, 1, ap.cpu);
	if (ap.vm.vcpu < 0)
		goto fail;
	ap.vm.run = mmap(NULL, hv->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, ap.vm.vcpu, 0);
	if (ap.vm.run == MAP_FAILED) {
		ap.vm.run = NULL;
		goto fail;
	}
	mailbox_set(&vm, BENCH_T_IPI, n, 0);
	k0 = kernel_exits();
	for (;;) {
		memset(&ex, 0, sizeof(ex));
		what = "RUN";
		if (hv->run(&vm, &ex))
			goto fail;
		if (!launched && ex.kind == HV_EXIT_IO && ex.port == BENCH_PORT &&
		    mb->ap_entry) {
			if (ap_launch(&ap, mb->ap_entry, &what))
				goto fail;
			launched = true;
			continue;
		}
		ret = handle_exit(&ex);
		if (ret < 0) {
			errno = 0;
			bench_err("unexpected exit: %s", ex.what);
			what = "unexpected exit (see stderr)";
			goto fail;
		}
		if (!ret)
			break;
		r.uexits++;
	}
	ran_on = sched_getcpu();
	if (launched) {
		ap_finish(&ap, false);
		launched = false;
	}
	r.kexits = k0 < 0 ? -1 : kernel_exits() - k0;
	r.uexits += ap.uexits;
	errno = ap.err;
	what = ap.what;
	if (what)
		goto fail;
	errno = 0;
	what = "the guest did not finish";
	if (!mb->done)
		goto fail;
	r.total = mb->total;
	r.min = mb->min;
	r.max = mb->max;
	r.n = n;
	if (pinned) {
		printf("# %s: %s: vCPU 0's thread pinned to host CPU %d, vCPU 1's to CPU %d",
		       hv->name, key, ipi_cpus[0], ipi_cpus[1]);
		printf(" (%s); their RUNs last returned on CPU %d and %d\n",
		       hv->pin_method, ran_on, ap.ran_on);
	}
	what = NULL;
fail:
	if (launched)
		ap_finish(&ap, true);
	if (pinned)
		sched_setaffinity(0, sizeof(cpus), &cpus);
	if (ap.vm.run)
		munmap(ap.vm.run, hv->run_size);
	if (ap.vm.vcpu >= 0)
		close(ap.vm.vcpu);
	vm_finish(&vm, key, &r, what);
}

/* --- Life cycle, host-timed: VM create, vCPU create to first exit, teardown. */

static void lifecycle_bench(unsigned int n)
{
	struct result create = { 0 }, region = { 0 }, first = { 0 };
	struct result teardown = { 0 };
	struct hv_vm vm = { .vm = -1, .vcpu = -1 };
	long long uexits = 0;
	__u64 t0, t1, t2, t3, t4;
	const char *what = "guest memory";
	unsigned int i;
	__u8 *mem;

	mem = map_anon(BENCH_MEM_SIZE);
	if (!mem)
		goto fail;
	fill_memory(mem);
	vm.mem = mem;
	mailbox_set(&vm, BENCH_T_START, 0, 0);
	for (i = 0; i < n; i++) {
		t0 = rdtsc();
		what = "create VM";
		if (hv->vm_create(&vm, false))
			goto fail;
		t1 = rdtsc();
		what = "set memory region";
		if (hv->set_region(&vm, 0, 0, BENCH_MEM_SIZE, mem))
			goto fail;
		t2 = rdtsc();
		what = "create vCPU";
		if (vcpu_open(&vm, -1))
			goto fail;
		if (run_to_done(&vm, &uexits, &what))
			goto fail;
		t3 = rdtsc();
		vm_close(&vm);
		t4 = rdtsc();
		result_add(&create, t1 - t0);
		result_add(&region, t2 - t1);
		result_add(&first, t3 - t2);
		result_add(&teardown, t4 - t3);
	}
	create.kexits = -1;
	region.kexits = -1;
	first.kexits = -1;
	teardown.kexits = -1;
	print_result("vm_create", &create);
	print_result("region_setup", &region);
	print_result("vcpu_first_entry", &first);
	print_result("vm_teardown", &teardown);
	munmap(mem, BENCH_MEM_SIZE);
	return;
fail:
	print_fail("vm_create", what);
	print_fail("region_setup", what);
	print_fail("vcpu_first_entry", what);
	print_fail("vm_teardown", what);
	vm_close(&vm);
	if (mem)
		munmap(mem, BENCH_MEM_SIZE);
}

/* --- Guest memory: set a region up, then the guest touches every page. */

static void touch_bench(unsigned int mib)
{
	struct result setup = { 0 }, touch = { 0 }, total = { 0 };
	size_t size = (size_t)mib << 20;
	unsigned long pages = size / PAGE_SIZE;
	struct bench_mailbox *mb;
	const char *what;
	__u64 t0, t1, t2;
	struct hv_vm vm;
	__u8 *raw = NULL, *mem;
	long long k0, kexits;

	if (vm_new(&vm, false, -1, &what))
		goto fail;
	mailbox_set(&vm, BENCH_T_TOUCH, 0, pages);
	k0 = kernel_exits();
	t0 = rdtsc();
	/* 2 MiB aligned, as VMMs do, so that huge pages can back it. */
	raw = mmap(NULL, size + SZ_2M, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	what = "mmap";
	if (raw == MAP_FAILED) {
		raw = NULL;
		goto fail;
	}
	mem = (__u8 *)(((unsigned long)raw + SZ_2M - 1) & ~(SZ_2M - 1));
	what = "set memory region";
	if (hv->set_region(&vm, 1, BENCH_TOUCH_BASE, size, mem))
		goto fail;
	t1 = rdtsc();
	if (run_to_done(&vm, &setup.uexits, &what))
		goto fail;
	t2 = rdtsc();
	kexits = k0 < 0 ? -1 : kernel_exits() - k0;
	mb = mailbox(&vm);
	if (!mb->done) {
		errno = 0;
		what = "the guest did not finish";
		goto fail;
	}
	/* Per 4 KiB page, from one measurement of all of them. */
	setup.total = t1 - t0;
	touch.total = mb->total;
	total.total = t2 - t0;
	setup.n = pages;
	touch.n = pages;
	total.n = pages;
	setup.whole = true;
	touch.whole = true;
	total.whole = true;
	touch.uexits = setup.uexits;
	total.uexits = setup.uexits;
	setup.uexits = 0;
	setup.kexits = -1;
	touch.kexits = kexits;
	total.kexits = kexits;
	printf("# %s: %u MiB at guest-physical %#llx, %lu pages\n", hv->name,
	       mib, BENCH_TOUCH_BASE, pages);
	print_result("mem_setup", &setup);
	print_result("mem_touch", &touch);
	print_result("mem_total", &total);
	vm_free(&vm);
	munmap(raw, size + SZ_2M);
	return;
fail:
	print_fail("mem_setup", what);
	print_fail("mem_touch", what);
	print_fail("mem_total", what);
	vm_free(&vm);
	if (raw)
		munmap(raw, size + SZ_2M);
}

/*
 * --- Kernel memory per VM and per vCPU.  Free memory is the free pages of
 * /proc/zoneinfo plus those in the per-CPU lists, which MemFree leaves
 * out and which would otherwise hide up to a few hundred KiB of
 * allocations; /proc/meminfo names some of the users.
 */

struct meminfo {
	long long free, slab, stack, pagetables, vmalloc;
};

static long long free_kib(void)
{
	long long pages = 0, v;
	char line[160];
	FILE *f = fopen("/proc/zoneinfo", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " pages free %lld", &v) == 1 ||
		    sscanf(line, " count: %lld", &v) == 1)
			pages += v;
	fclose(f);
	return pages * (PAGE_SIZE / 1024);
}

static int read_meminfo(struct meminfo *m)
{
	char line[128], name[64];
	long long v;
	FILE *f;

	/* Let freeing that waits for RCU or a worker settle first. */
	usleep(300000);
	f = fopen("/proc/meminfo", "re");
	if (!f)
		return -1;
	memset(m, 0, sizeof(*m));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63[^:]: %lld", name, &v) != 2)
			continue;
		if (!strcmp(name, "Slab"))
			m->slab = v;
		else if (!strcmp(name, "KernelStack"))
			m->stack = v;
		else if (!strcmp(name, "PageTables"))
			m->pagetables = v;
		else if (!strcmp(name, "VmallocUsed"))
			m->vmalloc = v;
	}
	fclose(f);
	m->free = free_kib();
	return m->free < 0 ? -1 : 0;
}

/* KiB of each object: the drop of free memory, and the counters' growth. */
static void print_memory(const char *key, const struct meminfo *a,
			 const struct meminfo *b, unsigned int n)
{
	long long used = a->free - b->free;

	printf("AXVBENCH hv=%s key=%s avg=%.1f min=na max=na total=%lld n=%u %s\n",
	       hv->name, key, (double)used / n, used, n,
	       "uexits=0.00 kexits=na");
	printf("# %s: %s: KiB each: slab %.1f, kernel stack %.1f, page tables %.1f, vmalloc %.1f\n",
	       hv->name, key, (double)(b->slab - a->slab) / n,
	       (double)(b->stack - a->stack) / n,
	       (double)(b->pagetables - a->pagetables) / n,
	       (double)(b->vmalloc - a->vmalloc) / n);
	fflush(stdout);
}

static void memory_bench(unsigned int nvm, unsigned int per_vm)
{
	struct meminfo m0, m1, m2;
	struct hv_vm *vms;
	int *vcpus;
	const char *what = "calloc";
	unsigned int i, j;

	vms = calloc(nvm, sizeof(*vms));
	vcpus = calloc((size_t)nvm * per_vm, sizeof(*vcpus));
	if (!vms || !vcpus)
		goto fail;
	for (i = 0; i < nvm; i++)
		vms[i].vm = -1;
	for (i = 0; i < nvm * per_vm; i++)
		vcpus[i] = -1;
	what = "/proc/meminfo";
	if (read_meminfo(&m0))
		goto fail;
	what = "create VM";
	for (i = 0; i < nvm; i++)
		if (hv->vm_create(&vms[i], false))
			goto fail;
	if (read_meminfo(&m1))
		goto fail;
	what = "create vCPU";
	for (i = 0; i < nvm; i++)
		for (j = 0; j < per_vm; j++) {
			vcpus[i * per_vm + j] = hv->vcpu_create(vms[i].vm, j, -1);
			if (vcpus[i * per_vm + j] < 0)
				goto fail;
		}
	if (read_meminfo(&m2))
		goto fail;
	printf("# %s: %u VMs, then %u vCPUs each (created, never run)\n",
	       hv->name, nvm, per_vm);
	print_memory("kmem_vm", &m0, &m1, nvm);
	print_memory("kmem_vcpu", &m1, &m2, nvm * per_vm);
	what = NULL;
fail:
	if (what) {
		print_fail("kmem_vm", what);
		print_fail("kmem_vcpu", what);
	}
	for (i = 0; vcpus && i < nvm * per_vm; i++)
		if (vcpus[i] >= 0)
			close(vcpus[i]);
	for (i = 0; vms && i < nvm; i++)
		if (vms[i].vm >= 0)
			close(vms[i].vm);
	free(vcpus);
	free(vms);
}

static unsigned int parse_uint(const char *opt, const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 0);

	if (!*s || *end || !v || v > 1000000) {
		bench_err("%s: bad number '%s'", opt, s);
		exit(2);
	}
	return v;
}

/* --ipi-cpus A,B: the host CPUs of vCPU 0's and vCPU 1's threads. */
static void parse_cpus(const char *opt, const char *s)
{
	unsigned long a, b;
	char *end;

	a = strtoul(s, &end, 10);
	if (end != s && *end == ',') {
		s = end + 1;
		b = strtoul(s, &end, 10);
		if (end != s && !*end && a < CPU_SETSIZE && b < CPU_SETSIZE) {
			ipi_cpus[0] = a;
			ipi_cpus[1] = b;
			return;
		}
	}
	bench_err("%s: expected two CPU numbers 'A,B'", opt);
	exit(2);
}

static const char *parse_name(const char *opt, const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(bench_names) / sizeof(bench_names[0]); i++)
		if (!strcmp(s, bench_names[i]))
			return s;
	bench_err("%s: unknown benchmark '%s'", opt, s);
	exit(2);
}

/* Whether --only and --skip leave benchmark @name to run. */
static bool wanted(const char *name)
{
	return (!only || !strcmp(only, name)) && (!skip || strcmp(skip, name));
}

static void print_usage(const char *prog)
{
	fprintf(stderr,
		"usage: %s [--guest FILE] [--iters N] [--touch-mib N] [--vms N]\n"
		"       [--vcpus-per-vm N] [--lifecycles N] [--only NAME] [--skip NAME]\n"
		"       [--ipi-cpus A,B]\n"
		"NAME: loop cpuid vmcall rdmsr pio mmio mmio_read xapic hlt_kick hlt_signal\n"
		"      hlt_timer hlt_timer_pending self_ipi ipi lifecycle mem kmem\n", prog);
	exit(2);
}

int bench_main(int argc, char **argv, struct bench_hv *ops)
{
	int i;

	hv = ops;
	for (i = 1; i < argc; i++) {
		const char *opt = argv[i];

		if (i + 1 >= argc)
			print_usage(argv[0]);
		if (!strcmp(opt, "--guest"))
			guest_path = argv[++i];
		else if (!strcmp(opt, "--iters"))
			iters = parse_uint(opt, argv[++i]);
		else if (!strcmp(opt, "--touch-mib"))
			touch_mib = parse_uint(opt, argv[++i]);
		else if (!strcmp(opt, "--vms"))
			mem_vms = parse_uint(opt, argv[++i]);
		else if (!strcmp(opt, "--vcpus-per-vm"))
			mem_vcpus = parse_uint(opt, argv[++i]);
		else if (!strcmp(opt, "--lifecycles"))
			lifecycles = parse_uint(opt, argv[++i]);
		else if (!strcmp(opt, "--only"))
			only = parse_name(opt, argv[++i]);
		else if (!strcmp(opt, "--skip"))
			skip = parse_name(opt, argv[++i]);
		else if (!strcmp(opt, "--ipi-cpus"))
			parse_cpus(opt, argv[++i]);
		else
			print_usage(argv[0]);
	}
	if (load_guest() || ops->init(ops))
		return 1;

	if (wanted("loop"))
		guest_bench("loop", BENCH_T_LOOP, iters, false, 0);
	if (wanted("cpuid"))
		guest_bench("cpuid", BENCH_T_CPUID, iters, false, 0);
	if (wanted("vmcall")) {
		if (ops->has_nop_hypercall)
			guest_bench("vmcall", BENCH_T_VMCALL, iters, false, 0);
		else
			print_status("vmcall", "na", "no in-kernel null hypercall");
	}
	if (wanted("rdmsr"))
		guest_bench("rdmsr", BENCH_T_RDMSR, iters, false, 0);
	if (wanted("pio"))
		guest_bench("pio", BENCH_T_PIO, iters, false, 0);
	if (wanted("mmio"))
		guest_bench("mmio", BENCH_T_MMIO, iters, false, 0);
	if (wanted("mmio_read"))
		guest_bench("mmio_read", BENCH_T_MMIO_READ, iters, false, 0);
	if (wanted("xapic")) {
		lapic_bench("xapic_mov", BENCH_T_APIC_MOV, iters, 0);
		lapic_bench("xapic_test", BENCH_T_APIC_TEST, iters, 0);
		lapic_bench("xapic_or", BENCH_T_APIC_OR, iters, 0);
	}
	if (wanted("hlt_kick"))
		kick_bench("hlt_kick", false, iters);
	if (wanted("hlt_signal"))
		kick_bench("hlt_signal", true, iters);
	if (wanted("hlt_timer"))
		lapic_bench("hlt_timer", BENCH_T_TIMER, iters, BENCH_TIMER_DELTA);
	if (wanted("hlt_timer_pending"))
		lapic_bench("hlt_timer_pending", BENCH_T_TIMER_PENDING, iters, 0);
	if (wanted("self_ipi"))
		lapic_bench("self_ipi", BENCH_T_SELF_IPI, iters, 0);
	if (wanted("ipi"))
		ipi_bench("ipi", iters);
	if (wanted("lifecycle"))
		lifecycle_bench(lifecycles);
	if (wanted("mem"))
		touch_bench(touch_mib);
	if (wanted("kmem"))
		memory_bench(mem_vms, mem_vcpus);
	return failures ? 1 : 0;
}
