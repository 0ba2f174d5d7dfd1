// SPDX-License-Identifier: GPL-2.0
/*
 * Which VMX controls axvcpu runs guests with, decided from the capability
 * MSRs.  Everything here is a pure function of its input so that KUnit can
 * check it against MSR values recorded on real processors and on the
 * emulated test machine.
 *
 * SDM Vol. 3, Appendix A: each control capability MSR holds in bits 31:0
 * the allowed 0-settings (a 1 bit there must be 1 in the control) and in
 * bits 63:32 the allowed 1-settings (a 0 bit there must be 0).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include <linux/axvcpu.h>
#include <axvcpu/vmx.h>

/*
 * IA32_VMX_BASIC fields (SDM Vol. 3, Appendix A.1) that msr-index.h does
 * not name.
 */
#define VMX_BASIC_REVISION_MASK		GENMASK_ULL(30, 0)
#define VMX_BASIC_SIZE_MASK		GENMASK_ULL(44, 32)

#define BIT_NAME(bit)	{ .mask = (bit), .name = #bit }

static const struct vmx_ctl_bit vmx_pin_names[] = {
	BIT_NAME(PIN_BASED_EXT_INTR_MASK),
	BIT_NAME(PIN_BASED_NMI_EXITING),
	BIT_NAME(PIN_BASED_VIRTUAL_NMIS),
	BIT_NAME(PIN_BASED_VMX_PREEMPTION_TIMER),
	{ }
};

/* Interrupts and NMIs belong to the host; they always exit. */
static const struct vmx_ctl_req vmx_pin_req = {
	.field = "pin-based",
	.required = PIN_BASED_EXT_INTR_MASK | PIN_BASED_NMI_EXITING,
	.optional = PIN_BASED_VIRTUAL_NMIS | PIN_BASED_VMX_PREEMPTION_TIMER,
	.names = vmx_pin_names,
};

static const struct vmx_ctl_bit vmx_proc_names[] = {
	BIT_NAME(CPU_BASED_INTR_WINDOW_EXITING),
	BIT_NAME(CPU_BASED_HLT_EXITING),
	BIT_NAME(CPU_BASED_MWAIT_EXITING),
	BIT_NAME(CPU_BASED_RDPMC_EXITING),
	BIT_NAME(CPU_BASED_TPR_SHADOW),
	BIT_NAME(CPU_BASED_NMI_WINDOW_EXITING),
	BIT_NAME(CPU_BASED_USE_IO_BITMAPS),
	BIT_NAME(CPU_BASED_USE_MSR_BITMAPS),
	BIT_NAME(CPU_BASED_MONITOR_EXITING),
	BIT_NAME(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS),
	{ }
};

/*
 * HLT blocks the vCPU in the kernel; MWAIT/MONITOR would let a guest idle
 * in ways the host cannot see; I/O and MSR bitmaps decide which accesses
 * exit; the interrupt window lets an interrupt wait for RFLAGS.IF.  EPT
 * and unrestricted guest live in the secondary controls.
 */
static const struct vmx_ctl_req vmx_proc_req = {
	.field = "primary processor-based",
	.required = CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_HLT_EXITING |
		    CPU_BASED_MWAIT_EXITING | CPU_BASED_RDPMC_EXITING |
		    CPU_BASED_USE_IO_BITMAPS | CPU_BASED_USE_MSR_BITMAPS |
		    CPU_BASED_MONITOR_EXITING |
		    CPU_BASED_ACTIVATE_SECONDARY_CONTROLS,
	.optional = CPU_BASED_NMI_WINDOW_EXITING | CPU_BASED_TPR_SHADOW,
	.names = vmx_proc_names,
};

static const struct vmx_ctl_bit vmx_proc2_names[] = {
	BIT_NAME(SECONDARY_EXEC_ENABLE_EPT),
	BIT_NAME(SECONDARY_EXEC_ENABLE_RDTSCP),
	BIT_NAME(SECONDARY_EXEC_ENABLE_VPID),
	BIT_NAME(SECONDARY_EXEC_UNRESTRICTED_GUEST),
	BIT_NAME(SECONDARY_EXEC_ENABLE_INVPCID),
	BIT_NAME(SECONDARY_EXEC_XSAVES),
	{ }
};

/*
 * EPT gives each VM its own guest-physical space; unrestricted guest lets
 * guests start in real mode without emulation.  RDTSCP, INVPCID and XSAVES
 * would #UD in the guest without their enables.
 */
