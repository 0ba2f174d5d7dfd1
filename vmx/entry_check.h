/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naming the guest-state rule behind a failed VM entry.  When VM entry
 * fails with basic exit reason 33 ("VM-entry failure due to invalid guest
 * state") the processor does not say which check of SDM Vol. 3, "Checks on
 * the Guest State Area" failed; vmx_entry_check() replays those checks on
 * the fields the VMCS held and names the first one broken.  Pure logic:
 * the caller reads the fields, nothing here touches the hardware.
 */
#ifndef _AXVCPU_VMX_ENTRY_CHECK_H
#define _AXVCPU_VMX_ENTRY_CHECK_H

#include <linux/types.h>

/**
 * struct vmx_seg_state - one segment register as the guest-state area
 *	holds it.
 * @selector: the selector field.
 * @base: the base-address field.
 * @limit: the segment-limit field, in bytes.
 * @ar: the access-rights field, in the VMCS format (SDM Vol. 3, "Guest
 *	Register State", Table 24-2): type in bits 3:0, S 4, DPL 6:5, P 7,
 *	AVL 12, L 13, D/B 14, G 15, unusable 16; bits 11:8 and 31:17 are
 *	reserved.
 */
struct vmx_seg_state {
	u16 selector;
	u64 base;
	u32 limit;
	u32 ar;
};

/**
 * struct vmx_guest_state - the guest-state fields, and the controls and
 *	capabilities, that the checks on the guest-state area depend on.
 * @cr0: the CR0 field.
 * @cr3: the CR3 field.
 * @cr4: the CR4 field.
 * @dr7: the DR7 field; 0 when the "load debug controls" VM-entry control
 *	is 0, which leaves it unchecked.
 * @efer: the IA32_EFER field (checked only when @load_efer).
 * @rip: the RIP field.
 * @rflags: the RFLAGS field.
 * @cs: the CS fields.
 * @ss: the SS fields.
 * @ds: the DS fields.
 * @es: the ES fields.
 * @fs: the FS fields.
 * @gs: the GS fields.
 * @tr: the TR fields.
 * @ldtr: the LDTR fields.
 * @gdtr_base: the GDTR base-address field.
 * @idtr_base: the IDTR base-address field.
 * @gdtr_limit: the GDTR limit field.
 * @idtr_limit: the IDTR limit field.
 * @activity: the activity-state field (GUEST_ACTIVITY_*).
 * @interruptibility: the interruptibility-state field (GUEST_INTR_STATE_*).
 * @entry_intr_info: the VM-entry interruption-information field.
 * @ia32e_mode_guest: the "IA-32e mode guest" VM-entry control.
 * @load_efer: the "load IA32_EFER" VM-entry control.
 * @unrestricted_guest: the "unrestricted guest" secondary processor-based
 *	VM-execution control.
 * @cr0_fixed0: IA32_VMX_CR0_FIXED0: a 1 bit must be 1 in CR0.
 * @cr0_fixed1: IA32_VMX_CR0_FIXED1: a 0 bit must be 0 in CR0.
 * @cr4_fixed0: IA32_VMX_CR4_FIXED0, likewise for CR4.
 * @cr4_fixed1: IA32_VMX_CR4_FIXED1, likewise for CR4.
 * @phys_addr_bits: MAXPHYADDR (CPUID.80000008H:EAX[7:0]), for the CR3
 *	check; 0 or 64 and above leave CR3 unchecked.
 */
struct vmx_guest_state {
	u64 cr0, cr3, cr4, dr7, efer, rip, rflags;
	struct vmx_seg_state cs, ss, ds, es, fs, gs, tr, ldtr;
	u64 gdtr_base, idtr_base;
	u32 gdtr_limit, idtr_limit;
	u32 activity, interruptibility;
	u32 entry_intr_info;
	bool ia32e_mode_guest;
	bool load_efer;
	bool unrestricted_guest;
	u64 cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	unsigned int phys_addr_bits;
};

/**
 * vmx_entry_check() - find the first guest-state rule that @gs breaks.
 * @gs: the guest state as the VMCS held it at the failed entry.
 * @field: set to a short static string naming the rule, e.g. "CR0.PG set
 *	without CR0.PE" (for dmesg and tests); "" when none is found.  May
 *	be NULL.
 *
 * The rules are tried in the order SDM Vol. 3 lists them under "Checks on
 * the Guest State Area": control registers, debug registers and MSRs;
 * segment registers; descriptor-table registers; RIP and RFLAGS;
 * non-register state.  Only the rules that depend on the fields of @gs are
 * modelled; linear addresses are taken to be 48 bits wide.
 *
 * Context: any; pure function of @gs.
 * Return: an AXV_ENTRY_CHECK_* value; %AXV_ENTRY_CHECK_NONE when every
 * modelled rule holds.
 */
unsigned int vmx_entry_check(const struct vmx_guest_state *gs,
			     const char **field);

#endif /* _AXVCPU_VMX_ENTRY_CHECK_H */
