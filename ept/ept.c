// SPDX-License-Identifier: GPL-2.0
/*
 * Extended page tables (SDM Vol. 3, 29.3): four levels of 512-entry tables,
 * PML4 (level 4), PDPT (3), PD (2) and PT (1), indexed by guest-physical
 * address bits 47:39, 38:30, 29:21 and 20:12.
 *
 * An entry is present when any of bits 2:0 (read, write, execute) is set.
 * A PDPT or PD entry with bit 7 set maps a 1 GiB or 2 MiB page; every PT
 * entry maps a 4 KiB page.  Leaves hold the memory type in bits 5:3 and
 * "ignore PAT" in bit 6; entries that point to a table keep bits 7:3 clear.
 * Bits 51:12 hold a physical address (of the next table, or of the page,
 * whose low bits below its size must then be 0).
 *
 * Invariant: apart from the root, no table page is ever left without a
 * present entry; ept_unmap() frees a table as soon as it empties.  The
 * functions here rely on it: a present non-leaf entry means something is
 * mapped below it.
 */
#include <linux/bits.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include <axvcpu/ept.h>

#define EPT_LEVELS		4
#define EPT_LEVEL_BITS		9
#define EPT_ENTRIES		BIT(EPT_LEVEL_BITS)
#define EPT_GPA_BITS		48

/* Bit 7: a PDPT or PD entry that maps a page rather than a table. */
#define EPT_LARGE		BIT_ULL(7)
/* Bits 5:3 of a leaf: the memory type, write-back. */
#define EPT_LEAF_WB		(VMX_EPTP_MT_WB << VMX_EPT_MT_EPTE_SHIFT)
#define EPT_ADDR_MASK		GENMASK_ULL(51, PAGE_SHIFT)

/* log2 of the size one entry of a level-@level table covers. */
static unsigned int ept_shift(unsigned int level)
{
	return PAGE_SHIFT + EPT_LEVEL_BITS * (level - 1);
}

static unsigned int ept_index(u64 gpa, unsigned int level)
{
	return (gpa >> ept_shift(level)) & (EPT_ENTRIES - 1);
}

static bool ept_present(u64 entry)
{
	return entry & EPT_PERM_MASK;
}

static bool ept_is_leaf(u64 entry, unsigned int level)
{
	return level == 1 || (entry & EPT_LARGE);
}

static u64 *ept_table(u64 entry)
{
	return __va(entry & EPT_ADDR_MASK);
}

/* Whether any leaf maps part of [@start, @end), all within @table. */
static bool ept_range_mapped(const u64 *table, unsigned int level, u64 start,
			     u64 end)
{
	u64 size = BIT_ULL(ept_shift(level));
	u64 addr, next, entry;

	for (addr = start; addr < end; addr = next) {
		next = min((addr & ~(size - 1)) + size, end);
		entry = READ_ONCE(table[ept_index(addr, level)]);
		if (!ept_present(entry))
			continue;
		if (ept_is_leaf(entry, level) ||
		    ept_range_mapped(ept_table(entry), level - 1, addr, next))
			return true;
	}
	return false;
}

/*
 * Remove the leaves in [@start, @end), all within @table, and free the
 * tables below @table that this leaves empty.
 */
static void ept_clear_range(struct ept *ept, struct list_head *freed,
			    u64 *table, unsigned int level,
			    u64 start, u64 end)
{
	u64 size = BIT_ULL(ept_shift(level));
	u64 addr, next, entry;
	u64 *slot, *child;

	for (addr = start; addr < end; addr = next) {
		next = min((addr & ~(size - 1)) + size, end);
		slot = &table[ept_index(addr, level)];
		entry = READ_ONCE(*slot);
		if (!ept_present(entry))
			continue;
		if (ept_is_leaf(entry, level)) {
			/* A large leaf reaching out of the range. */
			WARN_ON_ONCE(next - addr != size);
			WRITE_ONCE(*slot, 0);
			ept->nr_leaves[level - 1]--;
			continue;
		}
		child = ept_table(entry);
		ept_clear_range(ept, freed, child, level - 1, addr, next);
		if (level == 2)
			cond_resched();
		if (!memchr_inv(child, 0, PAGE_SIZE)) {
			WRITE_ONCE(*slot, 0);
			/* Freed now, or after the caller's INVEPT. */
			if (freed)
				list_add(&virt_to_page(child)->lru, freed);
			else
				free_page((unsigned long)child);
			ept->nr_tables--;
		}
	}
}

