// SPDX-License-Identifier: GPL-2.0
/*
 * The VM file descriptor.  Its ioctls (memory regions, vCPUs) belong to
 * the vCPU-core issue; until then every command is refused as unknown.
 */
#include <linux/anon_inodes.h>
#include <linux/fs.h>
#include <linux/module.h>

#include <axvcpu/core.h>

#include "axvcpu.h"

static int axv_vm_fd_release(struct inode *inode, struct file *file)
{
	axv_vm_put(file->private_data);
	return 0;
}

static long axv_vm_fd_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct axv_vm *vm = file->private_data;

	return axv_refuse(-ENOTTY, "VM %u: unknown ioctl %#x", vm->id, cmd);
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
