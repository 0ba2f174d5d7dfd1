// SPDX-License-Identifier: GPL-2.0
/*
 * APIC virtualization (SDM Vol. 3, chapter 29) for the in-kernel local
 * APIC, where the processor offers it: APIC-register virtualization and
 * virtual-interrupt delivery, with virtualize APIC accesses while a
 * vCPU's APIC is enabled in xAPIC mode at the default base, or with
 * virtualize x2APIC mode (where offered too) while it is in x2APIC mode.
 * Then the guest reads most registers from the register page (which is
 * the virtual-APIC page) without exits, its TPR, EOI and self-IPI writes
 * cause none, the xAPIC writes that have side effects exit after the
 * fact (APIC-write exits), and the processor delivers pending interrupts
 * itself from the page's IRR (RVI) when the guest can take them.  While
 * the APIC is disabled or relocated the controls are off and vmx/apic.c's
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
#include <asm/apicdef.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

/*
 * Off by default: on the one VMX machine the tests run on, Bochs 2.7, a
 * host interrupt that arrives while the guest has RFLAGS.IF clear and a
 * virtual interrupt pending makes the emulator deliver that interrupt
 * instead of exiting (Documentation/apic.rst), which the guest tests
 * catch now and then.
 */
static bool apicv;
module_param(apicv, bool, 0444);
MODULE_PARM_DESC(apicv, "Use APIC virtualization for the in-kernel local APIC where the CPU offers it (default: off)");

#define VMX_APICV_CTLS	(SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES | \
			 SECONDARY_EXEC_APIC_REGISTER_VIRT | \
			 SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)
#define VMX_APICV_X2APIC_CTLS	(SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE | \
				 SECONDARY_EXEC_APIC_REGISTER_VIRT | \
				 SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)

/* What a vCPU's controls are set for: struct vmx_vcpu.apicv_on. */
#define VMX_APICV_OFF		0
#define VMX_APICV_XAPIC		1
#define VMX_APICV_X2APIC	2

/* The x2APIC registers whose writes are virtualized (29.5). */
#define X2APIC_MSR_TPR		(APIC_BASE_MSR + (APIC_TASKPRI >> 4))
#define X2APIC_MSR_EOI		(APIC_BASE_MSR + (APIC_EOI >> 4))
#define X2APIC_MSR_SELF_IPI	(APIC_BASE_MSR + (APIC_SELF_IPI >> 4))

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

static bool vmx_apicv_x2apic_offered(void)
{
	return vmx_apicv_offered() &&
	       (upper_32_bits(vmx_caps.msrs.proc2) &
		SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE);
}

u32 vmx_apicv_ctls(void)
{
	if (!vmx_apicv_offered())
		return 0;
	return VMX_APICV_CTLS |
	       (vmx_apicv_x2apic_offered() ? VMX_APICV_X2APIC_CTLS : 0);
}

int vmx_apicv_vcpu_init(struct vmx_vcpu *vmx)
{
	struct vmx_vm *vvm = vmx->vcpu->vm->arch;

	/* x2APIC mode needs the vCPU's own MSR bitmap. */
	if (!vmx->lapic || !vvm->apic_access || !vmx_apicv_x2apic_offered())
		return 0;
	vmx->msr_bitmap = alloc_page(GFP_KERNEL_ACCOUNT);
	if (!vmx->msr_bitmap)
		return -ENOMEM;
	memset(page_address(vmx->msr_bitmap), 0xff, PAGE_SIZE);
	return 0;
}

void vmx_apicv_vcpu_destroy(struct vmx_vcpu *vmx)
{
	if (vmx->msr_bitmap)
		__free_page(vmx->msr_bitmap);
	vmx->msr_bitmap = NULL;
}

/*
 * Let the x2APIC MSRs through, or not: reads of the registers the page
 * holds (not the current count), and writes of TPR, EOI and SELF IPI,
 * which the processor virtualizes.  The bitmap's read bits for MSRs
 * 0-0x1fff start at byte 0, its write bits at byte 2048 (25.6.9).
 */
