/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Intel VMX backend: capabilities probed at load, control adjustment,
 * VMXON.  x86 only; the core never includes this header.
 */
#ifndef _AXVCPU_VMX_H
#define _AXVCPU_VMX_H

#include <linux/types.h>

/**
 * struct vmx_msrs - raw capability MSRs as read from one CPU.
 * @feature_control: IA32_FEATURE_CONTROL.
 * @basic: IA32_VMX_BASIC.
 * @pin: pin-based controls: IA32_VMX_TRUE_PINBASED_CTLS when BASIC[55]
 *	says the TRUE MSRs exist, IA32_VMX_PINBASED_CTLS otherwise.
 * @proc: primary processor-based controls, likewise.
 * @proc2: IA32_VMX_PROCBASED_CTLS2, 0 when secondary controls cannot be
 *	activated.
 * @exit: VM-exit controls, TRUE when available.
 * @entry: VM-entry controls, TRUE when available.
 * @misc: IA32_VMX_MISC.
 * @cr0_fixed0: IA32_VMX_CR0_FIXED0.
 * @cr0_fixed1: IA32_VMX_CR0_FIXED1.
 * @cr4_fixed0: IA32_VMX_CR4_FIXED0.
 * @cr4_fixed1: IA32_VMX_CR4_FIXED1.
 * @ept_vpid: IA32_VMX_EPT_VPID_CAP, 0 when neither EPT nor VPID can be
 *	enabled.
 */
struct vmx_msrs {
	u64 feature_control;
	u64 basic;
	u64 pin;
	u64 proc;
	u64 proc2;
	u64 exit;
	u64 entry;
	u64 misc;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	u64 ept_vpid;
};

/**
 * struct vmx_caps - what axvcpu will use, decoded once at load.
 * @msrs: the raw MSRs it was decoded from.
 * @features: AXV_VMX_F_* flags (uapi/linux/axvcpu.h).
 * @revision: VMCS revision identifier.
 * @vmcs_size: size of the VMCS region in bytes.
 * @pin: pin-based controls in use.
 * @proc: primary processor-based controls in use.
 * @proc2: secondary processor-based controls in use.
 * @exit: VM-exit controls in use.
 * @entry: VM-entry controls in use.
 * @preemption_timer_shift: timer ticks every 2^shift TSC cycles.
 */
struct vmx_caps {
	struct vmx_msrs msrs;
	u64 features;
	u32 revision;
	u32 vmcs_size;
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	u8 preemption_timer_shift;
};

/**
 * struct vmx_ctl_bit - a control bit and its name, for messages.
 * @mask: the bit.
 * @name: its SDM name.
 */
struct vmx_ctl_bit {
	u32 mask;
	const char *name;
};

/**
 * struct vmx_ctl_req - what axvcpu asks of one VMX control field.
 * @field: name of the field, e.g. "pin-based".
 * @required: bits axvcpu cannot work without.
 * @optional: bits used when the processor allows them.
 * @names: names of the bits in @required and @optional, ending with a
 *	zero @mask.
 */
struct vmx_ctl_req {
	const char *field;
	u32 required;
	u32 optional;
	const struct vmx_ctl_bit *names;
};

/**
 * vmx_adjust_ctl() - choose the value of a control field.
 * @req: what axvcpu asks for.
 * @cap: the capability MSR: bits 31:0 are the allowed 0-settings (a 1
 *	there means the control must be 1), bits 63:32 the allowed
 *	1-settings (SDM Vol. 3, Appendix A.3-A.5).
 * @out: the chosen value: every bit that must be 1, plus the required and
 *	optional bits that may be 1.
 * @why: filled with a one-line reason on failure.
 * @len: size of @why.
 *
 * Return: 0; -EOPNOTSUPP when a required bit may not be 1 (@why names
 * each missing bit) or when the MSR is inconsistent (a bit that must be 1
 * but may not be).
 */
int vmx_adjust_ctl(const struct vmx_ctl_req *req, u64 cap, u32 *out,
		   char *why, size_t len);

/**
 * vmx_caps_decode() - decide, from raw MSRs, whether axvcpu can run and
 *	with which controls.
 * @msrs: the raw MSRs.
 * @caps: filled on success.
 * @why: filled with a one-line reason on failure.
 * @len: size of @why.
 *
 * Pure function of its input, so that KUnit can feed it recorded MSRs.
 *
 * Return: 0; -EOPNOTSUPP when VMX is disabled in IA32_FEATURE_CONTROL or
 * lacks something axvcpu needs (@why names it).
 */
int vmx_caps_decode(const struct vmx_msrs *msrs, struct vmx_caps *caps,
		    char *why, size_t len);

/**
 * vmx_decode_ept_vpid() - AXV_VMX_F_* flags for IA32_VMX_EPT_VPID_CAP.
 * @ept_vpid: the MSR.
 *
 * Return: the EPT, INVEPT and INVVPID feature flags the MSR reports.
 */
u64 vmx_decode_ept_vpid(u64 ept_vpid);

/**
 * vmx_read_msrs() - read the capability MSRs of the current CPU.
 * @msrs: filled.
 *
 * Context: any; the caller keeps the task on one CPU if it matters.
 * Return: 0, or -EIO when an MSR that VMX defines cannot be read.
 */
int vmx_read_msrs(struct vmx_msrs *msrs);

/* The capabilities decoded at load; read-only afterwards. */
extern struct vmx_caps vmx_caps;

/**
 * vmx_vmxon_setup() - allocate a VMXON region for every possible CPU.
 *
 * Context: process, may sleep; after vmx_caps is set.
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int vmx_vmxon_setup(void);

/**
 * vmx_vmxon_unsetup() - free the VMXON regions.
 *
 * Context: process; no CPU may be in VMX operation through them.
 */
void vmx_vmxon_unsetup(void);

/**
 * vmx_cpu_enable() - enter VMX operation on the current CPU.
 *
 * Context: interrupts disabled.
 * Return: 0; -EBUSY when another hypervisor holds VMX (CR4.VMXE set or
 * VMXON failing); -EOPNOTSUPP when CR0/CR4 or IA32_FEATURE_CONTROL forbid
 * VMXON on this CPU.
 */
int vmx_cpu_enable(void);

/**
 * vmx_cpu_disable() - leave VMX operation on the current CPU.
 *
 * Context: interrupts disabled.
 */
void vmx_cpu_disable(void);

/**
 * vmx_cpu_hw_enabled() - whether CR4.VMXE is set on the current CPU.
 *
 * Context: interrupts disabled.
 * Return: true when set, by axvcpu or by anyone else.
 */
bool vmx_cpu_hw_enabled(void);

struct axv_vcpu;

/**
 * vmx_vcpu_setup() - give a vCPU a cleared VMCS.
 * @vcpu: the vCPU; &axv_vcpu.arch is set on success.
 *
 * Context: process, may sleep; every online CPU in VMX operation.
 * Return: 0; -ENOMEM; -EIO when VMCLEAR fails.
 */
int vmx_vcpu_setup(struct axv_vcpu *vcpu);

/**
 * vmx_vcpu_destroy() - free a vCPU's VMCS.
 * @vcpu: the vCPU.
 *
 * Context: process; the VMCS is not current on any CPU.
 */
void vmx_vcpu_destroy(struct axv_vcpu *vcpu);

#endif /* _AXVCPU_VMX_H */
