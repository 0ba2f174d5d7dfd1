// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC (AXV_VM_F_LAPIC) seen from guests: its
 * registers, self-IPIs, the timer waking a HLT, TPR masking, delivery
 * once interrupts are enabled, x2APIC mode and its #GP, INIT-SIPI-SIPI
 * starting an AP that waits in AXV_RUN, and AXV_SEND_IRQ from another
 * thread.  The guests run in 32-bit protected mode with flat segments;
 * their code is in lapic_guests.S.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run_test.h"

#define IDT		0x500
#define AP_CODE		0x2000		/* start-up vector 2 */
#define HANDLERS	0x3000		/* handler N at HANDLERS + (N & 7) * 0x100 */
#define COUNTERS	0x9000		/* handler N counts at COUNTERS + (N & 7) * 4 */

/* A 32-bit interrupt gate to @handler through the code segment 0x08. */
static void set_gate(__u8 *mem, unsigned int vector, __u32 handler)
{
	__u32 gate[2] = {
		(handler & 0xffff) | (0x08 << 16),
		(handler & 0xffff0000) | 0x8e00,
	};

	memcpy(mem + IDT + vector * 8, gate, sizeof(gate));
}

static void put_handler(__u8 *mem, unsigned int vector, const __u8 *start,
			const __u8 *end)
{
	__u32 at = HANDLERS + (vector & 7) * 0x100;

	memcpy(mem + at, start, end - start);
	set_gate(mem, vector, at);
}

/* A LAPIC VM whose vCPU runs @code in flat 32-bit protected mode. */
static int lapic_vm(struct vm *v, const __u8 *code, const __u8 *end)
{
	int err;

	vm_flags = AXV_VM_F_LAPIC;
	err = vm_create(v, code, end - code);
	vm_flags = 0;
	if (err)
		return err;
	put_handler(v->mem, 0x40, h40, h40_end);
	put_handler(v->mem, 0x41, h41, h41_end);
	put_handler(v->mem, 0x42, h42, h42_end);
	put_handler(v->mem, 0x43, h43, h43_end);
	put_handler(v->mem, 13, h0d, h0d_end);
	return vm_set_flat32(v, IDT, 256 * 8 - 1);
}

/* Run to the next OUT; it must go to @port with @value in AL. */
static int expect_out(struct vm *v, unsigned int port, int value)
{
	__u8 got;

	if (run_expect(v, AXV_EXIT_IO))
		return -1;
	got = ((__u8 *)v->run)[v->run->io.data_offset];
	if (v->run->io.port != port || (value >= 0 && got != value))
		return fail("OUT to %#x of %u, want %#x of %d", v->run->io.port,
			    got, port, value);
	return 0;
}

/* Secondary controls: virtualize APIC accesses (bit 0). */
#define PROC2_APIC_ACCESSES	0x1u

/*
 * Where APIC virtualization is used, the APIC-access page sits at
 * 0xfee00000 and a memory region there is refused; elsewhere it is
 * memory like any other.
 */
static int check_apic_page_region(struct vm *v)
{
	struct axv_memory_region region = {
		.slot = 1, .guest_phys_addr = 0xfee00000, .size = 4096,
		.userspace_addr = (unsigned long)v->mem,
	};
	struct axv_vmx_caps caps;
	bool apicv;
	int ret;

	if (ioctl(v->dev, AXV_GET_VMX_CAPS, &caps))
		return fail("AXV_GET_VMX_CAPS: %s", strerror(errno));
	apicv = caps.proc2_used & PROC2_APIC_ACCESSES;
	ret = ioctl(v->vm, AXV_SET_MEMORY_REGION, &region);
	if (apicv && (ret != -1 || errno != EEXIST))
		return fail("a region over the APIC-access page: %d, not EEXIST", ret);
	if (!apicv && ret)
		return fail("a region at 0xfee00000 without APIC virtualization: %s",
			    strerror(errno));
	return 0;
}

