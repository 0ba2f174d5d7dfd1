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

/* Make the VMCS at @pa current and active on this CPU; true on success. */
static inline bool vmx_vmptrld(u64 pa)
{
	return VMX_PA_INSN("vmptrld", pa);
}

/* INVEPT/INVVPID descriptor types (SDM Vol. 3, 30.3). */
#define VMX_INVEPT_SINGLE	1
#define VMX_INVEPT_GLOBAL	2
#define VMX_INVVPID_SINGLE	1
#define VMX_INVVPID_GLOBAL	2

/* Run an INVEPT/INVVPID of @type with a two-quadword descriptor. */
#define VMX_INV_INSN(insn, type, d0, d1)				\
({									\
	struct { u64 a, b; } __desc = { (d0), (d1) };			\
	u8 __failed = 1;						\
									\
	asm volatile("1: " insn " %[desc], %[t]\n\t"			\
		     "setna %[failed]\n"				\
		     "2:\n\t"						\
		     _ASM_EXTABLE(1b, 2b)				\
		     : [failed] "+qm" (__failed)			\
		     : [desc] "m" (__desc), [t] "r" ((u64)(type))	\
		     : "cc", "memory");					\
	!__failed;							\
})

static inline bool vmx_invept(unsigned long type, u64 eptp)
{
	return VMX_INV_INSN("invept", type, eptp, 0);
}

static inline bool vmx_invvpid(unsigned long type, u16 vpid)
{
	return VMX_INV_INSN("invvpid", type, vpid, 0);
}

#endif /* _AXVCPU_VMX_INSN_H */
