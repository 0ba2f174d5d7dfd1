// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of the bzImage loader (bzimage.c): synthetic images
 * built here with chosen setup header fields, then the real kernels found
 * on this host, checked against file(1) and the kernels' own build
 * configuration.
 *
 * The zero page is read through struct boot_params of the UAPI header
 * <asm/bootparam.h>, not through the loader's offsets, so that the two
 * check each other.
 *
 * The last line printed is "N passed, N failed"; the exit status is 1 when
 * any test failed.
 */
#include <errno.h>
#include <glob.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <asm/bootparam.h>

#include "bzimage.h"
#include "guest.h"
#include "libaxv.h"
#include "loader.h"
#include "x86_setup.h"
#include "check.h"
#include "ram.h"

/* --- helpers ------------------------------------------------------------ */

#define TEST_RAM	(16ULL << 20)	/* reserved area at 15 MiB */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TEST_RESERVED	(TEST_RAM - GUEST_RESERVED_SIZE)

/* Is [gpa, gpa + len) all zero? */
static bool ram_zero(const struct guest_mem *mem, __u64 gpa, __u64 len)
{
	const __u8 *p = guest_ptr(mem, gpa, len);
	__u64 i;

	if (!p)
		return false;
	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

static const struct boot_params *zero_page(const struct guest_mem *mem, __u64 gpa)
{
	return guest_ptr(mem, gpa, sizeof(struct boot_params));
}

static void put16(__u8 *p, __u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(__u8 *p, __u32 v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(__u8 *p, __u64 v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

/* Offset of the first byte where @a and @b differ; @len when none. */
static size_t first_diff(const void *a, const void *b, size_t len)
{
	const __u8 *x = a, *y = b;
	size_t i;

	for (i = 0; i < len && x[i] == y[i]; i++)
		;
	return i;
}

/* The memory map of a guest with @size bytes of RAM: low RAM, BIOS, RAM, reserved area. */
static unsigned int guest_e820(__u64 size, struct e820_entry_cfg *e)
{
	__u64 reserved = guest_reserved_base(&(struct guest_mem){ .size = size });

	e[0] = (struct e820_entry_cfg){ 0, 0x9fc00, BZIMAGE_E820_RAM };
	e[1] = (struct e820_entry_cfg){ 0x9fc00, 0x400, BZIMAGE_E820_RESERVED };
	e[2] = (struct e820_entry_cfg){ 0xf0000, 0x10000, BZIMAGE_E820_RESERVED };
	e[3] = (struct e820_entry_cfg){ 0x100000, reserved - 0x100000, BZIMAGE_E820_RAM };
	e[4] = (struct e820_entry_cfg){ reserved, GUEST_RESERVED_SIZE, BZIMAGE_E820_RESERVED };
	return 5;
}

/* --- synthetic bzImages ----------------------------------------------------- */

/**
 * struct fake_bz - the setup header fields of a synthetic bzImage.
 * @version: version (0x206).
 * @setup_sects: setup_sects (0x1f1); 0 means 4.
 * @loadflags: loadflags (0x211).
 * @xloadflags: xloadflags (0x236).
 * @relocatable: relocatable_kernel (0x234).
 * @kernel_alignment: kernel_alignment (0x230).
 * @initrd_addr_max: initrd_addr_max (0x22c).
 * @cmdline_size: cmdline_size (0x238).
 * @pref_address: pref_address (0x258).
 * @init_size: init_size (0x260).
 * @jump: the offset byte of the jump at 0x200: the header ends at 0x202 + it.
 * @pm_size: bytes of the protected-mode kernel.
 */
struct fake_bz {
	__u16 version;
	__u8 setup_sects;
	__u8 loadflags;
	__u16 xloadflags;
	__u8 relocatable;
	__u32 kernel_alignment;
	__u32 initrd_addr_max;
	__u32 cmdline_size;
	__u64 pref_address;
	__u32 init_size;
	__u8 jump;
	size_t pm_size;
};

#define FAKE_VERSION_STRING	"6.6.6-fake (tester@host) #1 SMP"
#define FAKE_KERNEL_VERSION	0x300	/* the string is at 0x500 */

static const struct fake_bz fake_default = {
	.version = 0x020f,
	.setup_sects = 2,
	.loadflags = LOADED_HIGH,
	.xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G,
	.relocatable = 0,
	.kernel_alignment = 0x200000,
	.initrd_addr_max = 0x7fffffff,
	.cmdline_size = 255,
	.pref_address = 0x200000,
	.init_size = 0x300000,
	.jump = 0x6a,		/* header end 0x26c, as kernels 5.5 to 6.x have it */
	.pm_size = 0x3000,
};

static size_t fake_setup_size(const struct fake_bz *f)
{
	return ((f->setup_sects ? f->setup_sects : 4) + 1) * 512;
}

/* The protected-mode kernel's byte @i. */
static __u8 fake_pm_byte(size_t i)
{
	return (i * 31 + 7) & 0xff;
}

/*
 * A bzImage with @f's fields, and every other header field a value of its
 * own that the zero page must copy (or, for the fields the loader writes,
 * replace).  The boot sector and setup code are filler, 0xff at 0x1ef
 * (where the zero page's sentinel is).  malloc()ed; *@size its length.
 */
static __u8 *fake_build(const struct fake_bz *f, size_t *size)
{
	size_t setup = fake_setup_size(f), i;
	__u8 *b;

	*size = setup + f->pm_size;
	b = malloc(*size);
	if (!b) {
		perror("malloc");
		exit(1);
	}
	memset(b, 0xab, setup);
	b[0x1ef] = 0xff;
	b[0x1f1] = f->setup_sects;
	put16(b + 0x1f2, 1);				/* root_flags */
	put32(b + 0x1f4, f->pm_size / 16);		/* syssize */
	put16(b + 0x1f8, 0);				/* ram_size */
	put16(b + 0x1fa, 0xfffd);			/* vid_mode: "ask" */
	put16(b + 0x1fc, 0x0801);			/* root_dev */
	put16(b + 0x1fe, 0xaa55);			/* boot_flag */
	b[0x200] = 0xeb;				/* jump */
	b[0x201] = f->jump;
	memcpy(b + 0x202, "HdrS", 4);			/* header */
	put16(b + 0x206, f->version);
	put32(b + 0x208, 0);				/* realmode_swtch */
	put16(b + 0x20c, 0x1000);			/* start_sys_seg */
	put16(b + 0x20e, FAKE_KERNEL_VERSION);		/* kernel_version */
	b[0x210] = 0;					/* type_of_loader */
	b[0x211] = f->loadflags;
	put16(b + 0x212, 0x8000);			/* setup_move_size */
	put32(b + 0x214, 0x100000);			/* code32_start */
	put32(b + 0x218, 0);				/* ramdisk_image */
	put32(b + 0x21c, 0);				/* ramdisk_size */
	put32(b + 0x220, 0);				/* bootsect_kludge */
	put16(b + 0x224, 0);				/* heap_end_ptr */
	b[0x226] = 0;					/* ext_loader_ver */
	b[0x227] = 0;					/* ext_loader_type */
	put32(b + 0x228, 0);				/* cmd_line_ptr */
	put32(b + 0x22c, f->initrd_addr_max);
	put32(b + 0x230, f->kernel_alignment);
	b[0x234] = f->relocatable;
	b[0x235] = 21;					/* min_alignment */
	put16(b + 0x236, f->xloadflags);
	put32(b + 0x238, f->cmdline_size);
	put32(b + 0x23c, 0);				/* hardware_subarch */
	put64(b + 0x240, 0);				/* hardware_subarch_data */
	put32(b + 0x248, 0x40);				/* payload_offset */
	put32(b + 0x24c, 0x100);			/* payload_length */
	put64(b + 0x250, 0x1234);			/* setup_data: the loader clears it */
	put64(b + 0x258, f->pref_address);
	put32(b + 0x260, f->init_size);
	put32(b + 0x264, 0x190);			/* handover_offset */
	put32(b + 0x268, 0x1000);			/* kernel_info_offset */
	memcpy(b + FAKE_KERNEL_VERSION + 0x200, FAKE_VERSION_STRING,
	       sizeof(FAKE_VERSION_STRING));
	for (i = 0; i < f->pm_size; i++)
		b[setup + i] = fake_pm_byte(i);
	return b;
}

static struct image image_of(const char *name, __u8 *data, size_t size)
{
	struct image img = { .name = name, .data = data, .size = size };

	return img;
}

/*
 * The zero page a loader following boot.rst must write for @img: zeroed,
 * the setup header copied (0x1f1 up to 0x202 + the byte at 0x201), then
 * the loader's fields.  @load is the kernel's load address; @initrd and
 * @initrd_size where the initrd went.
 */
static void expected_zero_page(struct boot_params *bp, const struct image *img,
			       const struct bzimage_params *p, __u64 load, __u64 initrd,
			       __u64 initrd_size)
{
	size_t hdr_end = 0x202 + img->data[0x201];
	unsigned int i;

	memset(bp, 0, sizeof(*bp));
	memcpy(&bp->hdr, img->data + 0x1f1, hdr_end - 0x1f1);
	if (!bp->hdr.setup_sects)
		bp->hdr.setup_sects = 4;
	bp->hdr.vid_mode = 0xffff;
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags |= CAN_USE_HEAP;
	bp->hdr.heap_end_ptr = 0xe000 - 0x200;
	bp->hdr.code32_start = load;
	bp->hdr.cmd_line_ptr = BZIMAGE_CMDLINE;
	bp->ext_cmd_line_ptr = 0;
	bp->hdr.ramdisk_image = initrd;
	bp->ext_ramdisk_image = initrd >> 32;
	bp->hdr.ramdisk_size = initrd_size;
	bp->ext_ramdisk_size = initrd_size >> 32;
	bp->hdr.setup_data = 0;
	bp->acpi_rsdp_addr = p->rsdp_gpa;
	bp->e820_entries = p->ne820;
	for (i = 0; i < p->ne820; i++) {
		bp->e820_table[i].addr = p->e820[i].addr;
		bp->e820_table[i].size = p->e820[i].size;
		bp->e820_table[i].type = p->e820[i].type;
	}
}

/* The zero page at @res->zero_page must be exactly what boot.rst asks. */
static void check_zero_page(const struct guest_mem *mem, const struct image *img,
			    const struct bzimage_params *p, const struct bzimage_result *res,
			    int line)
{
	const struct boot_params *bp = zero_page(mem, res->zero_page);
	static struct boot_params exp;
	size_t diff;

	expected_zero_page(&exp, img, p, res->kernel_load, res->initrd_gpa, res->initrd_size);
	diff = bp ? first_diff(bp, &exp, sizeof(exp)) : 0;
	if (diff != sizeof(exp))
		check_failed(__FILE__, line, "zero page differs at 0x%zx: 0x%02x, expected 0x%02x",
			     diff, bp ? ((const __u8 *)bp)[diff] : 0, ((__u8 *)&exp)[diff]);
}

#define CHECK_ZERO_PAGE(mem, img, p, res) check_zero_page(mem, img, p, res, __LINE__)

/*
 * bzimage_load() of @f with @p must fail with @code and a message holding
 * @msg, and leave guest RAM untouched.
 */
static void check_refused(const struct fake_bz *f, const struct bzimage_params *p, int code,
			  const char *msg, int line)
{
	struct guest_mem mem = ram_new(TEST_RAM);
	struct bzimage_result res = { .entry = 0x1234 };
	struct axv_err err = { 0 };
	struct image img;
	size_t size;
	__u8 *b = fake_build(f, &size);
	int ret;

	img = image_of("fake-bzImage", b, size);
	ret = bzimage_load(&mem, &img, p, &res, &err);
	if (ret != -code || err.code != code || !strstr(err.msg, msg) ||
	    !strstr(err.msg, "fake-bzImage"))
		check_failed(__FILE__, line, "ret %d, code %d, '%s'; expected %d, '%s'", ret,
			     err.code, err.msg, -code, msg);
	if (!ram_zero(&mem, 0, mem.size))
		check_failed(__FILE__, line, "guest RAM written although refused");
	if (res.entry != 0x1234)
		check_failed(__FILE__, line, "result written although refused");
	free(b);
	ram_free(&mem);
}

#define CHECK_REFUSED(f, p, code, msg) check_refused(f, p, code, msg, __LINE__)

/* Load @f with @p into a fresh TEST_RAM; the caller frees *@b and @mem. */
static int fake_load(const struct fake_bz *f, const struct bzimage_params *p,
		     struct guest_mem *mem, __u8 **b, struct image *img,
		     struct bzimage_result *res, struct axv_err *err)
{
	size_t size;

	*mem = ram_new(TEST_RAM);
	*b = fake_build(f, &size);
	*img = image_of("fake-bzImage", *b, size);
	return bzimage_load(mem, img, p, res, err);
}

/* --- tests of synthetic images ------------------------------------------ */

/* The UAPI header agrees with the offsets of boot.rst and zero-page.rst. */
static void test_uapi_layout(void)
{
	CHECK_INT(sizeof(struct boot_params), 4096);
	CHECK_HEX(offsetof(struct boot_params, acpi_rsdp_addr), 0x070);
	CHECK_HEX(offsetof(struct boot_params, ext_ramdisk_image), 0x0c0);
	CHECK_HEX(offsetof(struct boot_params, ext_ramdisk_size), 0x0c4);
	CHECK_HEX(offsetof(struct boot_params, ext_cmd_line_ptr), 0x0c8);
	CHECK_HEX(offsetof(struct boot_params, e820_entries), 0x1e8);
	CHECK_HEX(offsetof(struct boot_params, sentinel), 0x1ef);
	CHECK_HEX(offsetof(struct boot_params, hdr), 0x1f1);
	CHECK_HEX(offsetof(struct boot_params, e820_table), 0x2d0);
	CHECK_INT(sizeof(struct boot_e820_entry), 20);
	CHECK_INT(E820_MAX_ENTRIES_ZEROPAGE, BZIMAGE_E820_MAX);
#define HDR_AT(field, off) \
	CHECK_HEX(0x1f1 + offsetof(struct setup_header, field), off)
	HDR_AT(setup_sects, 0x1f1);
	HDR_AT(vid_mode, 0x1fa);
	HDR_AT(boot_flag, 0x1fe);
	HDR_AT(jump, 0x200);
	HDR_AT(header, 0x202);
	HDR_AT(version, 0x206);
	HDR_AT(kernel_version, 0x20e);
	HDR_AT(type_of_loader, 0x210);
	HDR_AT(loadflags, 0x211);
	HDR_AT(code32_start, 0x214);
	HDR_AT(ramdisk_image, 0x218);
	HDR_AT(ramdisk_size, 0x21c);
	HDR_AT(heap_end_ptr, 0x224);
	HDR_AT(cmd_line_ptr, 0x228);
	HDR_AT(initrd_addr_max, 0x22c);
	HDR_AT(kernel_alignment, 0x230);
	HDR_AT(relocatable_kernel, 0x234);
	HDR_AT(xloadflags, 0x236);
	HDR_AT(cmdline_size, 0x238);
	HDR_AT(setup_data, 0x250);
	HDR_AT(pref_address, 0x258);
	HDR_AT(init_size, 0x260);
#undef HDR_AT
}

static void test_detect(void)
{
	struct fake_bz f = fake_default;
	struct image img;
	size_t size;
	__u8 *b = fake_build(&f, &size);

	img = image_of("fake", b, size);
	CHECK(bzimage_detect(&img));
	CHECK_STR_EQ(bzimage_kernel_version(&img), FAKE_VERSION_STRING);
	img.size = 0x206;			/* just "HdrS" */
	CHECK(bzimage_detect(&img));
	CHECK(!bzimage_kernel_version(&img));	/* kernel_version not in the file */
	img.size = 0x205;
	CHECK(!bzimage_detect(&img));
	img.size = size;
	b[0x202] = 'h';
	CHECK(!bzimage_detect(&img));
	b[0x202] = 'H';
	b[0x1fe] = 0x56;
	CHECK(!bzimage_detect(&img));
	b[0x1fe] = 0x55;
	CHECK(bzimage_detect(&img));

	put16(b + 0x20e, 0);			/* no version string */
	CHECK(!bzimage_kernel_version(&img));
	put16(b + 0x20e, 0x400);		/* 0x600: past the setup sectors */
	CHECK(!bzimage_kernel_version(&img));
	put16(b + 0x20e, 0x3ff);		/* the last setup byte, not a NUL */
	CHECK(!bzimage_kernel_version(&img));
	b[0x5ff] = 0;
	CHECK_STR_EQ(bzimage_kernel_version(&img), "");
	free(b);
}

/* Every field of the zero page, the kernel, the command line, the result. */
static void test_load(void)
{
	static const char initrd[] = "initrd bytes";
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .cmdline = "console=ttyS0 root=/dev/ram0",
				    .initrd = initrd, .initrd_size = sizeof(initrd),
				    .rsdp_gpa = 0xe0000 };
	const struct boot_params *bp;
	struct bzimage_result res;
	struct axv_err err = { 0 };
	struct guest_mem mem;
	struct image img;
	__u8 *b;
	size_t i;
	bool same = true;

	p.e820 = e820;
	p.ne820 = guest_e820(TEST_RAM, e820);
	CHECK_INT(fake_load(&fake_default, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_INT(err.code, 0);

	CHECK_HEX(res.version, 0x020f);
	CHECK_HEX(res.kernel_load, 0x200000);
	CHECK_HEX(res.entry, 0x200200);
	CHECK_HEX(res.kernel_end, 0x500000);
	CHECK_HEX(res.zero_page, BZIMAGE_ZERO_PAGE);
	CHECK_HEX(res.cmdline_gpa, BZIMAGE_CMDLINE);
	/* The highest page below the reserved area. */
	CHECK_HEX(res.initrd_gpa, TEST_RESERVED - GUEST_PAGE_SIZE);
	CHECK_INT(res.initrd_size, sizeof(initrd));

	for (i = 0; i < fake_default.pm_size; i++)
		same = same && mem.ram[0x200000 + i] == fake_pm_byte(i);
	CHECK(same);
	CHECK(ram_zero(&mem, 0x200000 + fake_default.pm_size, 0x10000));
	CHECK(!memcmp(mem.ram + res.initrd_gpa, initrd, sizeof(initrd)));
	CHECK_STR_EQ((char *)mem.ram + BZIMAGE_CMDLINE, p.cmdline);
	/* Nothing else written in low memory. */
	CHECK(ram_zero(&mem, 0, BZIMAGE_ZERO_PAGE));
	CHECK(ram_zero(&mem, BZIMAGE_ZERO_PAGE + 0x1000,
		       BZIMAGE_CMDLINE - BZIMAGE_ZERO_PAGE - 0x1000));
	i = BZIMAGE_CMDLINE + strlen(p.cmdline) + 1;
	CHECK(ram_zero(&mem, i, 0x100000 - i));
	CHECK(ram_zero(&mem, 0x100000, 0x100000));

	/* The zero page, field by field ... */
	bp = zero_page(&mem, res.zero_page);
	CHECK_INT(bp->hdr.setup_sects, 2);
	CHECK_HEX(bp->hdr.root_flags, 1);
	CHECK_HEX(bp->hdr.syssize, 0x300);
	CHECK_HEX(bp->hdr.vid_mode, 0xffff);
	CHECK_HEX(bp->hdr.root_dev, 0x0801);
	CHECK_HEX(bp->hdr.boot_flag, 0xaa55);
	CHECK_HEX(bp->hdr.jump, 0x6aeb);
	CHECK_HEX(bp->hdr.header, 0x53726448);
	CHECK_HEX(bp->hdr.version, 0x020f);
	CHECK_HEX(bp->hdr.start_sys_seg, 0x1000);
	CHECK_HEX(bp->hdr.kernel_version, FAKE_KERNEL_VERSION);
	CHECK_HEX(bp->hdr.type_of_loader, 0xff);
	CHECK_HEX(bp->hdr.loadflags, LOADED_HIGH | CAN_USE_HEAP);
	CHECK_HEX(bp->hdr.setup_move_size, 0x8000);
	CHECK_HEX(bp->hdr.code32_start, 0x200000);
	CHECK_HEX(bp->hdr.ramdisk_image, res.initrd_gpa);
	CHECK_HEX(bp->hdr.ramdisk_size, sizeof(initrd));
	CHECK_HEX(bp->hdr.heap_end_ptr, 0xde00);
	CHECK_HEX(bp->hdr.ext_loader_ver, 0);
	CHECK_HEX(bp->hdr.ext_loader_type, 0);
	CHECK_HEX(bp->hdr.cmd_line_ptr, BZIMAGE_CMDLINE);
	CHECK_HEX(bp->hdr.initrd_addr_max, 0x7fffffff);
	CHECK_HEX(bp->hdr.kernel_alignment, 0x200000);
	CHECK_HEX(bp->hdr.relocatable_kernel, 0);
	CHECK_HEX(bp->hdr.min_alignment, 21);
	CHECK_HEX(bp->hdr.xloadflags, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G);
	CHECK_HEX(bp->hdr.cmdline_size, 255);
	CHECK_HEX(bp->hdr.payload_offset, 0x40);
	CHECK_HEX(bp->hdr.payload_length, 0x100);
	CHECK_HEX(bp->hdr.setup_data, 0);
	CHECK_HEX(bp->hdr.pref_address, 0x200000);
	CHECK_HEX(bp->hdr.init_size, 0x300000);
	CHECK_HEX(bp->hdr.handover_offset, 0x190);
	CHECK_HEX(bp->hdr.kernel_info_offset, 0x1000);
	CHECK_HEX(bp->ext_ramdisk_image, 0);
	CHECK_HEX(bp->ext_ramdisk_size, 0);
	CHECK_HEX(bp->ext_cmd_line_ptr, 0);
	CHECK_HEX(bp->acpi_rsdp_addr, 0xe0000);
	CHECK_INT(bp->sentinel, 0);
	CHECK_INT(bp->e820_entries, 5);
	for (i = 0; i < 5; i++) {
		CHECK_HEX(bp->e820_table[i].addr, e820[i].addr);
		CHECK_HEX(bp->e820_table[i].size, e820[i].size);
		CHECK_HEX(bp->e820_table[i].type, e820[i].type);
	}
	/* ... and as a whole: the rest is zero, nothing past the header copied. */
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	CHECK(ram_zero(&mem, res.zero_page + 0x26c, 0x290 - 0x26c));
	CHECK(ram_zero(&mem, res.zero_page, 0x70));
	free(b);
	ram_free(&mem);
}

/* Where init_size counts from, and the loaded bytes beyond it. */
static void test_kernel_extent(void)
{
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f = fake_default;
	struct bzimage_result res;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	__u8 *b;

	p.ne820 = guest_e820(TEST_RAM, e820);

	/* Relocatable, pref_address not aligned: init_size from the aligned start. */
	f.relocatable = 1;
	f.pref_address = 0x300000;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.kernel_load, 0x300000);
	CHECK_HEX(res.entry, 0x300200);
	CHECK_HEX(res.kernel_end, 0x400000 + 0x300000);
	CHECK_HEX(zero_page(&mem, res.zero_page)->hdr.code32_start, 0x300000);
	CHECK_INT(mem.ram[0x300000], fake_pm_byte(0));
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	free(b);
	ram_free(&mem);

	/* Not relocatable: init_size from pref_address itself. */
	f.relocatable = 0;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.kernel_end, 0x300000 + 0x300000);
	free(b);
	ram_free(&mem);

	/* Loaded bytes beyond init_size count. */
	f = fake_default;
	f.init_size = 0x1000;
	f.pm_size = 0x5000;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.kernel_end, 0x205000);
	CHECK_INT(mem.ram[0x204fff], fake_pm_byte(0x4fff));
	free(b);
	ram_free(&mem);

	/* Exactly up to the reserved area. */
	f = fake_default;
	f.init_size = TEST_RESERVED - f.pref_address;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.kernel_end, TEST_RESERVED);
	CHECK_HEX(res.initrd_gpa, 0);
	free(b);
	ram_free(&mem);

	/* pref_address 0: the bzImage default, 1 MiB. */
	f = fake_default;
	f.pref_address = 0;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.kernel_load, 0x100000);
	CHECK_HEX(res.entry, 0x100200);
	free(b);
	ram_free(&mem);
}

