// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's VMX state: its VMCS (SDM Vol. 3, 24.2).  A VMCS region holds
 * the revision identifier in bits 30:0 of its first word and must be
 * VMCLEARed before its first VMPTRLD, which also sets its launch state
 * to "clear" (24.11.3).
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "insn.h"

/**
 * struct vmx_vcpu - the VMX backend's part of a vCPU.
 * @vmcs: the VMCS region, one page.
 */
struct vmx_vcpu {
	struct page *vmcs;
};

int vmx_vcpu_setup(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx;
	bool cleared;
	int err;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->vmcs = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vmx->vmcs) {
		err = -ENOMEM;
		goto err_free_vmx;
	}
	*(u32 *)page_address(vmx->vmcs) = vmx_caps.revision;

	/* Any CPU will do: every online CPU is in VMX operation. */
	preempt_disable();
	cleared = vmx_vmclear(page_to_phys(vmx->vmcs));
	preempt_enable();
	if (!cleared) {
		pr_warn_ratelimited("VM %u vCPU %u: VMCLEAR of a new VMCS failed\n",
				    vcpu->vm_id, vcpu->id);
		err = -EIO;
		goto err_free_vmcs;
	}
	vcpu->arch = vmx;
	return 0;

err_free_vmcs:
	__free_page(vmx->vmcs);
err_free_vmx:
	kfree(vmx);
	return err;
}

void vmx_vcpu_destroy(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = vcpu->arch;

	/* Never loaded on a CPU yet, so no CPU holds it: free it. */
	__free_page(vmx->vmcs);
	kfree(vmx);
	vcpu->arch = NULL;
}
