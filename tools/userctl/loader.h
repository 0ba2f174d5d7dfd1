/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loading guest images into guest RAM: flat binaries and ELF executables
 * (Multiboot is in multiboot.h).  Everything but image_read() works on
 * buffers only, so that the host tests can check it.
 */
#ifndef USERCTL_LOADER_H
#define USERCTL_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "guest.h"
#include "libaxv.h"

/* Where a flat binary is loaded and started when --entry is not given. */
#define LOADER_FLAT_DEFAULT	0x1000ULL

/* Largest image or module file userctl reads. */
#define LOADER_MAX_FILE		0x100000000ULL	/* 4 GiB */

/**
 * struct image - a file read into memory.
 * @name: the path it was read from, for messages.
 * @data: its bytes (owned; image_free() frees them).
 * @size: byte count.
 */
struct image {
	const char *name;
	__u8 *data;
	size_t size;
};

enum image_format {
	IMAGE_FLAT,
	IMAGE_ELF32,
	IMAGE_ELF64,
	IMAGE_MULTIBOOT,
	IMAGE_BZIMAGE,		/* a Linux kernel (linux.h) */
};

/**
 * struct load_result - what loading an image did.
 * @format: what the image was.
 * @entry: guest address to start at.
 * @low: lowest guest-physical address written.
 * @high: one past the highest guest-physical address written (including
 *	zeroed BSS).
 */
struct load_result {
	enum image_format format;
	__u64 entry;
	__u64 low;
	__u64 high;
};

/*
 * Read all of file @path into @img (@img->name = @path).  0 or -errno;
 * -EFBIG beyond LOADER_MAX_FILE, -EINVAL for an empty file.
 */
int image_read(const char *path, struct image *img, struct axv_err *err);

/* Free what image_read() allocated; @img may be zeroed or NULL. */
void image_free(struct image *img);

/* Does @img start with the ELF magic? */
bool image_is_elf(const struct image *img);

/*
 * Copy flat binary @img to guest-physical @addr.  0 or -errno (-ENOSPC when
 * it does not fit below the reserved area).
 */
int load_flat(struct guest_mem *mem, const struct image *img, __u64 addr,
	      struct load_result *res, struct axv_err *err);

/*
 * Load ELF executable @img: ELFCLASS32 with EM_386 or ELFCLASS64 with
 * EM_X86_64, little-endian, ET_EXEC.  Each PT_LOAD segment goes to its
 * p_paddr: p_filesz bytes copied, zeroed up to p_memsz.  The entry is
 * e_entry.  0 or -errno: -ENOEXEC for what is not such an executable,
 * -ENOSPC for a segment outside guest RAM or in the reserved area.
 */
int load_elf(struct guest_mem *mem, const struct image *img, struct load_result *res,
	     struct axv_err *err);

/*
 * Copy @len bytes of @data to guest-physical @gpa and zero the following
 * @zero bytes, checking that all of it lies below the reserved area.  @what
 * names the data in the error message.  0 or -ENOSPC.
 */
int load_bytes(struct guest_mem *mem, __u64 gpa, const void *data, __u64 len, __u64 zero,
	       const char *what, struct axv_err *err);

/* "flat", "ELF32", "ELF64", "Multiboot" or "bzImage". */
const char *image_format_name(enum image_format format);

#endif /* USERCTL_LOADER_H */