/* setup_sects 0 is 4: the kernel starts at 5 * 512. */
static void test_setup_sects_zero(void)
{
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f = fake_default;
	struct bzimage_result res;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	__u8 *b;

	p.ne820 = guest_e820(TEST_RAM, e820);
	f.setup_sects = 0;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_INT(img.size, 5 * 512 + f.pm_size);
	CHECK(!memcmp(mem.ram + res.kernel_load, b + 5 * 512, f.pm_size));
	CHECK(ram_zero(&mem, res.kernel_load + f.pm_size, 0x1000));
	CHECK_INT(zero_page(&mem, res.zero_page)->hdr.setup_sects, 4);
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	CHECK_STR_EQ(bzimage_kernel_version(&img), FAKE_VERSION_STRING);
	free(b);
	ram_free(&mem);

	/* 1 sector: the protected-mode kernel at 0x400. */
	f.setup_sects = 1;
	f.jump = 0x62;			/* up to init_size only: the shortest accepted */
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK(!memcmp(mem.ram + res.kernel_load, b + 0x400, f.pm_size));
	CHECK_INT(zero_page(&mem, res.zero_page)->hdr.setup_sects, 1);
	CHECK_HEX(zero_page(&mem, res.zero_page)->hdr.handover_offset, 0);	/* not copied */
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	free(b);
	ram_free(&mem);
}

