// SPDX-License-Identifier: GPL-2.0
/*
 * Booting a Linux bzImage on the PC platform (linux.h).
 */
#include <errno.h>
#include <string.h>

#include "acpi.h"
#include "devices.h"
#include "linux.h"

unsigned int linux_e820(const struct guest_mem *mem, struct e820_entry_cfg *map)
{
	__u64 rsv = guest_reserved_base(mem);

	map[0] = (struct e820_entry_cfg){ 0, LINUX_EBDA, BZIMAGE_E820_RAM };
	map[1] = (struct e820_entry_cfg){ LINUX_EBDA, 0xa0000 - LINUX_EBDA,
					  BZIMAGE_E820_RESERVED };
	map[2] = (struct e820_entry_cfg){ LINUX_ACPI_BASE, LINUX_BIOS_END - LINUX_ACPI_BASE,
					  BZIMAGE_E820_RESERVED };
	map[3] = (struct e820_entry_cfg){ LINUX_BIOS_END, rsv - LINUX_BIOS_END,
					  BZIMAGE_E820_RAM };
	map[4] = (struct e820_entry_cfg){ rsv, GUEST_RESERVED_SIZE, BZIMAGE_E820_RESERVED };
	return LINUX_E820_ENTRIES;
}

/* The ACPI tables of the PC platform at LINUX_ACPI_BASE; *@rsdp their root. */
static int linux_acpi(struct guest_mem *mem, const struct linux_params *p, __u64 *rsdp,
		      struct axv_err *err)
{
	const struct acpi_config cfg = {
		.ncpus = p->ncpus,
		.apic_ids = p->apic_ids,
		.ioapic_base = IOAPIC_DEFAULT_BASE,
		.ioapic_id = 0,
		.ioapic_gsi_base = 0,
		.pit_override = true,
		.pm1a_evt_port = POWER_PM1A_EVT_PORT,
		.pm1a_cnt_port = POWER_PM1A_CNT_PORT,
		.reset_port = POWER_RESET_PORT,
		.reset_value = POWER_RESET_VALUE,
		.sci_irq = 9,
		.s5_slp_typ = POWER_S5_SLP_TYP,
		.rtc_century = RTC_CENTURY,
		.i8042 = true,
		.no_vga = true,
	};
	__u64 len = LINUX_BIOS_END - LINUX_ACPI_BASE;
	size_t need = acpi_size(&cfg);
	void *buf = guest_ptr(mem, LINUX_ACPI_BASE, len);
	int ret;

	if (!need || need > len)
		return axv_err_set(err, ENOSPC,
				   "ACPI tables for %u vCPUs: %zu bytes, more than the %llu at 0x%llx",
				   p->ncpus, need, len, LINUX_ACPI_BASE);
	memset(buf, 0, len);
	ret = acpi_build(&cfg, buf, len, LINUX_ACPI_BASE, rsdp);
	if (ret)
		return axv_err_set(err, -ret, "building the ACPI tables: %s", strerror(-ret));
	return 0;
}

int linux_boot(struct guest_mem *mem, const struct image *img, const struct linux_params *p,
	       struct bzimage_result *res, struct axv_regs *regs, struct axv_sregs *sregs,
	       struct axv_err *err)
{
	struct e820_entry_cfg map[LINUX_E820_ENTRIES];
	struct bzimage_params bp = {
		.cmdline = p->cmdline,
		.initrd = p->initrd,
		.initrd_size = p->initrd_size,
		.e820 = map,
	};
	int ret;

	if (mem->size > LINUX_MAX_RAM)
		return axv_err_set(err, ENOSPC,
				   "%s: the PC platform takes at most 3 GiB of RAM (--mem), not %llu MiB",
				   img->name, mem->size >> 20);
	bp.ne820 = linux_e820(mem, map);
	ret = linux_acpi(mem, p, &bp.rsdp_gpa, err);
	if (ret)
		return ret;
	ret = bzimage_load(mem, img, &bp, res, err);
	if (ret)
		return ret;
	return bzimage_setup_regs(mem, res, regs, sregs, err);
}
