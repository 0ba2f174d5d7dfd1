// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the EPT builder.  Real table pages, made-up host frame numbers:
 * the frames are only written into entries, never touched.  Each case
 * maps, walks the result back, checks the leaf and table counters, and
 * unmaps.
 */
#include <kunit/resource.h>
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <asm/page.h>
#include <asm/processor.h>

#include <axvcpu/ept.h>

#define SZ_4K_SHIFT	12
#define SZ_2M_SHIFT	21
#define SZ_1G_SHIFT	30
#define PAGES_2M	512UL
#define PAGES_1G	(512UL * 512UL)
#define RWX		(EPT_R | EPT_W | EPT_X)

/* Map; tables a failure unlinks are freed at once: no CPU walks these. */
static int map_now(struct ept *ept, u64 gpa, const unsigned long *pfns,
		   unsigned long npages, unsigned int perm)
{
	LIST_HEAD(freed);
	int err;

	err = ept_map(ept, gpa, pfns, npages, perm, &freed);
	ept_free_tables(&freed);
	return err;
}

/* Unmap and free the emptied tables at once: no CPU walks these EPTs. */
static void unmap_now(struct ept *ept, u64 gpa, unsigned long npages)
{
	LIST_HEAD(freed);

	ept_unmap(ept, gpa, npages, &freed);
	ept_free_tables(&freed);
}

static void ept_test_destroy(struct kunit_resource *res)
{
	ept_destroy(res->data);
}

/* An empty EPT, destroyed when the case ends. */
static struct ept *new_ept(struct kunit *test, bool allow_2m, bool allow_1g)
{
	struct ept *ept;

	ept = kunit_kzalloc(test, sizeof(*ept), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ept);
	KUNIT_ASSERT_EQ(test, ept_init(ept, allow_2m, allow_1g), 0);
	if (!kunit_alloc_resource(test, NULL, ept_test_destroy, GFP_KERNEL,
				  ept)) {
		ept_destroy(ept);
		KUNIT_ASSERT_FAILURE(test, "no memory for the resource");
	}
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
	return ept;
}

static void pfns_free(struct kunit_resource *res)
{
	kvfree(res->data);
}

/* @n frame numbers from @first up, freed when the case ends. */
static unsigned long *new_pfns(struct kunit *test, unsigned long n,
			       unsigned long first)
{
	unsigned long *pfns, i;

	pfns = kvmalloc_array(n, sizeof(*pfns), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pfns);
	if (!kunit_alloc_resource(test, NULL, pfns_free, GFP_KERNEL, pfns)) {
		kvfree(pfns);
		KUNIT_ASSERT_FAILURE(test, "no memory for the resource");
	}
	for (i = 0; i < n; i++)
		pfns[i] = first + i;
	return pfns;
}

static void expect_leaves(struct kunit *test, const struct ept *ept,
			  unsigned long n4k, unsigned long n2m,
			  unsigned long n1g)
{
	KUNIT_EXPECT_EQ(test, ept->nr_leaves[EPT_LEAF_4K], n4k);
	KUNIT_EXPECT_EQ(test, ept->nr_leaves[EPT_LEAF_2M], n2m);
	KUNIT_EXPECT_EQ(test, ept->nr_leaves[EPT_LEAF_1G], n1g);
}

static void expect_walk(struct kunit *test, const struct ept *ept, u64 gpa,
			u64 hpa, unsigned int perm, unsigned int shift)
{
	unsigned int got_perm = 0, got_shift = 0;
	u64 got_hpa = 0;

	KUNIT_ASSERT_EQ_MSG(test, ept_walk(ept, gpa, &got_hpa, &got_perm,
					   &got_shift), 0, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, got_hpa, hpa, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, got_perm, perm, "gpa %#llx", gpa);
	KUNIT_EXPECT_EQ_MSG(test, got_shift, shift, "gpa %#llx", gpa);
}

static void expect_unmapped(struct kunit *test, const struct ept *ept,
			    u64 gpa)
{
	u64 hpa;

	KUNIT_EXPECT_EQ_MSG(test, ept_walk(ept, gpa, &hpa, NULL, NULL),
			    -ENOENT, "gpa %#llx", gpa);
}

/*
 * Walk every page of a mapping at an offset that varies from page to page;
 * the number of pages that do not translate to @pfns with @perm.
 */
