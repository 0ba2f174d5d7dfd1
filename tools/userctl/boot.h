/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From an image and the command line to guest RAM and start registers:
 * recognise the format (Multiboot, ELF, flat), load it, choose the start
 * mode, and prepare the vCPU state (x86_setup.h).
 */
#ifndef USERCTL_BOOT_H
#define USERCTL_BOOT_H

#include <stdbool.h>
#include <linux/types.h>

#include "guest.h"
#include "libaxv.h"
#include "linux.h"
#include "loader.h"
#include "multiboot.h"
#include "x86_setup.h"

/* The image format to insist on (a VM description's image format). */
enum boot_format {
	BOOT_FORMAT_AUTO,	/* recognise it: Multiboot, ELF, else flat */
	BOOT_FORMAT_FLAT,	/* load the file as it is, whatever it holds */
	BOOT_FORMAT_ELF,	/* an ELF executable; a Multiboot header is ignored */
	BOOT_FORMAT_MULTIBOOT,	/* must have a Multiboot header */
};

/* "auto", "flat", "elf" or "multiboot" to the format; -1 when unknown. */
int boot_format_parse(const char *name);

/* The name boot_format_parse() takes. */
const char *boot_format_name(enum boot_format format);

/**
 * struct boot_params - how to boot, from the command line.
 * @format: the format the image must have, or BOOT_FORMAT_AUTO.
 * @mode: --mode, or X86_MODE_NONE for the format's default.
 * @have_entry: --entry was given.
 * @entry: its value.
 * @cmdline: the Multiboot command line (--cmdline, or IMAGE and ARGS joined).
 * @cmdline_given: --cmdline or ARGS were given (only Multiboot takes them).
 * @mods: the --module files, read.
 * @nmods: how many.
 * @bzimage: for a bzImage: its initrd and the vCPUs the ACPI tables list
 *	(the command line is @cmdline when @cmdline_given).
 */
struct boot_params {
	enum boot_format format;
	enum x86_mode mode;
	bool have_entry;
	__u64 entry;
	const char *cmdline;
	bool cmdline_given;
	const struct mb_module *mods;
	unsigned int nmods;
	struct linux_params bzimage;
};

/**
 * struct boot_result - what was booted.
 * @load: what loading did (format, entry, extent).
 * @mode: the start mode used.
 * @mb_info: guest-physical address of the Multiboot information; 0 for
 *	other formats.
 * @bzimage: where a bzImage's parts went.
 */
struct boot_result {
	struct load_result load;
	enum x86_mode mode;
	__u32 mb_info;
	struct bzimage_result bzimage;
};

/*
 * Load @img into @mem as @p says and prepare @regs and @sregs (@sregs as
 * AXV_GET_SREGS gave it: x86_setup() changes only what it sets).  A
 * Multiboot image starts in protected mode with EAX = MB_BOOTLOADER_MAGIC
 * and EBX = the information structure; a bzImage (format auto) at its
 * 64-bit entry (linux_boot()).  0 or -errno, described in @err.
 */
int boot_prepare(struct guest_mem *mem, const struct image *img, const struct boot_params *p,
		 struct boot_result *res, struct axv_regs *regs, struct axv_sregs *sregs,
		 struct axv_err *err);

#endif /* USERCTL_BOOT_H */
