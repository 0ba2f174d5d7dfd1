// SPDX-License-Identifier: GPL-2.0
/*
 * Entering and leaving VMX operation on one CPU (SDM Vol. 3, 24.7-24.8).
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/smp.h>
#include <asm/asm.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include <axvcpu/vmx.h>

#include "insn.h"

static DEFINE_PER_CPU(struct page *, vmx_vmxon_region);

int vmx_vmxon_setup(void)
{
	unsigned int cpu;
	struct page *page;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			vmx_vmxon_unsetup();
			return -ENOMEM;
		}
		/* Bits 30:0 of the region: the VMCS revision identifier. */
		*(u32 *)page_address(page) = vmx_caps.revision;
		per_cpu(vmx_vmxon_region, cpu) = page;
	}
	return 0;
}

void vmx_vmxon_unsetup(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmx_vmxon_region, cpu))
			__free_page(per_cpu(vmx_vmxon_region, cpu));
		per_cpu(vmx_vmxon_region, cpu) = NULL;
	}
}

static void vmx_vmxoff(void)
{
	/* #UD outside VMX operation: tolerated, the goal is reached. */
	asm volatile("1: vmxoff\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : : "cc", "memory");
}

static bool vmx_cr_fixed_ok(u64 cr, u64 fixed0, u64 fixed1)
{
	return (cr & fixed0) == fixed0 && !(cr & ~fixed1);
}

int vmx_cpu_enable(void)
{
	int cpu = smp_processor_id();
	u64 pa = page_to_phys(per_cpu(vmx_vmxon_region, cpu));
	const struct vmx_msrs *m = &vmx_caps.msrs;
	u64 fc;

	if (__read_cr4() & X86_CR4_VMXE) {
		pr_warn_ratelimited("CPU %d: CR4.VMXE is already set: another hypervisor holds VMX\n",
				    cpu);
		return -EBUSY;
	}
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &fc) || !(fc & FEAT_CTL_LOCKED) ||
	    !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_warn_ratelimited("CPU %d: VMX is disabled by IA32_FEATURE_CONTROL\n",
				    cpu);
		return -EOPNOTSUPP;
	}
	if (!vmx_cr_fixed_ok(read_cr0(), m->cr0_fixed0, m->cr0_fixed1)) {
		pr_warn_ratelimited("CPU %d: CR0 %#lx violates IA32_VMX_CR0_FIXED0/1\n",
				    cpu, read_cr0());
		return -EOPNOTSUPP;
	}
	if (!vmx_cr_fixed_ok(__read_cr4() | X86_CR4_VMXE, m->cr4_fixed0,
			     m->cr4_fixed1)) {
		pr_warn_ratelimited("CPU %d: CR4 %#lx violates IA32_VMX_CR4_FIXED0/1\n",
				    cpu, __read_cr4());
		return -EOPNOTSUPP;
	}

	cr4_set_bits(X86_CR4_VMXE);
	if (!vmx_vmxon(pa)) {
		cr4_clear_bits(X86_CR4_VMXE);
		pr_warn_ratelimited("CPU %d: VMXON failed: another hypervisor holds VMX\n",
				    cpu);
		return -EBUSY;
	}
	return 0;
}

void vmx_cpu_disable(void)
{
	vmx_vmxoff();
	cr4_clear_bits(X86_CR4_VMXE);
}

bool vmx_cpu_hw_enabled(void)
{
	return __read_cr4() & X86_CR4_VMXE;
}