static unsigned long count_bad(const struct ept *ept, u64 gpa,
			       const unsigned long *pfns, unsigned long n,
			       unsigned int perm)
{
	unsigned long i, bad = 0;
	unsigned int got_perm;
	u64 off, hpa;

	for (i = 0; i < n; i++) {
		off = (i * 8) & ~PAGE_MASK;
		if (ept_walk(ept, gpa + i * PAGE_SIZE + off, &hpa, &got_perm,
			     NULL) ||
		    hpa != PFN_PHYS(pfns[i]) + off || got_perm != perm)
			bad++;
		if (!(i % PAGES_2M))
			cond_resched();
	}
	return bad;
}

static void map_one_page(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long pfn = 0x12345;

	KUNIT_ASSERT_EQ(test, map_now(ept, 0x1000, &pfn, 1, RWX), 0);
	expect_walk(test, ept, 0x1000, 0x12345000, RWX, SZ_4K_SHIFT);
	expect_walk(test, ept, 0x1abc, 0x12345abc, RWX, SZ_4K_SHIFT);
	expect_walk(test, ept, 0x1fff, 0x12345fff, RWX, SZ_4K_SHIFT);
	expect_leaves(test, ept, 1, 0, 0);
	/* PML4, PDPT, PD, PT. */
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 4);

	unmap_now(ept, 0x1000, 1);
	expect_unmapped(test, ept, 0x1000);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

/* The walk's outputs are optional. */
static void walk_null_outputs(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long pfn = 0x777;

	KUNIT_ASSERT_EQ(test, map_now(ept, 0x5000, &pfn, 1, EPT_R), 0);
	KUNIT_EXPECT_EQ(test, ept_walk(ept, 0x5000, NULL, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, ept_walk(ept, 0x6000, NULL, NULL, NULL),
			-ENOENT);
}

/*
 * Guest and host addresses differ in their offset within 2 MiB: no 2 MiB
 * leaf can be used anywhere, though both ranges span 2 MiB boundaries.
 */
static void unaligned_gpa_4k_only(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	u64 gpa = SZ_2M + SZ_4K;
	unsigned long *pfns = new_pfns(test, 2 * PAGES_2M, 0x40000);

	KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, 2 * PAGES_2M, RWX), 0);
	expect_leaves(test, ept, 2 * PAGES_2M, 0, 0);
	KUNIT_EXPECT_EQ(test, count_bad(ept, gpa, pfns, 2 * PAGES_2M, RWX), 0);
	expect_walk(test, ept, SZ_4M, PFN_PHYS(pfns[PAGES_2M - 1]), RWX,
		    SZ_4K_SHIFT);
	expect_unmapped(test, ept, SZ_2M);
	expect_unmapped(test, ept, gpa + 2 * SZ_2M);

	unmap_now(ept, gpa, 2 * PAGES_2M);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

/*
 * An unaligned start but matching offsets: 4 KiB leaves up to the first
 * 2 MiB boundary, a 2 MiB leaf, 4 KiB leaves for the tail.
 */
static void unaligned_gpa_2m_inside(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	u64 gpa = SZ_2M - SZ_4K;
	unsigned long n = PAGES_2M + 2;
	unsigned long *pfns = new_pfns(test, n, 0x80000 - 1);

	KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, n, EPT_R | EPT_X), 0);
	expect_leaves(test, ept, 2, 1, 0);
	KUNIT_EXPECT_EQ(test, count_bad(ept, gpa, pfns, n, EPT_R | EPT_X), 0);
	expect_walk(test, ept, gpa, 0x7ffff000, EPT_R | EPT_X, SZ_4K_SHIFT);
	expect_walk(test, ept, SZ_2M, 0x80000000, EPT_R | EPT_X, SZ_2M_SHIFT);
	expect_walk(test, ept, SZ_4M, 0x80200000, EPT_R | EPT_X, SZ_4K_SHIFT);

	unmap_now(ept, gpa, n);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

