// SPDX-License-Identifier: GPL-2.0
/*
 * The VM object of the architecture-neutral core.  A VM holds
 * virtualization on for as long as it exists.
 */
#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include <axvcpu/arch.h>
#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

static atomic_t axv_vm_next_id = ATOMIC_INIT(0);

struct axv_vm *axv_vm_create(struct axv_virt *virt, bool irqchip)
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
	mutex_init(&vm->mem_mutex);
	spin_lock_init(&vm->mem_lock);
	vm->virt = virt;
	vm->id = atomic_inc_return(&axv_vm_next_id);
	vm->irqchip = irqchip;
	err = virt->ops->vm_init(vm);
	if (err)
		goto err_put_virt;
	/* Guest memory comes from, and is charged to, this address space. */
	if (current->mm) {
		mmgrab(current->mm);
		vm->mm = current->mm;
	}
	return vm;

err_put_virt:
	mutex_destroy(&vm->mem_mutex);
	mutex_destroy(&vm->lock);
	axv_virt_put(virt);
err_free_vm:
	kfree(vm);
	return ERR_PTR(err);
}

static void axv_vm_release(struct kref *ref)
{
	struct axv_vm *vm = container_of(ref, struct axv_vm, ref);
	unsigned int i;

	/* Every vCPU holds a reference: none can be left. */
	for (i = 0; i < AXV_MAX_VCPUS; i++)
		WARN_ON_ONCE(vm->vcpus[i]);
	for (i = 0; i < AXV_MAX_MEMSLOTS; i++)
		if (vm->memslots[i].size)
			axv_vm_delete_memslot(vm, i);

	vm->virt->ops->vm_destroy(vm);
	if (vm->mm)
		mmdrop(vm->mm);
	axv_virt_put(vm->virt);
	mutex_destroy(&vm->mem_mutex);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

void axv_vm_put(struct axv_vm *vm)
{
	kref_put(&vm->ref, axv_vm_release);
}

/* Why @cfg cannot join @vm as it stands, or 0.  vm->lock held. */
static int axv_vm_check_vcpu(struct axv_vm *vm,
			     const struct axv_vcpu_config *cfg, bool bsp)
{
	unsigned int i;

	lockdep_assert_held(&vm->lock);
	if (vm->vcpus[cfg->id])
		return -EEXIST;
	for (i = 0; i < AXV_MAX_VCPUS; i++) {
		const struct axv_vcpu *other = vm->vcpus[i];

		if (!other)
			continue;
		if (other->apic_id == cfg->apic_id || (bsp && other->bsp))
			return -EEXIST;
	}
	return 0;
}

static const struct axv_arch_ops *axv_vm_ops(const struct axv_vm *vm)
{
	return vm->virt->ops;
}

/* The backend's part of setting a vCPU up, run under its transition. */
static int axv_vm_vcpu_arch_setup(struct axv_vcpu *vcpu, void *unused)
{
	return axv_vm_ops(vcpu->vm)->vcpu_setup(vcpu);
}

static void axv_vm_vcpu_free(struct axv_vcpu *vcpu)
{
	if (vcpu->arch)
		axv_vm_ops(vcpu->vm)->vcpu_destroy(vcpu);
	axv_vcpu_destroy(vcpu);
	kfree(vcpu);
}

struct axv_vcpu *axv_vm_create_vcpu(struct axv_vm *vm,
				    const struct axv_vcpu_config *cfg)
{
	bool bsp = cfg->role == AXV_ROLE_BSP ||
		   (cfg->role == AXV_ROLE_DEFAULT && cfg->id == 0);
	struct axv_vcpu *vcpu;
	int err;

	if (cfg->id >= AXV_MAX_VCPUS || cfg->role > AXV_ROLE_AP)
		return ERR_PTR(-EINVAL);

	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return ERR_PTR(-ENOMEM);
	err = axv_vcpu_init(vcpu, vm->id, cfg->id, cfg->apic_id, bsp);
	if (err)
		goto err_free_vcpu;
	/* The VM is held from here: the backend's setup needs it. */
	kref_get(&vm->ref);
	vcpu->vm = vm;

	mutex_lock(&vcpu->mutex);
	if (cfg->allowed || cfg->favoured_cpu != -1)
		err = axv_vcpu_set_affinity(vcpu, cfg->favoured_cpu,
					    cfg->allowed ?: cpu_possible_mask);
	/* The BSP becomes free to run, an AP waits for a start. */
	if (!err)
		err = axv_vcpu_setup(vcpu, axv_vm_vcpu_arch_setup, NULL);
	mutex_unlock(&vcpu->mutex);
	if (err)
		goto err_free_vcpu_put_vm;

	mutex_lock(&vm->lock);
	err = axv_vm_check_vcpu(vm, cfg, bsp);
	if (!err)
		vm->vcpus[cfg->id] = vcpu;
	mutex_unlock(&vm->lock);
	if (err)
		goto err_free_vcpu_put_vm;
	return vcpu;

err_free_vcpu_put_vm:
	axv_vm_vcpu_free(vcpu);
	axv_vm_put(vm);
	return ERR_PTR(err);
err_free_vcpu:
	kfree(vcpu);
	return ERR_PTR(err);
}

void axv_vm_destroy_vcpu(struct axv_vcpu *vcpu)
{
	struct axv_vm *vm = vcpu->vm;

	mutex_lock(&vm->lock);
	WARN_ON_ONCE(vm->vcpus[vcpu->id] != vcpu);
	vm->vcpus[vcpu->id] = NULL;
	mutex_unlock(&vm->lock);

	axv_vm_vcpu_free(vcpu);
	axv_vm_put(vm);
}

int axv_vm_set_vcpu_role(struct axv_vcpu *vcpu, bool bsp)
{
	struct axv_vm *vm = vcpu->vm;
	unsigned int i;
	int err;

	lockdep_assert_held(&vcpu->mutex);
	mutex_lock(&vm->lock);
	for (i = 0; bsp && i < AXV_MAX_VCPUS; i++) {
		if (vm->vcpus[i] && vm->vcpus[i] != vcpu && vm->vcpus[i]->bsp) {
			err = -EEXIST;
			goto out_unlock;
		}
	}
	err = axv_vcpu_set_bsp(vcpu, bsp);
out_unlock:
	mutex_unlock(&vm->lock);
	return err;
}

int axv_vm_start_vcpu(struct axv_vcpu *vcpu, u8 vector)
{
	int started = axv_vcpu_start(vcpu, vector);

	if (started == 1)
		axv_vm_ops(vcpu->vm)->vcpu_reset(vcpu, vector);
	return started;
}
