// SPDX-License-Identifier: GPL-2.0
/*
 * The VM object of the architecture-neutral core.  A VM holds
 * virtualization on for as long as it exists.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/slab.h>

#include <axvcpu/core.h>

static atomic_t axv_vm_next_id = ATOMIC_INIT(0);

struct axv_vm *axv_vm_create(struct axv_virt *virt)
{
	struct axv_vm *vm;
	int err;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	err = axv_virt_get(virt);
	if (err)
		goto err_free_vm;

	kref_init(&vm->ref);
	mutex_init(&vm->lock);
	vm->virt = virt;
	vm->id = atomic_inc_return(&axv_vm_next_id);
	return vm;

err_free_vm:
	kfree(vm);
	return ERR_PTR(err);
}

static void axv_vm_release(struct kref *ref)
{
	struct axv_vm *vm = container_of(ref, struct axv_vm, ref);

	axv_virt_put(vm->virt);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

void axv_vm_put(struct axv_vm *vm)
{
	kref_put(&vm->ref, axv_vm_release);
}
