/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linux bzImage kernels, booted by the 64-bit boot protocol of the
 * kernel's Documentation/x86/boot.rst (Documentation/arch/x86/ in newer trees):
 * recognising the image, loading the protected-mode kernel, the initrd and
 * the command line, filling the zero page (struct boot_params, described
 * in zero-page.rst) and preparing the registers for the 64-bit entry.
 * Everything works on buffers, so that the host tests can check it.
 *
 * Where things go in guest RAM:
 *
 *	BZIMAGE_ZERO_PAGE	the zero page (4 KiB)
 *	BZIMAGE_CMDLINE		the command line, NUL-terminated, below
 *				BZIMAGE_CMDLINE_END
 *	pref_address		the protected-mode kernel (16 MiB in current
 *				kernels), with room for its init_size
 *	highest pages		the initrd: as high as initrd_addr_max and
 *				the reserved area (guest.h) allow
 *
 * The memory map the caller gives should show all of these as RAM
 * (BZIMAGE_E820_RAM), [0, BZIMAGE_CMDLINE_END) included.
 */
#ifndef USERCTL_BZIMAGE_H
#define USERCTL_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "guest.h"
#include "libaxv.h"
#include "loader.h"

/* Guest-physical addresses of what the loader places in low memory. */
#define BZIMAGE_ZERO_PAGE	0x10000ULL
#define BZIMAGE_CMDLINE		0x20000ULL
/* The command line ends below the EBDA (0x9fc00-0xfffff is for the BIOS). */
#define BZIMAGE_CMDLINE_END	0x9fc00ULL

/* Oldest boot protocol accepted: 2.06, which gave cmdline_size. */
#define BZIMAGE_MIN_VERSION	0x0206
/* The 64-bit entry point: this far into the protected-mode kernel. */
#define BZIMAGE_ENTRY64_OFFSET	0x200

/*
 * Selectors of the GDT descriptors the 64-bit boot protocol asks for:
 * __BOOT_CS (flat, execute/read; here 64-bit code) and __BOOT_DS (flat,
 * read/write).
 */
#define BZIMAGE_BOOT_CS		0x10
#define BZIMAGE_BOOT_DS		0x18

/* Entries of the zero page's E820 table (e820_table at 0x2d0). */
#define BZIMAGE_E820_MAX	128

/* E820 entry types. */
#define BZIMAGE_E820_RAM	1
#define BZIMAGE_E820_RESERVED	2
#define BZIMAGE_E820_ACPI	3
#define BZIMAGE_E820_NVS	4
#define BZIMAGE_E820_UNUSABLE	5

/**
 * struct e820_entry_cfg - one entry of the guest's memory map.
 * @addr: guest-physical start.
 * @size: bytes.
 * @type: BZIMAGE_E820_RAM or another BZIMAGE_E820_* type.
 */
struct e820_entry_cfg {
	__u64 addr;
	__u64 size;
	__u32 type;
};

/**
 * struct bzimage_params - what to give the kernel.
 * @cmdline: the kernel command line; NULL for an empty one.
 * @initrd: the initial ramdisk's bytes; NULL for none.
 * @initrd_size: its size; 0 for none.
 * @e820: the guest's memory map, copied as it is into the zero page.
 * @ne820: its entries: 1 to BZIMAGE_E820_MAX.
 * @rsdp_gpa: guest-physical address of the ACPI RSDP, written to
 *	boot_params.acpi_rsdp_addr; 0 for none (the kernel then looks for
 *	it itself, as kernels that do not know the field always do).
 */
struct bzimage_params {
	const char *cmdline;
	const void *initrd;
	size_t initrd_size;
	const struct e820_entry_cfg *e820;
	unsigned int ne820;
	__u64 rsdp_gpa;
};

