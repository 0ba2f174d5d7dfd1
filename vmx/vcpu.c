// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's VMX state: its VMCS (SDM Vol. 3, 24.2), VPID, virtual-APIC
 * page and guest FPU area.  A VMCS region holds the revision identifier
 * in bits 30:0 of its first word and must be VMCLEARed before its first
 * VMPTRLD, which also sets its launch state to "clear" (24.11.3).  It is
 * filled once here, and keeps the guest's state from then on.
 */
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <asm/fpu/xstate.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "insn.h"
#include "vmcs.h"
#include "vmx_vcpu.h"

/* VPID 0 is the host's (28.1); guests get 1 to 65535. */
static DEFINE_IDA(vmx_vpids);

/* The FPU state after reset: x87 control word 0x37f, MXCSR 0x1f80. */
static void vmx_reset_fpu(struct vmx_vcpu *vmx)
{
	u16 fcw = 0x37f;
	u32 mxcsr = 0x1f80;

	memset(vmx->xsave, 0, PAGE_SIZE);
	memcpy(vmx->xsave, &fcw, sizeof(fcw));
	memcpy(vmx->xsave + 24, &mxcsr, sizeof(mxcsr));
	vmx->xcr0 = XFEATURE_MASK_FP;
}

int vmx_vcpu_setup(struct axv_vcpu *vcpu)
{
	struct vmx_vm *vm = vcpu->vm->arch;
	struct vmx_vcpu *vmx;
	int err;

	vmx = kzalloc(sizeof(*vmx), GFP_KERNEL_ACCOUNT);
	if (!vmx)
		return -ENOMEM;
	vmx->vcpu = vcpu;
	vmx->cpu = -1;
	vmx->in_guest = -1;
	INIT_LIST_HEAD(&vmx->loaded_node);
	/* The BSP flag is the role's; vmx_apic_base() puts it in. */
	vmx->apic_base = APIC_BASE_DEFAULT | APIC_BASE_ENABLE;

	vmx->vmcs = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vmx->vmcs) {
		err = -ENOMEM;
		goto err_free_vmx;
	}
	vmx->vmcs_pa = page_to_phys(vmx->vmcs);
	*(u32 *)page_address(vmx->vmcs) = vmx_caps.revision;

	vmx->xsave = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->xsave) {
		err = -ENOMEM;
		goto err_free_vmcs;
	}
	vmx_reset_fpu(vmx);

	if (vmx_caps.proc & CPU_BASED_TPR_SHADOW) {
		vmx->vapic = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!vmx->vapic) {
			err = -ENOMEM;
			goto err_free_xsave;
		}
	}
	if (vmx_caps.proc2 & SECONDARY_EXEC_ENABLE_VPID) {
		err = ida_alloc_range(&vmx_vpids, 1, 0xffff, GFP_KERNEL);
		if (err < 0)
			goto err_free_vapic;
		vmx->vpid = err;
	}

	/* Any CPU will do: every online CPU is in VMX operation. */
	preempt_disable();
	if (!vmx_vmclear(vmx->vmcs_pa)) {
		preempt_enable();
		pr_warn_ratelimited("VM %u vCPU %u: VMCLEAR of a new VMCS failed\n",
				    vcpu->vm_id, vcpu->id);
		err = -EIO;
		goto err_free_vpid;
	}
	preempt_enable();
	err = vmx_apic_create(vmx);
	if (err)
		goto err_free_vpid;
	err = vmx_apicv_vcpu_init(vmx);
	if (err)
		goto err_destroy_apic;
	vcpu->arch = vmx;

	vmx_vcpu_get(vmx);
	vmx_vmcs_setup(vmx, ept_pointer(&vm->ept));
	vmx_vcpu_put(vmx);
	return 0;

err_destroy_apic:
	vmx_apic_destroy(vmx);
err_free_vpid:
	if (vmx->vpid)
		ida_free(&vmx_vpids, vmx->vpid);
err_free_vapic:
	if (vmx->vapic)
		__free_page(vmx->vapic);
err_free_xsave:
	free_page((unsigned long)vmx->xsave);
err_free_vmcs:
	__free_page(vmx->vmcs);
err_free_vmx:
	kfree(vmx);
	return err;
}

void vmx_vcpu_destroy(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = vcpu->arch;

	/* No CPU may hold the VMCS when its memory goes back. */
	vmx_vcpu_unload(vmx);
	vmx_apicv_vcpu_destroy(vmx);
	vmx_apic_destroy(vmx);
	if (vmx->vpid)
		ida_free(&vmx_vpids, vmx->vpid);
	if (vmx->vapic)
		__free_page(vmx->vapic);
	free_page((unsigned long)vmx->xsave);
	__free_page(vmx->vmcs);
	kfree(vmx);
	vcpu->arch = NULL;
}

void vmx_vcpu_reset(struct axv_vcpu *vcpu, u8 sipi_vector)
{
	struct vmx_vcpu *vmx = vcpu->arch;

	vmx_vcpu_get(vmx);
	vmx_vmcs_reset_guest(vmx, true, sipi_vector);
	vmx_vcpu_put(vmx);
	vmx_reset_fpu(vmx);
	vmx->ext_pending = false;
	vmx->nmi_pending = false;
	vmx->halted = false;
	vmx->event.valid = false;
	vmx->pending = VMX_PENDING_NONE;
}
