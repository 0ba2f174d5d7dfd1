// SPDX-License-Identifier: GPL-2.0
/*
 * Multiboot version 1 images.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "multiboot.h"

static __u32 mb_word(const struct image *img, size_t offset)
{
	__u32 w;

	memcpy(&w, img->data + offset, sizeof(w));
	return w;
}

/* Report the required flags userctl cannot honour. */
static int mb_refuse_flags(const struct image *img, __u32 flags, struct axv_err *err)
{
	__u32 unknown = flags & MB_HF_REQUIRED & ~MB_HF_SUPPORTED;

	if (unknown & MB_HF_VIDEO_MODE)
		return axv_err_set(err, EINVAL,
				   "%s: the Multiboot header asks for a video mode (flag 2), which userctl does not support",
				   img->name);
	return axv_err_set(err, EINVAL,
			   "%s: the Multiboot header has required flags 0x%04x that userctl does not know",
			   img->name, unknown);
}

int mb_find_header(const struct image *img, struct mb_header *hdr, size_t *offset,
		   struct axv_err *err)
{
	size_t limit = img->size < MB_SEARCH_BYTES ? img->size : MB_SEARCH_BYTES;
	size_t off;

	for (off = 0; off + 12 <= limit; off += 4) {
		__u32 magic = mb_word(img, off);
		__u32 flags = mb_word(img, off + 4);
		__u32 checksum = mb_word(img, off + 8);

		if (magic != MB_HEADER_MAGIC || (__u32)(magic + flags + checksum))
			continue;
		if (flags & MB_HF_REQUIRED & ~MB_HF_SUPPORTED)
			return mb_refuse_flags(img, flags, err);
		memset(hdr, 0, sizeof(*hdr));
		hdr->magic = magic;
		hdr->flags = flags;
		hdr->checksum = checksum;
		if (flags & MB_HF_AOUT_KLUDGE) {
			if (off + sizeof(*hdr) > limit)
				return axv_err_set(err, EINVAL,
						   "%s: the Multiboot address fields (flag 16) end beyond the first %d bytes of the file",
						   img->name, MB_SEARCH_BYTES);
			memcpy(hdr, img->data + off, sizeof(*hdr));
		}
		*offset = off;
		return 1;
	}
	return 0;
}

/* Load by the header's address fields (the "a.out kludge"). */
static int mb_load_kludge(struct guest_mem *mem, const struct image *img,
			  const struct mb_header *hdr, size_t offset, struct load_result *res,
			  struct axv_err *err)
{
	__u64 head = (__u64)hdr->header_addr - hdr->load_addr;
	__u64 file_start, load_len, end, bss_end;
	int ret;

	if (hdr->load_addr > hdr->header_addr || head > offset)
		return axv_err_set(err, ENOEXEC,
				   "%s: Multiboot load_addr 0x%x does not fit header_addr 0x%x at file offset 0x%zx",
				   img->name, hdr->load_addr, hdr->header_addr, offset);
	file_start = offset - head;
	if (hdr->load_end_addr) {
		if (hdr->load_end_addr < hdr->load_addr)
			return axv_err_set(err, ENOEXEC,
					   "%s: Multiboot load_end_addr 0x%x below load_addr 0x%x",
					   img->name, hdr->load_end_addr, hdr->load_addr);
		load_len = (__u64)hdr->load_end_addr - hdr->load_addr;
		if (load_len > img->size - file_start)
			return axv_err_set(err, ENOEXEC,
					   "%s: Multiboot load_end_addr 0x%x is beyond the end of the file",
					   img->name, hdr->load_end_addr);
	} else {
		load_len = img->size - file_start;
	}
	end = hdr->load_addr + load_len;
	bss_end = end;
	if (hdr->bss_end_addr) {
		if (hdr->bss_end_addr < end)
			return axv_err_set(err, ENOEXEC,
					   "%s: Multiboot bss_end_addr 0x%x below the end of the loaded data 0x%llx",
					   img->name, hdr->bss_end_addr, end);
		bss_end = hdr->bss_end_addr;
	}
	ret = load_bytes(mem, hdr->load_addr, img->data + file_start, load_len, bss_end - end,
			 img->name, err);
	if (ret)
		return ret;
	res->entry = hdr->entry_addr;
	res->low = hdr->load_addr;
	res->high = bss_end;
	return 0;
}

int mb_load(struct guest_mem *mem, const struct image *img, const struct mb_header *hdr,
	    size_t offset, struct load_result *res, struct axv_err *err)
{
	int ret;

	if (hdr->flags & MB_HF_AOUT_KLUDGE) {
		ret = mb_load_kludge(mem, img, hdr, offset, res, err);
	} else if (image_is_elf(img)) {
		ret = load_elf(mem, img, res, err);
	} else {
		return axv_err_set(err, ENOEXEC,
				   "%s: Multiboot image without address fields (flag 16) must be an ELF file",
				   img->name);
	}
	if (ret)
		return ret;
	if (res->entry > 0xffffffffULL)
		return axv_err_set(err, ENOEXEC, "%s: Multiboot entry 0x%llx is beyond 4 GiB",
				   img->name, res->entry);
	res->format = IMAGE_MULTIBOOT;
	return 0;
}

