// SPDX-License-Identifier: GPL-2.0
/*
 * Booting an image: format, loading, start mode, start state.
 */
#include <errno.h>
#include <string.h>

#include "boot.h"

static int boot_multiboot(struct guest_mem *mem, const struct image *img,
			  const struct boot_params *p, const struct mb_header *hdr,
			  size_t offset, struct boot_result *res, struct axv_err *err)
{
	int ret;

	if (p->mode != X86_MODE_NONE && p->mode != X86_MODE_PROTECTED)
		return axv_err_set(err, EINVAL,
				   "%s: a Multiboot image starts in protected mode, not in %s mode",
				   img->name, x86_mode_name(p->mode));
	ret = mb_load(mem, img, hdr, offset, &res->load, err);
	if (ret)
		return ret;
	if (p->have_entry)
		res->load.entry = p->entry;
	res->mode = X86_MODE_PROTECTED;
	return mb_build_info(mem, res->load.high, p->cmdline, p->mods, p->nmods, &res->mb_info,
			     err);
}

static enum x86_mode boot_default_mode(enum image_format format)
{
	switch (format) {
	case IMAGE_ELF32:
	case IMAGE_MULTIBOOT:
		return X86_MODE_PROTECTED;
	case IMAGE_ELF64:
	case IMAGE_BZIMAGE:
		return X86_MODE_LONG;
	case IMAGE_FLAT:
		break;
	}
	return X86_MODE_REAL;
}

int boot_format_parse(const char *name)
{
	static const char *const names[] = { "auto", "flat", "elf", "multiboot" };
	unsigned int i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

const char *boot_format_name(enum boot_format format)
{
	switch (format) {
	case BOOT_FORMAT_AUTO:
		return "auto";
	case BOOT_FORMAT_FLAT:
		return "flat";
	case BOOT_FORMAT_ELF:
		return "elf";
	case BOOT_FORMAT_MULTIBOOT:
		return "multiboot";
	}
	return "?";
}

int boot_prepare(struct guest_mem *mem, const struct image *img, const struct boot_params *p,
		 struct boot_result *res, struct axv_regs *regs, struct axv_sregs *sregs,
		 struct axv_err *err)
{
	struct mb_header hdr;
	size_t offset;
	int ret;

	memset(res, 0, sizeof(*res));
	if (p->format == BOOT_FORMAT_AUTO && bzimage_detect(img)) {
		struct linux_params lp = p->bzimage;

		if (p->nmods || p->have_entry || p->mode != X86_MODE_NONE)
			return axv_err_set(err, EINVAL,
					   "%s: a bzImage takes no --module, --entry or --mode",
					   img->name);
		lp.cmdline = p->cmdline_given ? p->cmdline : NULL;
		ret = linux_boot(mem, img, &lp, &res->bzimage, regs, sregs, err);
		if (ret)
			return ret;
		res->load.format = IMAGE_BZIMAGE;
		res->load.entry = res->bzimage.entry;
		res->load.low = res->bzimage.kernel_load;
		res->load.high = res->bzimage.kernel_end;
		res->mode = X86_MODE_LONG;
		return 0;
	}
	ret = 0;
	if (p->format == BOOT_FORMAT_AUTO || p->format == BOOT_FORMAT_MULTIBOOT) {
		ret = mb_find_header(img, &hdr, &offset, err);
		if (ret < 0)
			return ret;
		if (!ret && p->format == BOOT_FORMAT_MULTIBOOT)
			return axv_err_set(err, ENOEXEC,
					   "%s: format multiboot, but no Multiboot header in the first %d bytes",
					   img->name, MB_SEARCH_BYTES);
	}
	if (p->format == BOOT_FORMAT_ELF && !image_is_elf(img))
		return axv_err_set(err, ENOEXEC, "%s: format elf, but not an ELF file", img->name);
	if (ret) {
		ret = boot_multiboot(mem, img, p, &hdr, offset, res, err);
	} else if (p->nmods || p->cmdline_given) {
		return axv_err_set(err, EINVAL,
				   "%s: not a Multiboot image: modules, a command line and guest arguments (--module, --cmdline, ARGS) are for Multiboot images only",
				   img->name);
	} else if (p->format != BOOT_FORMAT_FLAT && image_is_elf(img)) {
		ret = load_elf(mem, img, &res->load, err);
		if (!ret && p->have_entry)
			res->load.entry = p->entry;
	} else {
		ret = load_flat(mem, img, p->have_entry ? p->entry : LOADER_FLAT_DEFAULT,
				&res->load, err);
	}
	if (ret)
		return ret;

	if (!res->mode)
		res->mode = p->mode ? p->mode : boot_default_mode(res->load.format);
	ret = x86_setup(mem, res->mode, res->load.entry, regs, sregs, err);
	if (ret)
		return ret;
	if (res->load.format == IMAGE_MULTIBOOT) {
		regs->rax = MB_BOOTLOADER_MAGIC;
		regs->rbx = res->mb_info;
	}
	return 0;
}