static void map_2m(struct kunit *test, bool allow_2m)
{
	struct ept *ept = new_ept(test, allow_2m, true);
	u64 gpa = SZ_1G + SZ_2M;
	unsigned long *pfns = new_pfns(test, PAGES_2M, 0x80200);

	KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, PAGES_2M, RWX), 0);
	if (allow_2m) {
		expect_leaves(test, ept, 0, 1, 0);
		KUNIT_EXPECT_EQ(test, ept->nr_tables, 3);
		expect_walk(test, ept, gpa, 0x80200000, RWX, SZ_2M_SHIFT);
		/* The offset within the 2 MiB page goes into the result. */
		expect_walk(test, ept, gpa + 0x12345, 0x80212345, RWX,
			    SZ_2M_SHIFT);
		expect_walk(test, ept, gpa + SZ_2M - 1, 0x803fffff, RWX,
			    SZ_2M_SHIFT);
	} else {
		expect_leaves(test, ept, PAGES_2M, 0, 0);
		KUNIT_EXPECT_EQ(test, ept->nr_tables, 4);
		expect_walk(test, ept, gpa + 0x12345, 0x80212345, RWX,
			    SZ_4K_SHIFT);
	}
	KUNIT_EXPECT_EQ(test, count_bad(ept, gpa, pfns, PAGES_2M, RWX), 0);
	expect_unmapped(test, ept, gpa - SZ_4K);
	expect_unmapped(test, ept, gpa + SZ_2M);

	unmap_now(ept, gpa, PAGES_2M);
	expect_unmapped(test, ept, gpa);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

static void map_2m_leaf(struct kunit *test)
{
	map_2m(test, true);
}

static void map_2m_not_allowed(struct kunit *test)
{
	map_2m(test, false);
}

struct gig_case {
	const char *name;
	bool allow_2m, allow_1g;
	unsigned long leaves[EPT_NR_LEAF_SIZES];
	unsigned long tables;
	unsigned int shift;
};

static const struct gig_case gig_cases[] = {
	{ "1G and 2M", true, true, { 0, 0, 1 }, 2, SZ_1G_SHIFT },
	{ "1G only", false, true, { 0, 0, 1 }, 2, SZ_1G_SHIFT },
	{ "2M only", true, false, { 0, PAGES_2M, 0 }, 3, SZ_2M_SHIFT },
	{ "4K only", false, false, { PAGES_1G, 0, 0 }, 3 + PAGES_2M,
	  SZ_4K_SHIFT },
};

static void gig_case_desc(const struct gig_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gig, gig_cases, gig_case_desc);

/* 1 GiB of consecutive frames, mapped with what each EPT allows. */
static void map_1g(struct kunit *test)
{
	const struct gig_case *c = test->param_value;
	struct ept *ept = new_ept(test, c->allow_2m, c->allow_1g);
	unsigned long *pfns = new_pfns(test, PAGES_1G, 0x100000);
	u64 gpa = 2 * (u64)SZ_1G;

	KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, PAGES_1G, EPT_R), 0);
	expect_leaves(test, ept, c->leaves[EPT_LEAF_4K],
		      c->leaves[EPT_LEAF_2M], c->leaves[EPT_LEAF_1G]);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, c->tables);
	expect_walk(test, ept, gpa + 0x3456789, 0x103456789ULL, EPT_R,
		    c->shift);
	expect_walk(test, ept, gpa + SZ_1G - 1, 0x13fffffffULL, EPT_R,
		    c->shift);
	KUNIT_EXPECT_EQ(test, count_bad(ept, gpa, pfns, PAGES_1G, EPT_R), 0);
	expect_unmapped(test, ept, gpa - 1);
	expect_unmapped(test, ept, gpa + SZ_1G);

	unmap_now(ept, gpa, PAGES_1G);
	expect_unmapped(test, ept, gpa);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

/*
 * Three 2 MiB chunks; one frame in the middle one is elsewhere: 2 MiB,
 * 512 x 4 KiB, 2 MiB.
 */
