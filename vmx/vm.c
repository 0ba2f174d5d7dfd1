// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's VMX state: its EPT and CPU model, and the mapping of guest
 * memory.  After a mapping goes away, INVEPT runs on every CPU, as any
 * of them may cache translations made through this EPT (SDM Vol. 3,
 * 29.4.3.1), before the pages can be unpinned.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <axvcpu/core.h>
#include <axvcpu/ept.h>
#include <axvcpu/vmx.h>

#include "insn.h"
#include "vmx_vcpu.h"

int vmx_vm_init(struct axv_vm *vm)
{
	struct vmx_vm *vvm;
	int err;

	vvm = kzalloc(sizeof(*vvm), GFP_KERNEL_ACCOUNT);
	if (!vvm)
		return -ENOMEM;
	err = ept_init(&vvm->ept, vmx_caps.features & AXV_VMX_F_EPT_2M,
		       vmx_caps.features & AXV_VMX_F_EPT_1G);
	if (err)
		goto err_free_vvm;
	err = vmx_cpuid_vm_init(vvm);
	if (err)
		goto err_destroy_ept;
	vm->arch = vvm;
	err = vmx_apicv_vm_init(vm);
	if (err)
		goto err_free_cpuid;
	return 0;

err_free_cpuid:
	vm->arch = NULL;
	kfree(vvm->cpuid);
err_destroy_ept:
	ept_destroy(&vvm->ept);
err_free_vvm:
	kfree(vvm);
	return err;
}

void vmx_vm_destroy(struct axv_vm *vm)
{
	struct vmx_vm *vvm = vm->arch;

	ept_destroy(&vvm->ept);
	vmx_apicv_vm_destroy(vvm);
	kfree(vvm->cpuid);
	kfree(vvm);
	vm->arch = NULL;
}

static void vmx_invept_local(void *eptp)
{
	if (vmx_caps.features & AXV_VMX_F_INVEPT_SINGLE)
		vmx_invept(VMX_INVEPT_SINGLE, *(u64 *)eptp);
	else
		vmx_invept(VMX_INVEPT_GLOBAL, 0);
}

static void vmx_invept_all(struct vmx_vm *vvm)
{
	u64 eptp = ept_pointer(&vvm->ept);

	on_each_cpu(vmx_invept_local, &eptp, 1);
}

/* The frames of @chunk's pages, for ept_map(), in an array the caller frees. */
static unsigned long *vmx_chunk_pfns(const struct axv_chunk *chunk,
				     unsigned long npages)
{
	unsigned long *pfns, i;

	pfns = kvmalloc_array(npages, sizeof(*pfns), GFP_KERNEL);
	for (i = 0; pfns && i < npages; i++)
		pfns[i] = page_to_pfn(chunk->pages[i]);
	return pfns;
}

int vmx_map_memory(struct axv_vm *vm, u64 gpa, const struct axv_chunk *chunk,
		   unsigned long npages, bool readonly)
{
	unsigned int perm = readonly ? EPT_R | EPT_X : EPT_R | EPT_W | EPT_X;
	struct vmx_vm *vvm = vm->arch;
	unsigned long *pfns;
	LIST_HEAD(freed);
	int err;

	if (chunk->huge) {
		err = ept_map_range(&vvm->ept, gpa, page_to_pfn(chunk->huge),
				    npages, perm, &freed);
	} else {
		pfns = vmx_chunk_pfns(chunk, npages);
		if (!pfns)
			return -ENOMEM;
		err = ept_map(&vvm->ept, gpa, pfns, npages, perm, &freed);
		kvfree(pfns);
	}
	/*
	 * A hole became memory: nothing to invalidate, since processors
	 * cache nothing from EPT entries that are not present (SDM Vol. 3C,
	 * "Guidelines for Use of the INVEPT Instruction"), and the EPT
	 * violation that led here cleared what the faulting one held.  On
	 * failure the entries made meanwhile are gone again, and so must be
	 * any translation through them before the pages are unpinned.
	 */
	if (err)
		vmx_invept_all(vvm);
	ept_free_tables(&freed);
	return err;
}

void vmx_count_mappings(struct axv_vm *vm, u64 *counts)
{
	const struct vmx_vm *vvm = vm->arch;

	BUILD_BUG_ON(EPT_NR_LEAF_SIZES > AXV_NR_MAP_SIZES);
	counts[AXV_MAP_4K] = vvm->ept.nr_leaves[EPT_LEAF_4K];
	counts[AXV_MAP_2M] = vvm->ept.nr_leaves[EPT_LEAF_2M];
	counts[AXV_MAP_1G] = vvm->ept.nr_leaves[EPT_LEAF_1G];
}

void vmx_unmap_memory(struct axv_vm *vm, u64 gpa, unsigned long npages)
{
	struct vmx_vm *vvm = vm->arch;
	LIST_HEAD(freed);

	ept_unmap(&vvm->ept, gpa, npages, &freed);
	vmx_invept_all(vvm);
	ept_free_tables(&freed);
}
