/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extended page tables: the guest-physical to host-physical translation of
 * one VM (SDM Vol. 3, 29.3).  A 4-level walk covering 2^48 bytes of
 * guest-physical space, write-back memory, with 2 MiB and 1 GiB leaves where
 * the processor has them and the caller's memory allows.  x86 only; the
 * core never includes this header.
 */
#ifndef _AXVCPU_EPT_H
#define _AXVCPU_EPT_H

#include <linux/bits.h>
#include <linux/list.h>
#include <linux/types.h>

/* Permissions of a mapping: bits 2:0 of an EPT entry. */
#define EPT_R		BIT(0)
#define EPT_W		BIT(1)
#define EPT_X		BIT(2)
#define EPT_PERM_MASK	(EPT_R | EPT_W | EPT_X)

/* Index into &ept.nr_leaves: 4 KiB, 2 MiB and 1 GiB leaves. */
#define EPT_LEAF_4K	0
#define EPT_LEAF_2M	1
#define EPT_LEAF_1G	2
#define EPT_NR_LEAF_SIZES	3

/**
 * struct ept - the extended page tables of one VM.
 * @root: the PML4 table, one page, in the kernel's direct map.
 * @allow_2m: the processor can map 2 MiB pages (IA32_VMX_EPT_VPID_CAP
 *	bit 16).
 * @allow_1g: the processor can map 1 GiB pages (IA32_VMX_EPT_VPID_CAP
 *	bit 17).
 * @nr_tables: table pages allocated, @root included.
 * @nr_leaves: leaves mapped, indexed by EPT_LEAF_4K, EPT_LEAF_2M and
 *	EPT_LEAF_1G; for tests and diagnostics.
 *
 * Nothing in here locks: every function below expects its caller to
 * serialise calls on the same &struct ept.  The processor walks the tables
 * while vCPUs of the VM run; entries are therefore written with single
 * stores, and the caller invalidates what the processor may have cached
 * (INVEPT) after a change that removes or narrows a translation.
 */
struct ept {
	u64 *root;
	bool allow_2m;
	bool allow_1g;
	unsigned long nr_tables;
	unsigned long nr_leaves[EPT_NR_LEAF_SIZES];
};

/**
 * ept_init() - allocate the root table of an empty EPT.
 * @ept: the EPT to set up; its previous contents are ignored.
 * @allow_2m: ept_map() may use 2 MiB leaves.
 * @allow_1g: ept_map() may use 1 GiB leaves.
 *
 * Context: process, may sleep.
 * Return: 0; -ENOMEM, leaving nothing allocated.
 */
int ept_init(struct ept *ept, bool allow_2m, bool allow_1g);

/**
 * ept_destroy() - free every table page of an EPT.
 * @ept: an EPT set up by ept_init(), or zero-filled.
 *
 * The memory the leaves map belongs to the caller and is not touched.  No
 * processor may use the EPT any more (no vCPU of the VM runs, and none will
 * enter the guest with this EPT pointer again).  @ept is left zero-filled.
 *
 * Context: process; the caller holds the VM's lock or is the last user.
 */
void ept_destroy(struct ept *ept);

/**
 * ept_pointer() - the EPT pointer (EPTP) for the VMCS.
 * @ept: an EPT set up by ept_init().
 *
 * Context: any.
 * Return: the physical address of the PML4 table, with write-back as the
 * memory type of the paging structures (6 in bits 2:0), a 4-level walk (3
 * in bits 5:3) and accessed and dirty flags off (bit 6 clear).
 */
u64 ept_pointer(const struct ept *ept);

