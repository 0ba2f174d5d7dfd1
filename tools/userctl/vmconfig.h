/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VM that userctl run builds, as one description: memory regions,
 * vCPUs, the image and its Multiboot modules, the devices.  It comes from
 * the defaults, then a device-tree file (--config: a .dtb, or a .dts
 * compiled with dtc), then the command line, and is checked as a whole
 * before anything is created.  Documentation/userctl.rst describes the
 * device-tree binding.
 */
#ifndef USERCTL_VMCONFIG_H
#define USERCTL_VMCONFIG_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

#include "boot.h"
#include "libaxv.h"
#include "multiboot.h"
#include "x86_setup.h"

#define VMC_COMPATIBLE		"axvcpu,vm"
#define VMC_MAX_REGIONS		32
/* Highest host CPU number an allowed-CPU list may name. */
#define VMC_MAX_HOST_CPU	(AXV_CPU_BITMAP_MAX * 8 - 1)
#define VMC_ORIGIN_LEN		96
#define VMC_DEFAULT_UART_VECTOR	0x24
#define VMC_DEFAULT_MEM		(64ULL << 20)
/* Most vCPUs a description may have: one per xAPIC ID 0-0xfe. */
#define VMC_MAX_VCPUS		(AXV_VCPU_MAX_APIC_ID + 1)

/* Whether the VM gets the kernel's local APICs (AXV_VM_F_LAPIC). */
enum vmc_lapic {
	VMC_LAPIC_AUTO,		/* when AXV_CAP_LAPIC says they exist */
	VMC_LAPIC_ON,		/* required: an error without AXV_CAP_LAPIC */
	VMC_LAPIC_OFF,		/* never (--no-lapic) */
};

/**
 * struct vmc_region - guest memory backed by anonymous host memory.
 * @base: guest-physical start; page aligned.
 * @size: bytes; a non-zero multiple of the page size.
 * @readonly: registered with AXV_MEM_READONLY (guest writes exit as MMIO).
 * @origin: where it was described, for messages ("/memory@0", "--mem").
 */
struct vmc_region {
	__u64 base;
	__u64 size;
	bool readonly;
	char origin[VMC_ORIGIN_LEN];
};

/**
 * struct vmc_vcpu - one vCPU; its vCPU number is its index.
 * @apic_id: xAPIC ID, at most AXV_VCPU_MAX_APIC_ID, unique in the VM.
 * @bsp: the bootstrap processor (exactly one vCPU is).
 * @favoured_cpu: favoured host CPU, or -1 for none.
 * @allowed: allowed host CPUs, CPU N in bit N % 64 of word N / 64; NULL
 *	for every CPU.
 * @allowed_words: 64-bit words at @allowed.
 * @origin: where it was described ("/cpus/cpu@1", "--vcpus").
 */
struct vmc_vcpu {
	__u32 apic_id;
	bool bsp;
	__s32 favoured_cpu;
	__u64 *allowed;
	unsigned int allowed_words;
	char origin[VMC_ORIGIN_LEN];
};

/**
 * struct vmc_image - what to boot.
 * @path: the image file (allocated), or NULL when none was given.
 * @format: BOOT_FORMAT_AUTO, or the format the image must have.
 * @mode: the start mode, X86_MODE_NONE for the format's default.
 * @have_entry: @entry was given.
 * @entry: start (and for flat images load) address.
 * @cmdline: the Multiboot command line (allocated), or NULL for the
 *	default (the image path).
 * @cmdline_given: @cmdline was given explicitly (a file's cmdline,
 *	--cmdline, or ARGS): only Multiboot images take one.
 */
struct vmc_image {
	char *path;
	enum boot_format format;
	enum x86_mode mode;
	bool have_entry;
	__u64 entry;
	char *cmdline;
	bool cmdline_given;
};

