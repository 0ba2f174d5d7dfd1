/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 state a guest starts in: registers per start mode, and the GDT,
 * TSS and identity-mapping page tables userctl writes into the reserved
 * area of guest RAM (guest.h).
 *
 * The GDT (at guest_reserved_base() + GUEST_GDT_OFFSET):
 *	0x00	null
 *	0x08	32-bit flat code: base 0, limit 4 GiB, type 0xb, D=1, G=1
 *	0x10	flat data: base 0, limit 4 GiB, type 3, D/B=1, G=1
 *	0x18	64-bit code: as 0x08 but L=1, D=0
 *	0x20	TSS (16 bytes, as long mode wants): busy TSS (type 11), limit 0x67
 */
#ifndef USERCTL_X86_SETUP_H
#define USERCTL_X86_SETUP_H

#include <linux/types.h>

#include "guest.h"
#include "libaxv.h"

enum x86_mode {
	X86_MODE_NONE,		/* not chosen: the image format decides */
	X86_MODE_REAL,
	X86_MODE_PROTECTED,
	X86_MODE_LONG,
};

#define X86_SEL_CODE32		0x08
#define X86_SEL_DATA		0x10
#define X86_SEL_CODE64		0x18
#define X86_SEL_TSS		0x20
#define X86_GDT_LIMIT		0x2f	/* 6 descriptors: the TSS takes two */
#define X86_TSS_LIMIT		0x67	/* 104 bytes, no I/O bitmap */

#define X86_CR0_PE		0x00000001ULL
#define X86_CR0_ET		0x00000010ULL
#define X86_CR0_PG		0x80000000ULL
#define X86_CR4_PAE		0x00000020ULL
#define X86_EFER_LME		0x00000100ULL
#define X86_EFER_LMA		0x00000400ULL
#define X86_RFLAGS_FIXED	0x2ULL

/* Page-table entry bits. */
#define X86_PTE_P		0x001ULL
#define X86_PTE_RW		0x002ULL
#define X86_PTE_PS		0x080ULL	/* in a PDE: a 2 MiB page */
#define X86_PAGE_2M		0x200000ULL
#define X86_PAGE_1G		0x40000000ULL

/* Segment types (S=1: code/data; S=0: system). */
#define X86_TYPE_DATA_RW_A	0x3	/* read/write, accessed */
#define X86_TYPE_CODE_RX_A	0xb	/* execute/read, accessed */
#define X86_TYPE_LDT		0x2
#define X86_TYPE_TSS_BUSY	0xb	/* 32-bit busy TSS; 64-bit busy TSS in long mode */

/* Initial stack pointers. */
#define X86_REAL_RSP		0x7c00ULL
#define X86_RSP			0x7000ULL

/* Highest real-mode entry address. */
#define X86_REAL_ENTRY_MAX	0xfffffULL

/* Page directories the reserved area can hold: each maps 1 GiB. */
#define X86_MAX_PDS		((GUEST_RESERVED_SIZE - GUEST_PD_OFFSET) / GUEST_PAGE_SIZE)

/* "real", "protected" or "long" to the mode; X86_MODE_NONE when unknown. */
enum x86_mode x86_mode_parse(const char *name);

/* The name x86_mode_parse() takes; "none" for X86_MODE_NONE. */
const char *x86_mode_name(enum x86_mode mode);

/*
 * The 8-byte descriptor for @seg in a GDT (the low half of a 16-byte
 * system descriptor in long mode): the hidden fields of @seg as a CPU
 * caches them from it.
 */
__u64 x86_descriptor(const struct axv_segment *seg);

/* Bytes the long-mode identity map covers for @mem: max(4 GiB, RAM in whole GiB). */
__u64 x86_identity_map_size(const struct guest_mem *mem);

/*
 * Prepare vCPU state to start at @entry in @mode (not X86_MODE_NONE).
 * Writes the GDT and TSS (protected, long) and page tables (long) into the
 * reserved area; sets every general register in @regs (0 except RIP, RSP
 * and RFLAGS); sets the segment, descriptor-table and control registers
 * and EFER in @sregs, leaving CR2, CR8, APIC base and the reserved fields
 * as they are (as AXV_GET_SREGS gave them).  0 or -EINVAL (an entry the
 * mode cannot reach), -ENOSPC (RAM the page tables cannot map).
 */
int x86_setup(struct guest_mem *mem, enum x86_mode mode, __u64 entry,
	      struct axv_regs *regs, struct axv_sregs *sregs, struct axv_err *err);

#endif /* USERCTL_X86_SETUP_H */
