// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's guest memory: which of the VMM's memory appears where in the
 * guest-physical address space.  Slots are checked and kept here; the
 * backend maps them (EPT on Intel).
 */
#include <linux/errno.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
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

int axv_vm_set_memslot(struct axv_vm *vm, unsigned int slot,
		       const struct axv_memslot *mem)
{
	unsigned int i;
	int err;

	err = axv_vm_check_memslot(vm, slot, mem);
	if (err)
		return err;

	mutex_lock(&vm->lock);
	for (i = 0; i < AXV_MAX_MEMSLOTS; i++) {
		const struct axv_memslot *other = &vm->memslots[i];

		if (other->size &&
		    (i == slot || axv_ranges_overlap(mem->gpa, mem->size,
						     other->gpa, other->size))) {
			err = -EEXIST;
			break;
		}
	}
	/* Pages reach the guest only once pinned; KUnit regions have none. */
	if (!err && mem->pages)
		err = vm->virt->ops->map_memory(vm, mem->gpa, mem->pages,
						mem->size >> PAGE_SHIFT,
						mem->flags & AXV_MEM_READONLY);
	if (!err) {
		spin_lock(&vm->mem_lock);
		vm->memslots[slot] = *mem;
		spin_unlock(&vm->mem_lock);
	}
	mutex_unlock(&vm->lock);
	return err;
}

int axv_vm_delete_memslot(struct axv_vm *vm, unsigned long slot)
{
	struct axv_memslot mem;
	int err = 0;

	if (slot >= AXV_MAX_MEMSLOTS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	mem = vm->memslots[slot];
	if (mem.size) {
		if (mem.pages)
			vm->virt->ops->unmap_memory(vm, mem.gpa,
						    mem.size >> PAGE_SHIFT);
		spin_lock(&vm->mem_lock);
		vm->memslots[slot] = (struct axv_memslot){ };
		spin_unlock(&vm->mem_lock);
	} else {
		err = -ENOENT;
	}
	mutex_unlock(&vm->lock);
	/* No CPU reaches the pages any more: they can go back. */
	if (!err)
		axv_memslot_unpin(vm, &mem);
	return err;
}

/* Pinned at most this many pages per call, to bound the time in one. */
#define AXV_PIN_BATCH	4096UL

int axv_memslot_pin(struct axv_vm *vm, struct axv_memslot *mem)
{
	unsigned long npages = mem->size >> PAGE_SHIFT, pinned = 0;
	unsigned int gup = FOLL_LONGTERM;
	struct page **pages;
	int err;

	if (current->mm != vm->mm)
		return -EIO;
	if (!(mem->flags & AXV_MEM_READONLY))
		gup |= FOLL_WRITE;
	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages)
		return -ENOMEM;
	err = account_locked_vm(vm->mm, npages, true);
	if (err)
		goto err_free_pages;
	while (pinned < npages) {
		unsigned long n = min(npages - pinned, AXV_PIN_BATCH);
		unsigned long addr = mem->uaddr + (pinned << PAGE_SHIFT);
		int got;

		/* Memory already there is pinned without faulting anything. */
		got = pin_user_pages_fast_only(addr, n, gup, pages + pinned);
		if (!got) {
			/*
			 * Not there yet: fault it in first as ordinary memory.
			 * Faulted in by the pin itself it would be allocated as
			 * unmovable, and for huge pages the allocator would
			 * first take whole pageblocks over from movable memory
			 * (the 1 GiB row of Documentation/performance.rst).
			 */
			get_user_pages_unlocked(addr, n, NULL, gup & FOLL_WRITE);
			got = pin_user_pages_fast(addr, n, gup, pages + pinned);
		}
		if (got <= 0) {
			err = got ? got : -EFAULT;
			goto err_unpin;
		}
		pinned += got;
		cond_resched();
	}
	mem->pages = pages;
	return 0;

err_unpin:
	unpin_user_pages(pages, pinned);
	account_locked_vm(vm->mm, npages, false);
err_free_pages:
	kvfree(pages);
	return err;
}

void axv_memslot_unpin(struct axv_vm *vm, struct axv_memslot *mem)
{
	unsigned long npages = mem->size >> PAGE_SHIFT;

	if (!mem->pages)
		return;
	unpin_user_pages_dirty_lock(mem->pages, npages,
				    !(mem->flags & AXV_MEM_READONLY));
	account_locked_vm(vm->mm, npages, false);
	kvfree(mem->pages);
	mem->pages = NULL;
}

/* The region holding @gpa, or NULL.  vm->mem_lock held. */
static const struct axv_memslot *
axv_vm_find_memslot(struct axv_vm *vm, u64 gpa)
{
	unsigned int i;

	lockdep_assert_held(&vm->mem_lock);
	for (i = 0; i < AXV_MAX_MEMSLOTS; i++) {
		const struct axv_memslot *mem = &vm->memslots[i];

		if (mem->pages && gpa >= mem->gpa && gpa - mem->gpa < mem->size)
			return mem;
	}
	return NULL;
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
		page = mem->pages[(gpa - mem->gpa) >> PAGE_SHIFT];
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
