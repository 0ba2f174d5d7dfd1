// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU file descriptor.  Every ioctl runs under the vCPU mutex, taken
 * killable, so that a vCPU is used by one thread at a time and a killed
 * process never waits on it.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <linux/axvcpu.h>
#include <axvcpu/arch.h>
#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

#include "axvcpu.h"

static int axv_vcpu_fd_release(struct inode *inode, struct file *file)
{
	axv_vm_destroy_vcpu(file->private_data);
	return 0;
}

static long axv_vcpu_get_state(struct axv_vcpu *vcpu, void __user *argp)
{
	/* A snapshot, taken without the mutex: it may change at once. */
	struct axv_vcpu_state st = {
		.state = READ_ONCE(vcpu->state),
		.flags = (READ_ONCE(vcpu->bsp) ? AXV_VCPU_STATE_F_BSP : 0) |
			 (READ_ONCE(vcpu->ran) ? AXV_VCPU_STATE_F_RAN : 0),
		.id = vcpu->id,
		.apic_id = vcpu->apic_id,
		.sipi_vector = READ_ONCE(vcpu->sipi_vector),
		.favoured_cpu = READ_ONCE(vcpu->favoured_cpu),
		.pending_ipis = axv_ipi_count(&vcpu->ipis),
	};

	if (copy_to_user(argp, &st, sizeof(st)))
		return axv_refuse(-EFAULT, "VM %u vCPU %u: AXV_GET_VCPU_STATE: bad buffer address",
				  vcpu->vm_id, vcpu->id);
	return 0;
}

static long axv_vcpu_get_stats(struct axv_vcpu *vcpu, void __user *argp)
{
	struct axv_vcpu_stats st = { .exec_ns = vcpu->exec_ns };

	BUILD_BUG_ON(sizeof(st.exits) != sizeof(vcpu->exits));
	memcpy(st.exits, vcpu->exits, sizeof(st.exits));
	axv_ipi_counters(&vcpu->ipis, &st.ipis_coalesced, &st.ipis_overflowed);
	if (copy_to_user(argp, &st, sizeof(st)))
		return axv_refuse(-EFAULT, "VM %u vCPU %u: AXV_GET_VCPU_STATS: bad buffer address",
				  vcpu->vm_id, vcpu->id);
	return 0;
}

/* Refuse an AXV_VCPU_OP, naming the op and the vCPU's state. */
static long axv_refuse_op(long err, const struct axv_vcpu *vcpu,
			  const struct axv_vcpu_op *req, const char *why)
{
	return axv_refuse(err, "VM %u vCPU %u: AXV_VCPU_OP %u (arg %#x) in state %s: %s",
			  vcpu->vm_id, vcpu->id, req->op, req->arg,
			  axv_vcpu_state_name(vcpu->state), why);
}

/*
 * In a VM with an in-kernel interrupt controller, INIT and start from
 * userspace take the guest's path, so that the controller is reset too.
 * Returns as axv_vcpu_init_ipi() and axv_vm_start_vcpu().
 */
static long axv_vcpu_op_ipi(struct axv_vcpu *vcpu, u8 kind, u8 vector)
{
	enum axv_run_state before = vcpu->state;
	struct axv_ipi ipi = {
		.kind = kind,
		.vector = vector,
		.source = vcpu->apic_id,
	};
	int err;

	if (before == AXV_VCPU_INVALID || before == AXV_VCPU_STOPPED ||
	    before == AXV_VCPU_CREATED)
		return -EINVAL;
	err = axv_ipi_deliver(&vcpu->ipis, &ipi);
	if (err)
		return err;
	vcpu->vm->virt->ops->vcpu_deliver(vcpu);
	if (kind != AXV_IPI_START)
		return 0;
	return before == AXV_VCPU_WAIT_START && vcpu->state == AXV_VCPU_FREE;
}

static long axv_vcpu_apply_op(struct axv_vcpu *vcpu,
			      const struct axv_vcpu_op *req)
{
	switch (req->op) {
	case AXV_VCPU_OP_SET_ROLE:
		if (req->arg != AXV_VCPU_ROLE_BSP && req->arg != AXV_VCPU_ROLE_AP)
			return -EINVAL;
		return axv_vm_set_vcpu_role(vcpu, req->arg == AXV_VCPU_ROLE_BSP);
	case AXV_VCPU_OP_START:
		if (req->arg > U8_MAX)
			return -EINVAL;
		if (vcpu->vm->irqchip)
			return axv_vcpu_op_ipi(vcpu, AXV_IPI_START, req->arg);
		return axv_vm_start_vcpu(vcpu, req->arg);
	}
	if (req->arg)
		return -EINVAL;
	switch (req->op) {
	case AXV_VCPU_OP_INIT:
		if (vcpu->vm->irqchip)
			return axv_vcpu_op_ipi(vcpu, AXV_IPI_INIT, 0);
		return axv_vcpu_init_ipi(vcpu);
	case AXV_VCPU_OP_PAUSE:
		return axv_vcpu_pause(vcpu);
	case AXV_VCPU_OP_RESUME:
		return axv_vcpu_resume(vcpu);
	case AXV_VCPU_OP_STOP:
		return axv_vcpu_stop(vcpu);
	default:
		return -EINVAL;
	}
}

