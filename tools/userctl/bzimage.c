// SPDX-License-Identifier: GPL-2.0
/*
 * Loading Linux bzImage kernels by the 64-bit boot protocol of
 * Documentation/x86/boot.rst, with the zero page of zero-page.rst.
 *
 * The fields are read and written at their documented offsets, named as
 * the documents name them, little-endian byte by byte; the offsets are the
 * same in the image (the setup header at 0x1f1) and in the zero page,
 * which holds a copy of that header at the same place.
 */
#include <errno.h>
#include <string.h>

#include "bzimage.h"
#include "x86_setup.h"

/* struct boot_params (zero-page.rst): fields outside the setup header. */
#define BP_ACPI_RSDP_ADDR	0x070	/* 8 */
#define BP_EXT_RAMDISK_IMAGE	0x0c0	/* 4: ramdisk_image bits 63-32 */
#define BP_EXT_RAMDISK_SIZE	0x0c4	/* 4: ramdisk_size bits 63-32 */
#define BP_EXT_CMD_LINE_PTR	0x0c8	/* 4: cmd_line_ptr bits 63-32 */
#define BP_E820_ENTRIES		0x1e8	/* 1 */
#define BP_E820_TABLE		0x2d0	/* 128 * struct boot_e820_entry */
#define BP_E820_ENTRY_SIZE	20	/* u64 addr, u64 size, u32 type, packed */
#define BP_SIZE			0x1000

/* The setup header (boot.rst), at these offsets in the image and in boot_params. */
#define HDR_START		0x1f1
#define HDR_SETUP_SECTS		0x1f1	/* 1 */
#define HDR_VID_MODE		0x1fa	/* 2 */
#define HDR_BOOT_FLAG		0x1fe	/* 2 */
#define HDR_JUMP		0x200	/* 2: 0xEB, then the header's end - 0x202 */
#define HDR_HEADER		0x202	/* 4: "HdrS" */
#define HDR_VERSION		0x206	/* 2 */
#define HDR_KERNEL_VERSION	0x20e	/* 2 */
#define HDR_TYPE_OF_LOADER	0x210	/* 1 */
#define HDR_LOADFLAGS		0x211	/* 1 */
#define HDR_CODE32_START	0x214	/* 4 */
#define HDR_RAMDISK_IMAGE	0x218	/* 4 */
#define HDR_RAMDISK_SIZE	0x21c	/* 4 */
#define HDR_HEAP_END_PTR	0x224	/* 2 */
#define HDR_CMD_LINE_PTR	0x228	/* 4 */
#define HDR_INITRD_ADDR_MAX	0x22c	/* 4 */
#define HDR_KERNEL_ALIGNMENT	0x230	/* 4 */
#define HDR_RELOCATABLE_KERNEL	0x234	/* 1 */
#define HDR_XLOADFLAGS		0x236	/* 2 */
#define HDR_CMDLINE_SIZE	0x238	/* 4 */
#define HDR_SETUP_DATA		0x250	/* 8 */
#define HDR_PREF_ADDRESS	0x258	/* 8 */
#define HDR_INIT_SIZE		0x260	/* 4 */
/* The header must reach past init_size, the last field read. */
#define HDR_END_MIN		(HDR_INIT_SIZE + 4)

#define HDR_BOOT_FLAG_MAGIC	0xaa55
#define HDR_HEADER_MAGIC	0x53726448	/* "HdrS" */
#define HDR_JUMP_OPCODE		0xeb		/* a short jump: its offset is signed */

#define SECTOR_SIZE		512
#define SETUP_SECTS_DEFAULT	4	/* what setup_sects 0 means */

#define LOADFLAGS_LOADED_HIGH	0x01
#define LOADFLAGS_CAN_USE_HEAP	0x80
#define XLF_KERNEL_64		0x0001
/* xloadflags appeared in protocol 2.12 (versions are major << 8 | minor). */
#define VERSION_XLOADFLAGS	0x020c

