// SPDX-License-Identifier: GPL-2.0
/*
 * The recording test device (dev/testdev.h).
 */
#include <string.h>

#include "bus.h"
#include "testdev.h"

__u8 testdev_pattern(__u64 offset)
{
	return (offset ^ (offset >> 8) ^ 0xa5) & 0xff;
}

static void testdev_fill(struct testdev *t)
{
	__u64 i;

	for (i = 0; i < TESTDEV_DATA_SIZE; i++)
		t->data[i] = testdev_pattern(i);
	t->busy_reads = 0;
}

void testdev_init(struct testdev *t, __u64 base, const __u64 *rip)
{
	memset(t, 0, sizeof(*t));
	t->base = base;
	t->rip = rip;
	testdev_fill(t);
}

/* The entry INDEX selects, or NULL when there is none. */
static const struct testdev_entry *testdev_entry(const struct testdev *t)
{
	__u64 n = t->count < TESTDEV_RECORD_MAX ? t->count : TESTDEV_RECORD_MAX;

	return t->index < n ? &t->record[t->index] : NULL;
}

/* The 8-byte register at @reg (a multiple of 8 within the window). */
static __u64 testdev_reg(const struct testdev *t, __u64 reg)
{
	const struct testdev_entry *e = testdev_entry(t);

	switch (reg) {
	case TESTDEV_ID:
		return TESTDEV_ID_VALUE;
	case TESTDEV_COUNT:
		return t->count;
	case TESTDEV_INDEX:
		return t->index;
	case TESTDEV_E_GPA:
		return e ? e->gpa : ~0ULL;
	case TESTDEV_E_VALUE:
		return e ? e->value : ~0ULL;
	case TESTDEV_E_RIP:
		return e ? e->rip : ~0ULL;
	case TESTDEV_E_INFO:
		return e ? e->size | (e->write ? TESTDEV_INFO_WRITE : 0) : 0;
	case TESTDEV_CAPACITY:
		return TESTDEV_RECORD_MAX;
	case TESTDEV_BUSY_OFFSET:
		return t->busy_offset;
	case TESTDEV_BUSY_MASK:
		return t->busy_mask;
	case TESTDEV_BUSY_READS:
		return t->busy_reads;
	}
	return 0;	/* CTRL and the unused rest of the window */
}

/* The writable registers, or NULL. */
static __u64 *testdev_reg_ptr(struct testdev *t, __u64 reg)
{
	switch (reg) {
	case TESTDEV_INDEX:
		return &t->index;
	case TESTDEV_BUSY_OFFSET:
		return &t->busy_offset;
	case TESTDEV_BUSY_MASK:
		return &t->busy_mask;
	case TESTDEV_BUSY_READS:
		return &t->busy_reads;
	}
	return NULL;
}

static void testdev_record(struct testdev *t, __u64 offset, unsigned int size, bool write,
			   __u64 value)
{
	struct testdev_entry *e;

	if (t->count < TESTDEV_RECORD_MAX) {
		e = &t->record[t->count];
		e->gpa = t->base + offset;
		e->value = value;
		e->rip = t->rip ? *t->rip : 0;
		e->size = size;
		e->write = write;
	}
	if (t->count != ~0ULL)
		t->count++;
}

/*
 * A read that touches the 8 busy bytes counts down BUSY_READS; the one
 * that takes it to 0 still returns the bits, and clears them after.
 */
static void testdev_busy_read(struct testdev *t, __u64 offset, unsigned int size)
{
	unsigned int i;
	__u64 at;

	if (!t->busy_reads || offset + size <= t->busy_offset || offset >= t->busy_offset + 8)
		return;
	if (--t->busy_reads)
		return;
	for (i = 0; i < 8; i++) {
		at = t->busy_offset + i;
		if (at < TESTDEV_DATA_SIZE)
			t->data[at] &= ~(__u8)(t->busy_mask >> (8 * i));
	}
}

/*
 * A @size-byte access of the data at @offset; bytes past the data read
 * 0xff and are not written.
 */
static __u64 testdev_data(struct testdev *t, __u64 offset, unsigned int size, bool write,
			  __u64 value)
{
	__u64 got = 0, at;
	unsigned int i;

	for (i = 0; i < size; i++) {
		at = offset + i;
		if (write && at < TESTDEV_DATA_SIZE)
			t->data[at] = value >> (8 * i);
		else if (!write)
			got |= (__u64)(at < TESTDEV_DATA_SIZE ? t->data[at] : 0xff) << (8 * i);
	}
	if (write) {
		testdev_record(t, offset, size, true, value);
		return value;
	}
	testdev_record(t, offset, size, false, got);
	testdev_busy_read(t, offset, size);
	return got;
}

__u64 testdev_read(void *opaque, __u64 offset, unsigned int size)
{
	struct testdev *t = opaque;
	unsigned int i;
	__u64 value = 0, at;
	__u8 byte;

	if (offset < TESTDEV_DATA_SIZE)
		return testdev_data(t, offset, size, false, 0);
	/* The window, byte by byte: any width and alignment reads the registers. */
	for (i = 0; i < size; i++) {
		at = offset + i;
		byte = at < TESTDEV_SIZE ? testdev_reg(t, at & ~7ULL) >> (8 * (at & 7)) : 0xff;
		value |= (__u64)byte << (8 * i);
	}
	return value;
}

void testdev_write(void *opaque, __u64 offset, unsigned int size, __u64 value)
{
	struct testdev *t = opaque;
	bool ctrl = false;
	__u64 ctrl_value = 0, at, *reg;
	unsigned int i, shift;
	__u8 byte;

	if (offset < TESTDEV_DATA_SIZE) {
		testdev_data(t, offset, size, true, value);
		return;
	}
	/* Each byte goes into its register; a write to CTRL acts once, after. */
	for (i = 0; i < size; i++) {
		at = offset + i;
		byte = value >> (8 * i);
		shift = 8 * (at & 7);
		if (at >= TESTDEV_SIZE)
			break;
		if ((at & ~7ULL) == TESTDEV_CTRL) {
			ctrl = true;
			ctrl_value |= (__u64)byte << shift;
			continue;
		}
		reg = testdev_reg_ptr(t, at & ~7ULL);
		if (reg)
			*reg = (*reg & ~(0xffULL << shift)) | (__u64)byte << shift;
	}
	if (ctrl && (ctrl_value & TESTDEV_CTRL_CLEAR)) {
		t->count = 0;
		t->index = 0;
	}
	if (ctrl && (ctrl_value & TESTDEV_CTRL_FILL))
		testdev_fill(t);
}
