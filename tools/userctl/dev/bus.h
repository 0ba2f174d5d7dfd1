/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The port I/O bus and the MMIO bus: each a table of address ranges with
 * read and write callbacks, one per device model.
 */
#ifndef USERCTL_DEV_BUS_H
#define USERCTL_DEV_BUS_H

#include <linux/types.h>

/* Ranges per bus. */
#define BUS_MAX_DEVICES		24

enum bus_kind {
	BUS_PIO,
	BUS_MMIO,
};

/**
 * struct bus_device - one address range on a bus.
 * @name: for messages.
 * @base: first address.
 * @len: addresses in the range.
 * @read: value of a @size-byte read at @offset from @base; an access is
 *	given to the device whose range holds its first byte.
 * @write: a @size-byte write of @value at @offset.
 * @opaque: the device's state, passed to the callbacks.
 */
struct bus_device {
	const char *name;
	__u64 base;
	__u64 len;
	__u64 (*read)(void *opaque, __u64 offset, unsigned int size);
	void (*write)(void *opaque, __u64 offset, unsigned int size, __u64 value);
	void *opaque;
};

struct bus {
	struct bus_device devs[BUS_MAX_DEVICES];
	unsigned int ndevs;
};

/* All ones in the low @size bytes (1, 2, 4 or 8). */
__u64 bus_all_ones(unsigned int size);

/* Add a device to @bus; -ENOSPC when full, -EEXIST when it overlaps another. */
int bus_add(struct bus *bus, const struct bus_device *dev);

/* The device whose range holds @addr, or NULL. */
const struct bus_device *bus_find(const struct bus *bus, __u64 addr);

#endif /* USERCTL_DEV_BUS_H */