#define TYPE_OF_LOADER_UNDEFINED	0xff	/* no assigned boot loader ID */
#define VID_MODE_NORMAL		0xffff		/* "vga=normal" */
/*
 * The heap end of boot.rst's sample configuration (real-mode code loaded
 * below 0x90000, protocol 2.02 or later): 0xe000 into the real-mode
 * segment.  Only the real-mode setup code, which the 64-bit entry skips,
 * uses the heap.
 */
#define HEAP_END		0xe000

/* The load address of a bzImage that does not name one (pref_address 0). */
#define LOAD_HIGH_ADDR		0x100000ULL

/**
 * struct bz_header - what the loader reads from the setup header.
 * @setup_sects: setup sectors, 0 read as SETUP_SECTS_DEFAULT.
 * @setup_size: bytes before the protected-mode kernel: the boot sector
 *	and the setup sectors.
 * @hdr_end: offset one past the setup header: 0x202 + the byte at 0x201.
 * @version: the protocol version.
 * @loadflags: loadflags.
 * @xloadflags: xloadflags (0 before protocol 2.12).
 * @initrd_addr_max: the highest address the initrd may occupy.
 * @kernel_alignment: the alignment a relocatable kernel runs at.
 * @relocatable: relocatable_kernel is nonzero.
 * @cmdline_size: the longest command line, without its NUL.
 * @pref_address: the preferred (for a kernel that is not relocatable, the
 *	only) load address.
 * @init_size: bytes the kernel needs from its runtime start address.
 */
struct bz_header {
	unsigned int setup_sects;
	size_t setup_size;
	size_t hdr_end;
	__u16 version;
	__u8 loadflags;
	__u16 xloadflags;
	__u32 initrd_addr_max;
	__u32 kernel_alignment;
	bool relocatable;
	__u32 cmdline_size;
	__u64 pref_address;
	__u32 init_size;
};

/**
 * struct bz_layout - where bzimage_load() puts things, before it does.
 * @kernel_load: the protected-mode kernel's load address.
 * @kernel_size: its bytes in the image.
 * @kernel_end: one past what the kernel needs (struct bzimage_result).
 * @initrd_gpa: the initrd's address; 0 without one.
 * @cmdline: the command line ("" for none).
 * @cmdline_len: its length without the NUL.
 */
struct bz_layout {
	__u64 kernel_load;
	__u64 kernel_size;
	__u64 kernel_end;
	__u64 initrd_gpa;
	const char *cmdline;
	size_t cmdline_len;
};

static __u64 get_le(const __u8 *p, unsigned int bytes)
{
	__u64 v = 0;

	while (bytes--)
		v = (v << 8) | p[bytes];
	return v;
}

static void put_le(__u8 *p, unsigned int bytes, __u64 v)
{
	unsigned int i;

	for (i = 0; i < bytes; i++, v >>= 8)
		p[i] = v & 0xff;
}

bool bzimage_detect(const struct image *img)
{
	return img->size >= HDR_HEADER + 4 &&
	       get_le(img->data + HDR_BOOT_FLAG, 2) == HDR_BOOT_FLAG_MAGIC &&
	       get_le(img->data + HDR_HEADER, 4) == HDR_HEADER_MAGIC;
}

/* Setup sectors of @img (bzimage_detect() true), with 0 read as 4. */
static unsigned int bz_setup_sects(const struct image *img)
{
	unsigned int sects = img->data[HDR_SETUP_SECTS];

	return sects ? sects : SETUP_SECTS_DEFAULT;
}

