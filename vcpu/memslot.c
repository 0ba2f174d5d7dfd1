// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's guest memory: which of the VMM's memory appears where in the
 * guest-physical address space.  Slots are checked and kept here, and
 * their pages pinned as the guest first uses them; the backend maps them
 * (EPT on Intel).
 */
#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <axvcpu/arch.h>
#include <axvcpu/core.h>

unsigned int axv_vm_gpa_bits(const struct axv_vm *vm)
{
	return vm->virt->ops->gpa_bits;
}

/* Whether [start, start + size) wraps or reaches past 2^bits. */
static bool axv_range_out(u64 start, u64 size, unsigned int bits)
{
	u64 end;

	if (check_add_overflow(start, size, &end))
		return true;
	return bits < 64 && end > BIT_ULL(bits);
}

static bool axv_ranges_overlap(u64 a, u64 a_size, u64 b, u64 b_size)
{
	return a < b + b_size && b < a + a_size;
}

int axv_vm_check_memslot(const struct axv_vm *vm, unsigned int slot,
			 const struct axv_memslot *mem)
{
	if (slot >= AXV_MAX_MEMSLOTS || !mem->size ||
	    !PAGE_ALIGNED(mem->gpa) || !PAGE_ALIGNED(mem->size) ||
	    !PAGE_ALIGNED(mem->uaddr) ||
	    axv_range_out(mem->gpa, mem->size, axv_vm_gpa_bits(vm)) ||
	    axv_range_out(mem->uaddr, mem->size, 64))
		return -EINVAL;
	return 0;
}

/*
 * Guest memory is brought in on first use (an EPT violation, or a copy
 * by the kernel), a chunk at a time: the 2 MiB-aligned stretch of
 * guest-physical space around the access, clipped to the region, is
 * pinned and mapped whole.  Where one huge page of the VMM backs the
 * whole chunk, one pin holds it and the backend maps it at once;
 * otherwise each page is pinned and kept in an array of the chunk's own.
 */
#define AXV_CHUNK_SHIFT	21
#define AXV_CHUNK_SIZE	BIT_ULL(AXV_CHUNK_SHIFT)
#define AXV_CHUNK_PAGES	(AXV_CHUNK_SIZE >> PAGE_SHIFT)

static_assert(AXV_MAX_MEMSLOTS <= BITS_PER_LONG);

/* Chunk number of @gpa in @mem, counted from the region's first. */
static unsigned long axv_chunk(const struct axv_memslot *mem, u64 gpa)
{
	return (gpa >> AXV_CHUNK_SHIFT) - (mem->gpa >> AXV_CHUNK_SHIFT);
}

static unsigned long axv_nr_chunks(const struct axv_memslot *mem)
{
	return axv_chunk(mem, mem->gpa + mem->size - 1) + 1;
}

/* Guest-physical start and end of chunk @c of @mem. */
static u64 axv_chunk_start(const struct axv_memslot *mem, unsigned long c)
{
	return max(ALIGN_DOWN(mem->gpa, AXV_CHUNK_SIZE) +
		   ((u64)c << AXV_CHUNK_SHIFT), mem->gpa);
}

static u64 axv_chunk_end(const struct axv_memslot *mem, unsigned long c)
{
	return min(ALIGN_DOWN(mem->gpa, AXV_CHUNK_SIZE) +
		   ((u64)(c + 1) << AXV_CHUNK_SHIFT), mem->gpa + mem->size);
}

static bool axv_chunk_in(const struct axv_chunk *chunk)
{
	return chunk->pages || chunk->huge;
}

/* The pinned page behind @gpa of @mem, or NULL when not in yet. */
static struct page *axv_memslot_page(const struct axv_memslot *mem, u64 gpa)
{
	unsigned long c = axv_chunk(mem, gpa);
	const struct axv_chunk *chunk = &mem->chunks[c];
	unsigned long i = (gpa - axv_chunk_start(mem, c)) >> PAGE_SHIFT;

	if (chunk->huge)
		return nth_page(chunk->huge, i);
	return chunk->pages ? chunk->pages[i] : NULL;
}

