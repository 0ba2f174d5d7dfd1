// SPDX-License-Identifier: GPL-2.0
/*
 * emul_diff: compare the instruction emulator (emul/) with the CPU, case
 * by case, for every form of tests/emul/gen.c, in 64-bit mode and in
 * compatibility mode.
 *
 * Usage: emul_diff [--seed N] [--cases N] [--form NAME] [--case N]
 *                  [--reports N] [--strict] [--verbose] [--list] [--dump]
 *
 * Prints one line per form, "form NAME: N cases, N failed" (or "form
 * NAME: skipped (REASON)"), the details of the first failures of each
 * form, and last "N passed, N failed", which counts forms (a form passes
 * when all its cases do; the native self-check counts as one form).  The
 * exit status is non-zero on any failure.  A failure prints the seed,
 * form and case number that reproduce it alone.
 *
 * Mismatches that known.c recognises as a known emulator bug are counted
 * apart, as "excluded", and listed under their form; --strict counts
 * them as failures.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/kernel.h>

#include "emul_diff.h"

int verbose;

static u64 seed;
static unsigned long ncases = 1000;
static const char *only_form;
static long only_case = -1;
static unsigned int max_reports = 3;
static bool strict;
static unsigned long iterations;	/* REP iterations after the first */
static unsigned long hinted;		/* cases run again with an exact hint */
static unsigned long retries;		/* generator attempts that failed */
static unsigned long reruns;		/* native runs the kernel broke */
static bool dump;

/* Distinct kinds of failure of one form, for its summary. */
#define NR_KINDS	8

static struct {
	char what[96];
	unsigned long count;
} kinds[NR_KINDS];

static void count_kind(const char *why, const char *bug)
{
	char key[96];
	unsigned int i, n = 0;
	int depth = 0;

	if (bug) {
		snprintf(key, sizeof(key), "excluded: known bug %s", bug);
		why = key;
	}
	/* The reason without its numbers in parentheses. */
	for (; *why && n < sizeof(key) - 1; why++) {
		if (*why == '(')
			depth++;
		else if (*why == ')')
			depth--;
		else if (!depth)
			key[n++] = *why;
	}
	key[n] = 0;
	for (i = 0; i < NR_KINDS && kinds[i].count; i++) {
		if (!strcmp(kinds[i].what, key)) {
			kinds[i].count++;
			return;
		}
	}
	if (i < NR_KINDS) {
		strcpy(kinds[i].what, key);
		kinds[i].count = 1;
	}
}