static void broken_contiguity_2m(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long n = 3 * PAGES_2M;
	unsigned long *pfns = new_pfns(test, n, 0x80000);
	u64 gpa = SZ_1G + SZ_2M;

	pfns[PAGES_2M + 100] = 0x7777;
	KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, n, EPT_R | EPT_W), 0);
	expect_leaves(test, ept, PAGES_2M, 2, 0);
	KUNIT_EXPECT_EQ(test, count_bad(ept, gpa, pfns, n, EPT_R | EPT_W), 0);
	expect_walk(test, ept, gpa + SZ_2M - 1, 0x801fffff, EPT_R | EPT_W,
		    SZ_2M_SHIFT);
	expect_walk(test, ept, gpa + SZ_2M + 100 * SZ_4K + 5, 0x7777005,
		    EPT_R | EPT_W, SZ_4K_SHIFT);
	expect_walk(test, ept, gpa + SZ_2M + 101 * SZ_4K, 0x80265000,
		    EPT_R | EPT_W, SZ_4K_SHIFT);
	expect_walk(test, ept, gpa + 2 * SZ_2M, 0x80400000, EPT_R | EPT_W,
		    SZ_2M_SHIFT);

	unmap_now(ept, gpa, n);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

/* 1 GiB whose frames break once: 511 x 2 MiB and 512 x 4 KiB. */
static void broken_contiguity_1g(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long *pfns = new_pfns(test, PAGES_1G, 0x100000);
	unsigned long odd = PAGES_1G / 2 + 5;
	u64 gpa = SZ_1G;

	pfns[odd] = 0x42;
	KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, PAGES_1G, RWX), 0);
	expect_leaves(test, ept, PAGES_2M, PAGES_2M - 1, 0);
	KUNIT_EXPECT_EQ(test, count_bad(ept, gpa, pfns, PAGES_1G, RWX), 0);
	expect_walk(test, ept, gpa + odd * SZ_4K, 0x42000, RWX, SZ_4K_SHIFT);
	expect_walk(test, ept, gpa, 0x100000000ULL, RWX, SZ_2M_SHIFT);

	unmap_now(ept, gpa, PAGES_1G);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

static void permissions(struct kunit *test)
{
	static const unsigned int good[] = {
		EPT_R, EPT_R | EPT_X, EPT_R | EPT_W, RWX,
	};
	static const unsigned int bad[] = {
		0, EPT_W, EPT_X, EPT_W | EPT_X, BIT(3), EPT_R | BIT(3),
		RWX | BIT(31),
	};
	struct ept *ept = new_ept(test, true, true);
	unsigned long *pfns = new_pfns(test, PAGES_2M, 0x1000);
	unsigned long tables;
	unsigned int i;
	u64 gpa;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		gpa = i * SZ_4M;
		KUNIT_ASSERT_EQ(test, map_now(ept, gpa, pfns, 1, good[i]), 0);
		KUNIT_ASSERT_EQ(test, map_now(ept, gpa + SZ_2M, pfns, PAGES_2M,
					      good[i]), 0);
		expect_walk(test, ept, gpa, 0x1000000, good[i], SZ_4K_SHIFT);
		expect_walk(test, ept, gpa + SZ_2M, 0x1000000, good[i],
			    SZ_2M_SHIFT);
	}
	expect_leaves(test, ept, ARRAY_SIZE(good), ARRAY_SIZE(good), 0);
	tables = ept->nr_tables;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, map_now(ept, SZ_1G, pfns, 1, bad[i]),
				    -EINVAL, "perm %#x", bad[i]);
		expect_unmapped(test, ept, SZ_1G);
	}
	expect_leaves(test, ept, ARRAY_SIZE(good), ARRAY_SIZE(good), 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, tables);
}

/* The raw entries: what the processor will read. */
static void entry_format(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long *pfns = new_pfns(test, PAGES_2M, 0x80200);
	u64 pml4e, pdpte, pde, *pd;

	KUNIT_ASSERT_EQ(test, map_now(ept, SZ_2M, pfns, PAGES_2M,
				      EPT_R | EPT_X), 0);
	KUNIT_ASSERT_EQ(test, map_now(ept, 0x5000, pfns, 1, EPT_R | EPT_W),
			0);

	/* Tables: RWX, bits 7:3 clear, the next table's address. */
	pml4e = ept->root[0];
	KUNIT_EXPECT_EQ(test, pml4e & 0xfff, 0x7);
	pdpte = ((u64 *)__va(pml4e & PAGE_MASK))[0];
	KUNIT_EXPECT_EQ(test, pdpte & 0xfff, 0x7);
	pd = __va(pdpte & PAGE_MASK);

	/* 2 MiB leaf: address, bit 7, WB (6) in bits 5:3, IPAT clear. */
	KUNIT_EXPECT_EQ(test, pd[1], 0x80200000ULL | BIT(7) | 6 << 3 |
			EPT_R | EPT_X);
	/* 4 KiB leaf: no bit 7. */
	pde = pd[0];
	KUNIT_EXPECT_EQ(test, pde & 0xfff, 0x7);
	KUNIT_EXPECT_EQ(test, ((u64 *)__va(pde & PAGE_MASK))[5],
			0x80200000ULL | 6 << 3 | EPT_R | EPT_W);
}

