/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMX instructions that take the physical address of a VMX region.  Each
 * reports VMfailInvalid/VMfailValid (CF or ZF set, SDM Vol. 3, 31.2) and
 * a fault (#UD outside VMX operation, #GP for a bad address or state,
 * caught by the exception table) alike, as failure.  Private to vmx/.
 */
#ifndef _AXVCPU_VMX_INSN_H
#define _AXVCPU_VMX_INSN_H

#include <linux/types.h>
#include <asm/asm.h>

#define VMX_PA_INSN(insn, pa)						\
({									\
	u64 __pa = (pa);						\
	u8 __failed = 1;						\
									\
	asm volatile("1: " insn " %[addr]\n\t"				\
		     "setna %[failed]\n"				\
		     "2:\n\t"						\
		     _ASM_EXTABLE(1b, 2b)				\
		     : [failed] "+qm" (__failed)			\
		     : [addr] "m" (__pa)				\
		     : "cc", "memory");					\
	!__failed;							\
})

/* Enter VMX operation with the VMXON region at @pa; true on success. */
static inline bool vmx_vmxon(u64 pa)
{
	return VMX_PA_INSN("vmxon", pa);
}

/* Clear the VMCS at @pa (launch state "clear"); true on success. */
static inline bool vmx_vmclear(u64 pa)
{
	return VMX_PA_INSN("vmclear", pa);
}

#endif /* _AXVCPU_VMX_INSN_H */
