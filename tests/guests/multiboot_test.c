// SPDX-License-Identifier: GPL-2.0
/*
 * multiboot_test: an ELF32 with a Multiboot header, started by
 * "userctl run" as a Multiboot loader would.  Checks the magic and every
 * field userctl fills in, against the test script's command line:
 *
 *   userctl run --module DIR/module1.txt,"mod-one 1" --module DIR/module2.txt
 *               DIR/multiboot_test.elf alpha beta
 *
 * module1.txt and module2.txt are files of this directory; the Makefile
 * passes their sizes as MODULE1_SIZE and MODULE2_SIZE.
 */
#include "guest.h"

#define MB_LOADER_MAGIC		0x2badb002
#define MB_INFO_MEMORY		BIT(0)
#define MB_INFO_CMDLINE		BIT(2)
#define MB_INFO_MODS		BIT(3)
#define MB_INFO_MMAP		BIT(6)
#define MB_INFO_LOADER_NAME	BIT(9)
#define MB_MMAP_AVAILABLE	1

#define LOW_END			0x9fc00
#define HIGH_START		0x100000
#define RESERVED_TOP		0x100000	/* userctl's last MiB */

struct mb_info {
	u32 flags;
	u32 mem_lower;
	u32 mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count;
	u32 mods_addr;
	u32 syms[4];
	u32 mmap_length;
	u32 mmap_addr;
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;
};

struct mb_module {
	u32 mod_start;
	u32 mod_end;
	u32 string;
	u32 reserved;
};

struct __attribute__((packed)) mb_mmap_entry {
	u32 size;
	u64 base;
	u64 length;
	u32 type;
};

struct region {
	u32 start, end;
};

/* Set from mem_upper: the end of RAM and of what a loader may use. */
static u32 ram_end, usable_end;

/* Whether a write at @addr reads back; the old value is put back. */
static bool is_ram(u32 addr)
{
	volatile u32 *p = (volatile u32 *)(unsigned long)addr;
	u32 old = *p;
	bool ram;

	*p = ~old;
	ram = *p == ~old;
	*p = old;
	return ram;
}

static bool overlaps(struct region a, struct region b)
{
	return a.start < b.end && b.start < a.end;
}

/* @r lies in RAM below userctl's reserved MiB and off the image. */
static void check_placed(const char *what, struct region r)
{
	struct region image = {
		(u32)(unsigned long)__image_start,
		(u32)(unsigned long)__image_end
	};

	guest_check(r.start < r.end && r.end <= usable_end &&
		    !overlaps(r, image), what);
}

static void check_mmap(const struct mb_info *mbi)
{
	const struct mb_mmap_entry *e;
	u32 off;
	int n = 0;

	guest_check_eq("mmap_length: two entries", mbi->mmap_length,
		       2 * sizeof(*e));
	check_placed("mmap placed in RAM",
		     (struct region){ mbi->mmap_addr,
				      mbi->mmap_addr + mbi->mmap_length });
	for (off = 0; off < mbi->mmap_length && n < 2;
	     off += e->size + 4, n++) {
		e = (const void *)(unsigned long)(mbi->mmap_addr + off);
		guest_check_eq("mmap entry size", e->size, 20);
		guest_check_eq("mmap entry type", e->type, MB_MMAP_AVAILABLE);
		if (n == 0) {
			guest_check_eq("mmap entry 0 base", e->base, 0);
			guest_check_eq("mmap entry 0 length", e->length,
				       LOW_END);
		} else {
			guest_check_eq("mmap entry 1 base", e->base,
				       HIGH_START);
			guest_check_eq("mmap entry 1 length is mem_upper KiB",
				       e->length, (u64)mbi->mem_upper * 1024);
		}
	}
	guest_check_eq("mmap entries found", n, 2);
}

static void check_module(const struct mb_module *m, char digit, u32 size,
			 const char *string)
{
	char magic[] = "AXVMODULE-?-DATA";
	char what[] = "module ?: ";

	magic[10] = digit;
	what[7] = digit;
	guest_puts("# ");
	guest_puts(what);
	guest_puts((const char *)(unsigned long)m->string);
	guest_putc('\n');
	guest_check_eq("module start page aligned", m->mod_start & 0xfff, 0);
	guest_check_eq("module length is the file size",
		       m->mod_end - m->mod_start, size);
	check_placed("module placed in RAM",
		     (struct region){ m->mod_start, m->mod_end });
	guest_check(!memcmp((const void *)(unsigned long)m->mod_start, magic,
			    16), "module content");
	guest_check_suffix("module string",
			   (const char *)(unsigned long)m->string, string);
}

static void check_modules(const struct mb_info *mbi)
{
	const struct mb_module *m;

	if (!guest_check_eq("mods_count", mbi->mods_count, 2))
		return;
	m = (const void *)(unsigned long)mbi->mods_addr;
	check_placed("module list placed in RAM",
		     (struct region){ mbi->mods_addr,
				      mbi->mods_addr + 2 * sizeof(*m) });
	check_module(&m[0], '1', MODULE1_SIZE, "module1.txt mod-one 1");
	check_module(&m[1], '2', MODULE2_SIZE, "module2.txt");
	guest_check(!overlaps((struct region){ m[0].mod_start, m[0].mod_end },
			      (struct region){ m[1].mod_start, m[1].mod_end }),
		    "modules do not overlap");
}

void guest_main(void)
{
	const struct mb_info *mbi = (const void *)guest_entry_bx;
	const u32 want_flags = MB_INFO_MEMORY | MB_INFO_CMDLINE |
			       MB_INFO_MODS | MB_INFO_MMAP |
			       MB_INFO_LOADER_NAME;

	guest_puts("hello from a Multiboot image\n");
	if (!guest_check_eq("EAX magic", guest_entry_ax, MB_LOADER_MAGIC))
		guest_done("multiboot_test");

	guest_check_eq("flags", mbi->flags, want_flags);
	guest_check_eq("mem_lower", mbi->mem_lower, 640);
	ram_end = HIGH_START + mbi->mem_upper * 1024;
	usable_end = ram_end - RESERVED_TOP;
	guest_puts("# mem_upper ");
	guest_put_dec(mbi->mem_upper);
	guest_puts(" KiB, RAM ends at ");
	guest_put_hex(ram_end);
	guest_putc('\n');
	guest_check(is_ram(ram_end - 4), "RAM up to where mem_upper ends");
	guest_check(!is_ram(ram_end), "no RAM where mem_upper ends");
	check_placed("information structure placed in RAM",
		     (struct region){ (u32)(unsigned long)mbi,
				      (u32)(unsigned long)(mbi + 1) });
	if (!(mbi->flags & MB_INFO_MMAP) || !(mbi->flags & MB_INFO_CMDLINE) ||
	    !(mbi->flags & MB_INFO_MODS) || !(mbi->flags & MB_INFO_LOADER_NAME))
		guest_done("multiboot_test");

	check_mmap(mbi);
	guest_check_str("boot_loader_name",
			(const char *)(unsigned long)mbi->boot_loader_name,
			"userctl");
	guest_check_suffix("cmdline",
			   (const char *)(unsigned long)mbi->cmdline,
			   "multiboot_test.elf alpha beta");
	check_modules(mbi);
	guest_done("multiboot_test");
}