static void test_cmdline(void)
{
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f = fake_default;
	struct bzimage_result res;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	char *line;
	__u8 *b;

	p.ne820 = guest_e820(TEST_RAM, e820);

	/* None: an empty string, still pointed to. */
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(zero_page(&mem, res.zero_page)->hdr.cmd_line_ptr, BZIMAGE_CMDLINE);
	CHECK_STR_EQ((char *)mem.ram + BZIMAGE_CMDLINE, "");
	free(b);
	ram_free(&mem);

	/* Exactly cmdline_size characters. */
	f.cmdline_size = 100;
	line = malloc(102);
	memset(line, 'x', 101);
	line[100] = '\0';
	p.cmdline = line;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_STR_EQ((char *)mem.ram + BZIMAGE_CMDLINE, line);
	CHECK_INT(mem.ram[BZIMAGE_CMDLINE + 100], 0);
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	free(b);
	ram_free(&mem);

	/* One more is refused, not truncated. */
	line[100] = 'y';
	line[101] = '\0';
	CHECK_REFUSED(&f, &p, E2BIG,
		      "the command line is 101 bytes long; the kernel takes at most 100 (cmdline_size)");

	/* A kernel that takes more than fits below the EBDA. */
	f.cmdline_size = 0x100000;
	free(line);
	line = malloc(0x80000);
	memset(line, 'z', 0x80000 - 1);
	line[0x80000 - 1] = '\0';
	p.cmdline = line;
	CHECK_REFUSED(&f, &p, E2BIG, "userctl has room for 523263");
	line[BZIMAGE_CMDLINE_END - BZIMAGE_CMDLINE - 1] = '\0';
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_INT(mem.ram[BZIMAGE_CMDLINE_END - 1], 0);
	CHECK_INT(mem.ram[BZIMAGE_CMDLINE_END - 2], 'z');
	free(b);
	ram_free(&mem);
	free(line);
}

