/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMREAD and VMWRITE of the current VMCS.  Field encodings come from
 * <asm/vmx.h> (SDM Vol. 3, Appendix B).  The width of a field is encoded in
 * bits 14:13 of its number; the accessors check it at compile time when the
 * field is a constant, as a write of the wrong width is silently truncated
 * by the hardware.  A failed VMWRITE is reported once per field, with the
 * VM-instruction error, by one out-of-line function.  Private to vmx/.
 */
#ifndef _AXVCPU_VMX_VMCS_H
#define _AXVCPU_VMX_VMCS_H

#include <linux/build_bug.h>
#include <linux/types.h>
#include <asm/asm.h>
#include <asm/vmx.h>

#define VMCS_WIDTH_16		0
#define VMCS_WIDTH_64		1
#define VMCS_WIDTH_32		2
#define VMCS_WIDTH_NATURAL	3

/*
 * Whether @field is not of width @width, or is the high half of a 64-bit
 * field (bit 0), which axvcpu never uses.
 */
static __always_inline bool vmcs_bad_width(unsigned long field, int width)
{
	int w = (field >> 13) & 3;

	return w != width || (w == VMCS_WIDTH_64 && (field & 1));
}

#define VMCS_CHECK_WIDTH(f, w)						\
	BUILD_BUG_ON(__builtin_constant_p(f) && vmcs_bad_width(f, w))

void vmx_vmwrite_error(unsigned long field, unsigned long value);

static __always_inline unsigned long __vmcs_read(unsigned long field)
{
	unsigned long value;

	/*
	 * VMREAD of a field the CPU does not have fails; callers only read
	 * fields that exist with the controls in use, and a failure reads 0.
	 */
	asm volatile("vmread %[field], %[value]\n\t"
		     "jna 1f\n\t"
		     "jmp 2f\n"
		     "1: xor %k[value], %k[value]\n"
		     "2:"
		     : [value] "=r" (value)
		     : [field] "r" (field)
		     : "cc");
	return value;
}

static __always_inline void __vmcs_write(unsigned long field,
					 unsigned long value)
{
	bool failed;

	asm volatile("vmwrite %[value], %[field]\n\t"
		     "setna %[failed]"
		     : [failed] "=qm" (failed)
		     : [field] "r" (field), [value] "rm" (value)
		     : "cc", "memory");
	if (unlikely(failed))
		vmx_vmwrite_error(field, value);
}

static __always_inline u16 vmcs_read16(unsigned long field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_16);
	return __vmcs_read(field);
}

static __always_inline u32 vmcs_read32(unsigned long field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_32);
	return __vmcs_read(field);
}

static __always_inline u64 vmcs_read64(unsigned long field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_64);
	return __vmcs_read(field);
}

static __always_inline unsigned long vmcs_readl(unsigned long field)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_NATURAL);
	return __vmcs_read(field);
}

static __always_inline void vmcs_write16(unsigned long field, u16 value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_16);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write32(unsigned long field, u32 value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_32);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_write64(unsigned long field, u64 value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_64);
	__vmcs_write(field, value);
}

static __always_inline void vmcs_writel(unsigned long field,
					unsigned long value)
{
	VMCS_CHECK_WIDTH(field, VMCS_WIDTH_NATURAL);
	__vmcs_write(field, value);
}

/*
 * CR0 and CR4 as the guest sees them: its own bits from the register, the
 * bits the host owns (set in the guest/host mask) from the read shadow
 * (SDM Vol. 3, 25.3).
 */
static inline unsigned long vmx_guest_cr0(void)
{
	unsigned long mask = vmcs_readl(CR0_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR0) & ~mask) |
	       (vmcs_readl(CR0_READ_SHADOW) & mask);
}

static inline unsigned long vmx_guest_cr4(void)
{
	unsigned long mask = vmcs_readl(CR4_GUEST_HOST_MASK);

	return (vmcs_readl(GUEST_CR4) & ~mask) |
	       (vmcs_readl(CR4_READ_SHADOW) & mask);
}

/* Whether the guest runs in IA-32e mode (the VM-entry control follows EFER.LMA). */
static inline bool vmx_guest_long_mode(void)
{
	return vmcs_read32(VM_ENTRY_CONTROLS) & VM_ENTRY_IA32E_MODE;
}

#endif /* _AXVCPU_VMX_VMCS_H */
