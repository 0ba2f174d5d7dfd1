// SPDX-License-Identifier: GPL-2.0
/*
 * Start state of an x86 guest per mode: real, protected (flat 32-bit,
 * paging off) and long (identity-mapped with 2 MiB pages).
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "x86_setup.h"

enum x86_mode x86_mode_parse(const char *name)
{
	if (!strcmp(name, "real"))
		return X86_MODE_REAL;
	if (!strcmp(name, "protected"))
		return X86_MODE_PROTECTED;
	if (!strcmp(name, "long"))
		return X86_MODE_LONG;
	return X86_MODE_NONE;
}

const char *x86_mode_name(enum x86_mode mode)
{
	switch (mode) {
	case X86_MODE_REAL:
		return "real";
	case X86_MODE_PROTECTED:
		return "protected";
	case X86_MODE_LONG:
		return "long";
	case X86_MODE_NONE:
		break;
	}
	return "none";
}

__u64 x86_descriptor(const struct axv_segment *seg)
{
	__u32 limit = seg->g ? seg->limit >> 12 : seg->limit;
	__u64 d;

	d = limit & 0xffffULL;
	d |= (seg->base & 0xffffffULL) << 16;
	d |= (__u64)(seg->type & 0xf) << 40;
	d |= (__u64)(seg->s & 1) << 44;
	d |= (__u64)(seg->dpl & 3) << 45;
	d |= (__u64)(seg->present & 1) << 47;
	d |= (__u64)((limit >> 16) & 0xf) << 48;
	d |= (__u64)(seg->avl & 1) << 52;
	d |= (__u64)(seg->l & 1) << 53;
	d |= (__u64)(seg->db & 1) << 54;
	d |= (__u64)(seg->g & 1) << 55;
	d |= ((seg->base >> 24) & 0xffULL) << 56;
	return d;
}

__u64 x86_identity_map_size(const struct guest_mem *mem)
{
	__u64 size = (mem->size + X86_PAGE_1G - 1) & ~(X86_PAGE_1G - 1);

	return size > GUEST_4G ? size : GUEST_4G;
}

/* A present, DPL 0 segment with the given fields; the rest 0. */
static void x86_segment(struct axv_segment *seg, __u16 selector, __u64 base, __u32 limit,
			__u8 type, __u8 s, __u8 db, __u8 l, __u8 g)
{
	memset(seg, 0, sizeof(*seg));
	seg->selector = selector;
	seg->base = base;
	seg->limit = limit;
	seg->type = type;
	seg->present = 1;
	seg->s = s;
	seg->db = db;
	seg->l = l;
	seg->g = g;
}

/* LDTR: no LDT (a null selector was loaded). */
static void x86_no_ldt(struct axv_segment *ldt)
{
	x86_segment(ldt, 0, 0, 0xffff, X86_TYPE_LDT, 0, 0, 0, 0);
	ldt->unusable = 1;
}

static void x86_setup_real(__u64 entry, struct axv_regs *regs, struct axv_sregs *sregs)
{
	__u16 cs = (entry >> 4) & 0xf000;
	struct axv_segment data;

	x86_segment(&sregs->cs, cs, (__u64)cs << 4, 0xffff, X86_TYPE_CODE_RX_A, 1, 0, 0, 0);
	x86_segment(&data, 0, 0, 0xffff, X86_TYPE_DATA_RW_A, 1, 0, 0, 0);
	sregs->ds = data;
	sregs->es = data;
	sregs->fs = data;
	sregs->gs = data;
	sregs->ss = data;
	x86_segment(&sregs->tr, 0, 0, 0xffff, X86_TYPE_TSS_BUSY, 0, 0, 0, 0);
	x86_no_ldt(&sregs->ldt);
	memset(&sregs->gdt, 0, sizeof(sregs->gdt));
	sregs->gdt.limit = 0xffff;
	memset(&sregs->idt, 0, sizeof(sregs->idt));
	sregs->idt.limit = 0xffff;
	sregs->cr0 = X86_CR0_ET;
	sregs->cr3 = 0;
	sregs->cr4 = 0;
	sregs->efer = 0;

	regs->rip = entry - sregs->cs.base;
	regs->rsp = X86_REAL_RSP;
}