static void test_initrd(void)
{
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f = fake_default;
	const struct boot_params *bp;
	struct bzimage_result res;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	__u8 *rd, *b;
	size_t i;

	p.ne820 = guest_e820(TEST_RAM, e820);
	rd = malloc(0x800000);
	for (i = 0; i < 0x800000; i++)
		rd[i] = i ^ (i >> 8);

	/* None: the fields stay 0. */
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	bp = zero_page(&mem, res.zero_page);
	CHECK_HEX(res.initrd_gpa, 0);
	CHECK_HEX(bp->hdr.ramdisk_image, 0);
	CHECK_HEX(bp->hdr.ramdisk_size, 0);
	free(b);
	ram_free(&mem);

	/* Highest page-aligned place below the reserved area. */
	p.initrd = rd;
	p.initrd_size = 0x2345;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	bp = zero_page(&mem, res.zero_page);
	CHECK_HEX(res.initrd_gpa, (TEST_RESERVED - 0x2345) & ~0xfffULL);
	CHECK_HEX(bp->hdr.ramdisk_image, res.initrd_gpa);
	CHECK_HEX(bp->hdr.ramdisk_size, 0x2345);
	CHECK(!memcmp(mem.ram + res.initrd_gpa, rd, 0x2345));
	CHECK(ram_zero(&mem, res.initrd_gpa + 0x2345, TEST_RESERVED - res.initrd_gpa - 0x2345));
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	free(b);
	ram_free(&mem);

	/* initrd_addr_max is the last byte it may occupy. */
	f.initrd_addr_max = 0x7fffff;
	p.initrd_size = 0x1800;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.initrd_gpa, 0x7fe000);
	CHECK(!memcmp(mem.ram + 0x7fe000, rd, 0x1800));
	free(b);
	ram_free(&mem);
	p.initrd_size = 0x2000;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.initrd_gpa, 0x7fe000);
	free(b);
	ram_free(&mem);

	/* Right above the kernel's end (0x500000), and a page more is too much. */
	p.initrd_size = 0x800000 - 0x500000;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.initrd_gpa, 0x500000);
	free(b);
	ram_free(&mem);
	p.initrd_size += 1;
	CHECK_REFUSED(&f, &p, ENOSPC,
		      "the initrd (3145729 bytes) does not fit between the kernel's end 0x500000 and 0x800000");

	/* Larger than all RAM below initrd_addr_max. */
	f.initrd_addr_max = 0x7fffffff;
	p.initrd_size = 0x800000;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.initrd_gpa, TEST_RESERVED - 0x800000);
	free(b);
	ram_free(&mem);
	f.init_size = 0x800000;
	CHECK_REFUSED(&f, &p, ENOSPC, "see --mem");

	/* A size without bytes. */
	p.initrd = NULL;
	CHECK_REFUSED(&f, &p, EINVAL, "an initrd size (8388608) without its bytes");
	free(rd);
}