/**
 * struct bzimage_result - where bzimage_load() put things.
 * @entry: the 64-bit entry point: @kernel_load + BZIMAGE_ENTRY64_OFFSET.
 * @zero_page: guest-physical address of the zero page (BZIMAGE_ZERO_PAGE).
 * @kernel_load: where the protected-mode kernel was loaded (pref_address).
 * @kernel_end: one past the last byte the kernel needs before it reads the
 *	memory map: the loaded bytes and init_size bytes from its runtime
 *	start address.
 * @initrd_gpa: guest-physical address of the initrd; 0 without one.
 * @initrd_size: its size; 0 without one.
 * @cmdline_gpa: guest-physical address of the command line
 *	(BZIMAGE_CMDLINE), written even when it is empty.
 * @version: the boot protocol version, e.g. 0x020f for 2.15.
 */
struct bzimage_result {
	__u64 entry;
	__u64 zero_page;
	__u64 kernel_load;
	__u64 kernel_end;
	__u64 initrd_gpa;
	__u64 initrd_size;
	__u64 cmdline_gpa;
	__u16 version;
};

/**
 * bzimage_detect() - is @img a Linux kernel with a boot protocol header?
 * @img: the image.
 *
 * Return: true when boot_flag (0x1fe) holds 0xAA55 and header (0x202)
 * holds "HdrS"; the version and flags are checked by bzimage_load().
 */
bool bzimage_detect(const struct image *img);

/**
 * bzimage_kernel_version() - the kernel's version string.
 * @img: a bzImage (bzimage_detect() true).
 *
 * Return: the NUL-terminated string kernel_version (0x20e) points to, in
 * @img's buffer, e.g. "6.1.0 (user@host) #1 SMP ..."; NULL when the field
 * is 0 or does not point to a string inside the setup code.
 */
const char *bzimage_kernel_version(const struct image *img);

/**
 * bzimage_load() - load a bzImage for the 64-bit boot protocol.
 * @mem: guest RAM.
 * @img: the bzImage.
 * @p: command line, initrd, memory map and RSDP address.
 * @res: where things went; set on success only.
 * @err: why loading failed; may be NULL.
 *
 * Loads the protected-mode kernel (the bytes after the setup sectors) at
 * pref_address, the initrd as high as it may go, the command line at
 * BZIMAGE_CMDLINE, and writes the zero page at BZIMAGE_ZERO_PAGE: zeroed,
 * the setup header copied from the image, then the loader's fields filled.
 * Guest RAM is written only when everything has been checked.
 *
 * Return: 0 or a negative errno: -ENOEXEC for what is not a bzImage with a
 * 64-bit entry point and boot protocol 2.12 or later (earlier ones cannot
 * say they have one), -ENOSPC when the kernel or the initrd does not fit
 * below the reserved area, -E2BIG for a command line longer than the
 * kernel's cmdline_size or more than BZIMAGE_E820_MAX memory map entries,
 * -EINVAL for an empty memory map or an initrd size without bytes.
 */
int bzimage_load(struct guest_mem *mem, const struct image *img,
		 const struct bzimage_params *p, struct bzimage_result *res,
		 struct axv_err *err);

/**
 * bzimage_setup_regs() - the vCPU state the 64-bit entry wants.
 * @mem: guest RAM, as bzimage_load() left it.
 * @res: what bzimage_load() returned.
 * @regs: set entirely: RIP = @res->entry, RSI = @res->zero_page, RSP as
 *	x86_setup() sets it, RFLAGS with interrupts disabled, the rest 0.
 * @sregs: as AXV_GET_SREGS gave it; x86_setup() sets long mode with the
 *	identity map, then CS = BZIMAGE_BOOT_CS and DS, ES, SS, FS, GS =
 *	BZIMAGE_BOOT_DS, flat, in x86_setup()'s GDT (whose 0x10 and 0x18
 *	descriptors this rewrites to match).
 * @err: why it failed; may be NULL.
 *
 * Return: 0 or the negative errno of x86_setup().
 */
int bzimage_setup_regs(struct guest_mem *mem, const struct bzimage_result *res,
		       struct axv_regs *regs, struct axv_sregs *sregs,
		       struct axv_err *err);

#endif /* USERCTL_BZIMAGE_H */
