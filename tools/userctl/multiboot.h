/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Multiboot (version 1, "Multiboot Specification 0.6.96"): finding the
 * header in an image, loading the image as it asks, and building the
 * information structure the kernel receives in EBX.
 */
#ifndef USERCTL_MULTIBOOT_H
#define USERCTL_MULTIBOOT_H

#include <linux/const.h>
#include <linux/types.h>

#include "guest.h"
#include "libaxv.h"
#include "loader.h"

#define MB_HEADER_MAGIC		0x1BADB002U	/* in the image */
#define MB_BOOTLOADER_MAGIC	0x2BADB002U	/* in EAX at entry */
#define MB_SEARCH_BYTES		8192		/* the header lies within these */

/* Header flags. */
#define MB_HF_PAGE_ALIGN	_BITUL(0)	/* modules page aligned */
#define MB_HF_MEMORY_INFO	_BITUL(1)	/* mem_* and mmap_* wanted */
#define MB_HF_VIDEO_MODE	_BITUL(2)	/* video mode table wanted */
#define MB_HF_AOUT_KLUDGE	_BITUL(16)	/* the address fields are valid */
/* Bits 0-15 are requirements; those the loader does not know make it refuse. */
#define MB_HF_REQUIRED		0x0000ffffU
#define MB_HF_SUPPORTED		(MB_HF_PAGE_ALIGN | MB_HF_MEMORY_INFO)

/* Information flags. */
#define MB_INFO_MEMORY		_BITUL(0)
#define MB_INFO_CMDLINE		_BITUL(2)
#define MB_INFO_MODS		_BITUL(3)
#define MB_INFO_MEM_MAP		_BITUL(6)
#define MB_INFO_LOADER_NAME	_BITUL(9)

#define MB_MEMORY_AVAILABLE	1
#define MB_MEM_LOWER_KB		640
#define MB_LOW_MEMORY_END	0x9fc00ULL	/* end of the first map entry */

#define MB_LOADER_NAME		"userctl"

/**
 * struct mb_header - the Multiboot header, as far as userctl reads it.
 * @magic: MB_HEADER_MAGIC.
 * @flags: MB_HF_*.
 * @checksum: magic + flags + checksum == 0 (mod 2^32).
 * @header_addr: with MB_HF_AOUT_KLUDGE: guest-physical address of @magic.
 * @load_addr: start of the text to load.
 * @load_end_addr: end of the data to load; 0: the end of the file.
 * @bss_end_addr: end of the BSS to zero; 0: none.
 * @entry_addr: where to start.
 */
struct mb_header {
	__u32 magic;
	__u32 flags;
	__u32 checksum;
	__u32 header_addr;
	__u32 load_addr;
	__u32 load_end_addr;
	__u32 bss_end_addr;
	__u32 entry_addr;
};

/**
 * struct mb_info - the Multiboot information structure, up to the
 *	framebuffer fields (116 bytes).  Only the fields of the MB_INFO_*
 *	flags above are filled; the rest stay 0.
 */
struct mb_info {
	__u32 flags;
	__u32 mem_lower;
	__u32 mem_upper;
	__u32 boot_device;
	__u32 cmdline;
	__u32 mods_count;
	__u32 mods_addr;
	__u32 syms[4];
	__u32 mmap_length;
	__u32 mmap_addr;
	__u32 drives_length;
	__u32 drives_addr;
	__u32 config_table;
	__u32 boot_loader_name;
	__u32 apm_table;
	__u32 vbe_control_info;
	__u32 vbe_mode_info;
	__u16 vbe_mode;
	__u16 vbe_interface_seg;
	__u16 vbe_interface_off;
	__u16 vbe_interface_len;
	__u64 framebuffer_addr;
	__u32 framebuffer_pitch;
	__u32 framebuffer_width;
	__u32 framebuffer_height;
	__u8 framebuffer_bpp;
	__u8 framebuffer_type;
	__u8 color_info[6];
} __attribute__((packed));

/**
 * struct mb_mmap_entry - one memory map entry.
 * @size: bytes of the entry after this field (20).
 * @addr: start.
 * @len: length.
 * @type: MB_MEMORY_AVAILABLE or another type.
 */
struct mb_mmap_entry {
	__u32 size;
	__u64 addr;
	__u64 len;
	__u32 type;
} __attribute__((packed));

/**
 * struct mb_mod_entry - one module entry.
 * @mod_start: guest-physical start.
 * @mod_end: one past the end.
 * @string: guest-physical address of its NUL-terminated string.
 * @reserved: 0.
 */
struct mb_mod_entry {
	__u32 mod_start;
	__u32 mod_end;
	__u32 string;
	__u32 reserved;
};

/**
 * struct mb_module - a module to load, from --module FILE[,ARGS].
 * @path: FILE.
 * @args: ARGS, or NULL when there was no comma.
 * @img: the file's contents.
 */
struct mb_module {
	const char *path;
	const char *args;
	struct image img;
};

/*
 * Look for a Multiboot header in the first MB_SEARCH_BYTES of @img: the
 * magic at a 4-byte aligned offset, followed by flags and a checksum that
 * add up to 0.  Returns 1 and fills @hdr and *@offset when found (the
 * address fields only when MB_HF_AOUT_KLUDGE is set, 0 otherwise), 0 when
 * there is none, -EINVAL when there is one userctl cannot honour (unknown
 * required flags, video mode, truncated address fields).
 */
int mb_find_header(const struct image *img, struct mb_header *hdr, size_t *offset,
		   struct axv_err *err);

/*
 * Load Multiboot image @img with header @hdr found at file offset @offset:
 * by the header's address fields when MB_HF_AOUT_KLUDGE is set, as an ELF
 * executable otherwise.  @res->format is IMAGE_MULTIBOOT.  0 or -errno.
 */
int mb_load(struct guest_mem *mem, const struct image *img, const struct mb_header *hdr,
	    size_t offset, struct load_result *res, struct axv_err *err);

/*
 * The default command line: @image, then each of the @nargs @args preceded
 * by a space.  malloc()ed; NULL when out of memory.
 */
char *mb_cmdline(const char *image, char *const *args, int nargs);

/*
 * Place the @nmods modules, then the information structure with its memory
 * map, module list and strings (@cmdline, the loader name, the module
 * strings "FILE ARGS" or "FILE"), in guest RAM from the first page at or
 * above @image_end, each module and the information block page aligned,
 * all below the reserved area (so below 4 GiB).  Sets *@info_addr to the
 * information structure's guest-physical address.  0 or -errno (-ENOSPC
 * when guest RAM is too small).
 */
int mb_build_info(struct guest_mem *mem, __u64 image_end, const char *cmdline,
		  const struct mb_module *mods, unsigned int nmods, __u32 *info_addr,
		  struct axv_err *err);

#endif /* USERCTL_MULTIBOOT_H */