static void test_e820(void)
{
	static struct e820_entry_cfg e820[BZIMAGE_E820_MAX + 1];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f = fake_default;
	const struct boot_params *bp;
	struct bzimage_result res;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	unsigned int i;
	bool same = true;
	__u8 *b;

	for (i = 0; i <= BZIMAGE_E820_MAX; i++)
		e820[i] = (struct e820_entry_cfg){ 0x100000000ULL * i + 0x1000 * i,
						   0xfedcba9876543210ULL - i, i % 7 + 1 };

	p.ne820 = 1;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	bp = zero_page(&mem, res.zero_page);
	CHECK_INT(bp->e820_entries, 1);
	CHECK_HEX(bp->e820_table[0].addr, 0);
	CHECK_HEX(bp->e820_table[0].size, 0xfedcba9876543210ULL);
	CHECK_HEX(bp->e820_table[0].type, 1);
	CHECK(ram_zero(&mem, res.zero_page + 0x2d0 + 20, 20));
	free(b);
	ram_free(&mem);

	p.ne820 = BZIMAGE_E820_MAX;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	bp = zero_page(&mem, res.zero_page);
	CHECK_INT(bp->e820_entries, 128);
	for (i = 0; i < BZIMAGE_E820_MAX; i++)
		same = same && bp->e820_table[i].addr == e820[i].addr &&
		       bp->e820_table[i].size == e820[i].size &&
		       bp->e820_table[i].type == e820[i].type;
	CHECK(same);
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	CHECK(ram_zero(&mem, res.zero_page + 0x2d0 + 128 * 20, 0xd00 - 0x2d0 - 128 * 20));
	free(b);
	ram_free(&mem);

	p.ne820 = BZIMAGE_E820_MAX + 1;
	CHECK_REFUSED(&f, &p, E2BIG, "129 memory map entries; the zero page holds at most 128");
	p.ne820 = 0;
	CHECK_REFUSED(&f, &p, EINVAL, "no memory map");
	p.ne820 = 3;
	p.e820 = NULL;
	CHECK_REFUSED(&f, &p, EINVAL, "no memory map");
}

/* acpi_rsdp_addr is written for any protocol version, 0 when not given. */
static void test_rsdp(void)
{
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f = fake_default;
	struct bzimage_result res;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	__u8 *b;

	p.ne820 = guest_e820(TEST_RAM, e820);
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(zero_page(&mem, res.zero_page)->acpi_rsdp_addr, 0);
	free(b);
	ram_free(&mem);

	f.version = 0x020c;
	p.rsdp_gpa = 0xf5a30;
	CHECK_INT(fake_load(&f, &p, &mem, &b, &img, &res, &err), 0);
	CHECK_HEX(res.version, 0x020c);
	CHECK_HEX(zero_page(&mem, res.zero_page)->acpi_rsdp_addr, 0xf5a30);
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	free(b);
	ram_free(&mem);
}