/*
 * Install @leaf as the level-@level entry for @gpa, allocating the tables
 * on the way.  -EEXIST is found before anything is allocated: a table made
 * here is empty, and so is everything below it.
 */
static int ept_set_leaf(struct ept *ept, u64 gpa, unsigned int level,
			u64 leaf)
{
	u64 *table = ept->root;
	unsigned int l;
	u64 *slot, *child;
	u64 entry;

	for (l = EPT_LEVELS; l > level; l--) {
		slot = &table[ept_index(gpa, l)];
		entry = READ_ONCE(*slot);
		if (!ept_present(entry)) {
			child = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
			if (!child)
				return -ENOMEM;
			ept->nr_tables++;
			entry = __pa(child) | EPT_PERM_MASK;
			WRITE_ONCE(*slot, entry);
		} else if (ept_is_leaf(entry, l)) {
			return -EEXIST;
		}
		table = ept_table(entry);
	}
	slot = &table[ept_index(gpa, level)];
	if (ept_present(READ_ONCE(*slot)))
		return -EEXIST;
	WRITE_ONCE(*slot, leaf);
	ept->nr_leaves[level - 1]++;
	return 0;
}

/*
 * The frames behind a mapping: listed one per page in @pfns, or, when
 * @pfns is NULL, consecutive from @first.
 */
struct ept_frames {
	const unsigned long *pfns;
	unsigned long first;
};

static unsigned long ept_frame(const struct ept_frames *f, unsigned long i)
{
	return f->pfns ? f->pfns[i] : f->first + i;
}

/*
 * Whether the @left pages from @gpa, backed by @f's frames from @i on,
 * can start with a leaf of level @level: aligned at both ends and
 * physically consecutive.
 */
static bool ept_fits(u64 gpa, const struct ept_frames *f, unsigned long i,
		     unsigned long left, unsigned int level)
{
	unsigned long n = BIT(ept_shift(level) - PAGE_SHIFT);
	unsigned long pfn = ept_frame(f, i);
	unsigned long k;

	if (left < n || !IS_ALIGNED(gpa, BIT_ULL(ept_shift(level))) ||
	    !IS_ALIGNED(pfn, n))
		return false;
	for (k = 1; f->pfns && k < n; k++)
		if (f->pfns[i + k] != pfn + k)
			return false;
	return true;
}

static unsigned int ept_leaf_level(const struct ept *ept, u64 gpa,
				   const struct ept_frames *f, unsigned long i,
				   unsigned long left)
{
	if (ept->allow_1g && ept_fits(gpa, f, i, left, 3))
		return 3;
	if (ept->allow_2m && ept_fits(gpa, f, i, left, 2))
		return 2;
	return 1;
}

/*
 * Readable, with or without write and execute.  Write without read is a
 * misconfiguration everywhere, execute-only on processors that do not
 * report support for it (SDM Vol. 3, 29.3.3.1).
 */
static bool ept_perm_valid(unsigned int perm)
{
	return !(perm & ~EPT_PERM_MASK) && (perm & EPT_R);
}

int ept_init(struct ept *ept, bool allow_2m, bool allow_1g)
{
	memset(ept, 0, sizeof(*ept));
	ept->root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!ept->root)
		return -ENOMEM;
	ept->allow_2m = allow_2m;
	ept->allow_1g = allow_1g;
	ept->nr_tables = 1;
	return 0;
}

static void ept_free_table(u64 *table, unsigned int level)
{
	unsigned int i;
	u64 entry;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++) {
		entry = table[i];
		if (ept_present(entry) && !ept_is_leaf(entry, level))
			ept_free_table(ept_table(entry), level - 1);
	}
	free_page((unsigned long)table);
}

void ept_destroy(struct ept *ept)
{
	if (ept->root)
		ept_free_table(ept->root, EPT_LEVELS);
	memset(ept, 0, sizeof(*ept));
}

u64 ept_pointer(const struct ept *ept)
{
	return __pa(ept->root) | VMX_EPTP_MT_WB | VMX_EPTP_PWL_4;
}

/* Whether any of @f's @npages frames is beyond what the processor can address. */
static bool ept_frames_out(const struct ept_frames *f, unsigned long npages)
{
	unsigned long pfn_limit = BIT(boot_cpu_data.x86_phys_bits - PAGE_SHIFT);
	unsigned long i;

	if (!f->pfns)
		return f->first >= pfn_limit || npages > pfn_limit - f->first;
	for (i = 0; i < npages; i++)
		if (f->pfns[i] >= pfn_limit)
			return true;
	return false;
}

