/* SPDX-License-Identifier: GPL-2.0 */
/*
 * userctl's recording test device (userctl run --test-device; see
 * Documentation/userctl.rst, "Test device"): two pages at TESTDEV_BASE
 * with no RAM behind them.  Offsets 0 to 0x1eff behave as memory, filled
 * at the start with a pattern, and every access to them is recorded; the
 * registers at 0x1f00-0x1fff give the record back.  The numbers are
 * tools/userctl/devices.h's (tests/guests/check.sh compares them).
 */
#ifndef AXV_TESTDEV_H
#define AXV_TESTDEV_H

/*
 * Where the guests expect it: userctl's default.  The QEMU smoke build
 * moves it to RAM and defines TESTDEV_IN_RAM: there is no device then,
 * only memory, and the guests check values but no record.
 */
#ifndef TESTDEV_BASE
#define TESTDEV_BASE		0xd0000000UL
#endif

#define TESTDEV_SIZE		0x2000
#define TESTDEV_DATA_SIZE	0x1f00
#define TESTDEV_RECORD_MAX	256

#define TESTDEV_ID		0x1f00
#define TESTDEV_COUNT		0x1f08
#define TESTDEV_CTRL		0x1f10
#define TESTDEV_INDEX		0x1f18
#define TESTDEV_E_GPA		0x1f20
#define TESTDEV_E_VALUE		0x1f28
#define TESTDEV_E_RIP		0x1f30
#define TESTDEV_E_INFO		0x1f38
#define TESTDEV_CAPACITY	0x1f40
#define TESTDEV_BUSY_OFFSET	0x1f48
#define TESTDEV_BUSY_MASK	0x1f50
#define TESTDEV_BUSY_READS	0x1f58

#define TESTDEV_ID_VALUE	0x3156454454565841ULL
#define TESTDEV_CTRL_CLEAR	0x1
#define TESTDEV_CTRL_FILL	0x2
#define TESTDEV_INFO_SIZE	0xff
#define TESTDEV_INFO_WRITE	0x100

#endif /* AXV_TESTDEV_H */