const char *bzimage_kernel_version(const struct image *img)
{
	size_t setup_size, offset, len;
	const char *s;

	if (!bzimage_detect(img) || img->size < HDR_KERNEL_VERSION + 2)
		return NULL;
	offset = get_le(img->data + HDR_KERNEL_VERSION, 2);
	if (!offset)
		return NULL;
	/* The field holds the string's file offset less 0x200. */
	offset += 0x200;
	setup_size = (bz_setup_sects(img) + 1) * SECTOR_SIZE;
	if (setup_size > img->size)
		setup_size = img->size;
	if (offset >= setup_size)
		return NULL;
	s = (const char *)img->data + offset;
	len = strnlen(s, setup_size - offset);
	return len < setup_size - offset ? s : NULL;
}

static int bz_refuse(const struct image *img, struct axv_err *err, const char *why)
{
	return axv_err_set(err, ENOEXEC, "%s: %s", img->name, why);
}

/* Read and check the setup header of @img into @hdr. */
static int bz_parse(const struct image *img, struct bz_header *hdr, struct axv_err *err)
{
	const __u8 *d = img->data;

	memset(hdr, 0, sizeof(*hdr));
	if (!bzimage_detect(img))
		return bz_refuse(img, err,
				 "not a Linux bzImage (no 0xAA55 at 0x1fe and \"HdrS\" at 0x202)");
	/* First the size: the fields read below all lie in the first 0x400 bytes. */
	hdr->setup_sects = bz_setup_sects(img);
	hdr->setup_size = (hdr->setup_sects + 1) * SECTOR_SIZE;
	if (img->size <= hdr->setup_size + BZIMAGE_ENTRY64_OFFSET)
		return axv_err_set(err, ENOEXEC,
				   "%s: truncated: %zu bytes, but the protected-mode kernel starts at 0x%zx and its 64-bit entry at 0x%zx",
				   img->name, img->size, hdr->setup_size,
				   hdr->setup_size + BZIMAGE_ENTRY64_OFFSET);

	hdr->version = get_le(d + HDR_VERSION, 2);
	if (hdr->version < BZIMAGE_MIN_VERSION)
		return axv_err_set(err, ENOEXEC,
				   "%s: boot protocol %u.%02u is too old; userctl needs %u.%02u or later",
				   img->name, hdr->version >> 8, hdr->version & 0xff,
				   BZIMAGE_MIN_VERSION >> 8, BZIMAGE_MIN_VERSION & 0xff);
	if (d[HDR_JUMP] != HDR_JUMP_OPCODE || d[HDR_JUMP + 1] >= 0x80)
		return bz_refuse(img, err,
				 "no short forward jump at 0x200 to give the setup header's length");
	hdr->hdr_end = HDR_HEADER + d[HDR_JUMP + 1];
	if (hdr->hdr_end < HDR_END_MIN)
		return axv_err_set(err, ENOEXEC,
				   "%s: the setup header ends at 0x%zx, before init_size (0x%x)",
				   img->name, hdr->hdr_end, HDR_INIT_SIZE);

	hdr->loadflags = d[HDR_LOADFLAGS];
	if (!(hdr->loadflags & LOADFLAGS_LOADED_HIGH))
		return bz_refuse(img, err,
				 "a zImage (loadflags LOADED_HIGH clear); only bzImage kernels are supported");
	if (hdr->version >= VERSION_XLOADFLAGS)
		hdr->xloadflags = get_le(d + HDR_XLOADFLAGS, 2);
	if (!(hdr->xloadflags & XLF_KERNEL_64))
		return axv_err_set(err, ENOEXEC,
				   "%s: no 64-bit entry point: xloadflags bit XLF_KERNEL_64 is clear (boot protocol %u.%02u; xloadflags came with %u.%02u)",
				   img->name, hdr->version >> 8, hdr->version & 0xff,
				   VERSION_XLOADFLAGS >> 8, VERSION_XLOADFLAGS & 0xff);

	hdr->initrd_addr_max = get_le(d + HDR_INITRD_ADDR_MAX, 4);
	hdr->kernel_alignment = get_le(d + HDR_KERNEL_ALIGNMENT, 4);
	hdr->relocatable = d[HDR_RELOCATABLE_KERNEL];
	hdr->cmdline_size = get_le(d + HDR_CMDLINE_SIZE, 4);
	hdr->pref_address = get_le(d + HDR_PREF_ADDRESS, 8);
	hdr->init_size = get_le(d + HDR_INIT_SIZE, 4);
	return 0;
}