/*
 * A map that overlaps an existing mapping anywhere fails and changes
 * nothing: neither the old mapping nor the non-overlapping part of the
 * new range, nor the tables.
 */
static void overlap_eexist(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long *pfns = new_pfns(test, 2 * PAGES_2M, 0x80200);
	unsigned long one = 0x999, tables;
	u64 big = SZ_1G + SZ_2M, small = 3 * (u64)SZ_1G + 1000 * SZ_4K;

	KUNIT_ASSERT_EQ(test, map_now(ept, big, pfns, PAGES_2M, RWX), 0);
	KUNIT_ASSERT_EQ(test, map_now(ept, small, &one, 1, EPT_R), 0);
	tables = ept->nr_tables;

	/* Inside the 2 MiB leaf. */
	KUNIT_EXPECT_EQ(test, map_now(ept, big + 5 * SZ_4K, &one, 1, EPT_R),
			-EEXIST);
	/* Starting before it, ending in its first page. */
	KUNIT_EXPECT_EQ(test, map_now(ept, big - 16 * SZ_4K, pfns, 17, EPT_R),
			-EEXIST);
	expect_unmapped(test, ept, big - 16 * SZ_4K);
	expect_unmapped(test, ept, big - SZ_4K);
	/* Starting in its last page, going on past it. */
	KUNIT_EXPECT_EQ(test, map_now(ept, big + SZ_2M - SZ_4K, pfns, 2,
				      EPT_R), -EEXIST);
	expect_unmapped(test, ept, big + SZ_2M);
	/* A longer range that meets a 4 KiB page near its end. */
	KUNIT_EXPECT_EQ(test, map_now(ept, small - 1000 * SZ_4K, pfns,
				      2 * PAGES_2M, RWX), -EEXIST);
	expect_unmapped(test, ept, small - 1000 * SZ_4K);
	expect_unmapped(test, ept, small - SZ_4K);
	expect_unmapped(test, ept, small + SZ_4K);

	KUNIT_EXPECT_EQ(test, ept->nr_tables, tables);
	expect_leaves(test, ept, 1, 1, 0);
	expect_walk(test, ept, big + 5 * SZ_4K, 0x80205000, RWX, SZ_2M_SHIFT);
	expect_walk(test, ept, small, 0x999000, EPT_R, SZ_4K_SHIFT);
	KUNIT_EXPECT_EQ(test, count_bad(ept, big, pfns, PAGES_2M, RWX), 0);

	/* Mapping the same range twice. */
	KUNIT_EXPECT_EQ(test, map_now(ept, small, &one, 1, EPT_R), -EEXIST);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, tables);
}

/*
 * Regions spread over several PML4 entries; unmapping one keeps the
 * tables its neighbours use, unmapping all leaves only the root.
 */
static void unmap_frees_tables(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long *pfns = new_pfns(test, PAGES_2M, 0x80200);
	u64 low = 0x10000, high = BIT_ULL(48) - SZ_2M;
	u64 mid = BIT_ULL(39) + SZ_1G;

	KUNIT_ASSERT_EQ(test, map_now(ept, low, pfns, 3, RWX), 0);
	KUNIT_ASSERT_EQ(test, map_now(ept, low + 3 * SZ_4K, pfns + 3, 2,
				      EPT_R), 0);
	KUNIT_ASSERT_EQ(test, map_now(ept, mid, pfns, PAGES_2M, RWX), 0);
	KUNIT_ASSERT_EQ(test, map_now(ept, high, pfns, PAGES_2M, EPT_R), 0);
	expect_leaves(test, ept, 5, 2, 0);
	/* Root; PDPT, PD, PT for low; PDPT, PD for mid; PDPT, PD for high. */
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 8);

	/* low's PT still holds the second region. */
	unmap_now(ept, low, 3);
	expect_unmapped(test, ept, low);
	expect_walk(test, ept, low + 3 * SZ_4K, PFN_PHYS(pfns[3]), EPT_R,
		    SZ_4K_SHIFT);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 8);

	unmap_now(ept, low + 3 * SZ_4K, 2);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 5);
	unmap_now(ept, high, PAGES_2M);
	expect_unmapped(test, ept, high);
	expect_walk(test, ept, mid, 0x80200000, RWX, SZ_2M_SHIFT);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 3);
	unmap_now(ept, mid, PAGES_2M);
	expect_unmapped(test, ept, mid);
	expect_leaves(test, ept, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
	KUNIT_EXPECT_NULL(test, memchr_inv(ept->root, 0, PAGE_SIZE));

	/* Unmapping what is not mapped does nothing. */
	unmap_now(ept, 0, PAGES_1G);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
}