/* Write the GDT and TSS and set the segment registers from them. */
static void x86_setup_gdt(struct guest_mem *mem, bool long_mode, struct axv_sregs *sregs)
{
	__u64 reserved = guest_reserved_base(mem);
	__u64 gdt_addr = reserved + GUEST_GDT_OFFSET;
	__u64 tss_addr = reserved + GUEST_TSS_OFFSET;
	struct axv_segment code32, data, code64;
	__u64 gdt[(X86_GDT_LIMIT + 1) / 8];
	__u8 *tss;
	__u16 iomap = X86_TSS_LIMIT + 1;

	x86_segment(&code32, X86_SEL_CODE32, 0, 0xffffffff, X86_TYPE_CODE_RX_A, 1, 1, 0, 1);
	x86_segment(&data, X86_SEL_DATA, 0, 0xffffffff, X86_TYPE_DATA_RW_A, 1, 1, 0, 1);
	x86_segment(&code64, X86_SEL_CODE64, 0, 0xffffffff, X86_TYPE_CODE_RX_A, 1, 0, 1, 1);
	x86_segment(&sregs->tr, X86_SEL_TSS, tss_addr, X86_TSS_LIMIT, X86_TYPE_TSS_BUSY,
		    0, 0, 0, 0);

	memset(gdt, 0, sizeof(gdt));
	gdt[X86_SEL_CODE32 / 8] = x86_descriptor(&code32);
	gdt[X86_SEL_DATA / 8] = x86_descriptor(&data);
	gdt[X86_SEL_CODE64 / 8] = x86_descriptor(&code64);
	gdt[X86_SEL_TSS / 8] = x86_descriptor(&sregs->tr);
	gdt[X86_SEL_TSS / 8 + 1] = tss_addr >> 32;
	memset(guest_ptr(mem, gdt_addr, GUEST_PAGE_SIZE), 0, GUEST_PAGE_SIZE);
	memcpy(guest_ptr(mem, gdt_addr, sizeof(gdt)), gdt, sizeof(gdt));

	/* The TSS: all zero but the I/O map base, which says "no bitmap". */
	tss = guest_ptr(mem, tss_addr, GUEST_PAGE_SIZE);
	memset(tss, 0, GUEST_PAGE_SIZE);
	memcpy(tss + 102, &iomap, sizeof(iomap));

	sregs->cs = long_mode ? code64 : code32;
	sregs->ds = data;
	sregs->es = data;
	sregs->fs = data;
	sregs->gs = data;
	sregs->ss = data;
	x86_no_ldt(&sregs->ldt);
	memset(&sregs->gdt, 0, sizeof(sregs->gdt));
	sregs->gdt.base = gdt_addr;
	sregs->gdt.limit = X86_GDT_LIMIT;
	/* No IDT: an exception before the guest loads its own is a triple fault. */
	memset(&sregs->idt, 0, sizeof(sregs->idt));
}

/* Identity-map [0, x86_identity_map_size()) with 2 MiB pages; returns the PML4 address. */
static __u64 x86_setup_page_tables(struct guest_mem *mem)
{
	__u64 reserved = guest_reserved_base(mem);
	__u64 pml4_addr = reserved + GUEST_PML4_OFFSET;
	__u64 pdpt_addr = reserved + GUEST_PDPT_OFFSET;
	__u64 pd_addr = reserved + GUEST_PD_OFFSET;
	__u64 npd = x86_identity_map_size(mem) / X86_PAGE_1G;
	__u64 *pml4, *pdpt, *pd;
	__u64 i, j;

	pml4 = guest_ptr(mem, pml4_addr, GUEST_PAGE_SIZE);
	pdpt = guest_ptr(mem, pdpt_addr, GUEST_PAGE_SIZE);
	memset(pml4, 0, GUEST_PAGE_SIZE);
	memset(pdpt, 0, GUEST_PAGE_SIZE);
	pml4[0] = pdpt_addr | X86_PTE_P | X86_PTE_RW;
	for (i = 0; i < npd; i++) {
		pdpt[i] = (pd_addr + i * GUEST_PAGE_SIZE) | X86_PTE_P | X86_PTE_RW;
		pd = guest_ptr(mem, pd_addr + i * GUEST_PAGE_SIZE, GUEST_PAGE_SIZE);
		for (j = 0; j < 512; j++)
			pd[j] = (i * X86_PAGE_1G + j * X86_PAGE_2M) |
				X86_PTE_P | X86_PTE_RW | X86_PTE_PS;
	}
	return pml4_addr;
}

int x86_setup(struct guest_mem *mem, enum x86_mode mode, __u64 entry,
	      struct axv_regs *regs, struct axv_sregs *sregs, struct axv_err *err)
{
	__u64 map;

	memset(regs, 0, sizeof(*regs));
	regs->rflags = X86_RFLAGS_FIXED;

	switch (mode) {
	case X86_MODE_REAL:
		if (entry > X86_REAL_ENTRY_MAX)
			return axv_err_set(err, EINVAL,
					   "real mode cannot start at 0x%llx: the entry must be below 1 MiB",
					   entry);
		x86_setup_real(entry, regs, sregs);
		return 0;
	case X86_MODE_PROTECTED:
		if (entry > 0xffffffffULL)
			return axv_err_set(err, EINVAL,
					   "protected mode cannot start at 0x%llx: the entry must be below 4 GiB",
					   entry);
		x86_setup_gdt(mem, false, sregs);
		sregs->cr0 = X86_CR0_PE | X86_CR0_ET;
		sregs->cr3 = 0;
		sregs->cr4 = 0;
		sregs->efer = 0;
		regs->rip = entry;
		regs->rsp = X86_RSP;
		return 0;
	case X86_MODE_LONG:
		map = x86_identity_map_size(mem);
		if (map / X86_PAGE_1G > X86_MAX_PDS)
			return axv_err_set(err, ENOSPC,
					   "long mode maps at most %llu GiB of guest RAM (page tables in the reserved area)",
					   X86_MAX_PDS);
		if (entry >= map)
			return axv_err_set(err, EINVAL,
					   "long mode cannot start at 0x%llx: only 0-0x%llx is identity-mapped",
					   entry, map - 1);
		x86_setup_gdt(mem, true, sregs);
		sregs->cr3 = x86_setup_page_tables(mem);
		sregs->cr0 = X86_CR0_PG | X86_CR0_PE | X86_CR0_ET;
		sregs->cr4 = X86_CR4_PAE;
		sregs->efer = X86_EFER_LME | X86_EFER_LMA;
		regs->rip = entry;
		regs->rsp = X86_RSP;
		return 0;
	case X86_MODE_NONE:
		break;
	}
	return axv_err_set(err, EINVAL, "no start mode chosen");
}