/*
 * Choose the kernel's place: pref_address.  A relocatable kernel could be
 * loaded elsewhere, but to no profit: guest RAM is one block from 0, so
 * when the kernel does not fit at pref_address it fits at no higher
 * address either, and the decompressor of the 64-bit entry never runs a
 * kernel below pref_address (its LOAD_PHYSICAL_ADDR), so a lower load
 * address saves no memory.
 */
static int bz_place_kernel(const struct guest_mem *mem, const struct image *img,
			   const struct bz_header *hdr, struct bz_layout *lay,
			   struct axv_err *err)
{
	__u64 align = hdr->kernel_alignment ? hdr->kernel_alignment : 1;
	__u64 start, pad, need;

	start = hdr->pref_address ? hdr->pref_address : LOAD_HIGH_ADDR;
	if (start < GUEST_1M)
		return axv_err_set(err, ENOEXEC,
				   "%s: pref_address 0x%llx is below 1 MiB, where the zero page and the command line go",
				   img->name, start);

	/*
	 * boot.rst: init_size counts from the runtime start address,
	 * pref_address aligned up to kernel_alignment for a relocatable
	 * kernel, pref_address itself otherwise.
	 */
	pad = hdr->relocatable ? (align - start % align) % align : 0;
	lay->kernel_size = img->size - hdr->setup_size;
	need = pad + hdr->init_size;
	if (need < lay->kernel_size)
		need = lay->kernel_size;
	if (!guest_range_loadable(mem, start, need))
		return axv_err_set(err, ENOSPC,
				   "%s: the kernel needs 0x%llx bytes at 0x%llx (pref_address; init_size 0x%x, %s), which do not fit below userctl's reserved area at 0x%llx; see --mem",
				   img->name, need, start, hdr->init_size,
				   hdr->relocatable ? "relocatable" : "not relocatable",
				   guest_reserved_base(mem));
	lay->kernel_load = start;
	lay->kernel_end = start + need;
	return 0;
}

/* The initrd goes to the highest page it fits in, above the kernel. */
static int bz_place_initrd(const struct guest_mem *mem, const struct image *img,
			   const struct bz_header *hdr, const struct bzimage_params *p,
			   struct bz_layout *lay, struct axv_err *err)
{
	/* initrd_addr_max is the last byte the initrd may occupy. */
	__u64 limit = (__u64)hdr->initrd_addr_max + 1;
	__u64 low = guest_page_align(lay->kernel_end);
	__u64 gpa;

	lay->initrd_gpa = 0;
	if (!p->initrd_size)
		return 0;
	if (!p->initrd)
		return axv_err_set(err, EINVAL, "%s: an initrd size (%zu) without its bytes",
				   img->name, p->initrd_size);
	if (limit > guest_reserved_base(mem))
		limit = guest_reserved_base(mem);
	gpa = 0;
	if (p->initrd_size <= limit)
		gpa = (limit - p->initrd_size) & ~(GUEST_PAGE_SIZE - 1);
	if (gpa < low)
		return axv_err_set(err, ENOSPC,
				   "%s: the initrd (%zu bytes) does not fit between the kernel's end 0x%llx and 0x%llx (initrd_addr_max 0x%x, userctl's reserved area at 0x%llx); see --mem",
				   img->name, p->initrd_size, low, limit, hdr->initrd_addr_max,
				   guest_reserved_base(mem));
	lay->initrd_gpa = gpa;
	return 0;
}