static u64 mix(u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static void form_name(char *buf, size_t len, const struct form *f, bool compat)
{
	snprintf(buf, len, "%s.%s", f->name, compat ? "32" : "64");
}

/* The native side can start it. */
static bool runnable(const struct test_case *tc)
{
	u64 rsp = tc->in.gprs[EMU_RSP];

	return host.rsp_any || (u64)sign_extend64(rsp, 47) == rsp;
}

/*
 * Whether the kernel broke a native run that the CPU completed: one that
 * cannot return to user space with a non-canonical RSP turns an interrupt
 * taken between an instruction that left RSP so and the int3 after it
 * into a #UD at that int3.  Rare (a few in a million cases): run again.
 */
static bool native_broken(const struct test_case *tc, const struct outcome *nat)
{
	u64 rsp = nat->st.gprs[EMU_RSP];

	return !host.rsp_any && nat->vector == 6 &&
	       nat->st.rip == tc->in.rip + tc->len &&
	       (u64)sign_extend64(rsp, 47) != rsp;
}

/*
 * Run @tc natively into @nat, again (from the memory it started with)
 * when the kernel broke the run.
 */
static void native_case(const struct test_case *tc, struct outcome *nat)
{
	unsigned int tries = 0;

	native_run(tc, nat);
	while (native_broken(tc, nat) && ++tries < 10) {
		reruns++;
		memcpy(arena.data, arena.before, DATA_PAGES * ARENA_PAGE);
		native_run(tc, nat);
	}
}

/*
 * One case: generate it, then emulate and run it, step by step for REP.
 * Returns 0 when both sides agree, 1 on a mismatch, 2 on a mismatch of a
 * known bug.
 */
static int run_case(const struct form *f, bool compat, unsigned long index,
		    const char *name, unsigned long *reported)
{
	static struct test_case tc;
	static struct outcome nat, emu;
	struct exact_hint hint;
	char why[512];
	unsigned int tries = 0, step;
	const char *bug;
	bool exact;

	rng_seed(mix(seed ^ mix((u64)(f - forms) << 1 | compat) ^ mix(index + 1)));
	memset(&tc, 0, sizeof(tc));
	tc.form = f;
	tc.compat = compat;
	tc.index = index;
	native_set_current(&tc);
	while (!f->gen(&tc, f) || !runnable(&tc)) {
		retries++;
		if (++tries == 10000) {
			printf("FAIL %s case %lu: the generator found no encoding\n",
			       name, index);
			return 1;
		}
	}
	if (dump) {
		printf("case %s %lu: ", name, index);
		print_insn(stdout, &tc);
		printf(" ; %s\n", tc.note);
	}
	for (step = 0; step < 4; step++) {
		memcpy(arena.before, arena.data, ARENA_MEM_SIZE);
		memcpy(arena.dev, arena.data, ARENA_MEM_SIZE);
		emulate_case(&tc, &emu, NULL);
		exact = tc.nmem == 1 && !tc.step && exact_hint_of_last(&hint);
		native_case(&tc, &nat);
		bug = NULL;
		if (!compare_case(&tc, &nat, &emu, why, sizeof(why)))
			goto mismatch;
		/*
		 * A case with one memory operand in one page that the CPU
		 * completed runs again as a VMX exit gives it: with that
		 * operand's exact address (the processor checked it), and
		 * with the instruction decoded before.
		 */
		if (exact && nat.vector < 0) {
			memcpy(arena.dev, arena.before, ARENA_MEM_SIZE);
			emulate_case(&tc, &emu, &hint);
			hinted++;
			if (!compare_case(&tc, &nat, &emu, why, sizeof(why))) {
				strncat(why, " (run with the exact hint)",
					sizeof(why) - strlen(why) - 1);
				goto mismatch;
			}
		}
		/* A REP string with more to do: go on from where it is. */
		if (!tc.step || nat.vector >= 0 || nat.st.rip != tc.in.rip)
			break;
		memcpy(tc.in.gprs, nat.st.gprs, sizeof(tc.in.gprs));
		tc.in.rflags = (tc.in.rflags & ~FL_CASE) | (nat.st.rflags & FL_CASE);
		if (string_ambiguous(&tc))
			break;
		iterations++;
	}
	native_set_current(NULL);
	return 0;

mismatch:
	bug = strict ? NULL : known_bug(&tc, &nat, &emu, why);
	count_kind(why, bug);
	if (verbose || (!bug && (*reported)++ < max_reports)) {
		printf("%s %s case %lu%s: %s\n",
		       bug ? "EXCLUDED" : "FAIL", name, index,
		       step ? " (a later iteration)" : "", why);
		printf("  reproduce: emul_diff --seed %#llx --form %s --case %lu\n",
		       (unsigned long long)seed, name, index);
		report_case(stdout, &tc, &nat, &emu, why);
	}
	native_set_current(NULL);
	return bug ? 2 : 1;
}

/* What the harness leaves out because this CPU is no reference for it. */
static void print_quirks(void)
{
	static const struct {
		const bool *ok;
		const char *what;
	} q[] = {
		{ &host.rsp_any, "no return to user space with RSP non-canonical: RSP canonical" },
		{ &host.ac, "no #AC: RFLAGS.AC stays clear" },
		{ &host.lock_ud, "no #UD for an illegal LOCK: lock_ud skipped" },
		{ &host.seg_checks, "no segment checks in compatibility mode: flat segments only" },
		{ &host.rmw_pf_w, "a read-modify-write's #PF is a read's: W, page not compared" },
		{ &host.clflush_pf, "CLFLUSH never faults: clflush skipped" },
		{ &host.ss_canonical, "#GP for a non-canonical stack reference: none generated" },
		{ &host.movbe_66w, "MOVBE with 66 and REX.W is 16-bit: not generated" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(q); i++)
		if (!*q[i].ok)
			printf("emul_diff: this CPU: %s\n", q[i].what);
	if (host.movsxd16_wide)
		printf("emul_diff: this CPU: MOVSXD with 66 reads 4 bytes (AMD): not generated\n");
}

static const char *skip_reason(const struct form *f, bool compat)
{
	if (compat && !host.compat)
		return "compatibility mode cannot be entered";
	if ((f->flags & F_AVX) && !host.avx)
		return "no AVX";
	if ((f->flags & F_MOVBE) && !host.movbe)
		return "no MOVBE";
	if ((f->flags & F_LOCK_UD) && !host.lock_ud)
		return "the CPU raises no #UD for an illegal LOCK";
	if ((f->flags & F_CLFLUSH) && !host.clflush_pf)
		return "the CPU's CLFLUSH never faults";
	return NULL;
}

static bool selected(const struct form *f, const char *name)
{
	return !only_form || !strcmp(only_form, name) || !strcmp(only_form, f->name);
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: emul_diff [--seed N] [--cases N] [--form NAME] [--case N]\n"
		"                 [--reports N] [--strict] [--verbose] [--list] [--dump]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "cases", required_argument, NULL, 'n' },
		{ "form", required_argument, NULL, 'f' },
		{ "case", required_argument, NULL, 'c' },
		{ "reports", required_argument, NULL, 'r' },
		{ "strict", no_argument, NULL, 'S' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "list", no_argument, NULL, 'l' },
		{ "dump", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned int passed = 0, failed = 0, matched = 0, i, m;
	unsigned long total = 0;
	bool seeded = false, list = false;
	struct timespec t0, t1;
	int opt;

	while ((opt = getopt_long(argc, argv, "s:n:f:c:r:Svld", opts, NULL)) != -1) {
		switch (opt) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			seeded = true;
			break;
		case 'n':
			ncases = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			only_form = optarg;
			break;
		case 'c':
			only_case = strtol(optarg, NULL, 0);
			break;
		case 'r':
			max_reports = strtoul(optarg, NULL, 0);
			break;
		case 'S':
			strict = true;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'l':
			list = true;
			break;
		case 'd':
			dump = true;
			break;
		default:
			print_usage();
		}
	}
	if (optind != argc)
		print_usage();
	if (list) {
		for (i = 0; i < nr_forms; i++)
			printf("%s%s\n", forms[i].name,
			       forms[i].flags & F_64ONLY ? " (64-bit only)" : "");
		return 0;
	}
	if (!seeded) {
		clock_gettime(CLOCK_REALTIME, &t0);
		seed = mix(t0.tv_sec * 1000000007ULL + t0.tv_nsec + getpid());
	}
	setvbuf(stdout, NULL, _IOLBF, 0);

	native_init();
	printf("emul_diff: seed %#llx, %lu cases per form; ",
	       (unsigned long long)seed, only_case >= 0 ? 1 : ncases);
	printf("%s CPU, AVX %s, compatibility mode %s, LDT %s\n", host.vendor,
	       host.avx ? "yes" : "no", host.compat ? "yes" : "no",
	       host.ldt ? "yes" : "no");
	print_quirks();
	if (!strict)
		known_list(stdout);
	rng_seed(seed);
	native_prepare_memory();
	clock_gettime(CLOCK_MONOTONIC, &t0);

	if (!only_form || !strcmp(only_form, "native_selftest")) {
		matched++;
		if (selftest_run())
			failed++;
		else
			passed++;
	}
	for (i = 0; i < nr_forms; i++) {
		for (m = 0; m < 2; m++) {
			const struct form *f = &forms[i];
			unsigned long n = 0, nfail = 0, nknown = 0, reported = 0, c;
			bool compat = m == 1;
			const char *skip;
			char name[64];
			unsigned int k;

			if (compat && (f->flags & F_64ONLY))
				continue;
			form_name(name, sizeof(name), f, compat);
			if (!selected(f, name))
				continue;
			matched++;
			skip = skip_reason(f, compat);
			if (skip) {
				printf("form %s: skipped (%s)\n", name, skip);
				continue;
			}
			memset(kinds, 0, sizeof(kinds));
			for (c = 0; c < ncases; c++) {
				unsigned long index = only_case >= 0 ? (unsigned long)only_case : c;

				n++;
				switch (run_case(f, compat, index, name, &reported)) {
				case 1:
					nfail++;
					break;
				case 2:
					nknown++;
					break;
				}
				if (only_case >= 0)
					break;
			}
			total += n;
			printf("form %s: %lu cases, %lu failed\n", name, n, nfail);
			for (k = 0; (nfail || nknown) && k < NR_KINDS && kinds[k].count; k++)
				printf("  %lu x %s\n", kinds[k].count, kinds[k].what);
			if (nfail)
				failed++;
			else
				passed++;
		}
	}
	if (!matched) {
		fprintf(stderr, "emul_diff: no form %s (see --list)\n", only_form);
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("emul_diff: %lu cases (%lu of them again with an exact hint,",
	       total, hinted);
	printf(" %lu by emu_quick_store(), %lu by emu_quick_load(),",
	       quick_stores, quick_loads);
	printf(" %lu more REP iterations, %lu encodings redrawn",
	       iterations, retries);
	printf(" and %lu native runs repeated)", reruns);
	printf(" in %.1f s, seed %#llx\n",
	       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9,
	       (unsigned long long)seed);
	/* The emulator is then compared with the state before the fault. */
	if (native_changed_on_fault)
		printf("emul_diff: this CPU changed state in %lu faulting cases\n",
		       native_changed_on_fault);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
