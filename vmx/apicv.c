// SPDX-License-Identifier: GPL-2.0
/*
 * APIC virtualization (SDM Vol. 3, chapter 29) for the in-kernel local
 * APIC, where the processor offers it: virtualize APIC accesses,
 * APIC-register virtualization and virtual-interrupt delivery, all three
 * or none.  While a vCPU's APIC is enabled in xAPIC mode at the default
 * base, the guest reads most registers from the register page (which is
 * the virtual-APIC page) without exits, its TPR and EOI writes cause
 * none, the writes that have side effects exit after the fact (APIC-write
 * exits) and the processor delivers pending interrupts itself from the
 * page's IRR (RVI) when the guest can take them.  In every other state
 * (x2APIC, disabled, relocated) the controls are off and vmx/apic.c's
 * emulation does all of it.  Posted interrupts are not used.
 *
 * The APIC-access page is one zeroed page per VM, mapped by EPT at the
 * default APIC base: only the guest-physical address matters to the
 * processor, and a guest that reaches the page as memory (the controls
 * off) touches nothing but it.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

static bool apicv = true;
module_param(apicv, bool, 0444);
MODULE_PARM_DESC(apicv, "Use APIC virtualization for the in-kernel local APIC where the CPU offers it (default: on)");

#define VMX_APICV_CTLS	(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES | \
			 SECONDARY_EXEC_APIC_REGISTER_VIRT | \
			 SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)

/* Exit qualification of an APIC-access exit (28.2.1, Table 28-6). */
#define VMX_APIC_OFFSET(q)	((q) & 0xfff)
#define VMX_APIC_TYPE(q)	(((q) >> 12) & 0xf)
#define VMX_APIC_READ		0
#define VMX_APIC_WRITE		1

bool vmx_apicv_offered(void)
{
	u32 proc2_allowed = upper_32_bits(vmx_caps.msrs.proc2);

	/* Virtual-interrupt delivery needs external-interrupt exiting. */
	return apicv && (vmx_caps.proc & CPU_BASED_TPR_SHADOW) &&
	       (vmx_caps.pin & PIN_BASED_EXT_INTR_MASK) &&
	       (proc2_allowed & VMX_APICV_CTLS) == VMX_APICV_CTLS;
}

u32 vmx_apicv_ctls(void)
{
	return vmx_apicv_offered() ? VMX_APICV_CTLS : 0;
}

int vmx_apicv_vm_init(struct axv_vm *vm)
{
	struct vmx_vm *vvm = vm->arch;
	unsigned long pfn;
	LIST_HEAD(freed);
	int err;

	if (!vm->irqchip || !vmx_apicv_offered())
		return 0;
	vvm->apic_access = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!vvm->apic_access)
		return -ENOMEM;
	pfn = page_to_pfn(vvm->apic_access);
	/* No vCPU exists yet: nothing can have cached a translation. */
	err = ept_map(&vvm->ept, LAPIC_BASE_DEFAULT, &pfn, 1, EPT_R | EPT_W,
		      &freed);
	ept_free_tables(&freed);
	if (err) {
		__free_page(vvm->apic_access);
		vvm->apic_access = NULL;
	}
	return err;
}

void vmx_apicv_vm_destroy(struct vmx_vm *vvm)
{
	/* The EPT that mapped it is gone with every vCPU that used it. */
	if (vvm->apic_access)
		__free_page(vvm->apic_access);
	vvm->apic_access = NULL;
}

void vmx_apicv_vmcs_setup(struct vmx_vcpu *vmx)
{
	struct vmx_vm *vvm = vmx->vcpu->vm->arch;

	vmx->apicv = vmx->lapic && vvm->apic_access;
	vmx->apicv_on = false;
	if (!vmx->apicv)
		return;
	vmcs_write64(APIC_ACCESS_ADDR, page_to_phys(vvm->apic_access));
	vmcs_write64(EOI_EXIT_BITMAP0, 0);
	vmcs_write64(EOI_EXIT_BITMAP1, 0);
	vmcs_write64(EOI_EXIT_BITMAP2, 0);
	vmcs_write64(EOI_EXIT_BITMAP3, 0);
	vmcs_write16(GUEST_INTR_STATUS, 0);
}

/* Whether the APIC is where the processor can virtualize it. */
static bool vmx_apicv_applies(const struct vmx_vcpu *vmx)
{
	const struct lapic *apic = vmx->lapic;

	return vmx->apicv && lapic_hw_enabled(apic) && !lapic_x2apic(apic) &&
	       (apic->base & LAPIC_BASE_ADDR_MASK) == LAPIC_BASE_DEFAULT;
}

void vmx_apicv_update(struct vmx_vcpu *vmx)
{
	bool on = vmx_apicv_applies(vmx);
	int irr, isr;

	if (on != vmx->apicv_on) {
		u32 proc2 = vmcs_read32(SECONDARY_VM_EXEC_CONTROL);

		proc2 = on ? proc2 | VMX_APICV_CTLS : proc2 & ~VMX_APICV_CTLS;
		vmcs_write32(SECONDARY_VM_EXEC_CONTROL, proc2);
		vmx->apicv_on = on;
	}
	if (!on)
		return;
	/*
	 * RVI and SVI from the page: the processor evaluates and delivers
	 * at entry (26.3.2.5), and keeps them while the guest runs.
	 */
	irr = lapic_highest_irr(vmx->lapic);
	isr = lapic_highest_isr(vmx->lapic);
	vmcs_write16(GUEST_INTR_STATUS,
		     (irr < 0 ? 0 : irr) | (isr < 0 ? 0 : isr) << 8);
}

int vmx_exit_apic_access(struct vmx_vcpu *vmx)
{
	u32 type = VMX_APIC_TYPE(vmx->exit_qual);

	/* Only data accesses by instructions are emulated. */
	if (type != VMX_APIC_READ && type != VMX_APIC_WRITE)
		return vmx_exit_unknown(vmx);
	return vmx_apic_access_emulate(vmx,
				       (vmx->lapic->base & LAPIC_BASE_ADDR_MASK) +
				       VMX_APIC_OFFSET(vmx->exit_qual));
}

int vmx_exit_apic_write(struct vmx_vcpu *vmx)
{
	/* Trap-like: the write is done and RIP is past it. */
	lapic_apic_write(vmx->lapic, VMX_APIC_OFFSET(vmx->exit_qual));
	return 1;
}