char *mb_cmdline(const char *image, char *const *args, int nargs)
{
	size_t len = strlen(image) + 1;
	char *line, *p;
	int i;

	for (i = 0; i < nargs; i++)
		len += 1 + strlen(args[i]);
	line = malloc(len);
	if (!line)
		return NULL;
	p = stpcpy(line, image);
	for (i = 0; i < nargs; i++) {
		*p++ = ' ';
		p = stpcpy(p, args[i]);
	}
	return line;
}

/* Bytes of the module string "FILE ARGS" or "FILE", with its NUL. */
static size_t mb_module_string_len(const struct mb_module *mod)
{
	return strlen(mod->path) + (mod->args ? 1 + strlen(mod->args) : 0) + 1;
}

static __u64 mb_align8(__u64 n)
{
	return (n + 7) & ~7ULL;
}

/*
 * Where the parts of the information block go, as offsets from its start
 * (page aligned).
 */
struct mb_layout {
	__u64 mmap;
	__u64 mods;
	__u64 cmdline;
	__u64 loader_name;
	__u64 strings;	/* the module strings, one after another */
	__u64 size;
};

static void mb_layout(struct mb_layout *l, const char *cmdline, const struct mb_module *mods,
		      unsigned int nmods)
{
	unsigned int i;

	l->mmap = mb_align8(sizeof(struct mb_info));
	l->mods = mb_align8(l->mmap + 2 * sizeof(struct mb_mmap_entry));
	l->cmdline = l->mods + (__u64)nmods * sizeof(struct mb_mod_entry);
	l->loader_name = l->cmdline + strlen(cmdline) + 1;
	l->strings = l->loader_name + sizeof(MB_LOADER_NAME);
	l->size = l->strings;
	for (i = 0; i < nmods; i++)
		l->size += mb_module_string_len(&mods[i]);
}

static int mb_no_room(struct guest_mem *mem, const char *what, __u64 end, struct axv_err *err)
{
	return axv_err_set(err, ENOSPC,
			   "guest RAM too small: the Multiboot %s would end at 0x%llx, beyond the start of userctl's reserved area at 0x%llx; see --mem",
			   what, end, guest_reserved_base(mem));
}

int mb_build_info(struct guest_mem *mem, __u64 image_end, const char *cmdline,
		  const struct mb_module *mods, unsigned int nmods, __u32 *info_addr,
		  struct axv_err *err)
{
	__u64 limit = guest_reserved_base(mem);
	__u64 addr = guest_page_align(image_end);
	struct mb_mmap_entry mmap[2];
	struct mb_mod_entry *entries;
	struct mb_layout l;
	struct mb_info info;
	__u8 *block;
	char *str;
	unsigned int i;

	if (image_end > limit)
		return mb_no_room(mem, "kernel", image_end, err);
	mb_layout(&l, cmdline, mods, nmods);

	/* The modules, each on its own pages, right after the image. */
	entries = nmods ? calloc(nmods, sizeof(*entries)) : NULL;
	if (nmods && !entries)
		return axv_err_set(err, ENOMEM, "out of memory");
	for (i = 0; i < nmods; i++) {
		__u64 size = mods[i].img.size;

		if (addr > limit || size > limit - addr) {
			free(entries);
			return mb_no_room(mem, "module", addr + size, err);
		}
		memcpy(guest_ptr(mem, addr, size), mods[i].img.data, size);
		entries[i].mod_start = addr;
		entries[i].mod_end = addr + size;
		addr = guest_page_align(addr + size);
	}

	/* Then the information block. */
	if (addr > limit || l.size > limit - addr) {
		free(entries);
		return mb_no_room(mem, "information", addr + l.size, err);
	}
	block = guest_ptr(mem, addr, l.size);
	memset(block, 0, l.size);

	memset(mmap, 0, sizeof(mmap));
	mmap[0].size = sizeof(mmap[0]) - sizeof(mmap[0].size);
	mmap[0].addr = 0;
	mmap[0].len = MB_LOW_MEMORY_END;
	mmap[0].type = MB_MEMORY_AVAILABLE;
	mmap[1].size = sizeof(mmap[1]) - sizeof(mmap[1].size);
	mmap[1].addr = GUEST_1M;
	mmap[1].len = mem->size - GUEST_1M;
	mmap[1].type = MB_MEMORY_AVAILABLE;
	memcpy(block + l.mmap, mmap, sizeof(mmap));

	memcpy(block + l.cmdline, cmdline, strlen(cmdline) + 1);
	memcpy(block + l.loader_name, MB_LOADER_NAME, sizeof(MB_LOADER_NAME));
	str = (char *)block + l.strings;
	for (i = 0; i < nmods; i++) {
		entries[i].string = addr + (str - (char *)block);
		if (mods[i].args)
			str += sprintf(str, "%s %s", mods[i].path, mods[i].args) + 1;
		else
			str = stpcpy(str, mods[i].path) + 1;
	}
	if (nmods)
		memcpy(block + l.mods, entries, nmods * sizeof(*entries));
	free(entries);

	memset(&info, 0, sizeof(info));
	info.flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MEM_MAP |
		     MB_INFO_LOADER_NAME;
	info.mem_lower = MB_MEM_LOWER_KB;
	info.mem_upper = (mem->size - GUEST_1M) >> 10;
	info.cmdline = addr + l.cmdline;
	info.mods_count = nmods;
	info.mods_addr = addr + l.mods;
	info.mmap_length = sizeof(mmap);
	info.mmap_addr = addr + l.mmap;
	info.boot_loader_name = addr + l.loader_name;
	memcpy(block, &info, sizeof(info));

	*info_addr = addr;
	return 0;
}
