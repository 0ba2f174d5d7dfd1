/* SPDX-License-Identifier: GPL-2.0 */
/*
 * emul_diff: the differential test of the instruction emulator (emul/)
 * against the CPU it runs on.  Each case is one instruction with a full
 * register state and memory; the harness runs it natively (native.c) and
 * through emu_emulate() with a fake device behind the memory ops
 * (check.c), and compares the two.
 *
 * Every file of the harness is built with the shim/ folder first on the
 * include path, so <linux/types.h> is the shim's (u8..u64 and friends).
 */
#ifndef _EMUL_DIFF_H
#define _EMUL_DIFF_H

#include <stdio.h>
#include <linux/types.h>
#include <linux/bits.h>
#include <axvcpu/emul.h>

#define ARENA_PAGE	4096UL

/*
 * The arena, one mapping below 2 GiB (so that 32-bit addresses, absolute
 * disp32 and compatibility mode reach it), page by page:
 *
 *   code      the instruction under test, then int3 (read, write, exec)
 *   lo        guard page (PROT_NONE): #PF just below
 *   data      writable pages (DATA_PAGES), random bytes per case
 *   ro        one read-only page: a write is #PF with P=1
 *   hi        guard page (PROT_NONE): #PF above
 *
 * The fake device of check.c holds its own copy of [data, hi), at the
 * same guest-physical addresses (the fake paging is the identity).
 */
#define DATA_PAGES	4

struct arena {
	u8 *code;
	u8 *lo;
	u8 *data;
	u8 *ro;
	u8 *hi;
	u8 *end;
	u8 *dev;	/* the device's copy of [data, hi) */
	u8 *before;	/* [data, hi) as the case found it, for reports */
};

extern struct arena arena;

#define ARENA_MEM_SIZE	((DATA_PAGES + 1) * ARENA_PAGE)	/* data and ro */

/* What the host CPU and kernel offer, probed once (native.c). */
struct host {
	bool avx;		/* AVX usable: CPUID and XCR0 */
	bool movbe;
	bool clflushopt;
	bool compat;		/* compatibility mode could be entered */
	bool ldt;		/* modify_ldt() works: segments with a base */
	bool rsp_any;		/* a return to user space takes any RSP */
	/*
	 * Where this CPU is not a faithful oracle (QEMU's TCG is not), or
	 * where CPUs differ; probed by native.c, each named in the header.
	 */
	bool ac;		/* RFLAGS.AC raises #AC */
	bool lock_ud;		/* an illegal LOCK raises #UD */
	bool seg_checks;	/* compatibility mode checks null selectors, limits */
	bool rmw_pf_w;		/* a read-modify-write's #PF has W set */
	bool clflush_pf;	/* CLFLUSH of a page not present raises #PF */
	bool ss_canonical;	/* a non-canonical stack reference is #SS, not #GP */
	bool movbe_66w;		/* MOVBE with 66 and REX.W is 64-bit */
	bool movsxd16_wide;	/* 66 63 reads 4 bytes (AMD), not 2 (Intel) */
	unsigned int ymm_off;	/* AVX state in the standard XSAVE format */
	u64 xcr0;
	u64 fs_base;
	u64 gs_base;		/* set by the harness in 64-bit mode */
	u16 ds, es;		/* the process's DS and ES selectors */
	char vendor[13];
};

extern struct host host;

/* The architectural state a case starts from and ends with. */
struct cpu_state {
	u64 gprs[EMU_NR_GPRS];
	u64 rip;
	u64 rflags;
	u8 vec[16][32];		/* YMM0-15 (XMM in the low 16 bytes) */
};

#define FL_CF	BIT(0)
#define FL_PF	BIT(2)
#define FL_AF	BIT(4)
#define FL_ZF	BIT(6)
#define FL_SF	BIT(7)
#define FL_TF	BIT(8)
#define FL_IF	BIT(9)
#define FL_DF	BIT(10)
#define FL_OF	BIT(11)
#define FL_RF	BIT(16)
#define FL_AC	BIT(18)
#define FL_ARITH	(FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)
/* What a case sets and compares (TF and RF are the harness's own). */
#define FL_CASE		(FL_ARITH | FL_DF | FL_AC)

/* How a run ended. */
struct outcome {
	struct cpu_state st;
	int vector;		/* -1: the instruction completed */
	bool has_error_code;
	u32 error_code;
	u64 cr2;
	int signo;		/* native: the signal that ended it */
	u16 cs;			/* native: CS when it ended */
	int result;		/* emulator: enum emu_result */
	int fail;		/* emulator: EMU_FAIL_* */
	u8 insn_len;		/* emulator: c->insn_len */
	u8 mov_reg;		/* emulator: c->mov_reg, mov_high, mov_extend */
	bool mov_high;
	u8 mov_extend;
};