/**
 * ept_map() - map host pages at consecutive guest-physical addresses.
 * @ept: the EPT.
 * @gpa: guest-physical address of the first page, 4 KiB aligned.
 * @pfns: host page frame numbers of the @npages pages, in guest order;
 *	they need not be consecutive.
 * @npages: number of 4 KiB pages, at least 1; @gpa + @npages * 4 KiB
 *	must not exceed 2^48.
 * @perm: EPT_R, optionally with EPT_W and EPT_X.  Write or execute
 *	access without read access is refused: the first is an EPT
 *	misconfiguration on every processor, the second on those without
 *	execute-only support (SDM Vol. 3, 29.3.3.1).
 * @freed: where table pages unlinked by a failed map go (see below).
 *
 * Each part of the range is mapped with the largest leaf its placement
 * allows: a 1 GiB (2 MiB) leaf when the EPT allows that size, the guest
 * address is aligned to it, and the next 2^18 (512) frames are consecutive
 * and start at an aligned host address; 4 KiB leaves otherwise.  Leaves are
 * write-back memory with the guest's PAT honoured.
 *
 * The range must be wholly unmapped.  On failure the EPT is left as it
 * was, and the table pages made and unlinked again go to @freed.  On
 * success entries only went from not-present to present; after -ENOMEM,
 * though, the entries made and removed again call for the same INVEPT as
 * ept_unmap() before the tables in @freed (ept_free_tables()) and the
 * pages behind the range may be released.
 *
 * Context: process, may sleep; the caller holds the VM's lock.
 * Return: 0; -EINVAL when @gpa is not page aligned, @npages is 0, the
 * range reaches past 2^48, a frame lies beyond the processor's
 * physical-address width or @perm is not one of the combinations above;
 * -EEXIST when part of the range is already mapped; -ENOMEM.
 */
int ept_map(struct ept *ept, u64 gpa, const unsigned long *pfns,
	    unsigned long npages, unsigned int perm, struct list_head *freed);

/**
 * ept_map_range() - map physically consecutive host pages at consecutive
 *	guest-physical addresses.
 * @ept: the EPT.
 * @gpa: guest-physical address of the first page, 4 KiB aligned.
 * @pfn: host frame number of the first page; the others follow it.
 * @npages: number of 4 KiB pages, as for ept_map().
 * @perm: as for ept_map().
 * @freed: as for ept_map().
 *
 * ept_map() for frames @pfn, @pfn + 1, ...: the same leaves, rules and
 * results, without a per-page array or check (a huge page of the VMM,
 * say).
 *
 * Context: process, may sleep; the caller holds the VM's lock.
 * Return: as ept_map(); -EINVAL also when the last frame lies beyond the
 * processor's physical-address width.
 */
int ept_map_range(struct ept *ept, u64 gpa, unsigned long pfn,
		  unsigned long npages, unsigned int perm,
		  struct list_head *freed);

/**
 * ept_unmap() - remove the mappings of a guest-physical range.
 * @ept: the EPT.
 * @gpa: guest-physical address of the first page, 4 KiB aligned (a
 *	misaligned @gpa triggers a one-time warning and unmaps nothing).
 * @npages: number of 4 KiB pages.
 * @freed: where the table pages left empty go (the root stays); the
 *	caller frees them with ept_free_tables() after its INVEPT.
 *
 * Clears every leaf in the range and unlinks the table pages left empty.
 * The range is expected to be one that a single ept_map() call mapped: a
 * large leaf that reaches out of the range triggers a one-time warning
 * and is removed whole anyway.  Parts of the range that
 * are not mapped are skipped.
 *
 * The processor may still hold translations through the removed entries,
 * and may still walk the unlinked table pages through them until the
 * caller's INVEPT for this EPT has completed on every CPU: only then may
 * the pages behind the range and the tables in @freed be released.
 *
 * Context: process, may sleep; the caller holds the VM's lock.
 */
void ept_unmap(struct ept *ept, u64 gpa, unsigned long npages,
	       struct list_head *freed);

/**
 * ept_free_tables() - free the table pages ept_unmap() unlinked.
 * @freed: the list ept_unmap() filled; empty afterwards.
 *
 * Context: process; after the INVEPT that follows the ept_unmap().
 */
void ept_free_tables(struct list_head *freed);

/**
 * ept_walk() - translate one guest-physical address as the processor would.
 * @ept: the EPT.
 * @gpa: the guest-physical address, any alignment.
 * @hpa: set to the host-physical address of @gpa itself, offset within
 *	the page included; may be NULL.
 * @perm: set to the leaf's EPT_R, EPT_W and EPT_X bits; may be NULL.
 * @level_size_shift: set to log2 of the leaf's size: 12, 21 or 30; may be
 *	NULL.
 *
 * Context: any; the caller holds the VM's lock, or otherwise keeps the
 * tables from changing under the walk.
 * Return: 0; -ENOENT when @gpa is not mapped (or lies beyond 2^48).
 */
int ept_walk(const struct ept *ept, u64 gpa, u64 *hpa, unsigned int *perm,
	     unsigned int *level_size_shift);

#endif /* _AXVCPU_EPT_H */