int check_lapic_registers(void)
{
	static const struct { unsigned int port; int value; } outs[] = {
		{ 0x84, 1 },	/* self IPI */
		{ 0x85, 1 },	/* the timer woke the HLT */
		{ 0x86, 0 },	/* held by the TPR */
		{ 0x87, 1 },	/* delivered once the TPR drops */
		{ 0x88, 1 },	/* held while IF=0 */
		{ 0x89, 2 },	/* delivered after STI */
		{ 0x8a, 0 },	/* x2APIC ID */
		{ 0x8b, 1 },	/* x2APIC self IPI */
		{ 0x8c, 1 },	/* #GP for x2APIC -> xAPIC */
		{ 0x8f, -1 },
	};
	struct axv_lapic_state st;
	__u32 version, svr;
	unsigned int i;
	struct vm v;
	int ret = -1;

	if (lapic_vm(&v, regs_code, regs_code_end))
		goto out;
	if (ioctl(v.vcpu, AXV_GET_LAPIC, &st)) {
		fail("AXV_GET_LAPIC: %s", strerror(errno));
		goto out;
	}
	memcpy(&version, &st.regs[0x30], 4);
	if (version != 0x50014) {
		fail("version register %#x, want 0x50014", version);
		goto out;
	}
	for (i = 0; i < ARRAY_LEN(outs); i++)
		if (expect_out(&v, outs[i].port, outs[i].value))
			goto out;
	if (ioctl(v.vcpu, AXV_GET_LAPIC, &st)) {
		fail("AXV_GET_LAPIC: %s", strerror(errno));
		goto out;
	}
	memcpy(&svr, &st.regs[0xf0], 4);
	if (svr != 0x1ff) {
		fail("SVR %#x after the guest set 0x1ff", svr);
		goto out;
	}
	st.reserved[0] = 1;
	if (ioctl(v.vcpu, AXV_SET_LAPIC, &st) != -1 || errno != EINVAL) {
		fail("AXV_SET_LAPIC with a reserved field set: not EINVAL");
		goto out;
	}
	if (check_apic_page_region(&v))
		goto out;
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

static void *ap_thread(void *arg)
{
	struct runner *r = arg;

	r->started = 1;
	watch_arm(60);
	r->ret = ioctl(r->v->vcpu, AXV_RUN, 0);
	r->err = errno;
	watch_arm(0);
	return NULL;
}

int check_lapic_ap_start(void)
{
	struct axv_vcpu_create create = {
		.id = 1, .apic_id = 1, .role = AXV_VCPU_ROLE_AP,
		.favoured_cpu = -1,
	};
	struct vm v, ap = { 0 };
	struct runner r = { .v = &ap };
	struct axv_vcpu_state st;
	int ret = -1, ups = 0, i;
	pthread_t t;

	if (lapic_vm(&v, bsp_code, bsp_code_end))
		goto out;
	memcpy(v.mem + AP_CODE, ap_code, ap_code_end - ap_code);
	ap.vcpu = ioctl(v.vm, AXV_CREATE_VCPU, &create);
	if (ap.vcpu < 0) {
		fail("AXV_CREATE_VCPU (AP): %s", strerror(errno));
		goto out;
	}
	ap.run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
		      ap.vcpu, 0);
	if (ap.run == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		goto out_ap;
	}
	/* The AP's thread waits in AXV_RUN for its start. */
	if (pthread_create(&t, NULL, ap_thread, &r)) {
		fail("pthread_create");
		goto out_run;
	}
	for (i = 0; i < 500 && !r.started; i++)
		sleep_ms(10);
	for (;;) {
		watch_arm(60);
		i = ioctl(v.vcpu, AXV_RUN, 0);
		watch_arm(0);
		if (i || v.run->exit_reason != AXV_EXIT_CPU_UP)
			break;
		if (v.run->cpu_up.target_apic_id != 1 ||
		    v.run->cpu_up.entry != AP_CODE || v.run->cpu_up.arg != 1) {
			fail("CPU_UP for APIC %u at %#llx (%llu), want 1 at %#x",
			     v.run->cpu_up.target_apic_id,
			     (unsigned long long)v.run->cpu_up.entry,
			     (unsigned long long)v.run->cpu_up.arg, AP_CODE);
			ups = -1;
			break;
		}
		ups++;
	}
	pthread_join(t, NULL);
	/* One or two CPU_UP exits: the second SIPI may find the AP still waiting. */
	if (ups < 1 || ups > 2 || v.run->exit_reason != AXV_EXIT_IO ||
	    v.run->io.port != 0x82) {
		fail("BSP: %d CPU_UP exits, then %s port %#x (want 1-2, IO 0x82)",
		     ups, exit_name(v.run->exit_reason), v.run->io.port);
		goto out_run;
	}
	if (r.ret || ap.run->exit_reason != AXV_EXIT_IO ||
	    ap.run->io.port != 0x81 ||
	    ((__u8 *)ap.run)[ap.run->io.data_offset] != 0x5a) {
		fail("AP: RUN %d (%s), exit %s port %#x",
		     r.ret, strerror(r.err), exit_name(ap.run->exit_reason),
		     ap.run->io.port);
		goto out_run;
	}
	if (ioctl(ap.vcpu, AXV_GET_VCPU_STATE, &st) ||
	    st.sipi_vector != 2) {
		fail("AP state: sipi vector %u, want 2", st.sipi_vector);
		goto out_run;
	}
	ret = 0;
out_run:
	munmap(ap.run, 4096);
out_ap:
	close(ap.vcpu);
out:
	vm_destroy(&v);
	return ret;
}

