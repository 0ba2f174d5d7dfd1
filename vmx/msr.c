// SPDX-License-Identifier: GPL-2.0
/*
 * The MSRs a guest may access without leaving the kernel: the allow-list.
 * Every MSR access exits (the MSR bitmap is all ones); those below are
 * emulated here, from the VMCS guest-state fields where the processor
 * switches them (SDM Vol. 3, 24.4.1, 26.3.2.1, 27.3.1) or from the
 * vCPU's own copies otherwise.  Everything else goes to userspace.
 */
#include <linux/kernel.h>
#include <asm/apicdef.h>
#include <asm/msr-index.h>
#include <asm/msr.h>
#include <asm/vmx.h>

#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

static bool vmx_canonical(u64 v)
{
	return (u64)(((s64)v << 16) >> 16) == v;
}

/* PAT entries must be 0, 1, 4, 5, 6 or 7 (SDM Vol. 3, 11.12.2). */
static bool vmx_pat_valid(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 t = pat >> (i * 8);

		if (t > 7 || t == 2 || t == 3)
			return false;
	}
	return true;
}

/* The MSRs of the in-kernel local APIC, when the VM has them. */
static bool vmx_apic_msr(struct vmx_vcpu *vmx, u32 index)
{
	return vmx->lapic &&
	       (index == MSR_IA32_APICBASE || index == MSR_IA32_TSC_DEADLINE ||
		(index >= APIC_BASE_MSR && index <= APIC_BASE_MSR + 0xff));
}

int vmx_msr_read(struct vmx_vcpu *vmx, u32 index, u64 *data)
{
	if (vmx_apic_msr(vmx, index) && index != MSR_IA32_APICBASE)
		return vmx_apic_msr_read(vmx, index, data);
	switch (index) {
	case MSR_EFER:
		*data = vmcs_read64(GUEST_IA32_EFER);
		return 0;
	case MSR_IA32_CR_PAT:
		if (!(vmx_caps.entry & VM_ENTRY_LOAD_IA32_PAT))
			return -ENOENT;
		*data = vmcs_read64(GUEST_IA32_PAT);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(GUEST_SYSENTER_CS);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_readl(GUEST_SYSENTER_ESP);
		return 0;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_readl(GUEST_SYSENTER_EIP);
		return 0;
	case MSR_FS_BASE:
		*data = vmcs_readl(GUEST_FS_BASE);
		return 0;
	case MSR_GS_BASE:
		*data = vmcs_readl(GUEST_GS_BASE);
		return 0;
	case MSR_KERNEL_GS_BASE:
		*data = vmx->kernel_gs_base;
		return 0;
	case MSR_STAR:
		*data = vmx->star;
		return 0;
	case MSR_LSTAR:
		*data = vmx->lstar;
		return 0;
	case MSR_CSTAR:
		*data = vmx->cstar;
		return 0;
	case MSR_SYSCALL_MASK:
		*data = vmx->sfmask;
		return 0;
	case MSR_IA32_TSC:
		*data = rdtsc();
		return 0;
	case MSR_IA32_APICBASE:
		*data = vmx_apic_base(vmx);
		return 0;
	default:
		return -ENOENT;
	}
}

static int vmx_set_efer(struct vmx_vcpu *vmx, u64 data)
{
	u64 old = vmcs_read64(GUEST_IA32_EFER);
	u64 allowed = EFER_SCE | EFER_LME | EFER_LMA;

	if (boot_cpu_has(X86_FEATURE_NX))
		allowed |= EFER_NX;
	/* LMA is read-only; LME cannot change while paging is on. */
	if ((data & ~allowed) || ((data ^ old) & EFER_LMA) ||
	    (((data ^ old) & EFER_LME) &&
	     (vmcs_readl(GUEST_CR0) & X86_CR0_PG)))
		return -EINVAL;
	vmcs_write64(GUEST_IA32_EFER, data);
	return 0;
}

int vmx_msr_write(struct vmx_vcpu *vmx, u32 index, u64 data, bool host)
{
	if (vmx_apic_msr(vmx, index))
		return vmx_apic_msr_write(vmx, index, data, host);
	switch (index) {
	case MSR_EFER:
		return vmx_set_efer(vmx, data);
	case MSR_IA32_CR_PAT:
		if (!(vmx_caps.entry & VM_ENTRY_LOAD_IA32_PAT))
			return -ENOENT;
		if (!vmx_pat_valid(data))
			return -EINVAL;
		vmcs_write64(GUEST_IA32_PAT, data);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write32(GUEST_SYSENTER_CS, data);
		return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_LSTAR:
	case MSR_CSTAR:
		/* Non-canonical values raise #GP on a real CPU. */
		if (!vmx_canonical(data))
			return -EINVAL;
		break;
	case MSR_STAR:
	case MSR_SYSCALL_MASK:
		break;
	case MSR_IA32_APICBASE:
		/* Only the xAPIC at its default base is modelled (no x2APIC). */
		if ((data & ~(APIC_BASE_BSP | APIC_BASE_ENABLE)) !=
		    APIC_BASE_DEFAULT ||
		    !!(data & APIC_BASE_BSP) != vmx->vcpu->bsp)
			return -EINVAL;
		vmx->apic_base = data;
		return 0;
	default:
		return -ENOENT;
	}

	switch (index) {
	case MSR_IA32_SYSENTER_ESP:
		vmcs_writel(GUEST_SYSENTER_ESP, data);
		break;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_writel(GUEST_SYSENTER_EIP, data);
		break;
	case MSR_FS_BASE:
		vmcs_writel(GUEST_FS_BASE, data);
		break;
	case MSR_GS_BASE:
		vmcs_writel(GUEST_GS_BASE, data);
		break;
	case MSR_KERNEL_GS_BASE:
		vmx->kernel_gs_base = data;
		break;
	case MSR_STAR:
		vmx->star = data;
		vmx->syscall_msrs = true;
		break;
	case MSR_LSTAR:
		vmx->lstar = data;
		vmx->syscall_msrs = true;
		break;
	case MSR_CSTAR:
		vmx->cstar = data;
		vmx->syscall_msrs = true;
		break;
	case MSR_SYSCALL_MASK:
		vmx->sfmask = data;
		vmx->syscall_msrs = true;
		break;
	}
	return 0;
}