static int ept_map_frames(struct ept *ept, u64 gpa, const struct ept_frames *f,
			  unsigned long npages, unsigned int perm,
			  struct list_head *freed)
{
	unsigned long i, n;
	unsigned int level;
	u64 end, addr, leaf;
	int err;

	if (!ept_perm_valid(perm) || !IS_ALIGNED(gpa, PAGE_SIZE) || !npages ||
	    gpa >= BIT_ULL(EPT_GPA_BITS) ||
	    npages > BIT_ULL(EPT_GPA_BITS - PAGE_SHIFT))
		return -EINVAL;
	end = gpa + ((u64)npages << PAGE_SHIFT);
	if (end > BIT_ULL(EPT_GPA_BITS) || ept_frames_out(f, npages))
		return -EINVAL;
	if (ept_range_mapped(ept->root, EPT_LEVELS, gpa, end))
		return -EEXIST;

	for (i = 0; i < npages; i += n) {
		addr = gpa + ((u64)i << PAGE_SHIFT);
		level = ept_leaf_level(ept, addr, f, i, npages - i);
		n = BIT(ept_shift(level) - PAGE_SHIFT);
		leaf = PFN_PHYS(ept_frame(f, i)) | EPT_LEAF_WB | perm;
		if (level > 1)
			leaf |= EPT_LARGE;
		err = ept_set_leaf(ept, addr, level, leaf);
		if (err) {
			/*
			 * The range was checked unmapped: -EEXIST means the
			 * invariant broke.  -ENOMEM may leave empty tables
			 * on the path to @addr; clearing up to the end of
			 * the failed leaf frees them.
			 */
			WARN_ON_ONCE(err == -EEXIST);
			ept_clear_range(ept, freed, ept->root, EPT_LEVELS, gpa,
					err == -EEXIST ? addr :
					addr + ((u64)n << PAGE_SHIFT));
			return err;
		}
		cond_resched();
	}
	return 0;
}

int ept_map(struct ept *ept, u64 gpa, const unsigned long *pfns,
	    unsigned long npages, unsigned int perm, struct list_head *freed)
{
	const struct ept_frames f = { .pfns = pfns };

	return ept_map_frames(ept, gpa, &f, npages, perm, freed);
}

int ept_map_range(struct ept *ept, u64 gpa, unsigned long pfn,
		  unsigned long npages, unsigned int perm,
		  struct list_head *freed)
{
	const struct ept_frames f = { .first = pfn };

	return ept_map_frames(ept, gpa, &f, npages, perm, freed);
}

void ept_unmap(struct ept *ept, u64 gpa, unsigned long npages,
	       struct list_head *freed)
{
	u64 end;

	if (WARN_ON_ONCE(!IS_ALIGNED(gpa, PAGE_SIZE)) ||
	    gpa >= BIT_ULL(EPT_GPA_BITS))
		return;
	if (npages > BIT_ULL(EPT_GPA_BITS - PAGE_SHIFT))
		npages = BIT_ULL(EPT_GPA_BITS - PAGE_SHIFT);
	end = min(gpa + ((u64)npages << PAGE_SHIFT), BIT_ULL(EPT_GPA_BITS));
	ept_clear_range(ept, freed, ept->root, EPT_LEVELS, gpa, end);
}

void ept_free_tables(struct list_head *freed)
{
	struct page *page, *tmp;

	list_for_each_entry_safe(page, tmp, freed, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

int ept_walk(const struct ept *ept, u64 gpa, u64 *hpa, unsigned int *perm,
	     unsigned int *level_size_shift)
{
	const u64 *table = ept->root;
	unsigned int level, shift;
	u64 entry;

	if (gpa >= BIT_ULL(EPT_GPA_BITS))
		return -ENOENT;
	for (level = EPT_LEVELS; ; level--) {
		entry = READ_ONCE(table[ept_index(gpa, level)]);
		if (!ept_present(entry))
			return -ENOENT;
		if (ept_is_leaf(entry, level))
			break;
		table = ept_table(entry);
	}
	shift = ept_shift(level);
	if (hpa)
		*hpa = (entry & EPT_ADDR_MASK & ~(BIT_ULL(shift) - 1)) |
		       (gpa & (BIT_ULL(shift) - 1));
	if (perm)
		*perm = entry & EPT_PERM_MASK;
	if (level_size_shift)
		*level_size_shift = shift;
	return 0;
}