static void bad_ranges(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long *pfns = new_pfns(test, 2, 0x1000);
	unsigned long huge = ULONG_MAX;
	u64 top = BIT_ULL(48);

	KUNIT_EXPECT_EQ(test, map_now(ept, 0x1001, pfns, 1, EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, map_now(ept, 0x1800, pfns, 1, EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, map_now(ept, 0x1000, pfns, 0, EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, map_now(ept, top, pfns, 1, EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, map_now(ept, top - SZ_4K, pfns, 2, EPT_R),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, map_now(ept, BIT_ULL(63), pfns, 1, EPT_R),
			-EINVAL);
	/* gpa + size would wrap around 2^64. */
	KUNIT_EXPECT_EQ(test, map_now(ept, 0x1000, pfns, ULONG_MAX, EPT_R),
			-EINVAL);
	/* A frame beyond any physical-address width. */
	KUNIT_EXPECT_EQ(test, map_now(ept, 0x1000, &huge, 1, EPT_R), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
	expect_leaves(test, ept, 0, 0, 0);

	/* The last page below 2^48 is fine. */
	KUNIT_EXPECT_EQ(test, map_now(ept, top - SZ_4K, pfns, 1, EPT_R), 0);
	expect_walk(test, ept, top - 1, 0x1000fff, EPT_R, SZ_4K_SHIFT);
}

struct range_case {
	const char *name;
	u64 gpa;
	unsigned long pfn, npages;
	bool allow_2m, allow_1g;
};

static const struct range_case range_cases[] = {
	{ "2M aligned", SZ_1G, 0x80200, PAGES_2M, true, true },
	{ "2M not allowed", SZ_1G, 0x80200, PAGES_2M, false, true },
	{ "frames off 2M", SZ_1G, 0x80201, PAGES_2M, true, true },
	{ "gpa off 2M", SZ_1G + SZ_4K, 0x80201, PAGES_2M, true, true },
	{ "1G aligned", 2 * (u64)SZ_1G, 0x100000, PAGES_1G, true, true },
	{ "4M from inside 2M", SZ_1G - SZ_8K, 0x7fffe, 2 * PAGES_2M + 2,
	  true, true },
};

static void range_case_desc(const struct range_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(range, range_cases, range_case_desc);

/*
 * ept_map_range() gives what ept_map() gives for the same consecutive
 * frames listed: the same leaves, tables and translations.
 */
static void map_range_as_listed(struct kunit *test)
{
	const struct range_case *c = test->param_value;
	struct ept *listed = new_ept(test, c->allow_2m, c->allow_1g);
	struct ept *ranged = new_ept(test, c->allow_2m, c->allow_1g);
	unsigned long *pfns = new_pfns(test, c->npages, c->pfn);
	unsigned int lvl;
	LIST_HEAD(freed);

	KUNIT_ASSERT_EQ(test, map_now(listed, c->gpa, pfns, c->npages, RWX),
			0);
	KUNIT_ASSERT_EQ(test, ept_map_range(ranged, c->gpa, c->pfn,
					    c->npages, RWX, &freed), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&freed));
	for (lvl = 0; lvl < EPT_NR_LEAF_SIZES; lvl++)
		KUNIT_EXPECT_EQ_MSG(test, ranged->nr_leaves[lvl],
				    listed->nr_leaves[lvl], "leaf size %u",
				    lvl);
	KUNIT_EXPECT_EQ(test, ranged->nr_tables, listed->nr_tables);
	KUNIT_EXPECT_EQ(test, count_bad(ranged, c->gpa, pfns, c->npages, RWX),
			0);
	expect_unmapped(test, ranged, c->gpa - 1);
	expect_unmapped(test, ranged, c->gpa + c->npages * PAGE_SIZE);
	unmap_now(ranged, c->gpa, c->npages);
	expect_leaves(test, ranged, 0, 0, 0);
	KUNIT_EXPECT_EQ(test, ranged->nr_tables, 1);
}

/* The last frame of a range, not only its first, must be addressable. */
static void map_range_frame_limit(struct kunit *test)
{
	unsigned long limit = BIT(boot_cpu_data.x86_phys_bits - PAGE_SHIFT);
	struct ept *ept = new_ept(test, true, true);
	LIST_HEAD(freed);

	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0, limit - 1, 2, EPT_R,
					    &freed), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0, limit, 1, EPT_R, &freed),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0, ULONG_MAX, 2, EPT_R,
					    &freed), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0x1001, 0x1000, 1, EPT_R,
					    &freed), -EINVAL);
	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0, 0x1000, 1, EPT_W,
					    &freed), -EINVAL);
	KUNIT_EXPECT_TRUE(test, list_empty(&freed));
	KUNIT_EXPECT_EQ(test, ept->nr_tables, 1);
	expect_leaves(test, ept, 0, 0, 0);

	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0, limit - 1, 1, EPT_R,
					    &freed), 0);
	expect_walk(test, ept, 0x123, PFN_PHYS(limit - 1) + 0x123, EPT_R,
		    SZ_4K_SHIFT);
	KUNIT_EXPECT_EQ(test, ept_map_range(ept, 0, 0x1000, 1, EPT_R, &freed),
			-EEXIST);
}