static long axv_vcpu_op(struct axv_vcpu *vcpu, void __user *argp)
{
	struct axv_vcpu_op req;
	unsigned int i;
	long ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return axv_refuse(-EFAULT, "VM %u vCPU %u: AXV_VCPU_OP: bad argument address",
				  vcpu->vm_id, vcpu->id);
	for (i = 0; i < ARRAY_SIZE(req.reserved); i++)
		if (req.reserved[i])
			return axv_refuse_op(-EINVAL, vcpu, &req,
					     "reserved field not 0");

	ret = axv_vcpu_apply_op(vcpu, &req);
	switch (ret) {
	case -EINVAL:
		return axv_refuse_op(ret, vcpu, &req,
				     "unknown op, bad argument, or not in this state");
	case -EALREADY:
		return axv_refuse_op(ret, vcpu, &req, "already paused");
	case -EBUSY:
		return axv_refuse_op(ret, vcpu, &req, "the vCPU has run");
	case -EEXIST:
		return axv_refuse_op(ret, vcpu, &req, "the VM has a BSP");
	default:
		return ret;
	}
}

static long axv_vcpu_interrupt(struct axv_vcpu *vcpu, void __user *argp)
{
	struct axv_interrupt irq;
	long ret;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return axv_refuse(-EFAULT, "VM %u vCPU %u: AXV_INTERRUPT: bad argument address",
				  vcpu->vm_id, vcpu->id);
	if ((irq.flags & ~AXV_INTERRUPT_F_NMI) ||
	    memchr_inv(irq.reserved, 0, sizeof(irq.reserved)))
		return axv_refuse(-EINVAL, "VM %u vCPU %u: AXV_INTERRUPT: bad flags or reserved",
				  vcpu->vm_id, vcpu->id);
	ret = axv_vcpu_inject(vcpu, irq.vector,
			      irq.flags & AXV_INTERRUPT_F_NMI);
	if (ret)
		return axv_refuse(ret, "VM %u vCPU %u: AXV_INTERRUPT vector %u: %s",
				  vcpu->vm_id, vcpu->id, irq.vector,
				  ret == -EBUSY ? "an interrupt is already pending" :
				  "bad vector, or the vCPU is stopped");
	return 0;
}

/*
 * AXV_RUN: one thread at a time; a second gets EBUSY rather than waiting
 * behind the first for as long as its guest runs.
 */
static long axv_vcpu_run_ioctl(struct axv_vcpu *vcpu, unsigned long arg)
{
	long ret;

	if (arg)
		return axv_refuse(-EINVAL, "VM %u vCPU %u: AXV_RUN: argument %#lx is not 0",
				  vcpu->vm_id, vcpu->id, arg);
	if (current->mm != vcpu->vm->mm)
		return axv_refuse(-EIO, "VM %u vCPU %u: AXV_RUN from another process",
				  vcpu->vm_id, vcpu->id);
	if (atomic_cmpxchg(&vcpu->in_run, 0, 1))
		return axv_refuse(-EBUSY, "VM %u vCPU %u: AXV_RUN: another thread runs it",
				  vcpu->vm_id, vcpu->id);
	if (mutex_lock_killable(&vcpu->mutex)) {
		atomic_set(&vcpu->in_run, 0);
		return -EINTR;
	}
	ret = axv_vcpu_run(vcpu);
	if (ret == -EINVAL)
		ret = axv_refuse(ret, "VM %u vCPU %u: AXV_RUN in state %s, or no allowed CPU up",
				 vcpu->vm_id, vcpu->id,
				 axv_vcpu_state_name(vcpu->state));
	mutex_unlock(&vcpu->mutex);
	atomic_set(&vcpu->in_run, 0);
	return ret;
}

static long axv_vcpu_fd_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct axv_vcpu *vcpu = file->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (cmd == AXV_RUN)
		return axv_vcpu_run_ioctl(vcpu, arg);
	/* The state is readable while another thread runs the vCPU. */
	if (cmd == AXV_GET_VCPU_STATE)
		return axv_vcpu_get_state(vcpu, argp);
	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (cmd) {
	case AXV_GET_VCPU_STATS:
		ret = axv_vcpu_get_stats(vcpu, argp);
		break;
	case AXV_VCPU_OP:
		ret = axv_vcpu_op(vcpu, argp);
		break;
	case AXV_INTERRUPT:
		ret = axv_vcpu_interrupt(vcpu, argp);
		break;
	default:
		ret = vcpu->vm->virt->ops->vcpu_ioctl(vcpu, cmd, arg);
		if (ret == -ENOTTY)
			ret = axv_refuse(-ENOTTY, "VM %u vCPU %u: unknown ioctl %#x",
					 vcpu->vm_id, vcpu->id, cmd);
	}
	mutex_unlock(&vcpu->mutex);
	return ret;
}

/* The run structure, the one page of the mapping. */
static vm_fault_t axv_vcpu_fault(struct vm_fault *vmf)
{
	struct axv_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	if (vmf->pgoff)
		return VM_FAULT_SIGBUS;
	page = virt_to_page(vcpu->run);
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct axv_vcpu_vm_ops = {
	.fault = axv_vcpu_fault,
};

static int axv_vcpu_fd_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct axv_vcpu *vcpu = file->private_data;

	if (vma->vm_pgoff || vma_pages(vma) != 1)
		return axv_refuse(-EINVAL, "VM %u vCPU %u: mmap: only one page at offset 0",
				  vcpu->vm_id, vcpu->id);
	vma->vm_ops = &axv_vcpu_vm_ops;
	return 0;
}

static const struct file_operations axv_vcpu_fops = {
	.owner = THIS_MODULE,
	.release = axv_vcpu_fd_release,
	.unlocked_ioctl = axv_vcpu_fd_ioctl,
	.mmap = axv_vcpu_fd_mmap,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* The file owns the vCPU; closing it destroys the vCPU. */
int axv_vcpu_fd_create(struct axv_vcpu *vcpu)
{
	return anon_inode_getfd("axvcpu-vcpu", &axv_vcpu_fops, vcpu,
				O_RDWR | O_CLOEXEC);
}