static const struct vmx_ctl_req vmx_proc2_req = {
	.field = "secondary processor-based",
	.required = SECONDARY_EXEC_ENABLE_EPT |
		    SECONDARY_EXEC_UNRESTRICTED_GUEST,
	.optional = SECONDARY_EXEC_ENABLE_VPID | SECONDARY_EXEC_ENABLE_RDTSCP |
		    SECONDARY_EXEC_ENABLE_INVPCID | SECONDARY_EXEC_XSAVES,
	.names = vmx_proc2_names,
};

static const struct vmx_ctl_bit vmx_exit_names[] = {
	BIT_NAME(VM_EXIT_SAVE_DEBUG_CONTROLS),
	BIT_NAME(VM_EXIT_HOST_ADDR_SPACE_SIZE),
	BIT_NAME(VM_EXIT_SAVE_IA32_PAT),
	BIT_NAME(VM_EXIT_LOAD_IA32_PAT),
	BIT_NAME(VM_EXIT_SAVE_IA32_EFER),
	BIT_NAME(VM_EXIT_LOAD_IA32_EFER),
	BIT_NAME(VM_EXIT_SAVE_VMX_PREEMPTION_TIMER),
	{ }
};

/* The host is 64-bit; EFER differs between guest and host. */
static const struct vmx_ctl_req vmx_exit_req = {
	.field = "VM-exit",
	.required = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
		    VM_EXIT_LOAD_IA32_EFER,
	.optional = VM_EXIT_SAVE_DEBUG_CONTROLS | VM_EXIT_SAVE_IA32_PAT |
		    VM_EXIT_LOAD_IA32_PAT | VM_EXIT_SAVE_VMX_PREEMPTION_TIMER,
	.names = vmx_exit_names,
};

static const struct vmx_ctl_bit vmx_entry_names[] = {
	BIT_NAME(VM_ENTRY_LOAD_DEBUG_CONTROLS),
	BIT_NAME(VM_ENTRY_LOAD_IA32_PAT),
	BIT_NAME(VM_ENTRY_LOAD_IA32_EFER),
	{ }
};

static const struct vmx_ctl_req vmx_entry_req = {
	.field = "VM-entry",
	.required = VM_ENTRY_LOAD_IA32_EFER,
	.optional = VM_ENTRY_LOAD_DEBUG_CONTROLS | VM_ENTRY_LOAD_IA32_PAT,
	.names = vmx_entry_names,
};

static void vmx_name_bits(const struct vmx_ctl_bit *names, u32 bits,
			  char *buf, size_t len)
{
	size_t used = 0;

	for (; names->mask && bits; names++) {
		if (!(bits & names->mask))
			continue;
		used += scnprintf(buf + used, len - used, "%s%s",
				  used ? " " : "", names->name);
		bits &= ~names->mask;
	}
	if (bits)
		scnprintf(buf + used, len - used, "%sbits %#x",
			  used ? " " : "", bits);
}

int vmx_adjust_ctl(const struct vmx_ctl_req *req, u64 cap, u32 *out,
		   char *why, size_t len)
{
	u32 must = lower_32_bits(cap);
	u32 may = upper_32_bits(cap);
	u32 missing = req->required & ~may;
	char names[160];

	if (must & ~may) {
		scnprintf(why, len,
			  "%s controls: inconsistent capability MSR %#llx",
			  req->field, cap);
		return -EOPNOTSUPP;
	}
	if (missing) {
		vmx_name_bits(req->names, missing, names, sizeof(names));
		scnprintf(why, len, "%s controls lack %s", req->field, names);
		return -EOPNOTSUPP;
	}
	*out = ((req->required | req->optional) & may) | must;
	return 0;
}