static void test_refusals(void)
{
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820 };
	struct fake_bz f;

	p.ne820 = guest_e820(TEST_RAM, e820);

	f = fake_default;
	f.version = 0x0205;
	CHECK_REFUSED(&f, &p, ENOEXEC,
		      "boot protocol 2.05 is too old; userctl needs 2.06 or later");
	f.version = 0x0206;		/* accepted, but has no xloadflags */
	CHECK_REFUSED(&f, &p, ENOEXEC,
		      "no 64-bit entry point: xloadflags bit XLF_KERNEL_64 is clear (boot protocol 2.06;");
	f.version = 0x020b;
	CHECK_REFUSED(&f, &p, ENOEXEC, "(boot protocol 2.11; xloadflags came with 2.12)");
	f.version = 0x020c;
	f.xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G | XLF_EFI_HANDOVER_32;
	CHECK_REFUSED(&f, &p, ENOEXEC, "XLF_KERNEL_64 is clear (boot protocol 2.12;");

	f = fake_default;
	f.loadflags = 0;
	CHECK_REFUSED(&f, &p, ENOEXEC, "a zImage (loadflags LOADED_HIGH clear)");

	f = fake_default;
	f.jump = 0x80;
	CHECK_REFUSED(&f, &p, ENOEXEC, "no short forward jump at 0x200");
	f.jump = 0x5d;
	CHECK_REFUSED(&f, &p, ENOEXEC, "the setup header ends at 0x25f, before init_size (0x260)");

	f = fake_default;
	f.pm_size = 0x200;
	CHECK_REFUSED(&f, &p, ENOEXEC,
		      "truncated: 2048 bytes, but the protected-mode kernel starts at 0x600");

	f = fake_default;
	f.pref_address = 0xf0000;
	CHECK_REFUSED(&f, &p, ENOEXEC, "pref_address 0xf0000 is below 1 MiB");

	/* No room at pref_address, relocatable or not. */
	f = fake_default;
	f.init_size = TEST_RESERVED - f.pref_address + 1;
	CHECK_REFUSED(&f, &p, ENOSPC,
		      "the kernel needs 0xd00001 bytes at 0x200000 (pref_address; init_size 0xd00001, not relocatable), which do not fit below userctl's reserved area at 0xf00000; see --mem");
	f.relocatable = 1;
	CHECK_REFUSED(&f, &p, ENOSPC, "init_size 0xd00001, relocatable)");
	f = fake_default;
	f.relocatable = 1;
	f.pref_address = 0x1000000;
	CHECK_REFUSED(&f, &p, ENOSPC, "at 0x1000000");
	f.pref_address = 0xffffffffffe00000ULL;
	CHECK_REFUSED(&f, &p, ENOSPC, "at 0xffffffffffe00000");

	/* Not a bzImage at all. */
	f = fake_default;
	f.version = 0x020f;
	{
		struct guest_mem mem = ram_new(TEST_RAM);
		struct bzimage_result res;
		struct axv_err err;
		struct image img;
		size_t size;
		__u8 *b = fake_build(&f, &size);

		b[0x205] = 'Z';
		img = image_of("elf", b, size);
		CHECK_INT(bzimage_load(&mem, &img, &p, &res, &err), -ENOEXEC);
		CHECK_STR_HAS(err.msg, "elf: not a Linux bzImage");
		CHECK(ram_zero(&mem, 0, mem.size));
		free(b);
		ram_free(&mem);
	}
}

/* Translate @va by the page tables at @cr3; ~0 when not mapped. */
static __u64 walk(const struct guest_mem *mem, __u64 cr3, __u64 va)
{
	const __u64 addr_mask = 0x000ffffffffff000ULL;
	__u64 table = cr3 & addr_mask, e = 0;
	int level, shift;

	for (level = 4; level >= 1; level--) {
		shift = 12 + 9 * (level - 1);
		if (!guest_ptr(mem, table, 4096))
			return ~0ULL;
		memcpy(&e, mem->ram + table + ((va >> shift) & 511) * 8, 8);
		if (!(e & X86_PTE_P))
			return ~0ULL;
		if (level > 1 && level < 4 && (e & X86_PTE_PS))
			return (e & addr_mask & ~((1ULL << shift) - 1)) |
			       (va & ((1ULL << shift) - 1));
		table = e & addr_mask;
	}
	return table | (va & 0xfff);
}

static __u64 gdt_entry(const struct guest_mem *mem, const struct axv_sregs *sregs, __u16 sel)
{
	__u64 d = 0;

	memcpy(&d, mem->ram + sregs->gdt.base + sel, 8);
	return d;
}

/* The state the 64-bit boot protocol asks for. */
static void check_entry_state(const struct guest_mem *mem, const struct bzimage_result *res,
			      const struct axv_regs *regs, const struct axv_sregs *sregs)
{
	const struct axv_segment *data[] = { &sregs->ds, &sregs->es, &sregs->ss, &sregs->fs,
					     &sregs->gs };
	__u64 va[] = { res->kernel_load, res->entry, res->kernel_end - 1, res->zero_page,
		       res->zero_page + 0xfff, res->cmdline_gpa };
	__u64 d;
	unsigned int i;

	CHECK_HEX(regs->rip, res->entry);
	CHECK_HEX(regs->rsi, res->zero_page);
	CHECK_HEX(regs->rflags, 0x2);		/* IF clear */
	CHECK_HEX(regs->rax | regs->rbx | regs->rcx | regs->rdx | regs->rdi | regs->rbp |
		  regs->r8 | regs->r9 | regs->r10 | regs->r11 | regs->r12 | regs->r13 |
		  regs->r14 | regs->r15, 0);

	/* 64-bit mode, paging on. */
	CHECK_HEX(sregs->cr0 & (X86_CR0_PG | X86_CR0_PE), X86_CR0_PG | X86_CR0_PE);
	CHECK_HEX(sregs->cr4 & X86_CR4_PAE, X86_CR4_PAE);
	CHECK_HEX(sregs->efer & (X86_EFER_LME | X86_EFER_LMA), X86_EFER_LME | X86_EFER_LMA);
	CHECK_INT(sregs->cs.l, 1);
	CHECK_INT(sregs->cs.db, 0);

	/* CS = __BOOT_CS (0x10), execute/read; DS, ES, SS = __BOOT_DS (0x18), read/write. */
	CHECK_HEX(sregs->cs.selector, 0x10);
	CHECK_HEX(sregs->cs.type, X86_TYPE_CODE_RX_A);
	CHECK_HEX(sregs->cs.base, 0);
	CHECK_HEX(sregs->cs.limit, 0xffffffff);
	for (i = 0; i < ARRAY_SIZE(data); i++) {
		CHECK_HEX(data[i]->selector, 0x18);
		CHECK_HEX(data[i]->type, X86_TYPE_DATA_RW_A);
		CHECK_INT(data[i]->s, 1);
		CHECK_INT(data[i]->present, 1);
		CHECK_HEX(data[i]->base, 0);
		CHECK_HEX(data[i]->limit, 0xffffffff);
		CHECK_INT(data[i]->unusable, 0);
	}
	/* The GDT holds them: 4 GiB flat, code 64-bit (L) execute/read, data read/write. */
	CHECK(sregs->gdt.limit >= 0x1f);
	d = gdt_entry(mem, sregs, 0x10);
	CHECK_HEX(d, 0x00af9b000000ffffULL);
	d = gdt_entry(mem, sregs, 0x18);
	CHECK_HEX(d, 0x00cf93000000ffffULL);
	CHECK_HEX(d, x86_descriptor(&sregs->ds));
	CHECK_HEX(gdt_entry(mem, sregs, 0x10), x86_descriptor(&sregs->cs));
	CHECK_HEX(sregs->tr.selector, X86_SEL_TSS);
	CHECK_HEX(gdt_entry(mem, sregs, X86_SEL_TSS), x86_descriptor(&sregs->tr));

	/* The identity map covers the kernel's init_size range, zero page, command line, initrd. */
	for (i = 0; i < ARRAY_SIZE(va); i++)
		CHECK_HEX(walk(mem, sregs->cr3, va[i]), va[i]);
	if (res->initrd_size) {
		CHECK_HEX(walk(mem, sregs->cr3, res->initrd_gpa), res->initrd_gpa);
		CHECK_HEX(walk(mem, sregs->cr3, res->initrd_gpa + res->initrd_size - 1),
			  res->initrd_gpa + res->initrd_size - 1);
	}
}

