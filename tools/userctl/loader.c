// SPDX-License-Identifier: GPL-2.0
/*
 * Guest images: reading files, flat binaries, ELF executables.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/elf.h>

#include "loader.h"

int image_read(const char *path, struct image *img, struct axv_err *err)
{
	struct stat st;
	size_t done = 0;
	int fd, e;

	memset(img, 0, sizeof(*img));
	img->name = path;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		return axv_err_set(err, e, "open %s: %s", path, strerror(e));
	}
	if (fstat(fd, &st)) {
		e = errno;
		axv_err_set(err, e, "stat %s: %s", path, strerror(e));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		e = EINVAL;
		axv_err_set(err, e, "%s: not a regular file", path);
		goto fail;
	}
	if ((unsigned long long)st.st_size > LOADER_MAX_FILE) {
		e = EFBIG;
		axv_err_set(err, e, "%s: larger than %llu bytes", path, LOADER_MAX_FILE);
		goto fail;
	}
	if (!st.st_size) {
		e = EINVAL;
		axv_err_set(err, e, "%s: empty file", path);
		goto fail;
	}
	img->size = st.st_size;
	img->data = malloc(img->size);
	if (!img->data) {
		e = ENOMEM;
		axv_err_set(err, e, "%s: cannot allocate %zu bytes", path, img->size);
		goto fail;
	}
	while (done < img->size) {
		ssize_t n = read(fd, img->data + done, img->size - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : EIO;
			axv_err_set(err, e, "read %s: %s", path,
				    n < 0 ? strerror(e) : "file shrank while read");
			goto fail;
		}
		done += n;
	}
	close(fd);
	return 0;

fail:
	close(fd);
	image_free(img);
	img->name = path;
	return -e;
}

void image_free(struct image *img)
{
	if (!img)
		return;
	free(img->data);
	img->data = NULL;
	img->size = 0;
}

bool image_is_elf(const struct image *img)
{
	return img->size >= SELFMAG && !memcmp(img->data, ELFMAG, SELFMAG);
}

const char *image_format_name(enum image_format format)
{
	switch (format) {
	case IMAGE_FLAT:
		return "flat";
	case IMAGE_ELF32:
		return "ELF32";
	case IMAGE_ELF64:
		return "ELF64";
	case IMAGE_MULTIBOOT:
		return "Multiboot";
	case IMAGE_BZIMAGE:
		return "bzImage";
	}
	return "?";
}

int load_bytes(struct guest_mem *mem, __u64 gpa, const void *data, __u64 len, __u64 zero,
	       const char *what, struct axv_err *err)
{
	__u64 total = len + zero;
	__u8 *dst;

	if (total < len || !guest_range_loadable(mem, gpa, total))
		return axv_err_set(err, ENOSPC,
				   "%s at 0x%llx-0x%llx does not fit below userctl's reserved area (0x%llx-0x%llx); see --mem",
				   what, gpa, gpa + total - 1, guest_reserved_base(mem),
				   guest_reserved_base(mem) + GUEST_RESERVED_SIZE - 1);
	dst = guest_ptr(mem, gpa, total);
	memcpy(dst, data, len);
	memset(dst + len, 0, zero);
	return 0;
}

int load_flat(struct guest_mem *mem, const struct image *img, __u64 addr,
	      struct load_result *res, struct axv_err *err)
{
	int ret;

	ret = load_bytes(mem, addr, img->data, img->size, 0, img->name, err);
	if (ret)
		return ret;
	res->format = IMAGE_FLAT;
	res->entry = addr;
	res->low = addr;
	res->high = addr + img->size;
	return 0;
}

/* The fields of an ELF header and program header that loading needs. */
struct elf_info {
	bool is64;
	__u64 entry;
	__u64 phoff;
	unsigned int phnum;
	unsigned int phentsize;
};

struct elf_segment {
	__u32 type;
	__u64 offset;
	__u64 paddr;
	__u64 filesz;
	__u64 memsz;
};

static int elf_bad(const struct image *img, struct axv_err *err, const char *why)
{
	axv_err_set(err, ENOEXEC, "%s: %s", img->name, why);
	return -ENOEXEC;
}

