// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory as the kernel holds it, seen through AXV_GET_VM_STATS: a
 * region chunk that one huge page of the VMM backs is pinned once and
 * mapped with one 2 MiB EPT leaf, whether the VMM or the guest touched it
 * first; one whose user address is not 2 MiB aligned is pinned and mapped
 * a 4 KiB page at a time.  A transparent huge page and a hugetlbfs page
 * go the same way.  Either way the guest and the VMM see the same bytes,
 * and deleting a region takes its share out of the counts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "run_test.h"

#define SZ_2M		0x200000UL
#define AREA		(4 * SZ_2M)
#define PAGES_2M	512
/* vm_create()'s region: one chunk, clipped to GUEST_MEM, 4 KiB pages. */
#define CODE_PAGES	(GUEST_MEM / 4096)

/* AnonHugePages of the mapping that holds @addr, in KiB; -1 if unknown. */
static long anon_huge_kib(const void *addr)
{
	unsigned long lo, hi, at = (unsigned long)addr;
	char line[256];
	long kib = -1;
	bool in = false;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = lo <= at && at < hi;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

static void stats_str(char *buf, size_t len, const struct axv_vm_stats *st)
{
	snprintf(buf, len,
		 "pinned %llu chunks %llu huge %llu faults %llu maps %llu/%llu/%llu/%llu",
		 (unsigned long long)st->pinned_pages,
		 (unsigned long long)st->chunks,
		 (unsigned long long)st->huge_chunks,
		 (unsigned long long)st->faults,
		 (unsigned long long)st->mappings[0],
		 (unsigned long long)st->mappings[1],
		 (unsigned long long)st->mappings[2],
		 (unsigned long long)st->mappings[3]);
}

/* AXV_GET_VM_STATS must give @want, reserved fields zero included. */
static int expect_stats(struct vm *v, const char *when,
			const struct axv_vm_stats *want, const void *huge_at)
{
	char got_str[160], want_str[160];
	struct axv_vm_stats st;
	unsigned int i;

	memset(&st, 0xff, sizeof(st));
	if (ioctl(v->vm, AXV_GET_VM_STATS, &st))
		return fail("AXV_GET_VM_STATS %s: %s", when, strerror(errno));
	for (i = 0; i < ARRAY_LEN(st.reserved); i++)
		if (st.reserved[i])
			return fail("%s: reserved[%u] = %#llx", when, i,
				    (unsigned long long)st.reserved[i]);
	if (!memcmp(&st, want, sizeof(st)))
		return 0;
	stats_str(got_str, sizeof(got_str), &st);
	stats_str(want_str, sizeof(want_str), want);
	return fail("%s: %s, want %s (AnonHugePages of the huge one: %ld KiB)",
		    when, got_str, want_str, anon_huge_kib(huge_at));
}

/* Run to the next OUT of 4 bytes to port 0xf0; it must carry @value. */
static int expect_word(struct vm *v, __u32 value)
{
	__u32 got;

	if (run_expect(v, AXV_EXIT_IO))
		return -1;
	memcpy(&got, (__u8 *)v->run + v->run->io.data_offset, sizeof(got));
	if (v->run->io.port != 0xf0 || v->run->io.size != 4 || got != value)
		return fail("OUT port %#x size %u value %#x, want 0xf0 4 %#x",
			    v->run->io.port, v->run->io.size, got, value);
	return 0;
}

static int expect_u32(const __u8 *at, __u32 value, const char *what)
{
	__u32 got;

	memcpy(&got, at, sizeof(got));
	if (got != value)
		return fail("%s: the VMM reads %#x, want %#x", what, got,
			    value);
	return 0;
}

/*
 * Slot 1 at @r1, 2 MiB of huge page the VMM wrote first; slots 2 and 3
 * from @area (2 MiB aligned, 8 MiB, transparent huge pages): 4 KiB off
 * 2 MiB, and 2 MiB nobody touched.
 */
static int three_regions(__u8 *r1, __u8 *area)
{
	const struct axv_vm_stats none = { 0 };
	const struct axv_vm_stats run = {
		.pinned_pages = CODE_PAGES + 3 * PAGES_2M, .chunks = 4,
		.huge_chunks = 2, .faults = 4,
		.mappings[AXV_MAP_4K] = CODE_PAGES + PAGES_2M,
		.mappings[AXV_MAP_2M] = 2,
	};
	const struct axv_vm_stats deleted = {
		.pinned_pages = CODE_PAGES + 2 * PAGES_2M, .chunks = 3,
		.huge_chunks = 1, .faults = 4,
		.mappings[AXV_MAP_4K] = CODE_PAGES + PAGES_2M,
		.mappings[AXV_MAP_2M] = 1,
	};
	__u8 *r2 = area + SZ_2M + 4096, *r3 = area + 3 * SZ_2M;
	__u32 magic1 = 0x11112222, magic2 = 0x33334444;
	struct vm v;
	int ret = -1;

	memcpy(r1 + 0x12340, &magic1, sizeof(magic1));
	memcpy(r2 + 0x12340, &magic2, sizeof(magic2));
	if (vm_create(&v, huge_code, huge_code_end - huge_code) ||
	    vm_set_flat32(&v, 0, 0) ||
	    vm_add_region(&v, 1, 0, 0x200000, SZ_2M, r1) ||
	    vm_add_region(&v, 2, 0, 0x400000, SZ_2M, r2) ||
	    vm_add_region(&v, 3, 0, 0x600000, SZ_2M, r3) ||
	    expect_stats(&v, "before AXV_RUN", &none, r1))
		goto out;
	if (ioctl(v.vm, AXV_GET_VM_STATS, (void *)8) != -1 ||
	    errno != EFAULT) {
		fail("AXV_GET_VM_STATS to a bad address: %s, want EFAULT",
		     strerror(errno));
		goto out;
	}
	if (expect_word(&v, magic1) || expect_word(&v, magic2) ||
	    expect_word(&v, 0x5a5a0003) || run_expect(&v, AXV_EXIT_HALT) ||
	    expect_stats(&v, "after the guest touched slots 1-3", &run, r1))
		goto out;
	if (expect_u32(r1 + 0x1ff000, 0x5a5a0001, "slot 1's last page") ||
	    expect_u32(r2 + 0x1ff000, 0x5a5a0002, "slot 2's last page") ||
	    expect_u32(r3 + 0x80000, 0x5a5a0003, "slot 3"))
		goto out;
	if (ioctl(v.vm, AXV_DELETE_MEMORY_REGION, 1)) {
		fail("AXV_DELETE_MEMORY_REGION 1: %s", strerror(errno));
		goto out;
	}
	ret = expect_stats(&v, "after deleting slot 1", &deleted, r3);
out:
	vm_destroy(&v);
	return ret;
}

/* 8 MiB of transparent huge pages, 2 MiB aligned, from @raw. */
static __u8 *thp_area(__u8 **raw)
{
	__u8 *area;

	*raw = mmap(NULL, AREA + SZ_2M, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (*raw == MAP_FAILED) {
		fail("mmap: %s", strerror(errno));
		return NULL;
	}
	area = (__u8 *)(((unsigned long)*raw + SZ_2M - 1) & ~(SZ_2M - 1));
	/*
	 * For kernels whose THP setting is "madvise".  The test kernel has
	 * no madvise() but THP "always" (the initramfs's /init): a failure
	 * here shows as AnonHugePages 0 in expect_stats()'s message.
	 */
	madvise(area, AREA, MADV_HUGEPAGE);
	return area;
}

int check_huge_memory(void)
{
	__u8 *raw, *area;
	int dev, cap, ret;

	dev = open("/dev/axvcpu", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return fail("open /dev/axvcpu: %s", strerror(errno));
	cap = ioctl(dev, AXV_CHECK_EXTENSION, AXV_CAP_VM_STATS);
	close(dev);
	if (cap != 1)
		return fail("AXV_CAP_VM_STATS: %d, want 1", cap);
	area = thp_area(&raw);
	if (!area)
		return -1;
	ret = three_regions(area, area);
	munmap(raw, AREA + SZ_2M);
	return ret;
}

#define NR_HUGEPAGES	"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

/* The same with slot 1 on a 2 MiB hugetlbfs page, from a pool of one. */
int check_hugetlb_memory(void)
{
	__u8 *raw, *area, *r1;
	int err, ret = -1;
	char pool[32] = "0";
	FILE *f;

	f = fopen(NR_HUGEPAGES, "r");
	if (!f)
		return fail("%s: %s", NR_HUGEPAGES, strerror(errno));
	if (!fgets(pool, sizeof(pool), f))
		strcpy(pool, "0");
	fclose(f);
	err = write_file(NR_HUGEPAGES, "1");
	if (err)
		return fail("%s: %s", NR_HUGEPAGES, strerror(-err));
	r1 = mmap(NULL, SZ_2M, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
	if (r1 == MAP_FAILED) {
		fail("mmap(MAP_HUGETLB): %s", strerror(errno));
		goto out_pool;
	}
	area = thp_area(&raw);
	if (area) {
		ret = three_regions(r1, area);
		munmap(raw, AREA + SZ_2M);
	}
	munmap(r1, SZ_2M);
out_pool:
	write_file(NR_HUGEPAGES, pool);
	return ret;
}

/*
 * A read-only region a huge page backs, filled before it was set: pinned
 * once without write access and mapped with one 2 MiB leaf the guest can
 * read; the guest's store is an MMIO exit and leaves the page alone.
 */
int check_huge_readonly(void)
{
	const struct axv_vm_stats run = {
		.pinned_pages = CODE_PAGES + PAGES_2M, .chunks = 2,
		.huge_chunks = 1, .faults = 2,
		.mappings[AXV_MAP_4K] = CODE_PAGES,
		.mappings[AXV_MAP_2M] = 1,
	};
	__u32 magic = 0x55556666;
	__u8 *raw, *area;
	struct vm v;
	int ret = -1;

	area = thp_area(&raw);
	if (!area)
		return -1;
	memset(area, 0x11, SZ_2M);
	memcpy(area + 0x12340, &magic, sizeof(magic));
	if (vm_create(&v, ro_huge_code, ro_huge_code_end - ro_huge_code) ||
	    vm_set_flat32(&v, 0, 0) ||
	    vm_add_region(&v, 4, AXV_MEM_READONLY, 0x800000, SZ_2M, area))
		goto out;
	if (expect_word(&v, magic) || run_expect(&v, AXV_EXIT_MMIO))
		goto out;
	if (v.run->mmio.gpa != 0x800100 || !v.run->mmio.is_write ||
	    v.run->mmio.size != 4 || v.run->mmio.data != 0x5a5a0004) {
		fail("store: gpa %#llx write %u size %u data %#llx, want 0x800100 1 4 0x5a5a0004",
		     (unsigned long long)v.run->mmio.gpa, v.run->mmio.is_write,
		     v.run->mmio.size, (unsigned long long)v.run->mmio.data);
		goto out;
	}
	if (run_expect(&v, AXV_EXIT_HALT) ||
	    expect_stats(&v, "after the guest's load and store", &run, area) ||
	    expect_u32(area + 0x100, 0x11111111, "the read-only page"))
		goto out;
	ret = 0;
out:
	vm_destroy(&v);
	munmap(raw, AREA + SZ_2M);
	return ret;
}
