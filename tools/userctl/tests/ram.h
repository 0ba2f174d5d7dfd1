/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest RAM for the host tests: zeroed memory of a given size as struct
 * guest_mem (guest.h); the test program ends if there is none.
 */
#ifndef USERCTL_TESTS_RAM_H
#define USERCTL_TESTS_RAM_H

#include <stdio.h>
#include <stdlib.h>

#include "guest.h"

static inline struct guest_mem ram_new(__u64 size)
{
	struct guest_mem mem = { .ram = calloc(1, size), .size = size };

	if (!mem.ram) {
		perror("calloc");
		exit(1);
	}
	return mem;
}

static inline void ram_free(struct guest_mem *mem)
{
	free(mem->ram);
	mem->ram = NULL;
}

#endif /* USERCTL_TESTS_RAM_H */
