// SPDX-License-Identifier: GPL-2.0
/*
 * The port I/O and MMIO buses: ranges, and finding the one an address is in.
 */
#include <errno.h>
#include <stddef.h>

#include "bus.h"

__u64 bus_all_ones(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (size * 8)) - 1;
}

int bus_add(struct bus *bus, const struct bus_device *dev)
{
	unsigned int i;

	if (bus->ndevs >= BUS_MAX_DEVICES)
		return -ENOSPC;
	for (i = 0; i < bus->ndevs; i++) {
		const struct bus_device *d = &bus->devs[i];

		if (dev->base < d->base + d->len && d->base < dev->base + dev->len)
			return -EEXIST;
	}
	bus->devs[bus->ndevs++] = *dev;
	return 0;
}

const struct bus_device *bus_find(const struct bus *bus, __u64 addr)
{
	unsigned int i;

	for (i = 0; i < bus->ndevs; i++)
		if (addr - bus->devs[i].base < bus->devs[i].len)
			return &bus->devs[i];
	return NULL;
}
