/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM as userctl lays it out: one block at guest-physical 0, whose
 * last MiB below 4 GiB (the reserved area) holds what userctl itself puts
 * in the guest: the GDT, the TSS and the long-mode page tables.  Images
 * and Multiboot data must stay below it.
 *
 *	0 ... image, Multiboot modules and information ... | reserved | ...
 *	                                       guest_reserved_base()  end or 4 GiB
 */
#ifndef USERCTL_GUEST_H
#define USERCTL_GUEST_H

#include <stddef.h>
#include <linux/types.h>

#define GUEST_PAGE_SIZE		0x1000ULL
#define GUEST_4G		0x100000000ULL
#define GUEST_1M		0x100000ULL

/* Bytes userctl keeps for itself, ending at the top of RAM or at 4 GiB. */
#define GUEST_RESERVED_SIZE	GUEST_1M
/* Smallest guest RAM: the reserved area and a MiB below it. */
#define GUEST_MIN_RAM		(2 * GUEST_1M)

/* Offsets of userctl's tables in the reserved area. */
#define GUEST_GDT_OFFSET	0x0000ULL	/* the GDT (see x86_setup.h) */
#define GUEST_TSS_OFFSET	0x1000ULL	/* the TSS */
#define GUEST_PML4_OFFSET	0x2000ULL	/* long mode: the PML4 */
#define GUEST_PDPT_OFFSET	0x3000ULL	/* long mode: one PDPT (512 GiB) */
#define GUEST_PD_OFFSET		0x4000ULL	/* long mode: page directories, 1 GiB each */

/**
 * struct guest_mem - guest RAM as userctl sees it.
 * @ram: host address of guest-physical 0.
 * @size: bytes; a multiple of GUEST_PAGE_SIZE, at least GUEST_MIN_RAM.
 */
struct guest_mem {
	__u8 *ram;
	__u64 size;
};

/* Guest-physical start of the reserved area: the last MiB below min(size, 4 GiB). */
static inline __u64 guest_reserved_base(const struct guest_mem *mem)
{
	__u64 top = mem->size < GUEST_4G ? mem->size : GUEST_4G;

	return top - GUEST_RESERVED_SIZE;
}

/*
 * Host pointer to @len bytes at guest-physical @gpa, or NULL when any of
 * them is outside guest RAM.
 */
static inline void *guest_ptr(const struct guest_mem *mem, __u64 gpa, __u64 len)
{
	if (gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->ram + gpa;
}

/* Does [@gpa, @gpa + @len) lie below the reserved area (and not wrap)? */
static inline int guest_range_loadable(const struct guest_mem *mem, __u64 gpa, __u64 len)
{
	__u64 limit = guest_reserved_base(mem);

	return gpa <= limit && len <= limit - gpa;
}

static inline __u64 guest_page_align(__u64 addr)
{
	return (addr + GUEST_PAGE_SIZE - 1) & ~(GUEST_PAGE_SIZE - 1);
}

#endif /* USERCTL_GUEST_H */