/*
 * Run @v's vCPU in another thread until it sleeps in HLT, send @irq from
 * this one, and wait for that AXV_RUN to return (its result in @r).
 * 0, or -1 (reported) when the vCPU never blocked or not exactly one
 * local APIC accepted the message.
 */
static int send_irq_to_halted(struct vm *v, const struct axv_irq *irq, struct runner *r)
{
	struct axv_vcpu_state st;
	bool blocked;
	pthread_t t;
	int n, e;

	r->v = v;
	if (pthread_create(&t, NULL, run_thread, r))
		return fail("pthread_create");
	blocked = wait_blocked(v, &st);
	/* From this thread, while the vCPU's thread sleeps in HLT. */
	n = ioctl(v->vm, AXV_SEND_IRQ, irq);
	e = errno;
	pthread_join(t, NULL);
	if (!blocked)
		return fail("the vCPU never blocked in HLT (state %u)", st.state);
	if (n != 1)
		return fail("AXV_SEND_IRQ reached %d local APICs, want 1 (%s)", n,
			    strerror(e));
	return 0;
}

int check_lapic_send_irq(void)
{
	struct axv_irq irq = { .dest = 0, .vector = 0x42 };
	struct axv_irq bad = { .dest = 0, .vector = 0x10 };
	struct runner r = { 0 };
	struct vm v, plain;
	int ret = -1, n;

	/* Without the LAPIC there is nowhere to send it. */
	if (vm_create(&plain, wait_code, wait_code_end - wait_code))
		return -1;
	n = ioctl(plain.vm, AXV_SEND_IRQ, &irq);
	vm_destroy(&plain);
	if (n != -1 || errno != ENXIO)
		return fail("AXV_SEND_IRQ without the LAPIC: %d, not ENXIO", n);

	if (lapic_vm(&v, wait_code, wait_code_end))
		goto out;
	if (ioctl(v.vm, AXV_SEND_IRQ, &bad) != -1 || errno != EINVAL) {
		fail("AXV_SEND_IRQ of vector 0x10: not EINVAL");
		goto out;
	}
	if (send_irq_to_halted(&v, &irq, &r))
		goto out;
	if (r.ret || v.run->exit_reason != AXV_EXIT_IO ||
	    v.run->io.port != 0x86) {
		fail("after AXV_SEND_IRQ: RUN %d, exit %s port %#x", r.ret,
		     exit_name(v.run->exit_reason), v.run->io.port);
		goto out;
	}
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}

/*
 * A level-triggered interrupt from userspace (AXV_IRQ_F_LEVEL): the
 * guest's EOI of it, the MOV to the EOI register in handler 0x42, exits
 * with AXV_EXIT_EOI and the vector, RIP past the MOV; the guest then goes
 * on.  (An edge-triggered one makes no such exit: check_lapic_send_irq.)
 */
int check_lapic_level_eoi(void)
{
	struct axv_irq irq = { .dest = 0, .vector = 0x42, .flags = AXV_IRQ_F_LEVEL };
	struct axv_irq nmi = { .flags = AXV_IRQ_F_NMI | AXV_IRQ_F_LEVEL };
	/* Handler 0x42: INCL (6 bytes), then the 10-byte MOV to EOI. */
	const __u64 after_eoi = HANDLERS + 2 * 0x100 + 6 + 10;
	struct runner r = { 0 };
	int ret = -1;
	struct vm v;

	if (lapic_vm(&v, wait_code, wait_code_end))
		goto out;
	if (ioctl(v.dev, AXV_CHECK_EXTENSION, AXV_CAP_LEVEL_IRQ) != 1) {
		fail("AXV_CAP_LEVEL_IRQ is not 1");
		goto out;
	}
	if (ioctl(v.vm, AXV_SEND_IRQ, &nmi) != -1 || errno != EINVAL) {
		fail("AXV_SEND_IRQ of a level-triggered NMI: not EINVAL");
		goto out;
	}
	if (send_irq_to_halted(&v, &irq, &r))
		goto out;
	if (r.ret || v.run->exit_reason != AXV_EXIT_EOI ||
	    v.run->eoi.vector != 0x42 || v.run->rip != after_eoi) {
		fail("level-triggered 0x42: RUN %d, exit %s %#x at %#llx, want eoi 0x42 at %#llx",
		     r.ret, exit_name(v.run->exit_reason), v.run->eoi.vector,
		     (unsigned long long)v.run->rip, (unsigned long long)after_eoi);
		goto out;
	}
	/* Reported once: the guest goes on to its OUT. */
	if (expect_out(&v, 0x86, -1))
		goto out;
	ret = 0;
out:
	vm_destroy(&v);
	return ret;
}