static int elf_header(const struct image *img, struct elf_info *info, struct axv_err *err)
{
	const __u8 *id = img->data;

	memset(info, 0, sizeof(*info));
	if (!image_is_elf(img) || img->size < EI_NIDENT)
		return elf_bad(img, err, "not an ELF file");
	if (id[EI_DATA] != ELFDATA2LSB)
		return elf_bad(img, err, "not a little-endian ELF file");
	if (id[EI_VERSION] != EV_CURRENT)
		return elf_bad(img, err, "unknown ELF version");

	if (id[EI_CLASS] == ELFCLASS32) {
		struct elf32_hdr eh;

		if (img->size < sizeof(eh))
			return elf_bad(img, err, "truncated ELF header");
		memcpy(&eh, img->data, sizeof(eh));
		if (eh.e_machine != EM_386)
			return elf_bad(img, err, "ELFCLASS32 but not EM_386 (i386)");
		if (eh.e_type != ET_EXEC)
			return elf_bad(img, err, "not an executable (ET_EXEC)");
		info->is64 = false;
		info->entry = eh.e_entry;
		info->phoff = eh.e_phoff;
		info->phnum = eh.e_phnum;
		info->phentsize = eh.e_phentsize;
		if (info->phentsize != sizeof(struct elf32_phdr))
			return elf_bad(img, err, "unexpected program header size");
	} else if (id[EI_CLASS] == ELFCLASS64) {
		struct elf64_hdr eh;

		if (img->size < sizeof(eh))
			return elf_bad(img, err, "truncated ELF header");
		memcpy(&eh, img->data, sizeof(eh));
		if (eh.e_machine != EM_X86_64)
			return elf_bad(img, err, "ELFCLASS64 but not EM_X86_64 (x86-64)");
		if (eh.e_type != ET_EXEC)
			return elf_bad(img, err, "not an executable (ET_EXEC)");
		info->is64 = true;
		info->entry = eh.e_entry;
		info->phoff = eh.e_phoff;
		info->phnum = eh.e_phnum;
		info->phentsize = eh.e_phentsize;
		if (info->phentsize != sizeof(struct elf64_phdr))
			return elf_bad(img, err, "unexpected program header size");
	} else {
		return elf_bad(img, err, "neither ELFCLASS32 nor ELFCLASS64");
	}

	if (!info->phnum)
		return elf_bad(img, err, "no program headers");
	if (info->phoff > img->size ||
	    (__u64)info->phnum * info->phentsize > img->size - info->phoff)
		return elf_bad(img, err, "program headers beyond the end of the file");
	return 0;
}

static void elf_segment(const struct image *img, const struct elf_info *info, unsigned int i,
			struct elf_segment *seg)
{
	const __u8 *ph = img->data + info->phoff + (__u64)i * info->phentsize;

	if (info->is64) {
		struct elf64_phdr p;

		memcpy(&p, ph, sizeof(p));
		seg->type = p.p_type;
		seg->offset = p.p_offset;
		seg->paddr = p.p_paddr;
		seg->filesz = p.p_filesz;
		seg->memsz = p.p_memsz;
	} else {
		struct elf32_phdr p;

		memcpy(&p, ph, sizeof(p));
		seg->type = p.p_type;
		seg->offset = p.p_offset;
		seg->paddr = p.p_paddr;
		seg->filesz = p.p_filesz;
		seg->memsz = p.p_memsz;
	}
}

int load_elf(struct guest_mem *mem, const struct image *img, struct load_result *res,
	     struct axv_err *err)
{
	struct elf_segment seg;
	struct elf_info info;
	unsigned int i, loaded = 0;
	char what[96];
	int ret;

	ret = elf_header(img, &info, err);
	if (ret)
		return ret;

	res->format = info.is64 ? IMAGE_ELF64 : IMAGE_ELF32;
	res->entry = info.entry;
	res->low = ~0ULL;
	res->high = 0;
	for (i = 0; i < info.phnum; i++) {
		elf_segment(img, &info, i, &seg);
		if (seg.type != PT_LOAD || !seg.memsz)
			continue;
		if (seg.filesz > seg.memsz)
			return axv_err_set(err, ENOEXEC,
					   "%s: segment %u: p_filesz larger than p_memsz",
					   img->name, i);
		if (seg.offset > img->size || seg.filesz > img->size - seg.offset)
			return axv_err_set(err, ENOEXEC,
					   "%s: segment %u: data beyond the end of the file",
					   img->name, i);
		snprintf(what, sizeof(what), "%s: segment %u", img->name, i);
		ret = load_bytes(mem, seg.paddr, img->data + seg.offset, seg.filesz,
				 seg.memsz - seg.filesz, what, err);
		if (ret)
			return ret;
		if (seg.paddr < res->low)
			res->low = seg.paddr;
		if (seg.paddr + seg.memsz > res->high)
			res->high = seg.paddr + seg.memsz;
		loaded++;
	}
	if (!loaded)
		return elf_bad(img, err, "no loadable (PT_LOAD) segment");
	return 0;
}
