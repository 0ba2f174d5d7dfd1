/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The recording test device (Documentation/userctl.rst, "Test device") on
 * the MMIO bus.
 */
#ifndef USERCTL_DEV_TESTDEV_H
#define USERCTL_DEV_TESTDEV_H

#include <stdbool.h>
#include <linux/types.h>

/*
 * The recording test device (Documentation/userctl.rst, "Test device"):
 * two pages of guest-physical addresses with no RAM behind them.  Offsets
 * 0-0x1eff behave as memory, filled at the start with a pattern, and every
 * access to them is recorded; offsets 0x1f00-0x1fff are registers through
 * which the guest reads the record back.  tests/guests/include/testdev.h
 * has the same numbers for the guests (tests/guests/check.sh compares
 * them).
 */
#define TESTDEV_DEFAULT_BASE	0xd0000000ULL
#define TESTDEV_SIZE		0x2000
#define TESTDEV_DATA_SIZE	0x1f00
#define TESTDEV_RECORD_MAX	256

/* Registers: offsets from the base, 8 bytes each, little-endian. */
#define TESTDEV_ID		0x1f00	/* r: TESTDEV_ID_VALUE */
#define TESTDEV_COUNT		0x1f08	/* r: data accesses since the last clear */
#define TESTDEV_CTRL		0x1f10	/* w: TESTDEV_CTRL_*; reads 0 */
#define TESTDEV_INDEX		0x1f18	/* rw: the entry the E_ registers show */
#define TESTDEV_E_GPA		0x1f20	/* r: its guest-physical address */
#define TESTDEV_E_VALUE		0x1f28	/* r: the value written or read */
#define TESTDEV_E_RIP		0x1f30	/* r: the RIP its exit reported */
#define TESTDEV_E_INFO		0x1f38	/* r: size | TESTDEV_INFO_WRITE; 0: none */
#define TESTDEV_CAPACITY	0x1f40	/* r: TESTDEV_RECORD_MAX */
#define TESTDEV_BUSY_OFFSET	0x1f48	/* rw: data offset of the busy bits */
#define TESTDEV_BUSY_MASK	0x1f50	/* rw: the busy bits, in 8 bytes there */
#define TESTDEV_BUSY_READS	0x1f58	/* rw: reads before they clear; 0: off */

#define TESTDEV_ID_VALUE	0x3156454454565841ULL	/* "AXVTDEV1" */
#define TESTDEV_CTRL_CLEAR	0x1	/* forget the record, INDEX = 0 */
#define TESTDEV_CTRL_FILL	0x2	/* the pattern again, BUSY_READS = 0 */
#define TESTDEV_INFO_SIZE	0xff
#define TESTDEV_INFO_WRITE	0x100

/**
 * struct testdev_entry - one access the test device saw.
 * @gpa: its guest-physical address.
 * @value: the value written, or the value the read returned.
 * @rip: the RIP the access's exit reported.
 * @size: bytes.
 * @write: a write.
 */
struct testdev_entry {
	__u64 gpa;
	__u64 value;
	__u64 rip;
	__u8 size;
	bool write;
};

/**
 * struct testdev - the recording test device.
 * @base: its first guest-physical address.
 * @rip: where the RIP of the access being made is (struct devices.rip).
 * @data: the memory-like part.
 * @record: the first TESTDEV_RECORD_MAX accesses since the last clear.
 * @count: accesses since the last clear, recorded or not.
 * @index: INDEX.
 * @busy_offset: BUSY_OFFSET.
 * @busy_mask: BUSY_MASK.
 * @busy_reads: BUSY_READS.
 */
struct testdev {
	__u64 base;
	const __u64 *rip;
	__u8 data[TESTDEV_DATA_SIZE];
	struct testdev_entry record[TESTDEV_RECORD_MAX];
	__u64 count;
	__u64 index;
	__u64 busy_offset;
	__u64 busy_mask;
	__u64 busy_reads;
};

/* The test device at @base, its data the pattern, its record empty; RIPs from *@rip. */
void testdev_init(struct testdev *t, __u64 base, const __u64 *rip);
/* Byte @offset of the data's pattern: (@offset ^ (@offset >> 8) ^ 0xa5) & 0xff. */
__u8 testdev_pattern(__u64 offset);
__u64 testdev_read(void *opaque, __u64 offset, unsigned int size);
void testdev_write(void *opaque, __u64 offset, unsigned int size, __u64 value);

#endif /* USERCTL_DEV_TESTDEV_H */
