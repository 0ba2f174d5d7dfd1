// SPDX-License-Identifier: GPL-2.0
/*
 * The VM file descriptor: vCPU creation.  Every field of a request is
 * checked here, at the ABI boundary, before the core sees it.
 */
#include <linux/anon_inodes.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <linux/axvcpu.h>
#include <axvcpu/arch.h>
#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

#include "axvcpu.h"

/* AXV_SET_MEMORY_REGION flags known to this version. */
#define AXV_MEM_VALID_FLAGS		AXV_MEM_READONLY

/* AXV_CREATE_VCPU flags; none are defined in API version 1. */
#define AXV_VCPU_CREATE_VALID_FLAGS	0U

/* Refuse the ioctl named @what on @vm, saying why. */
#define axv_refuse_vm(err, vm, what, fmt, ...)				\
	axv_refuse(err, "VM %u: " what ": " fmt, (vm)->id, ##__VA_ARGS__)

static int axv_vm_fd_release(struct inode *inode, struct file *file)
{
	axv_vm_put(file->private_data);
	return 0;
}

/*
 * Read an allowed-CPU bitmap of @size bytes (at most AXV_CPU_BITMAP_MAX).
 * All of it must be readable; bits past the host's CPUs are ignored.
 */
static int axv_get_user_cpumask(u64 uaddr, u32 size, struct cpumask *mask)
{
	void *bits;

	bits = memdup_user(u64_to_user_ptr(uaddr), size);
	if (IS_ERR(bits))
		return PTR_ERR(bits);
	cpumask_clear(mask);
	memcpy(cpumask_bits(mask), bits, min_t(u32, size, cpumask_size()));
	kfree(bits);
	return 0;
}

#define CREATE_VCPU	"AXV_CREATE_VCPU"

static int axv_vm_check_vcpu_create(struct axv_vm *vm,
				    const struct axv_vcpu_create *req)
{
	unsigned int i;

	if (req->flags & ~AXV_VCPU_CREATE_VALID_FLAGS)
		return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
				     "unknown flags %#x", req->flags);
	for (i = 0; i < ARRAY_SIZE(req->reserved); i++)
		if (req->reserved[i])
			return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
					     "reserved[%u] is not 0", i);
	if (req->role > AXV_VCPU_ROLE_AP)
		return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
				     "unknown role %u", req->role);
	if (req->id >= AXV_MAX_VCPUS)
		return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
				     "id %u is not below %u", req->id,
				     AXV_MAX_VCPUS);
	if (req->apic_id > AXV_VCPU_MAX_APIC_ID)
		return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
				     "APIC ID %#x is above %#x", req->apic_id,
				     AXV_VCPU_MAX_APIC_ID);
	if (req->allowed_cpus_size % 8 ||
	    req->allowed_cpus_size > AXV_CPU_BITMAP_MAX ||
	    !req->allowed_cpus != !req->allowed_cpus_size)
		return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
				     "allowed-CPU bitmap of %u bytes at %#llx",
				     req->allowed_cpus_size, req->allowed_cpus);
	if (req->favoured_cpu < -1)
		return axv_refuse_vm(-EINVAL, vm, CREATE_VCPU,
				     "favoured CPU %d", req->favoured_cpu);
	return 0;
}

static long axv_vm_create_vcpu_ioctl(struct axv_vm *vm, void __user *argp)
{
	struct axv_vcpu_create req;
	struct axv_vcpu_config cfg;
	cpumask_var_t allowed;
	struct axv_vcpu *vcpu;
	int err, fd;

	if (copy_from_user(&req, argp, sizeof(req)))
		return axv_refuse_vm(-EFAULT, vm, CREATE_VCPU,
				     "bad argument address");
	err = axv_vm_check_vcpu_create(vm, &req);
	if (err)
		return err;

	cfg = (struct axv_vcpu_config){
		.id = req.id,
		.apic_id = req.apic_id,
		.role = req.role,
		.favoured_cpu = req.favoured_cpu,
	};
	if (!zalloc_cpumask_var(&allowed, GFP_KERNEL))
		return -ENOMEM;
	if (req.allowed_cpus) {
		err = axv_get_user_cpumask(req.allowed_cpus,
					   req.allowed_cpus_size, allowed);
		if (err) {
			free_cpumask_var(allowed);
			if (err != -EFAULT)
				return err;
			return axv_refuse_vm(err, vm, CREATE_VCPU,
					     "bad allowed-CPU bitmap address");
		}
		cfg.allowed = allowed;
	}
	vcpu = axv_vm_create_vcpu(vm, &cfg);
	free_cpumask_var(allowed);
	err = PTR_ERR_OR_ZERO(vcpu);
	if (err == -EEXIST)
		return axv_refuse_vm(err, vm, CREATE_VCPU,
				     "id %u, APIC ID %u or the BSP role is taken",
				     req.id, req.apic_id);
	if (err == -EINVAL)
		return axv_refuse_vm(err, vm, CREATE_VCPU,
				     "no possible CPU allowed, or CPU %d not allowed",
				     req.favoured_cpu);
	if (err)
		return err;

	fd = axv_vcpu_fd_create(vcpu);
	if (fd < 0) {
		axv_vm_destroy_vcpu(vcpu);
		return axv_refuse_vm(fd, vm, CREATE_VCPU,
				     "no file descriptor (%d)", fd);
	}
	return fd;
}

#define SET_MEM	"AXV_SET_MEMORY_REGION"

