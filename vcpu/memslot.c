// SPDX-License-Identifier: GPL-2.0
/*
 * A VM's guest memory: which of the VMM's memory appears where in the
 * guest-physical address space.  Slots are checked and kept here; the
 * backend maps them (EPT on Intel).
 */
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/mutex.h>

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
	if (!err)
		vm->memslots[slot] = *mem;
	mutex_unlock(&vm->lock);
	return err;
}

int axv_vm_delete_memslot(struct axv_vm *vm, unsigned long slot)
{
	int err = 0;

	if (slot >= AXV_MAX_MEMSLOTS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (vm->memslots[slot].size)
		vm->memslots[slot] = (struct axv_memslot){ };
	else
		err = -ENOENT;
	mutex_unlock(&vm->lock);
	return err;
}