static void eptp_format(struct kunit *test)
{
	struct ept *ept = new_ept(test, false, false);
	u64 eptp = ept_pointer(ept);

	/* WB (6) in bits 2:0, 4-level walk (3) in 5:3, no A/D flags. */
	KUNIT_EXPECT_EQ(test, eptp & ~PAGE_MASK, 0x1e);
	KUNIT_EXPECT_EQ(test, eptp & PAGE_MASK, virt_to_phys(ept->root));
}

static void walk_unmapped(struct kunit *test)
{
	struct ept *ept = new_ept(test, true, true);
	unsigned long pfn = 0x1234;

	expect_unmapped(test, ept, 0);
	expect_unmapped(test, ept, SZ_1G);
	KUNIT_ASSERT_EQ(test, map_now(ept, 0x1000, &pfn, 1, EPT_R), 0);
	expect_unmapped(test, ept, 0);
	expect_unmapped(test, ept, 0xfff);
	expect_unmapped(test, ept, 0x2000);
	expect_unmapped(test, ept, SZ_2M + 0x1000);
	expect_unmapped(test, ept, BIT_ULL(39) + 0x1000);
	expect_unmapped(test, ept, BIT_ULL(48) + 0x1000);
	expect_unmapped(test, ept, U64_MAX);
}

static struct kunit_case ept_test_cases[] = {
	KUNIT_CASE(map_one_page),
	KUNIT_CASE(walk_null_outputs),
	KUNIT_CASE(unaligned_gpa_4k_only),
	KUNIT_CASE(unaligned_gpa_2m_inside),
	KUNIT_CASE(map_2m_leaf),
	KUNIT_CASE(map_2m_not_allowed),
	KUNIT_CASE_PARAM(map_1g, gig_gen_params),
	KUNIT_CASE(broken_contiguity_2m),
	KUNIT_CASE(broken_contiguity_1g),
	KUNIT_CASE(permissions),
	KUNIT_CASE(entry_format),
	KUNIT_CASE(overlap_eexist),
	KUNIT_CASE(unmap_frees_tables),
	KUNIT_CASE(bad_ranges),
	KUNIT_CASE_PARAM(map_range_as_listed, range_gen_params),
	KUNIT_CASE(map_range_frame_limit),
	KUNIT_CASE(eptp_format),
	KUNIT_CASE(walk_unmapped),
	{ }
};

static struct kunit_suite ept_test_suite = {
	.name = "axvcpu_ept",
	.test_cases = ept_test_cases,
};

kunit_test_suites(&ept_test_suite);
