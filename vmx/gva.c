// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-linear to guest-physical translation, walking the guest's own
 * page tables in guest memory (SDM Vol. 3, chapter 4: 32-bit paging 4.3,
 * PAE paging 4.4, 4-level paging 4.5).  Used to fetch the instruction
 * behind an MMIO exit and to move the data of string I/O.  Accessed and
 * dirty flags are not set: the accesses axvcpu makes for the guest are
 * the ones the guest already made or is making.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_US		BIT_ULL(2)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	GENMASK_ULL(51, 12)

/*
 * The default operand size of the code the guest runs: 8 in 64-bit mode,
 * 4 in a 32-bit code segment, 2 in real mode or a 16-bit segment; 0 in
 * virtual-8086 mode (treated as unsupported by the callers that care).
 * VMCS current.
 */
unsigned int vmx_cpu_mode(struct vmx_vcpu *vmx)
{
	u32 cs_ar = vmcs_read32(GUEST_CS_AR_BYTES);

	if (!(vmx_guest_cr0() & X86_CR0_PE))
		return 2;
	if (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_VM)
		return 0;
	if (vmx_guest_long_mode() && (cs_ar & BIT(13)))
		return 8;
	return (cs_ar & BIT(14)) ? 4 : 2;
}

/*
 * Copy guest-physical memory; -EAGAIN (memory not in yet) also marks it
 * to be brought in before the guest runs again.
 */
int vmx_copy_gpa(struct vmx_vcpu *vmx, u64 gpa, void *buf, unsigned int len,
		 bool write)
{
	int err;

	if (write)
		err = axv_vm_write_guest(vmx->vcpu->vm, gpa, buf, len);
	else
		err = axv_vm_read_guest(vmx->vcpu->vm, gpa, buf, len);
	return err == -EAGAIN ? vmx_memory_missing(vmx, gpa) : err;
}

/* A page-table entry: 0, -EFAULT, or -EAGAIN (vmx_copy_gpa()). */
static int vmx_read_pte(struct vmx_vcpu *vmx, u64 gpa, u64 *pte, bool wide)
{
	u32 pte32;
	int err;

	if (wide)
		return vmx_copy_gpa(vmx, gpa, pte, 8, false);
	err = vmx_copy_gpa(vmx, gpa, &pte32, 4, false);
	if (!err)
		*pte = pte32;
	return err;
}

/*
 * The rights the entries of a walk grant, ANDed level by level (4.6): a
 * write needs R/W everywhere (at CPL 0 only with CR0.WP), a user access
 * U/S everywhere.  PAE's PDPTEs carry neither bit.
 */
static int vmx_check_rights(unsigned long cr0, u64 rights, u32 acc,
			    u32 *pf_err)
{
	bool user = acc & VMX_ACC_USER, write = acc & VMX_ACC_WRITE;

	if ((user && !(rights & PTE_US)) ||
	    (write && !(rights & PTE_RW) && (user || (cr0 & X86_CR0_WP)))) {
		*pf_err = VMX_PF_PRESENT | (acc & (VMX_ACC_WRITE | VMX_ACC_USER));
		return -EFAULT;
	}
	return 0;
}

int vmx_gva_translate(struct vmx_vcpu *vmx, u64 gva, u32 acc, u64 *gpa,
		      u32 *pf_err)
{
	unsigned long cr0 = vmcs_readl(GUEST_CR0);
	unsigned long cr4 = vmcs_readl(GUEST_CR4);
	bool lma = vmx_guest_long_mode();
	u64 table = vmcs_readl(GUEST_CR3), pte, rights = PTE_RW | PTE_US;
	int level, shift, err;

	/* Not present: P clear, with the access's W and U bits (4.7). */
	*pf_err = acc & (VMX_ACC_WRITE | VMX_ACC_USER);
	if (!(cr0 & X86_CR0_PG)) {
		*gpa = lma ? gva : (u32)gva;
		return 0;
	}
	if (lma) {
		level = 4;
		table &= PTE_ADDR;
	} else if (cr4 & X86_CR4_PAE) {
		static const unsigned long pdptr[] = {
			GUEST_PDPTR0, GUEST_PDPTR1, GUEST_PDPTR2, GUEST_PDPTR3,
		};

		gva = (u32)gva;
		pte = __vmcs_read(pdptr[gva >> 30]);
		if (!(pte & PTE_P))
			return -EFAULT;
		table = pte & PTE_ADDR;
		level = 2;
	} else {
		/* 32-bit paging: two levels of 4-byte entries, 4 MiB pages. */
		u64 pde;

		gva = (u32)gva;
		err = vmx_read_pte(vmx, (table & 0xfffff000) + (gva >> 22) * 4,
				   &pde, false);
		if (err)
			return err;
		if (!(pde & PTE_P))
			return -EFAULT;
		if ((pde & PTE_PS) && (cr4 & X86_CR4_PSE)) {
			*gpa = (pde & 0xffc00000) | ((pde & 0x1fe000) << 19) |
			       (gva & 0x3fffff);
			return vmx_check_rights(cr0, pde, acc, pf_err);
		}
		err = vmx_read_pte(vmx, (pde & 0xfffff000) +
				   ((gva >> 12) & 0x3ff) * 4, &pte, false);
		if (err)
			return err;
		if (!(pte & PTE_P))
			return -EFAULT;
		*gpa = (pte & 0xfffff000) | (gva & 0xfff);
		return vmx_check_rights(cr0, pde & pte, acc, pf_err);
	}

	for (; level > 0; level--) {
		shift = 12 + 9 * (level - 1);
		err = vmx_read_pte(vmx, table + ((gva >> shift) & 0x1ff) * 8,
				   &pte, true);
		if (err)
			return err;
		if (!(pte & PTE_P))
			return -EFAULT;
		rights &= pte;
		/* A large page ends the walk at the PDPT (1 GiB) or PD (2 MiB). */
		if (level <= 3 && level > 1 && (pte & PTE_PS)) {
			u64 mask = BIT_ULL(shift) - 1;

			*gpa = ((pte & PTE_ADDR) & ~mask) | (gva & mask);
			return vmx_check_rights(cr0, rights, acc, pf_err);
		}
		table = pte & PTE_ADDR;
	}
	*gpa = table | (gva & 0xfff);
	return vmx_check_rights(cr0, rights, acc, pf_err);
}

int vmx_gva_to_gpa(struct vmx_vcpu *vmx, u64 gva, u64 *gpa)
{
	u32 pf_err;

	return vmx_gva_translate(vmx, gva, 0, gpa, &pf_err);
}

/* Copy to or from guest-linear memory, a page at a time. */
static int vmx_copy_gva(struct vmx_vcpu *vmx, u64 gva, void *buf,
			unsigned int len, bool write)
{
	while (len) {
		unsigned int n = min_t(u64, len, PAGE_SIZE - (gva & ~PAGE_MASK));
		u64 gpa;
		int err;

		err = vmx_gva_to_gpa(vmx, gva, &gpa);
		if (!err)
			err = vmx_copy_gpa(vmx, gpa, buf, n, write);
		if (err)
			return err;
		gva += n;
		buf += n;
		len -= n;
	}
	return 0;
}

int vmx_read_gva(struct vmx_vcpu *vmx, u64 gva, void *buf, unsigned int len)
{
	return vmx_copy_gva(vmx, gva, buf, len, false);
}

int vmx_write_gva(struct vmx_vcpu *vmx, u64 gva, const void *buf,
		  unsigned int len)
{
	return vmx_copy_gva(vmx, gva, (void *)buf, len, true);
}