u64 vmx_decode_ept_vpid(u64 ept_vpid)
{
	static const struct {
		u64 cap;
		u64 feature;
	} map[] = {
		{ VMX_EPT_EXECUTE_ONLY_BIT, AXV_VMX_F_EPT_EXEC_ONLY },
		{ VMX_EPT_PAGE_WALK_4_BIT, AXV_VMX_F_EPT_4LEVEL },
		{ VMX_EPTP_WB_BIT, AXV_VMX_F_EPT_WB },
		{ VMX_EPT_2MB_PAGE_BIT, AXV_VMX_F_EPT_2M },
		{ VMX_EPT_1GB_PAGE_BIT, AXV_VMX_F_EPT_1G },
		{ VMX_EPT_AD_BIT, AXV_VMX_F_EPT_AD },
		{ VMX_EPT_EXTENT_CONTEXT_BIT, AXV_VMX_F_INVEPT_SINGLE },
		{ VMX_EPT_EXTENT_GLOBAL_BIT, AXV_VMX_F_INVEPT_GLOBAL },
	};
	u32 vpid = upper_32_bits(ept_vpid);
	u64 features = 0;
	unsigned int i;

	/* The INVEPT types mean nothing without INVEPT itself (bit 20). */
	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (ept_vpid & map[i].cap)
			features |= map[i].feature;
	if (!(ept_vpid & VMX_EPT_INVEPT_BIT))
		features &= ~(AXV_VMX_F_INVEPT_SINGLE | AXV_VMX_F_INVEPT_GLOBAL);

	/* Likewise the INVVPID types need INVVPID (bit 32). */
	if (vpid & VMX_VPID_INVVPID_BIT) {
		if (vpid & VMX_VPID_EXTENT_INDIVIDUAL_ADDR_BIT)
			features |= AXV_VMX_F_INVVPID_ADDR;
		if (vpid & VMX_VPID_EXTENT_SINGLE_CONTEXT_BIT)
			features |= AXV_VMX_F_INVVPID_SINGLE;
		if (vpid & VMX_VPID_EXTENT_GLOBAL_CONTEXT_BIT)
			features |= AXV_VMX_F_INVVPID_GLOBAL;
		if (vpid & VMX_VPID_EXTENT_SINGLE_NON_GLOBAL_BIT)
			features |= AXV_VMX_F_INVVPID_SINGLE_NG;
	}
	return features;
}