static void test_setup_regs(void)
{
	static const char initrd[4096 * 3];
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820, .cmdline = "quiet",
				    .initrd = initrd, .initrd_size = sizeof(initrd) };
	struct bzimage_result res;
	struct axv_regs regs;
	struct axv_sregs sregs;
	struct axv_err err;
	struct guest_mem mem;
	struct image img;
	__u8 *b;

	p.ne820 = guest_e820(TEST_RAM, e820);
	CHECK_INT(fake_load(&fake_default, &p, &mem, &b, &img, &res, &err), 0);
	memset(&regs, 0x5a, sizeof(regs));
	memset(&sregs, 0, sizeof(sregs));
	sregs.apic_base = 0xfee00900;
	CHECK_INT(bzimage_setup_regs(&mem, &res, &regs, &sregs, &err), 0);
	check_entry_state(&mem, &res, &regs, &sregs);
	CHECK_HEX(regs.rsp, X86_RSP);
	CHECK_HEX(sregs.apic_base, 0xfee00900);	/* left as it was */
	/* The zero page and command line are intact: x86_setup() writes the reserved area only. */
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);
	CHECK_STR_EQ((char *)mem.ram + res.cmdline_gpa, "quiet");
	free(b);
	ram_free(&mem);

	/* More RAM than 4 GiB of identity map can hold (no allocation: only the size matters). */
	mem = (struct guest_mem){ .ram = NULL, .size = (X86_MAX_PDS + 1) * X86_PAGE_1G };
	CHECK_INT(bzimage_setup_regs(&mem, &res, &regs, &sregs, &err), -ENOSPC);
	CHECK_STR_HAS(err.msg, "long mode maps at most");
}

/* --- real kernels ---------------------------------------------------------- */

static const char *real_path;

/* The value of @name in Kconfig file @config into @buf; false when not set. */
static bool config_value(const char *config, const char *name, char *buf, size_t size)
{
	char line[512];
	size_t n = strlen(name);
	bool found = false;
	FILE *f = fopen(config, "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, name, n) || line[n] != '=')
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, size, "%s", line + n + 1);
		found = true;
	}
	fclose(f);
	return found;
}

/* The kernel configuration and build tree of @path, when they are around. */
static void real_kernel_tree(const char *path, char *config, char *tree, size_t size)
{
	char dir[1024], kpath[1100], kdir[1024], *base;
	FILE *f;

	config[0] = '\0';
	tree[0] = '\0';
	snprintf(dir, sizeof(dir), "%s", path);
	base = strrchr(dir, '/');
	if (!base)
		return;
	*base++ = '\0';
	if (!strcmp(base, "bzImage")) {
		/* tools/testenv/kernel.sh: DIR/bzImage, DIR/build */
		snprintf(tree, size, "%s/build", dir);
		snprintf(config, size, "%s/.config", tree);
	} else if (!strcmp(base, "vmlinuz")) {
		/* tools/testenv/distro.sh: DIR/vmlinuz, DIR/kdir naming the headers */
		snprintf(kpath, sizeof(kpath), "%s/kdir", dir);
		f = fopen(kpath, "r");
		if (f && fgets(kdir, sizeof(kdir), f)) {
			kdir[strcspn(kdir, "\n")] = '\0';
			snprintf(config, size, "%s/.config", kdir);
		}
		if (f)
			fclose(f);
	} else if (!strncmp(base, "vmlinuz-", 8)) {
		/* Debian's /boot/vmlinuz-VERSION and /boot/config-VERSION */
		snprintf(config, size, "%s/config-%s", dir, base + 8);
	}
}

/* What file(1) says of @path, or "" when it cannot say. */
static void file_says(const char *path, char *buf, size_t size)
{
	char cmd[4200];
	FILE *f;

	buf[0] = '\0';
	snprintf(cmd, sizeof(cmd), "file -b '%s' 2>/dev/null", path);
	f = popen(cmd, "r");
	if (!f)
		return;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	pclose(f);
}

/* The compression magic boot.rst lists for CONFIG_KERNEL_<name>. */
static const struct {
	const char *config;
	__u8 magic[2];
} payload_magics[] = {
	{ "CONFIG_KERNEL_GZIP", { 0x1f, 0x8b } },
	{ "CONFIG_KERNEL_BZIP2", { 0x42, 0x5a } },
	{ "CONFIG_KERNEL_LZMA", { 0x5d, 0x00 } },
	{ "CONFIG_KERNEL_XZ", { 0xfd, 0x37 } },
	{ "CONFIG_KERNEL_LZ4", { 0x02, 0x21 } },
	{ "CONFIG_KERNEL_ZSTD", { 0x28, 0xb5 } },
	{ "CONFIG_KERNEL_LZO", { 0x89, 0x4c } },	/* lzop's "\x89LZO"; not in boot.rst */
};