int axv_vm_set_memslot(struct axv_vm *vm, unsigned int slot,
		       const struct axv_memslot *mem)
{
	const struct axv_arch_ops *ops = vm->virt->ops;
	unsigned int i;
	int err;

	err = axv_vm_check_memslot(vm, slot, mem);
	if (err)
		return err;

	mutex_lock(&vm->mem_mutex);
	for (i = 0; i < AXV_MAX_MEMSLOTS; i++) {
		const struct axv_memslot *other = &vm->memslots[i];

		if (other->size &&
		    (i == slot || axv_ranges_overlap(mem->gpa, mem->size,
						     other->gpa, other->size))) {
			err = -EEXIST;
			break;
		}
	}
	if (!err && ops->check_memory)
		err = ops->check_memory(vm, mem->gpa, mem->size);
	if (!err) {
		spin_lock(&vm->mem_lock);
		vm->memslots[slot] = *mem;
		__set_bit(slot, &vm->used_slots);
		spin_unlock(&vm->mem_lock);
	}
	mutex_unlock(&vm->mem_mutex);
	return err;
}

int axv_vm_delete_memslot(struct axv_vm *vm, unsigned long slot)
{
	struct axv_memslot mem;
	int err = 0;

	if (slot >= AXV_MAX_MEMSLOTS)
		return -EINVAL;
	mutex_lock(&vm->mem_mutex);
	mem = vm->memslots[slot];
	if (mem.size) {
		/* Whatever chunks came in; the holes between cost nothing. */
		if (mem.chunks)
			vm->virt->ops->unmap_memory(vm, mem.gpa,
						    mem.size >> PAGE_SHIFT);
		spin_lock(&vm->mem_lock);
		vm->memslots[slot] = (struct axv_memslot){ };
		__clear_bit(slot, &vm->used_slots);
		spin_unlock(&vm->mem_lock);
	} else {
		err = -ENOENT;
	}
	mutex_unlock(&vm->mem_mutex);
	/* No CPU reaches the pages any more: they can go back. */
	if (!err)
		axv_memslot_release(vm, &mem);
	return err;
}

int axv_memslot_prepare(struct axv_vm *vm, struct axv_memslot *mem)
{
	unsigned long npages = mem->size >> PAGE_SHIFT;
	struct axv_chunk *chunks;
	int err;

	if (current->mm != vm->mm)
		return -EIO;
	chunks = kvcalloc(axv_nr_chunks(mem), sizeof(*chunks),
			  GFP_KERNEL_ACCOUNT);
	if (!chunks)
		return -ENOMEM;
	/* Charged whole now, so that bringing a chunk in never hits it. */
	err = account_locked_vm(vm->mm, npages, true);
	if (err) {
		kvfree(chunks);
		return err;
	}
	mem->chunks = chunks;
	return 0;
}

void axv_memslot_release(struct axv_vm *vm, struct axv_memslot *mem)
{
	bool dirty = !(mem->flags & AXV_MEM_READONLY);
	struct axv_mem_stats gone = { };
	unsigned long c, n;

	if (!mem->chunks)
		return;
	for (c = 0; c < axv_nr_chunks(mem); c++) {
		struct axv_chunk *chunk = &mem->chunks[c];

		if (!axv_chunk_in(chunk))
			continue;
		n = (axv_chunk_end(mem, c) - axv_chunk_start(mem, c)) >>
		    PAGE_SHIFT;
		if (chunk->huge) {
			unpin_user_pages_dirty_lock(&chunk->huge, 1, dirty);
			gone.huge_chunks++;
		} else {
			unpin_user_pages_dirty_lock(chunk->pages, n, dirty);
			kfree(chunk->pages);
		}
		gone.pinned_pages += n;
		gone.chunks++;
		cond_resched();
	}
	if (gone.chunks) {
		mutex_lock(&vm->mem_mutex);
		vm->mem_stats.pinned_pages -= gone.pinned_pages;
		vm->mem_stats.chunks -= gone.chunks;
		vm->mem_stats.huge_chunks -= gone.huge_chunks;
		mutex_unlock(&vm->mem_mutex);
	}
	account_locked_vm(vm->mm, mem->size >> PAGE_SHIFT, false);
	kvfree(mem->chunks);
	mem->chunks = NULL;
}

/* The region holding @gpa, or NULL.  vm->mem_lock or vm->mem_mutex held. */
static struct axv_memslot *axv_vm_find_memslot(struct axv_vm *vm, u64 gpa)
{
	unsigned long used = vm->used_slots;