static int bz_check_params(const struct image *img, const struct bz_header *hdr,
			   const struct bzimage_params *p, struct bz_layout *lay,
			   struct axv_err *err)
{
	lay->cmdline = p->cmdline ? p->cmdline : "";
	lay->cmdline_len = strlen(lay->cmdline);
	if (lay->cmdline_len > hdr->cmdline_size)
		return axv_err_set(err, E2BIG,
				   "%s: the command line is %zu bytes long; the kernel takes at most %u (cmdline_size)",
				   img->name, lay->cmdline_len, hdr->cmdline_size);
	if (lay->cmdline_len >= BZIMAGE_CMDLINE_END - BZIMAGE_CMDLINE)
		return axv_err_set(err, E2BIG,
				   "%s: the command line is %zu bytes long; userctl has room for %llu",
				   img->name, lay->cmdline_len,
				   BZIMAGE_CMDLINE_END - BZIMAGE_CMDLINE - 1);
	if (!p->ne820 || !p->e820)
		return axv_err_set(err, EINVAL, "%s: no memory map for the kernel", img->name);
	if (p->ne820 > BZIMAGE_E820_MAX)
		return axv_err_set(err, E2BIG,
				   "%s: %u memory map entries; the zero page holds at most %d",
				   img->name, p->ne820, BZIMAGE_E820_MAX);
	return 0;
}

/* The zero page in @zp: zeroed, the image's setup header, the loader's fields. */
static void bz_fill_zero_page(__u8 *zp, const struct image *img, const struct bz_header *hdr,
			      const struct bzimage_params *p, const struct bz_layout *lay)
{
	unsigned int i;

	memset(zp, 0, BP_SIZE);
	memcpy(zp + HDR_START, img->data + HDR_START, hdr->hdr_end - HDR_START);

	/* Every field written below lies before HDR_END_MIN or outside the header. */
	zp[HDR_SETUP_SECTS] = hdr->setup_sects;
	put_le(zp + HDR_VID_MODE, 2, VID_MODE_NORMAL);
	zp[HDR_TYPE_OF_LOADER] = TYPE_OF_LOADER_UNDEFINED;
	zp[HDR_LOADFLAGS] = hdr->loadflags | LOADFLAGS_CAN_USE_HEAP;
	put_le(zp + HDR_HEAP_END_PTR, 2, HEAP_END - 0x200);
	/* A relocatable kernel loaded elsewhere than it says learns it here. */
	put_le(zp + HDR_CODE32_START, 4, lay->kernel_load);

	put_le(zp + HDR_CMD_LINE_PTR, 4, BZIMAGE_CMDLINE);
	put_le(zp + BP_EXT_CMD_LINE_PTR, 4, BZIMAGE_CMDLINE >> 32);
	put_le(zp + HDR_RAMDISK_IMAGE, 4, lay->initrd_gpa);
	put_le(zp + BP_EXT_RAMDISK_IMAGE, 4, lay->initrd_gpa >> 32);
	put_le(zp + HDR_RAMDISK_SIZE, 4, lay->initrd_gpa ? p->initrd_size : 0);
	put_le(zp + BP_EXT_RAMDISK_SIZE, 4,
	       lay->initrd_gpa ? (__u64)p->initrd_size >> 32 : 0);
	/* No struct setup_data list. */
	put_le(zp + HDR_SETUP_DATA, 8, 0);

	/*
	 * Not tied to a protocol version: 2.14 put it in the setup header by
	 * mistake (boot.rst: "do not use"); it then moved here, where older
	 * kernels have padding.
	 */
	put_le(zp + BP_ACPI_RSDP_ADDR, 8, p->rsdp_gpa);

	zp[BP_E820_ENTRIES] = p->ne820;
	for (i = 0; i < p->ne820; i++) {
		__u8 *e = zp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;

		put_le(e, 8, p->e820[i].addr);
		put_le(e + 8, 8, p->e820[i].size);
		put_le(e + 16, 4, p->e820[i].type);
	}
}

int bzimage_load(struct guest_mem *mem, const struct image *img,
		 const struct bzimage_params *p, struct bzimage_result *res,
		 struct axv_err *err)
{
	struct bz_layout lay = { 0 };
	struct bz_header hdr;
	__u8 zp[BP_SIZE];
	int ret;