/* What the processor offers, whether axvcpu uses it or not. */
static u64 vmx_decode_offered(const struct vmx_msrs *m)
{
	u32 pin = upper_32_bits(m->pin), proc = upper_32_bits(m->proc);
	u32 proc2 = upper_32_bits(m->proc2), exit = upper_32_bits(m->exit);
	u32 entry = upper_32_bits(m->entry);
	u64 f = 0;

	if (m->basic & VMX_BASIC_TRUE_CTLS)
		f |= AXV_VMX_F_TRUE_CTLS;
	if (m->basic & VMX_BASIC_INOUT)
		f |= AXV_VMX_F_INS_OUTS_INFO;
	if (pin & PIN_BASED_VIRTUAL_NMIS)
		f |= AXV_VMX_F_VIRTUAL_NMIS;
	if (pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		f |= AXV_VMX_F_PREEMPTION_TIMER;
	if (pin & PIN_BASED_POSTED_INTR)
		f |= AXV_VMX_F_POSTED_INTR;
	if (proc & CPU_BASED_TPR_SHADOW)
		f |= AXV_VMX_F_TPR_SHADOW;
	if ((exit & VM_EXIT_SAVE_IA32_PAT) && (exit & VM_EXIT_LOAD_IA32_PAT) &&
	    (entry & VM_ENTRY_LOAD_IA32_PAT))
		f |= AXV_VMX_F_SAVE_LOAD_PAT;
	if ((exit & VM_EXIT_SAVE_DEBUG_CONTROLS) &&
	    (entry & VM_ENTRY_LOAD_DEBUG_CONTROLS))
		f |= AXV_VMX_F_SAVE_LOAD_DEBUGCTL;

	/* Secondary controls exist only if they can be activated. */
	if (!(proc & CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		return f;
	if (proc2 & SECONDARY_EXEC_ENABLE_EPT)
		f |= AXV_VMX_F_EPT;
	if (proc2 & SECONDARY_EXEC_UNRESTRICTED_GUEST)
		f |= AXV_VMX_F_UNRESTRICTED_GUEST;
	if (proc2 & SECONDARY_EXEC_ENABLE_VPID)
		f |= AXV_VMX_F_VPID;
	if (proc2 & SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES)
		f |= AXV_VMX_F_APIC_ACCESS;
	if (proc2 & SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE)
		f |= AXV_VMX_F_X2APIC_VIRT;
	if (proc2 & SECONDARY_EXEC_APIC_REGISTER_VIRT)
		f |= AXV_VMX_F_APIC_REG_VIRT;
	if (proc2 & SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY)
		f |= AXV_VMX_F_VIRT_INTR_DELIVERY;
	if (proc2 & SECONDARY_EXEC_SHADOW_VMCS)
		f |= AXV_VMX_F_SHADOW_VMCS;
	if (proc2 & (SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID))
		f |= vmx_decode_ept_vpid(m->ept_vpid);
	return f;
}

static int vmx_check_basic(const struct vmx_msrs *m, struct vmx_caps *caps,
			   char *why, size_t len)
{
	u64 fc = m->feature_control;
	u64 memtype;

	/* SDM Vol. 3, 24.7: VMXON #GPs unless the MSR is locked with VMX on. */
	if (!(fc & FEAT_CTL_LOCKED) ||
	    !(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		scnprintf(why, len,
			  "VMX is disabled by firmware (IA32_FEATURE_CONTROL %#llx: locked %d, VMX outside SMX %d)",
			  fc, !!(fc & FEAT_CTL_LOCKED),
			  !!(fc & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX));
		return -EOPNOTSUPP;
	}

	caps->revision = m->basic & VMX_BASIC_REVISION_MASK;
	caps->vmcs_size = (m->basic & VMX_BASIC_SIZE_MASK) >>
			  VMX_BASIC_VMCS_SIZE_SHIFT;
	if (!caps->vmcs_size || caps->vmcs_size > 4096) {
		scnprintf(why, len, "VMCS size %u is not in 1..4096 (IA32_VMX_BASIC %#llx)",
			  caps->vmcs_size, m->basic);
		return -EOPNOTSUPP;
	}
	if (m->basic & VMX_BASIC_64) {
		scnprintf(why, len,
			  "VMX structures limited to 32-bit addresses (IA32_VMX_BASIC[48])");
		return -EOPNOTSUPP;
	}
	memtype = (m->basic & VMX_BASIC_MEM_TYPE_MASK) >> VMX_BASIC_MEM_TYPE_SHIFT;
	if (memtype != VMX_BASIC_MEM_TYPE_WB) {
		scnprintf(why, len,
			  "VMCS memory type %llu is not write-back (IA32_VMX_BASIC[53:50])",
			  memtype);
		return -EOPNOTSUPP;
	}
	return 0;
}

static int vmx_check_ept_vpid(struct vmx_caps *caps, char *why, size_t len)
{
	static const struct {
		u64 feature;
		const char *what;
	} need[] = {
		{ AXV_VMX_F_EPT_4LEVEL, "a 4-level page walk (bit 6)" },
		{ AXV_VMX_F_EPT_WB, "write-back paging structures (bit 14)" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!(caps->features & need[i].feature)) {
			scnprintf(why, len, "EPT lacks %s in IA32_VMX_EPT_VPID_CAP %#llx",
				  need[i].what, caps->msrs.ept_vpid);
			return -EOPNOTSUPP;
		}
	}
	/* Mappings change while a VM runs; stale translations must go. */
	if (!(caps->features & (AXV_VMX_F_INVEPT_SINGLE | AXV_VMX_F_INVEPT_GLOBAL))) {
		scnprintf(why, len,
			  "EPT lacks INVEPT with a single- or all-context type in IA32_VMX_EPT_VPID_CAP %#llx",
			  caps->msrs.ept_vpid);
		return -EOPNOTSUPP;
	}
	/* A VPID is no use without a way to flush it; run without. */
	if (!(caps->features &
	      (AXV_VMX_F_INVVPID_SINGLE | AXV_VMX_F_INVVPID_GLOBAL)))
		caps->proc2 &= ~SECONDARY_EXEC_ENABLE_VPID;
	return 0;
}

int vmx_caps_decode(const struct vmx_msrs *msrs, struct vmx_caps *caps,
		    char *why, size_t len)
{
	int err;

	memset(caps, 0, sizeof(*caps));
	caps->msrs = *msrs;

	err = vmx_check_basic(msrs, caps, why, len);
	if (err)
		return err;

	caps->features = vmx_decode_offered(msrs);
	err = vmx_adjust_ctl(&vmx_pin_req, msrs->pin, &caps->pin, why, len);
	if (err)
		return err;
	err = vmx_adjust_ctl(&vmx_proc_req, msrs->proc, &caps->proc, why, len);
	if (err)
		return err;
	err = vmx_adjust_ctl(&vmx_proc2_req, msrs->proc2, &caps->proc2, why,
			     len);
	if (err)
		return err;
	err = vmx_adjust_ctl(&vmx_exit_req, msrs->exit, &caps->exit, why, len);
	if (err)
		return err;
	err = vmx_adjust_ctl(&vmx_entry_req, msrs->entry, &caps->entry, why,
			     len);
	if (err)
		return err;

	err = vmx_check_ept_vpid(caps, why, len);
	if (err)
		return err;

	/* Saving the timer on exit is only meaningful with the timer on. */
	if (!(caps->pin & PIN_BASED_VMX_PREEMPTION_TIMER))
		caps->exit &= ~VM_EXIT_SAVE_VMX_PREEMPTION_TIMER;
	caps->preemption_timer_shift = msrs->misc &
				       VMX_MISC_PREEMPTION_TIMER_RATE_MASK;
	return 0;
}
