// SPDX-License-Identifier: GPL-2.0
/*
 * axv_bench: the benchmarks (runner.c) on /dev/axvcpu.  Only the ioctls
 * are here; kvm_bench.c is the same for /dev/kvm.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/axvcpu.h>

#include "runner.h"

#if defined(AXV_HC_NOP) && AXV_HC_NOP != BENCH_HC_NR
#error "BENCH_HC_NR must be AXV_HC_NOP"
#endif
#ifndef AXV_CAP_NOP_HYPERCALL
#define AXV_CAP_NOP_HYPERCALL	17
#endif

static int dev = -1;
static struct bench_hv axv_ops;

static int axv_init(struct bench_hv *ops)
{
	long size;

	dev = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		bench_err("open /dev/axvcpu: %s", strerror(errno));
		return -1;
	}
	if (ioctl(dev, AXV_GET_API_VERSION, 0) != AXV_API_VERSION) {
		bench_err("unexpected AXV_GET_API_VERSION");
		return -1;
	}
	size = ioctl(dev, AXV_GET_VCPU_MMAP_SIZE, 0);
	if (size < (long)sizeof(struct axv_run)) {
		bench_err("AXV_GET_VCPU_MMAP_SIZE: %ld", size);
		return -1;
	}
	ops->run_size = size;
	ops->has_nop_hypercall =
		ioctl(dev, AXV_CHECK_EXTENSION, AXV_CAP_NOP_HYPERCALL) > 0;
	ops->has_lapic = ioctl(dev, AXV_CHECK_EXTENSION, AXV_CAP_LAPIC) > 0;
	return 0;
}

static int axv_vm_create(struct hv_vm *vm, bool irqchip)
{
	unsigned long flags = irqchip && axv_ops.has_lapic ? AXV_VM_F_LAPIC : 0;

	vm->vm = ioctl(dev, AXV_CREATE_VM, flags);
	return vm->vm < 0 ? -1 : 0;
}

static int axv_set_region(struct hv_vm *vm, unsigned int slot, __u64 gpa,
			  __u64 size, void *host)
{
	struct axv_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.size = size,
		.userspace_addr = (unsigned long)host,
	};

	return ioctl(vm->vm, AXV_SET_MEMORY_REGION, &region);
}

static int axv_vcpu_create(int vm, unsigned int id, int cpu)
{
	__u64 mask[AXV_CPU_BITMAP_MAX / 8] = { 0 };
	struct axv_vcpu_create create = {
		.id = id,
		.apic_id = id,
		.favoured_cpu = -1,
	};

	/* Only @cpu allowed, and favoured. */
	if (cpu >= 0) {
		if (cpu >= AXV_CPU_BITMAP_MAX * 8) {
			errno = EINVAL;
			return -1;
		}
		mask[cpu / 64] = 1ULL << (cpu % 64);
		create.favoured_cpu = cpu;
		create.allowed_cpus = (unsigned long)mask;
		create.allowed_cpus_size = (cpu / 64 + 1) * 8;
	}
	return ioctl(vm, AXV_CREATE_VCPU, &create);
}

static int axv_vcpu_setup(struct hv_vm *vm)
{
	struct axv_run *run = vm->run;
	struct axv_sregs sregs;
	struct axv_regs regs;

	vm->immediate_exit = &run->immediate_exit;
	if (ioctl(vm->vcpu, AXV_GET_SREGS, &sregs))
		return -1;
	BENCH_FLAT_SREGS(sregs);
	if (ioctl(vm->vcpu, AXV_SET_SREGS, &sregs))
		return -1;
	BENCH_ENTRY_REGS(regs);
	return ioctl(vm->vcpu, AXV_SET_REGS, &regs);
}

/* As a start-up IPI would: the vCPU leaves its wait; 1 when it did. */
static int axv_ap_start(struct hv_vm *vm)
{
	struct axv_vcpu_op op = { .op = AXV_VCPU_OP_START, .arg = 0 };

	return ioctl(vm->vcpu, AXV_VCPU_OP, &op) == 1 ? 0 : -1;
}

static int axv_set_entry(struct hv_vm *vm, __u64 rip, __u64 rsp)
{
	struct axv_regs regs;

	BENCH_ENTRY_REGS(regs);
	regs.rip = rip;
	regs.rsp = rsp;
	return ioctl(vm->vcpu, AXV_SET_REGS, &regs);
}

static int axv_run(struct hv_vm *vm, struct hv_exit *ex)
{
	struct axv_run *run = vm->run;

	if (ioctl(vm->vcpu, AXV_RUN, 0)) {
		if (errno != EINTR)
			return -1;
		ex->kind = HV_EXIT_INTR;
		return 0;
	}
	switch (run->exit_reason) {
	case AXV_EXIT_IO:
		ex->kind = HV_EXIT_IO;
		ex->port = run->io.port;
		ex->size = run->io.size;
		ex->write = run->io.direction == AXV_IO_OUT;
		ex->count = run->io.count;
		ex->data = (__u8 *)run + run->io.data_offset;
		return 0;
	case AXV_EXIT_MMIO:
		ex->kind = HV_EXIT_MMIO;
		ex->gpa = run->mmio.gpa;
		ex->size = run->mmio.size;
		ex->write = run->mmio.is_write;
		ex->count = 1;
		ex->data = (__u8 *)&run->mmio.data;
		return 0;
	case AXV_EXIT_HALT:
		ex->kind = HV_EXIT_HALT;
		return 0;
	case AXV_EXIT_KICKED:
	case AXV_EXIT_INTR:
		ex->kind = HV_EXIT_INTR;
		return 0;
	default:
		ex->kind = HV_EXIT_OTHER;
		snprintf(ex->what, sizeof(ex->what),
			 "axvcpu exit %u (hardware reason %u) at rip %#llx",
			 run->exit_reason, run->hw_exit_reason,
			 (unsigned long long)run->rip);
		return 0;
	}
}

static int axv_kick(struct hv_vm *vm, unsigned int id)
{
	struct axv_kick kick = { .vcpus = 1ULL << id };

	return ioctl(vm->vm, AXV_KICK_VCPUS, &kick);
}

static struct bench_hv axv_ops = {
	.name = "axvcpu",
	.hc_result = 0,
	.kick_method = "AXV_KICK_VCPUS",
	.pin_method = "sched_setaffinity, and the vCPU's allowed CPUs and favoured CPU",
	.init = axv_init,
	.vm_create = axv_vm_create,
	.set_region = axv_set_region,
	.vcpu_create = axv_vcpu_create,
	.vcpu_setup = axv_vcpu_setup,
	.ap_start = axv_ap_start,
	.set_entry = axv_set_entry,
	.run = axv_run,
	.kick = axv_kick,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &axv_ops);
}