static void test_real_image(void)
{
	static char config[4096], tree[4096], says[4096], value[256];
	struct guest_mem mem = ram_new(256ULL << 20), small;
	struct e820_entry_cfg e820[8];
	struct bzimage_params p = { .e820 = e820, .cmdline = "console=ttyS0 earlyprintk=serial",
				    .rsdp_gpa = 0xf0000 };
	const struct boot_params *bp;
	struct bzimage_result res;
	struct axv_regs regs;
	struct axv_sregs sregs = { 0 };
	struct axv_err err = { 0 };
	struct image img;
	const char *version, *v;
	size_t setup, i;
	__u8 *rd;
	int ret;

	rd = malloc(0x12345);
	for (i = 0; i < 0x12345; i++)
		rd[i] = i * 13;
	p.initrd = rd;
	p.initrd_size = 0x12345;
	p.ne820 = guest_e820(mem.size, e820);
	ret = image_read(real_path, &img, &err);
	CHECK_INT(ret, 0);
	if (ret) {
		printf("     %s: %s\n", real_path, err.msg);
		goto out;
	}
	CHECK(bzimage_detect(&img));
	version = bzimage_kernel_version(&img);
	CHECK(version);
	printf("     %s: \"%s\", protocol %u.%02u, %zu bytes\n", real_path,
	       version ? version : "(no version)", img.data[0x207], img.data[0x206], img.size);

	/* file(1) agrees on the kind and the version string. */
	file_says(real_path, says, sizeof(says));
	if (!says[0]) {
		printf("     SKIP file(1) comparison: file(1) did not answer\n");
	} else {
		CHECK_STR_HAS(says, "Linux kernel x86 boot executable bzImage");
		v = strstr(says, ", version ");
		CHECK(v);
		if (v && version) {
			v += strlen(", version ");
			CHECK(!strncmp(v, version, strlen(version)));
			CHECK_INT(v[strlen(version)], ',');
		}
	}

	ret = bzimage_load(&mem, &img, &p, &res, &err);
	CHECK_INT(ret, 0);
	if (ret) {
		printf("     %s\n", err.msg);
		goto out_img;
	}
	bp = zero_page(&mem, res.zero_page);
	setup = (bp->hdr.setup_sects + 1) * 512;
	CHECK_HEX(res.version, img.data[0x206] | img.data[0x207] << 8);
	CHECK(res.version >= 0x020c);
	CHECK(bp->hdr.xloadflags & XLF_KERNEL_64);
	CHECK_HEX(res.kernel_load, bp->hdr.pref_address);
	CHECK_HEX(res.entry, bp->hdr.pref_address + 0x200);
	CHECK(res.kernel_end >= res.kernel_load + bp->hdr.init_size);
	CHECK_INT(img.data[0x1f1] ? img.data[0x1f1] : 4, bp->hdr.setup_sects);
	CHECK(!memcmp(mem.ram + res.kernel_load, img.data + setup, img.size - setup));
	CHECK(!memcmp(mem.ram + res.initrd_gpa, rd, 0x12345));
	CHECK(res.initrd_gpa >= res.kernel_end);
	CHECK_HEX(res.initrd_gpa + 0x13000, guest_reserved_base(&mem));
	CHECK_STR_EQ((char *)mem.ram + res.cmdline_gpa, p.cmdline);
	CHECK(strlen(p.cmdline) <= bp->hdr.cmdline_size);
	CHECK_ZERO_PAGE(&mem, &img, &p, &res);

	/* The kernel's configuration agrees with what the loader read. */
	real_kernel_tree(real_path, config, tree, sizeof(config));
	if (!config[0] || !config_value(config, "CONFIG_X86_64", value, sizeof(value))) {
		printf("     SKIP configuration comparison: no .config for %s\n", real_path);
	} else {
		printf("     configuration: %s\n", config);
		CHECK_STR_EQ(value, "y");
		CHECK(config_value(config, "CONFIG_PHYSICAL_START", value, sizeof(value)));
		CHECK_HEX(strtoull(value, NULL, 0), res.kernel_load);
		CHECK(config_value(config, "CONFIG_PHYSICAL_ALIGN", value, sizeof(value)));
		CHECK_HEX(strtoull(value, NULL, 0), bp->hdr.kernel_alignment);
		CHECK_INT(config_value(config, "CONFIG_RELOCATABLE", value, sizeof(value)),
			  bp->hdr.relocatable_kernel);
		/* boot.rst: the payload, at payload_offset into the protected-mode kernel. */
		for (i = 0; i < ARRAY_SIZE(payload_magics); i++) {
			if (!config_value(config, payload_magics[i].config, value, sizeof(value)))
				continue;
			printf("     payload: %s at 0x%llx\n", payload_magics[i].config,
			       res.kernel_load + bp->hdr.payload_offset);
			CHECK(!memcmp(mem.ram + res.kernel_load + bp->hdr.payload_offset,
				      payload_magics[i].magic, 2));
			break;
		}
		CHECK(i < ARRAY_SIZE(payload_magics));
	}

	/* The build tree's header.S and setup.h agree on version and cmdline_size. */
	if (tree[0]) {
		char path[4200];
		FILE *f;

		snprintf(path, sizeof(path), "%s/arch/x86/boot/header.S", tree);
		f = fopen(path, "r");
		if (f) {
			char line[512];
			unsigned int word = 0;

			while (fgets(line, sizeof(line), f))
				if (strstr(line, "header version number") &&
				    sscanf(line, " .word %x", &word) == 1)
					break;
			fclose(f);
			printf("     header.S: version 0x%04x\n", word);
			CHECK_HEX(res.version, word);
		}
		snprintf(path, sizeof(path), "%s/arch/x86/include/asm/setup.h", tree);
		f = fopen(path, "r");
		if (f) {
			char line[512];
			unsigned int size = 0;

			while (fgets(line, sizeof(line), f))
				if (sscanf(line, "#define COMMAND_LINE_SIZE %u", &size) == 1)
					break;
			fclose(f);
			printf("     setup.h: COMMAND_LINE_SIZE %u\n", size);
			CHECK_INT(bp->hdr.cmdline_size, size - 1);
		}
	}

	/* The entry state. */
	CHECK_INT(bzimage_setup_regs(&mem, &res, &regs, &sregs, &err), 0);
	check_entry_state(&mem, &res, &regs, &sregs);

	/* Too little RAM for init_size at pref_address: refused before writing. */
	small = ram_new(res.kernel_end - 0x100000);
	p.initrd_size = 0;
	CHECK_INT(bzimage_load(&small, &img, &p, &res, &err), -ENOSPC);
	CHECK_STR_HAS(err.msg, "which do not fit below userctl's reserved area");
	CHECK(ram_zero(&small, 0, small.size));
	ram_free(&small);

out_img:
	image_free(&img);
out:
	free(rd);
	ram_free(&mem);
}

static void run_real_images(void)
{
	const char *cache = getenv("AXV_CACHE");
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	char dir[4096], pattern[4200];
	glob_t g;
	unsigned int found = 0;
	size_t i;
	int flags = 0;

	/* Where tools/testenv/common.sh keeps its kernels. */
	if (cache && *cache)
		snprintf(dir, sizeof(dir), "%s", cache);
	else if (xdg && *xdg)
		snprintf(dir, sizeof(dir), "%s/axvcpu", xdg);
	else
		snprintf(dir, sizeof(dir), "%s/.cache/axvcpu", home ? home : "");
	memset(&g, 0, sizeof(g));
	snprintf(pattern, sizeof(pattern), "%s/kernel-*/bzImage", dir);
	glob(pattern, flags, NULL, &g);
	flags |= GLOB_APPEND;
	snprintf(pattern, sizeof(pattern), "%s/distro-*/vmlinuz", dir);
	glob(pattern, flags, NULL, &g);
	glob("/boot/vmlinuz-*", flags, NULL, &g);

	for (i = 0; i < g.gl_pathc; i++) {
		static char name[4200];

		real_path = g.gl_pathv[i];
		snprintf(name, sizeof(name), "test_real_image(%s)", real_path);
		run_test(name, test_real_image);
		found++;
	}
	if (!found)
		printf("SKIP test_real_image: no bzImage in %s/kernel-*/bzImage, %s/%s\n",
		       dir, dir, "distro-*/vmlinuz or /boot/vmlinuz-*");
	globfree(&g);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	RUN(test_uapi_layout);
	RUN(test_detect);
	RUN(test_load);
	RUN(test_kernel_extent);
	RUN(test_setup_sects_zero);
	RUN(test_cmdline);
	RUN(test_initrd);
	RUN(test_e820);
	RUN(test_rsdp);
	RUN(test_refusals);
	RUN(test_setup_regs);
	run_real_images();
	return check_report();
}