	/* Everything checked and placed before guest RAM is written. */
	ret = bz_parse(img, &hdr, err);
	if (ret)
		return ret;
	ret = bz_check_params(img, &hdr, p, &lay, err);
	if (ret)
		return ret;
	ret = bz_place_kernel(mem, img, &hdr, &lay, err);
	if (ret)
		return ret;
	ret = bz_place_initrd(mem, img, &hdr, p, &lay, err);
	if (ret)
		return ret;

	ret = load_bytes(mem, lay.kernel_load, img->data + hdr.setup_size, lay.kernel_size, 0,
			 img->name, err);
	if (!ret && lay.initrd_gpa)
		ret = load_bytes(mem, lay.initrd_gpa, p->initrd, p->initrd_size, 0, "the initrd",
				 err);
	if (!ret)
		ret = load_bytes(mem, BZIMAGE_CMDLINE, lay.cmdline, lay.cmdline_len + 1, 0,
				 "the command line", err);
	if (ret)
		return ret;
	bz_fill_zero_page(zp, img, &hdr, p, &lay);
	ret = load_bytes(mem, BZIMAGE_ZERO_PAGE, zp, sizeof(zp), 0, "the zero page", err);
	if (ret)
		return ret;

	memset(res, 0, sizeof(*res));
	res->entry = lay.kernel_load + BZIMAGE_ENTRY64_OFFSET;
	res->zero_page = BZIMAGE_ZERO_PAGE;
	res->kernel_load = lay.kernel_load;
	res->kernel_end = lay.kernel_end;
	res->initrd_gpa = lay.initrd_gpa;
	res->initrd_size = lay.initrd_gpa ? p->initrd_size : 0;
	res->cmdline_gpa = BZIMAGE_CMDLINE;
	res->version = hdr.version;
	return 0;
}

int bzimage_setup_regs(struct guest_mem *mem, const struct bzimage_result *res,
		       struct axv_regs *regs, struct axv_sregs *sregs,
		       struct axv_err *err)
{
	struct axv_segment code, data;
	__u64 desc;
	__u8 *gdt;
	int ret;

	/*
	 * Long mode with x86_setup()'s identity map of at least 4 GiB, which
	 * covers all bzimage_load() placed (below the reserved area); RFLAGS
	 * 0x2: interrupts disabled.
	 */
	ret = x86_setup(mem, X86_MODE_LONG, res->entry, regs, sregs, err);
	if (ret)
		return ret;

	/*
	 * boot.rst wants CS = __BOOT_CS (0x10) and DS, ES, SS = __BOOT_DS
	 * (0x18); x86_setup() has them the other way round.  Rewrite those
	 * two descriptors: the same flat segments, swapped.
	 */
	gdt = guest_ptr(mem, sregs->gdt.base, (__u64)sregs->gdt.limit + 1);
	if (!gdt || sregs->gdt.limit < BZIMAGE_BOOT_DS + 7)
		return axv_err_set(err, EINVAL,
				   "the GDT at 0x%llx (limit 0x%x) has no room for __BOOT_CS and __BOOT_DS",
				   sregs->gdt.base, sregs->gdt.limit);
	code = sregs->cs;
	code.selector = BZIMAGE_BOOT_CS;
	data = sregs->ds;
	data.selector = BZIMAGE_BOOT_DS;
	desc = x86_descriptor(&code);
	memcpy(gdt + BZIMAGE_BOOT_CS, &desc, sizeof(desc));
	desc = x86_descriptor(&data);
	memcpy(gdt + BZIMAGE_BOOT_DS, &desc, sizeof(desc));
	sregs->cs = code;
	sregs->ds = data;
	sregs->es = data;
	sregs->ss = data;
	sregs->fs = data;
	sregs->gs = data;

	regs->rsi = res->zero_page;
	return 0;
}