/**
 * struct vm_config - the whole VM.
 * @source: the --config file, or NULL.
 * @model: the description's model string (allocated), or NULL.
 * @lapic: VMC_LAPIC_*.
 * @regions: memory regions; the one at guest-physical 0 is the main RAM
 *	that images load into.
 * @nregions: how many.
 * @vcpus: the vCPUs, by vCPU number.
 * @nvcpus: how many.
 * @image: the image.
 * @mods: the Multiboot modules (@path and @args allocated; @img empty).
 * @nmods: how many.
 * @uart: the 16550 UART exists.
 * @uart_port: its first port (8 ports).
 * @uart_vector: the vector of its interrupt.
 * @debug_exit: the debug-exit port exists.
 * @debug_exit_port: its port.
 * @testdev: the recording test device exists.
 * @testdev_base: its guest-physical base (TESTDEV_SIZE bytes from there).
 * @testdev_origin: where it was described ("vm.dts: /devices/test-device",
 *	"--test-device").
 * @pc: the PC platform (devices.h): an I/O APIC, PIC, PIT, RTC, 8042 and
 *	ACPI power registers, the UART on IRQ 4 through the I/O APIC.
 */
struct vm_config {
	char *source;
	char *model;
	enum vmc_lapic lapic;
	struct vmc_region regions[VMC_MAX_REGIONS];
	unsigned int nregions;
	struct vmc_vcpu *vcpus;
	unsigned int nvcpus;
	struct vmc_image image;
	struct mb_module *mods;
	unsigned int nmods;
	bool uart;
	__u16 uart_port;
	__u32 uart_vector;
	bool debug_exit;
	__u16 debug_exit_port;
	bool testdev;
	__u64 testdev_base;
	char testdev_origin[VMC_ORIGIN_LEN];
	bool pc;
};

/* The defaults: no region, no vCPU, no image, UART at 0x3f8 (vector 0x24), port 0xf4. */
void vmc_init(struct vm_config *c);

/* Free what @c holds; it is then as after vmc_init(). */
void vmc_free(struct vm_config *c);

/*
 * Read the description in file @path into @c (which holds the defaults):
 * a flattened device tree (.dtb), or device-tree source compiled with
 * "$DTC -I dts -O dtb" ($DTC defaults to dtc).  Relative paths in it are
 * taken from the file's directory.  0 or -errno, described in @err.
 */
int vmc_load_file(struct vm_config *c, const char *path, struct axv_err *err);

/*
 * Parse the flattened device tree @fdt of @size bytes into @c.  @source
 * names it in messages; @base_dir (or NULL for the current directory)
 * prefixes relative paths.  0 or -errno (-EINVAL for a malformed or
 * unknown node or property, the message naming it).
 */
int vmc_parse_fdt(struct vm_config *c, const void *fdt, size_t size, const char *source,
		  const char *base_dir, struct axv_err *err);

/* Replace the vCPUs by @n default ones: vCPU 0 the BSP, APIC ID = number. */
int vmc_set_vcpus(struct vm_config *c, unsigned int n, const char *origin,
		  struct axv_err *err);

/* Set the region at guest-physical 0 to @size bytes (adding it if needed). */
int vmc_set_main_ram(struct vm_config *c, __u64 size, const char *origin,
		     struct axv_err *err);

/*
 * Parse a host-CPU list "0-3,6" into a bitmap (malloc()ed words, *@nwords
 * of them).  0 or -EINVAL (malformed, empty, beyond VMC_MAX_HOST_CPU).
 */
int vmc_parse_cpu_list(const char *str, __u64 **words, unsigned int *nwords);

/* Is host CPU @cpu allowed for @v? */
bool vmc_cpu_allowed(const struct vmc_vcpu *v, unsigned int cpu);

/* Index of the BSP, or -1. */
int vmc_bsp(const struct vm_config *c);

/* The region at guest-physical 0, or NULL. */
const struct vmc_region *vmc_main_ram(const struct vm_config *c);

/*
 * Check @c as a whole: an image; a main RAM region of at least 2 MiB;
 * regions page aligned and not overlapping; 1 to VMC_MAX_VCPUS vCPUs with
 * unique APIC IDs and exactly one BSP; favoured CPUs among the allowed
 * ones; device ports that fit and do not overlap; a UART vector 32-255;
 * a test device on page-aligned addresses that no memory region and not
 * the local APIC's page (unless the local APICs are off) overlap.
 * 0 or -EINVAL, the message naming the node or option.
 */
int vmc_validate(const struct vm_config *c, struct axv_err *err);

/*
 * Print @c as device-tree source that --config reads back to the same
 * VM, every field resolved (defaults in comments where they depend on the
 * image).
 */
void vmc_print_dts(FILE *f, const struct vm_config *c);

/* "auto", "on" or "off". */
const char *vmc_lapic_name(enum vmc_lapic lapic);

#endif /* USERCTL_VMCONFIG_H */