static long axv_vm_set_memory_region(struct axv_vm *vm, void __user *argp)
{
	struct axv_memory_region req;
	struct axv_memslot mem;
	unsigned int i;
	int err;

	if (copy_from_user(&req, argp, sizeof(req)))
		return axv_refuse_vm(-EFAULT, vm, SET_MEM, "bad argument address");
	if (req.flags & ~AXV_MEM_VALID_FLAGS)
		return axv_refuse_vm(-EINVAL, vm, SET_MEM, "unknown flags %#x",
				     req.flags);
	for (i = 0; i < ARRAY_SIZE(req.reserved); i++)
		if (req.reserved[i])
			return axv_refuse_vm(-EINVAL, vm, SET_MEM,
					     "reserved[%u] is not 0", i);

	mem = (struct axv_memslot){
		.gpa = req.guest_phys_addr,
		.size = req.size,
		.uaddr = req.userspace_addr,
		.flags = req.flags,
	};
	err = axv_vm_check_memslot(vm, req.slot, &mem);
	if (err)
		return axv_refuse_vm(err, vm, SET_MEM,
				     "slot %u, guest %#llx+%#llx, user %#llx: out of range or unaligned",
				     req.slot, req.guest_phys_addr, req.size,
				     req.userspace_addr);
	if (!access_ok(u64_to_user_ptr(req.userspace_addr), req.size))
		return axv_refuse_vm(-EFAULT, vm, SET_MEM,
				     "user range %#llx+%#llx is not the caller's",
				     req.userspace_addr, req.size);
	err = axv_memslot_prepare(vm, &mem);
	if (err)
		return axv_refuse_vm(err, vm, SET_MEM,
				     "user %#llx+%#llx: %s (%d)",
				     req.userspace_addr, req.size,
				     err == -ENOMEM ? "over RLIMIT_MEMLOCK or out of memory" :
				     "caller is not the VM's process", err);
	err = axv_vm_set_memslot(vm, req.slot, &mem);
	if (err) {
		axv_memslot_release(vm, &mem);
		return axv_refuse_vm(err, vm, SET_MEM,
				     "slot %u, guest %#llx+%#llx: %s",
				     req.slot, req.guest_phys_addr, req.size,
				     err == -EEXIST ?
				     "slot in use, or overlaps a region or the APIC-access page" :
				     "cannot map");
	}
	return 0;
}

static long axv_vm_delete_memory_region(struct axv_vm *vm, unsigned long slot)
{
	int err = axv_vm_delete_memslot(vm, slot);

	if (err)
		return axv_refuse_vm(err, vm, "AXV_DELETE_MEMORY_REGION",
				     "slot %lu is %s", slot,
				     err == -ENOENT ? "free" : "out of range");
	return 0;
}

static long axv_vm_kick_vcpus(struct axv_vm *vm, void __user *argp)
{
	struct axv_kick req;
	unsigned int i;

	if (copy_from_user(&req, argp, sizeof(req)))
		return axv_refuse_vm(-EFAULT, vm, "AXV_KICK_VCPUS",
				     "bad argument address");
	if (memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return axv_refuse_vm(-EINVAL, vm, "AXV_KICK_VCPUS",
				     "reserved field not 0");
	/* vm->lock keeps the vCPUs from going away while they are kicked. */
	mutex_lock(&vm->lock);
	for (i = 0; i < AXV_MAX_VCPUS; i++)
		if ((req.vcpus & BIT_ULL(i)) && vm->vcpus[i])
			axv_vcpu_kick(vm->vcpus[i]);
	mutex_unlock(&vm->lock);
	return 0;
}

static long axv_vm_get_stats_ioctl(struct axv_vm *vm, void __user *argp)
{
	struct axv_vm_stats st;

	axv_vm_get_stats(vm, &st);
	if (copy_to_user(argp, &st, sizeof(st)))
		return axv_refuse_vm(-EFAULT, vm, "AXV_GET_VM_STATS",
				     "bad buffer address");
	return 0;
}

static long axv_vm_fd_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct axv_vm *vm = file->private_data;
	long ret;

	switch (cmd) {
	case AXV_CREATE_VCPU:
		return axv_vm_create_vcpu_ioctl(vm, (void __user *)arg);
	case AXV_SET_MEMORY_REGION:
		return axv_vm_set_memory_region(vm, (void __user *)arg);
	case AXV_DELETE_MEMORY_REGION:
		return axv_vm_delete_memory_region(vm, arg);
	case AXV_KICK_VCPUS:
		return axv_vm_kick_vcpus(vm, (void __user *)arg);
	case AXV_GET_VM_STATS:
		return axv_vm_get_stats_ioctl(vm, (void __user *)arg);
	default:
		ret = vm->virt->ops->vm_ioctl(vm, cmd, arg);
		if (ret == -ENOTTY)
			return axv_refuse(-ENOTTY, "VM %u: unknown ioctl %#x",
					  vm->id, cmd);
		return ret;
	}
}

static const struct file_operations axv_vm_fops = {
	.owner = THIS_MODULE,
	.release = axv_vm_fd_release,
	.unlocked_ioctl = axv_vm_fd_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/*
 * The file takes over the caller's reference; anon_inode_getfd() pins
 * this module through .owner, so it cannot be unloaded while a VM fd is
 * open.
 */
int axv_vm_fd_create(struct axv_vm *vm)
{
	return anon_inode_getfd("axvcpu-vm", &axv_vm_fops, vm,
				O_RDWR | O_CLOEXEC);
}