static void vmx_apicv_x2apic_msrs(struct vmx_vcpu *vmx, bool through)
{
	u8 *bitmap = page_address(vmx->msr_bitmap);
	u32 msr;

	for (msr = APIC_BASE_MSR; msr <= APIC_BASE_MSR + 0xff; msr++) {
		bool read = through && lapic_x2apic_msr_in_page(msr);
		bool write = through && (msr == X2APIC_MSR_TPR ||
					 msr == X2APIC_MSR_EOI ||
					 msr == X2APIC_MSR_SELF_IPI);

		if (read)
			bitmap[msr / 8] &= ~BIT(msr % 8);
		else
			bitmap[msr / 8] |= BIT(msr % 8);
		if (write)
			bitmap[2048 + msr / 8] &= ~BIT(msr % 8);
		else
			bitmap[2048 + msr / 8] |= BIT(msr % 8);
	}
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

/* The APIC-access page is no place for a memory region. */
int vmx_check_memory(struct axv_vm *vm, u64 gpa, u64 size)
{
	const struct vmx_vm *vvm = vm->arch;

	if (vvm->apic_access && gpa <= LAPIC_BASE_DEFAULT &&
	    LAPIC_BASE_DEFAULT - gpa < size)
		return -EEXIST;
	return 0;
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
	vmx->apicv_on = VMX_APICV_OFF;
	if (!vmx->apicv)
		return;
	if (vmx->msr_bitmap)
		vmcs_write64(MSR_BITMAP, page_to_phys(vmx->msr_bitmap));
	vmcs_write64(APIC_ACCESS_ADDR, page_to_phys(vvm->apic_access));
	vmcs_write64(EOI_EXIT_BITMAP0, 0);
	vmcs_write64(EOI_EXIT_BITMAP1, 0);
	vmcs_write64(EOI_EXIT_BITMAP2, 0);
	vmcs_write64(EOI_EXIT_BITMAP3, 0);
	memset(vmx->eoi_exit_bitmap, 0, sizeof(vmx->eoi_exit_bitmap));
	vmcs_write16(GUEST_INTR_STATUS, 0);
}

/*
 * The EOI-exit bitmap is the TMR: the EOI of a level-triggered interrupt
 * exits (29.1.3), that of an edge-triggered one does not.  Written when
 * it changes only.
 */
static void vmx_apicv_eoi_exits(struct vmx_vcpu *vmx)
{
	static const u32 fields[4] = {
		EOI_EXIT_BITMAP0, EOI_EXIT_BITMAP1,
		EOI_EXIT_BITMAP2, EOI_EXIT_BITMAP3,
	};
	const u32 *regs = vmx->lapic->regs;
	unsigned int i;

	for (i = 0; i < 4; i++) {
		u64 tmr = regs[(APIC_TMR >> 2) + 8 * i] |
			  (u64)regs[(APIC_TMR >> 2) + 8 * i + 4] << 32;

		if (tmr != vmx->eoi_exit_bitmap[i]) {
			vmcs_write64(fields[i], tmr);
			vmx->eoi_exit_bitmap[i] = tmr;
		}
	}
}

/* How the processor can virtualize the APIC where it is now. */
static u8 vmx_apicv_mode(const struct vmx_vcpu *vmx)
{
	const struct lapic *apic = vmx->lapic;

	if (!vmx->apicv || !lapic_hw_enabled(apic))
		return VMX_APICV_OFF;
	if (lapic_x2apic(apic))
		return vmx->msr_bitmap ? VMX_APICV_X2APIC : VMX_APICV_OFF;
	if ((apic->base & LAPIC_BASE_ADDR_MASK) != LAPIC_BASE_DEFAULT)
		return VMX_APICV_OFF;
	return VMX_APICV_XAPIC;
}

void vmx_apicv_update(struct vmx_vcpu *vmx)
{
	u8 mode = vmx_apicv_mode(vmx);
	int irr, isr;

	if (mode != vmx->apicv_on) {
		u32 proc2 = vmcs_read32(SECONDARY_VM_EXEC_CONTROL);

		proc2 &= ~(VMX_APICV_CTLS | VMX_APICV_X2APIC_CTLS);
		if (mode == VMX_APICV_XAPIC)
			proc2 |= VMX_APICV_CTLS;
		else if (mode == VMX_APICV_X2APIC)
			proc2 |= VMX_APICV_X2APIC_CTLS;
		vmcs_write32(SECONDARY_VM_EXEC_CONTROL, proc2);
		if (vmx->msr_bitmap)
			vmx_apicv_x2apic_msrs(vmx, mode == VMX_APICV_X2APIC);
		vmx->apicv_on = mode;
	}
	if (mode == VMX_APICV_OFF)
		return;
	/*
	 * RVI and SVI from the page: the processor evaluates and delivers
	 * at entry (26.3.2.5), and keeps them while the guest runs.
	 */
	irr = lapic_highest_irr(vmx->lapic);
	isr = lapic_highest_isr(vmx->lapic);
	vmcs_write16(GUEST_INTR_STATUS,
		     (irr < 0 ? 0 : irr) | (isr < 0 ? 0 : isr) << 8);
	vmx_apicv_eoi_exits(vmx);
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

/*
 * Trap-like: the processor has cleared the vector's in-service bit and
 * moved SVI on (29.1.3); the level-triggered interrupt is to be reported.
 */
int vmx_exit_eoi_induced(struct vmx_vcpu *vmx)
{
	lapic_eoi_level(vmx->lapic, vmx->exit_qual & 0xff);
	return 1;
}

int vmx_exit_apic_write(struct vmx_vcpu *vmx)
{
	/* Trap-like: the write is done and RIP is past it. */
	lapic_apic_write(vmx->lapic, VMX_APIC_OFFSET(vmx->exit_qual));
	return 1;
}
