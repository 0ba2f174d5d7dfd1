// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_bench: the benchmarks (runner.c) on Linux's /dev/kvm, for
 * comparison with axv_bench.  Only the ioctls are here, set up as a
 * minimal VMM would: the CPU model KVM supports, no in-kernel devices
 * except for the HLT and local APIC benchmarks, which get KVM's in-kernel
 * interrupt controller (without one KVM gives every HLT to userspace, and
 * has no local APIC).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "runner.h"

/* KVM's answer to an unknown hypercall: -KVM_ENOSYS, 32 bits wide. */
#define KVM_ENOSYS_32	((__u32)-1000)

#define KVM_MAX_CPUID	256

#define CPUID1_ECX_TSC_DEADLINE	0x01000000U	/* bit 24 */

static int dev = -1;
static struct kvm_cpuid2 *cpuid;

static int kvm_init(struct bench_hv *ops)
{
	long size;

	dev = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		bench_err("open /dev/kvm: %s", strerror(errno));
		return -1;
	}
	if (ioctl(dev, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		bench_err("unexpected KVM_GET_API_VERSION");
		return -1;
	}
	size = ioctl(dev, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (long)sizeof(struct kvm_run)) {
		bench_err("KVM_GET_VCPU_MMAP_SIZE: %ld", size);
		return -1;
	}
	ops->run_size = size;
	cpuid = calloc(1, sizeof(*cpuid) +
		       KVM_MAX_CPUID * sizeof(cpuid->entries[0]));
	if (!cpuid)
		return -1;
	cpuid->nent = KVM_MAX_CPUID;
	if (ioctl(dev, KVM_GET_SUPPORTED_CPUID, cpuid)) {
		bench_err("KVM_GET_SUPPORTED_CPUID: %s", strerror(errno));
		return -1;
	}
	/*
	 * KVM emulates the TSC-deadline timer but leaves its CPUID bit out
	 * of KVM_GET_SUPPORTED_CPUID: a VMM sets it when the capability is
	 * there, as QEMU does.
	 */
	if (ioctl(dev, KVM_CHECK_EXTENSION, KVM_CAP_TSC_DEADLINE_TIMER) > 0) {
		__u32 i;

		for (i = 0; i < cpuid->nent; i++)
			if (cpuid->entries[i].function == 1)
				cpuid->entries[i].ecx |= CPUID1_ECX_TSC_DEADLINE;
		printf("# kvm: CPUID.1:ECX TSC-deadline bit set (KVM_CAP_TSC_DEADLINE_TIMER)\n");
	}
	ops->has_lapic = ioctl(dev, KVM_CHECK_EXTENSION, KVM_CAP_IRQCHIP) > 0;
	return 0;
}

static int kvm_vm_create(struct hv_vm *vm, bool irqchip)
{
	vm->vm = ioctl(dev, KVM_CREATE_VM, 0);
	if (vm->vm < 0)
		return -1;
	if (irqchip && ioctl(vm->vm, KVM_CREATE_IRQCHIP, 0))
		return -1;
	return 0;
}

static int kvm_set_region(struct hv_vm *vm, unsigned int slot, __u64 gpa,
			  __u64 size, void *host)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (unsigned long)host,
	};

	return ioctl(vm->vm, KVM_SET_USER_MEMORY_REGION, &region);
}

/* KVM has no CPU setting of its own: the runner's pinned thread is all. */
static int kvm_vcpu_create(int vm, unsigned int id, int cpu)
{
	(void)cpu;
	return ioctl(vm, KVM_CREATE_VCPU, id);
}

static int kvm_vcpu_setup(struct hv_vm *vm)
{
	struct kvm_run *run = vm->run;
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	vm->immediate_exit = &run->immediate_exit;
	if (ioctl(vm->vcpu, KVM_SET_CPUID2, cpuid))
		return -1;
	if (ioctl(vm->vcpu, KVM_GET_SREGS, &sregs))
		return -1;
	BENCH_FLAT_SREGS(sregs);
	if (ioctl(vm->vcpu, KVM_SET_SREGS, &sregs))
		return -1;
	BENCH_ENTRY_REGS(regs);
	return ioctl(vm->vcpu, KVM_SET_REGS, &regs);
}

/* A vCPU other than the BSP waits for INIT and SIPI: make it runnable. */
static int kvm_ap_start(struct hv_vm *vm)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };

	return ioctl(vm->vcpu, KVM_SET_MP_STATE, &mp);
}

static int kvm_set_entry(struct hv_vm *vm, __u64 rip, __u64 rsp)
{
	struct kvm_regs regs;

	BENCH_ENTRY_REGS(regs);
	regs.rip = rip;
	regs.rsp = rsp;
	return ioctl(vm->vcpu, KVM_SET_REGS, &regs);
}

static int kvm_run(struct hv_vm *vm, struct hv_exit *ex)
{
	struct kvm_run *run = vm->run;

	if (ioctl(vm->vcpu, KVM_RUN, 0)) {
		if (errno != EINTR)
			return -1;
		ex->kind = HV_EXIT_INTR;
		return 0;
	}
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		ex->kind = HV_EXIT_IO;
		ex->port = run->io.port;
		ex->size = run->io.size;
		ex->write = run->io.direction == KVM_EXIT_IO_OUT;
		ex->count = run->io.count;
		ex->data = (__u8 *)run + run->io.data_offset;
		return 0;
	case KVM_EXIT_MMIO:
		ex->kind = HV_EXIT_MMIO;
		ex->gpa = run->mmio.phys_addr;
		ex->size = run->mmio.len;
		ex->write = run->mmio.is_write;
		ex->count = 1;
		ex->data = run->mmio.data;
		return 0;
	case KVM_EXIT_HLT:
		ex->kind = HV_EXIT_HALT;
		return 0;
	case KVM_EXIT_INTR:
		ex->kind = HV_EXIT_INTR;
		return 0;
	default:
		ex->kind = HV_EXIT_OTHER;
		snprintf(ex->what, sizeof(ex->what),
			 "KVM exit %u (hardware reason %llu)", run->exit_reason,
			 (unsigned long long)run->hw.hardware_exit_reason);
		return 0;
	}
}

/* The sum over all vCPUs of KVM's exit counter, from debugfs. */
static long long kvm_kernel_exits(void)
{
	long long v = -1;
	FILE *f = fopen("/sys/kernel/debug/kvm/exits", "re");

	if (!f)
		return -1;
	if (fscanf(f, "%lld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static struct bench_hv kvm_ops = {
	.name = "kvm",
	.hc_result = KVM_ENOSYS_32,
	.has_nop_hypercall = true,
	.kick_method = "a signal",
	.pin_method = "sched_setaffinity",
	.init = kvm_init,
	.vm_create = kvm_vm_create,
	.set_region = kvm_set_region,
	.vcpu_create = kvm_vcpu_create,
	.vcpu_setup = kvm_vcpu_setup,
	.ap_start = kvm_ap_start,
	.set_entry = kvm_set_entry,
	.run = kvm_run,
	.kernel_exits = kvm_kernel_exits,
};

int main(int argc, char **argv)
{
	return bench_main(argc, argv, &kvm_ops);
}