/* A segment register as both sides see it (compatibility mode). */
struct seg_desc {
	u16 sel;
	u64 base;
	u32 limit;
	u32 ar;			/* EMU_AR_*, VMX layout */
};

/* Selectors that compatibility-mode cases load (native.c). */
enum {
	SEL_USER_DS,		/* Linux's __USER_DS: flat */
	SEL_NULL,		/* 0: unusable */
	SEL_LDT_FLAT,		/* LDT: flat, 4 GiB */
	SEL_LDT_BASED,		/* LDT: base below the arena, 4 GiB limit */
	SEL_LDT_SMALL,		/* LDT: base at the data, limit inside it */
	SEL_LDT_DOWN,		/* LDT: expand-down, bottom inside the data */
	SEL_LDT_16,		/* LDT: 16-bit, base below the arena, 64 KiB */
	NR_SELS,
};

extern struct seg_desc sels[NR_SELS];

struct form;

/* One instruction, the state it starts from, and what it expects. */
struct test_case {
	const struct form *form;
	bool compat;		/* compatibility mode, else 64-bit mode */
	unsigned long index;	/* the case's number within its form */
	u8 insn[EMU_INSN_MAX];
	unsigned int len;
	bool step;		/* native run single-steps (TF): REP strings */
	struct cpu_state in;
	struct seg_desc segs[EMU_NR_SEGS];
	u8 max_reads;		/* times a byte may be read: 2 for CMPS */
	u8 nmem;		/* memory operands: with one, a fault reads nothing */
	/* MOVS, CMPS: element and address size, the source's segment */
	u8 str_size, str_asize;
	s8 str_seg;
	bool str_write;		/* MOVS: the destination is written */
	bool regform;		/* ModRM names a register: no memory operand */
	/* The plain-move decode to check (struct emu_ctxt.mov_*), or -1. */
	int mov_reg;
	bool mov_high;
	u8 mov_extend;
	/* The harness's own view of the operands, for reports. */
	char note[96];
};

/* A form: one line of the report, generated by gen(). */
struct form {
	const char *name;
	bool (*gen)(struct test_case *tc, const struct form *f);
	unsigned int flags;
	u8 op[3];		/* opcode bytes (after any 0F escape) */
	u8 nop;
	u8 arg;			/* a form-specific parameter */
};

#define F_64ONLY	BIT(0)	/* no compatibility-mode variant */
#define F_AVX		BIT(1)	/* needs AVX */
#define F_MOVBE		BIT(2)
#define F_LOCK_UD	BIT(3)	/* needs #UD for an illegal LOCK */
#define F_CLFLUSH	BIT(4)	/* needs CLFLUSH to fault */

extern const struct form forms[];
extern const unsigned int nr_forms;

/* native.c */
int native_init(void);
void native_run(const struct test_case *tc, struct outcome *out);
void native_prepare_memory(void);
void native_set_current(const struct test_case *tc);

/* The exact address a VMX exit reports for a case's memory operand. */
struct exact_hint {
	u64 la;
	bool write;
};

/* check.c */
void emulate_case(const struct test_case *tc, struct outcome *out,
		  const struct exact_hint *exact);
bool exact_hint_of_last(struct exact_hint *h);
extern unsigned long quick_stores;	/* emu_quick_store() took the case */
extern unsigned long quick_loads;	/* emu_quick_load() took the case */
bool compare_case(const struct test_case *tc, const struct outcome *nat,
		  const struct outcome *emu, char *why, size_t len);
void report_case(FILE *f, const struct test_case *tc, const struct outcome *nat,
		 const struct outcome *emu, const char *why);
void print_insn(FILE *f, const struct test_case *tc);
extern unsigned long native_changed_on_fault;

/* rand.c-like helpers in gen.c */
void rng_seed(u64 seed);
u64 rng(void);
u64 rng_below(u64 n);
bool rng_chance(unsigned int one_in);
u64 rng_value(void);

bool string_ambiguous(const struct test_case *tc);

/* known.c */
const char *known_bug(const struct test_case *tc, const struct outcome *nat,
		      const struct outcome *emu, const char *why);
void known_list(FILE *f);

/* selftest.c */
int selftest_run(void);

extern int verbose;

#endif /* _EMUL_DIFF_H */
