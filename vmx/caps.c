// SPDX-License-Identifier: GPL-2.0
/*
 * Reading the VMX capability MSRs (SDM Vol. 3, Appendix A).
 */
#include <linux/errno.h>
#include <asm/msr.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include <axvcpu/vmx.h>

int vmx_read_msrs(struct vmx_msrs *m)
{
	bool true_ctls;

	memset(m, 0, sizeof(*m));
	if (rdmsrl_safe(MSR_IA32_FEAT_CTL, &m->feature_control) ||
	    rdmsrl_safe(MSR_IA32_VMX_BASIC, &m->basic))
		return -EIO;

	/*
	 * The TRUE_* MSRs report which default-1 controls may be cleared
	 * (Appendix A.2); without them the legacy MSRs are authoritative.
	 */
	true_ctls = m->basic & VMX_BASIC_TRUE_CTLS;
	if (rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
				    MSR_IA32_VMX_PINBASED_CTLS, &m->pin) ||
	    rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
				    MSR_IA32_VMX_PROCBASED_CTLS, &m->proc) ||
	    rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
				    MSR_IA32_VMX_EXIT_CTLS, &m->exit) ||
	    rdmsrl_safe(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
				    MSR_IA32_VMX_ENTRY_CTLS, &m->entry) ||
	    rdmsrl_safe(MSR_IA32_VMX_MISC, &m->misc) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED0, &m->cr0_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR0_FIXED1, &m->cr0_fixed1) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED0, &m->cr4_fixed0) ||
	    rdmsrl_safe(MSR_IA32_VMX_CR4_FIXED1, &m->cr4_fixed1))
		return -EIO;

	/* PROCBASED_CTLS2 exists only if secondary controls can be set. */
	if (!(upper_32_bits(m->proc) & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return 0;
	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &m->proc2))
		return -EIO;

	/* EPT_VPID_CAP exists only if EPT or VPID can be enabled. */
	if (!(upper_32_bits(m->proc2) &
	      (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID)))
		return 0;
	if (rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &m->ept_vpid))
		return -EIO;
	return 0;
}