	lockdep_assert(lockdep_is_held(&vm->mem_lock) ||
		       lockdep_is_held(&vm->mem_mutex));
	/*
	 * Every MMIO exit, and each level of a guest page walk, looks here:
	 * only the slots in use, one bit at a time (one word holds them all).
	 */
	BUILD_BUG_ON(AXV_MAX_MEMSLOTS > BITS_PER_LONG);
	while (used) {
		struct axv_memslot *mem = &vm->memslots[__ffs(used)];

		if (mem->chunks && gpa >= mem->gpa && gpa - mem->gpa < mem->size)
			return mem;
		used &= used - 1;
	}
	return NULL;
}

/*
 * Pin the @n pages of the VMM's memory from @addr into @pages.  Memory
 * already there is pinned without faulting anything.  Memory not there
 * yet is faulted in first as ordinary memory: faulted in by the pin
 * itself (FOLL_LONGTERM) it would be allocated as unmovable, and for
 * huge pages the allocator would first take whole pageblocks over from
 * movable memory (the memory rows of Documentation/performance.rst).
 */
static int axv_pin(unsigned long addr, unsigned long n, bool writable,
		   struct page **pages)
{
	unsigned int gup = FOLL_LONGTERM | (writable ? FOLL_WRITE : 0);
	unsigned long pinned = 0;

	while (pinned < n) {
		unsigned long at = addr + (pinned << PAGE_SHIFT);
		int got;

		got = pin_user_pages_fast_only(at, n - pinned, gup,
					       pages + pinned);
		if (got <= 0) {
			get_user_pages_unlocked(at, n - pinned, NULL,
						gup & FOLL_WRITE);
			got = pin_user_pages_fast(at, n - pinned, gup,
						  pages + pinned);
		}
		if (got <= 0) {
			unpin_user_pages(pages, pinned);
			return got ? got : -EFAULT;
		}
		pinned += got;
	}
	return 0;
}

/*
 * Whether a single huge-page entry of @mm maps the whole chunk from
 * @addr; if so, @pfn is the frame at @addr.  Walked as
 * get_user_pages_fast() walks, with interrupts off so that no page table
 * goes away meanwhile, and each entry read once into a copy that the
 * next level is found from.
 */
static bool axv_huge_at(struct mm_struct *mm, unsigned long addr,
			unsigned long *pfn)
{
	unsigned long flags;
	bool huge = false;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(mm, addr));
	if (!pgd_present(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, addr));
	if (!p4d_present(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, addr));
	if (!pud_present(pud))
		goto out;
	if (pud_leaf(pud)) {
		huge = ALIGN_DOWN(addr, PUD_SIZE) + PUD_SIZE - addr >=
		       AXV_CHUNK_SIZE;
		*pfn = pud_pfn(pud) + ((addr & ~PUD_MASK) >> PAGE_SHIFT);
		goto out;
	}
	pmd = READ_ONCE(*pmd_offset(&pud, addr));
	if (pmd_present(pmd) && pmd_leaf(pmd)) {
		huge = ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE - addr >=
		       AXV_CHUNK_SIZE;
		*pfn = pmd_pfn(pmd) + ((addr & ~PMD_MASK) >> PAGE_SHIFT);
	}
out:
	local_irq_restore(flags);
	return huge;
}

/*
 * Pin the chunk of the VMM's memory at @addr with one pin, when one huge
 * page maps it whole: pin its first page with axv_pin() (which faults it
 * in first, bringing in the whole huge page where the VMM's memory can
 * have one), then check that the page tables map the chunk with that
 * page's frame at its start, and that the page's folio holds the chunk's
 * every frame, so that the pin holds them all.  Returns the pinned page,
 * or NULL (nothing pinned) when the chunk is not one huge page or the
 * pin failed; pinning the chunk page by page then tells why.
 */
static struct page *axv_pin_huge(struct mm_struct *mm, unsigned long addr,
				 bool writable)
{
	unsigned long pfn, mapped;
	struct folio *folio;
	struct page *page;

	if (axv_pin(addr, 1, writable, &page))
		return NULL;
	pfn = page_to_pfn(page);
	folio = page_folio(page);
	if (axv_huge_at(mm, addr, &mapped) && mapped == pfn &&
	    pfn + AXV_CHUNK_PAGES <= folio_pfn(folio) + folio_nr_pages(folio))
		return page;
	unpin_user_page(page);
	return NULL;
}

bool axv_vm_memory_missing(struct axv_vm *vm, u64 gpa)
{
	const struct axv_memslot *mem;
	bool missing;

	spin_lock(&vm->mem_lock);
	mem = axv_vm_find_memslot(vm, gpa);
	missing = mem && !axv_chunk_in(&mem->chunks[axv_chunk(mem, gpa)]);
	spin_unlock(&vm->mem_lock);
	return missing;
}

