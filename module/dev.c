// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/axvcpu: the system ioctls (API version, capabilities, VM creation).
 */
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <linux/axvcpu.h>
#include <axvcpu/arch.h>
#include <axvcpu/core.h>

#include "axvcpu.h"

/*
 * The ABI's layouts are frozen: any change of size or offset is a bug.
 * 32-bit userspace sees the same layouts (only __u* types, explicit
 * padding), so compat_ptr_ioctl() is all the compat support needed.
 */
static_assert(sizeof(struct axv_vmx_caps) == 208);
static_assert(offsetof(struct axv_vmx_caps, pin_used) == 120);
static_assert(offsetof(struct axv_vmx_caps, reserved) == 144);
static_assert(sizeof(struct axv_vcpu_create) == 64);
static_assert(offsetof(struct axv_vcpu_create, allowed_cpus) == 16);
static_assert(offsetof(struct axv_vcpu_create, reserved) == 32);
static_assert(sizeof(struct axv_vcpu_state) == 64);
static_assert(offsetof(struct axv_vcpu_state, reserved) == 32);
static_assert(sizeof(struct axv_vcpu_stats) == 568);
static_assert(sizeof(struct axv_memory_region) == 64);
static_assert(sizeof(struct axv_vcpu_op) == 32);
static_assert(offsetof(struct axv_memory_region, userspace_addr) == 24);
static_assert(offsetof(struct axv_vcpu_stats, exits) == 24);
static_assert(offsetof(struct axv_vcpu_stats, reserved) == 536);
static_assert(sizeof(struct axv_run) == 2624);
static_assert(offsetof(struct axv_run, io) == 64);
static_assert(offsetof(struct axv_run, data) == 576);
static_assert(sizeof(struct axv_regs) == 176);
static_assert(sizeof(struct axv_segment) == 32);
static_assert(sizeof(struct axv_sregs) == 408);
static_assert(sizeof(struct axv_fpu) == 4160);
static_assert(offsetof(struct axv_fpu, xsave) == 64);
static_assert(sizeof(struct axv_msr_entry) == 16);
static_assert(sizeof(struct axv_msrs) == 8);
static_assert(sizeof(struct axv_events) == 32);
static_assert(sizeof(struct axv_interrupt) == 32);
static_assert(sizeof(struct axv_traps) == 32);
static_assert(sizeof(struct axv_cpuid_entry) == 40);
static_assert(sizeof(struct axv_cpuid) == 8);
static_assert(sizeof(struct axv_kick) == 32);
static_assert(sizeof(struct axv_irq) == 32);
static_assert(sizeof(struct axv_lapic_state) == 1088);
static_assert(sizeof(struct axv_vm_stats) == 128);
static_assert(offsetof(struct axv_vm_stats, mappings) == 32);
static_assert(offsetof(struct axv_vm_stats, reserved) == 64);

static long axv_dev_check_extension(unsigned long cap)
{
	switch (cap) {
	case AXV_CAP_MAX_VCPUS:
		return AXV_MAX_VCPUS;
	case AXV_CAP_NR_MEMSLOTS:
		return AXV_MAX_MEMSLOTS;
	case AXV_CAP_GPA_BITS:
		return axv_arch_ops.gpa_bits;
	case AXV_CAP_RUN:
	case AXV_CAP_KICK:
	case AXV_CAP_VM_STATS:
		return 1;
	default:
		if (cap > U32_MAX)
			return 0;
		return axv_arch_ops.check_extension(cap);
	}
}

static long axv_dev_create_vm(unsigned long flags)
{
	struct axv_vm *vm;
	int fd;

	if (flags & ~AXV_VM_F_ALL)
		return axv_refuse(-EINVAL, "AXV_CREATE_VM: unknown flags %#lx",
				  flags & ~AXV_VM_F_ALL);
	if ((flags & AXV_VM_F_LAPIC) &&
	    axv_arch_ops.check_extension(AXV_CAP_LAPIC) <= 0)
		return axv_refuse(-EINVAL, "AXV_CREATE_VM: AXV_VM_F_LAPIC without AXV_CAP_LAPIC");

	vm = axv_vm_create(&axv_virt, flags & AXV_VM_F_LAPIC);
	if (IS_ERR(vm))
		return axv_refuse(PTR_ERR(vm),
				  "AXV_CREATE_VM: cannot turn virtualization on (%ld)",
				  PTR_ERR(vm));

	fd = axv_vm_fd_create(vm);
	if (fd < 0) {
		axv_vm_put(vm);
		return axv_refuse(fd, "AXV_CREATE_VM: no file descriptor (%d)",
				  fd);
	}
	return fd;
}

static long axv_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	long ret;

	switch (cmd) {
	case AXV_GET_API_VERSION:
		if (arg)
			return axv_refuse(-EINVAL,
					  "AXV_GET_API_VERSION: argument %#lx is not 0",
					  arg);
		return AXV_API_VERSION;
	case AXV_CHECK_EXTENSION:
		return axv_dev_check_extension(arg);
	case AXV_CREATE_VM:
		return axv_dev_create_vm(arg);
	case AXV_GET_VCPU_MMAP_SIZE:
		if (arg)
			return axv_refuse(-EINVAL,
					  "AXV_GET_VCPU_MMAP_SIZE: argument %#lx is not 0",
					  arg);
		return PAGE_SIZE;
	}

	ret = axv_arch_ops.dev_ioctl(cmd, arg);
	if (ret == -ENOTTY)
		return axv_refuse(-ENOTTY, "/dev/axvcpu: unknown ioctl %#x", cmd);
	return ret;
}

static const struct file_operations axv_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = axv_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* Mode 0600; tools/udev/60-axvcpu.rules hands it to a group. */
static struct miscdevice axv_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "axvcpu",
	.fops = &axv_dev_fops,
	.mode = 0600,
};

int axv_dev_register(void)
{
	return misc_register(&axv_misc);
}

void axv_dev_unregister(void)
{
	misc_deregister(&axv_misc);
}