int axv_vm_fault_in(struct axv_vm *vm, u64 gpa)
{
	struct axv_chunk chunk = { };
	struct axv_memslot *mem;
	unsigned long c, n, addr;
	bool writable;
	u64 start;
	int err = 0;

	might_sleep();
	mutex_lock(&vm->mem_mutex);
	mem = axv_vm_find_memslot(vm, gpa);
	/* Gone meanwhile, or brought in by another vCPU: just try again. */
	if (!mem || axv_chunk_in(&mem->chunks[axv_chunk(mem, gpa)]))
		goto out_unlock;
	if (current->mm != vm->mm) {
		err = -EIO;
		goto out_unlock;
	}
	c = axv_chunk(mem, gpa);
	start = axv_chunk_start(mem, c);
	n = (axv_chunk_end(mem, c) - start) >> PAGE_SHIFT;
	addr = mem->uaddr + (start - mem->gpa);
	writable = !(mem->flags & AXV_MEM_READONLY);

	if (n == AXV_CHUNK_PAGES)
		chunk.huge = axv_pin_huge(vm->mm, addr, writable);
	if (!chunk.huge) {
		chunk.pages = kmalloc_array(n, sizeof(*chunk.pages),
					    GFP_KERNEL_ACCOUNT);
		if (!chunk.pages) {
			err = -ENOMEM;
			goto out_unlock;
		}
		err = axv_pin(addr, n, writable, chunk.pages);
		if (err)
			goto err_free_pages;
	}
	err = vm->virt->ops->map_memory(vm, start, &chunk, n, !writable);
	if (err)
		goto err_unpin;
	spin_lock(&vm->mem_lock);
	mem->chunks[c] = chunk;
	spin_unlock(&vm->mem_lock);
	vm->mem_stats.pinned_pages += n;
	vm->mem_stats.chunks++;
	vm->mem_stats.huge_chunks += !!chunk.huge;
	vm->mem_stats.faults++;
	mutex_unlock(&vm->mem_mutex);
	return 0;

err_unpin:
	if (chunk.huge)
		unpin_user_page(chunk.huge);
	else
		unpin_user_pages(chunk.pages, n);
err_free_pages:
	kfree(chunk.pages);
out_unlock:
	mutex_unlock(&vm->mem_mutex);
	return err;
}

void axv_vm_get_stats(struct axv_vm *vm, struct axv_vm_stats *stats)
{
	const struct axv_arch_ops *ops = vm->virt->ops;

	memset(stats, 0, sizeof(*stats));
	mutex_lock(&vm->mem_mutex);
	stats->pinned_pages = vm->mem_stats.pinned_pages;
	stats->chunks = vm->mem_stats.chunks;
	stats->huge_chunks = vm->mem_stats.huge_chunks;
	stats->faults = vm->mem_stats.faults;
	if (ops->count_mappings)
		ops->count_mappings(vm, stats->mappings);
	mutex_unlock(&vm->mem_mutex);
}

/* Copy @len bytes at @gpa to or from @buf, a page at a time. */
static int axv_vm_copy_guest(struct axv_vm *vm, u64 gpa, void *buf,
			     size_t len, bool write)
{
	int err = 0;

	spin_lock(&vm->mem_lock);
	while (len) {
		const struct axv_memslot *mem = axv_vm_find_memslot(vm, gpa);
		size_t off = offset_in_page(gpa);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page;
		void *va;

		if (!mem || (write && (mem->flags & AXV_MEM_READONLY))) {
			err = -EFAULT;
			break;
		}
		page = axv_memslot_page(mem, gpa);
		if (!page) {
			err = -EAGAIN;
			break;
		}
		va = kmap_local_page(page);
		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		/* Unpinning marks writable pages dirty. */
		kunmap_local(va);
		gpa += n;
		buf += n;
		len -= n;
	}
	spin_unlock(&vm->mem_lock);
	return err;
}

int axv_vm_read_guest(struct axv_vm *vm, u64 gpa, void *buf, size_t len)
{
	return axv_vm_copy_guest(vm, gpa, buf, len, false);
}

int axv_vm_write_guest(struct axv_vm *vm, u64 gpa, const void *buf,
		       size_t len)
{
	return axv_vm_copy_guest(vm, gpa, (void *)buf, len, true);
}
