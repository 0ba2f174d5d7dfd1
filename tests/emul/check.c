// SPDX-License-Identifier: GPL-2.0
/*
 * The emulator side of emul_diff: emu_emulate() on the case's state, its
 * memory ops answered by a fake device that owns a copy of the arena's
 * data and read-only pages, and the comparison with the native run.
 *
 * The device behaves as a VMM's would: the paging is the identity on the
 * data and read-only pages and #PF elsewhere (not present on the guard
 * pages, a protection fault for a write to the read-only page); some reads
 * and writes are handed on with EMU_EXIT and finished from the "VMM"
 * loop with emu_pending_access() and emu_complete_read(), and some calls
 * say EMU_AGAIN, so that the replay of accesses after an exit is tested
 * on every form.  It records every access that reaches it, so that the
 * comparison can check that each byte was read at most once and written
 * at most once, and read before it was written.
 */
#include <stdarg.h>
#include <string.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "emul_diff.h"

#define LOG_MAX		64

struct dev_access {
	u64 gpa;
	u8 size;
	bool write;
	u8 data[8];
};

static struct dev {
	const struct test_case *tc;
	u8 vec[16][32];		/* the emulator's vector registers */
	struct dev_access log[LOG_MAX];
	unsigned int nlog;
	unsigned int exit_rate;	/* an access is handed on 1 in N times */
	unsigned int again_rate;	/* a call says EMU_AGAIN 1 in N times */
	bool pending;		/* an op answered EMU_EXIT for this access */
	struct dev_access pend;
	unsigned int vec_writes;
	unsigned int calls;
	char err[256];		/* broken contract, seen from the ops */
	bool hint;
	bool hint_write;
	u64 hint_la;
} dev;

static void dev_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void dev_err(const char *fmt, ...)
{
	size_t used = strlen(dev.err);
	va_list ap;

	if (used > sizeof(dev.err) - 64)
		return;
	va_start(ap, fmt);
	vsnprintf(dev.err + used, sizeof(dev.err) - used, fmt, ap);
	va_end(ap);
	strncat(dev.err, "; ", sizeof(dev.err) - strlen(dev.err) - 1);
}

static u64 page_of(u64 a)
{
	return a & ~(ARENA_PAGE - 1);
}

static int fake_translate(struct emu_ctxt *c, u64 la, u32 acc, u64 *gpa)
{
	u64 lo = (uintptr_t)arena.lo, data = (uintptr_t)arena.data;
	u64 ro = (uintptr_t)arena.ro, hi = (uintptr_t)arena.hi;
	u64 end = (uintptr_t)arena.end;
	u32 err;

	if (dev.hint && page_of(la) == dev.hint_la &&
	    (!(acc & EMU_ACC_WRITE) || dev.hint_write))
		dev_err("translate() called for the hinted page %#llx",
			(unsigned long long)la);
	if (dev.again_rate && rng_chance(dev.again_rate))
		return EMU_AGAIN;
	/* The fake page tables: what Linux gives the harness process. */
	err = acc & (EMU_ACC_WRITE | EMU_ACC_USER | EMU_ACC_FETCH);
	if (la >= data && la < hi) {
		if (!(acc & EMU_ACC_WRITE) || la < ro) {
			*gpa = la;
			return EMU_OK;
		}
		err |= BIT(0);		/* P: present, but read-only */
	} else if (!(la >= lo && la < end)) {
		dev_err("translate() of %#llx, outside the arena",
			(unsigned long long)la);
	}
	c->exc.vector = 14;
	c->exc.has_error_code = true;
	c->exc.error_code = err;
	c->exc.cr2 = la;
	return EMU_FAULT;
}

static bool dev_range_ok(u64 gpa, unsigned int size, const char *op)
{
	u64 data = (uintptr_t)arena.data, hi = (uintptr_t)arena.hi;

	if (size < 1 || size > 8 || gpa < data || gpa + size > hi ||
	    page_of(gpa) != page_of(gpa + size - 1)) {
		dev_err("%s of %u bytes at %#llx", op, size, (unsigned long long)gpa);
		return false;
	}
	return true;
}

static u8 *dev_mem(u64 gpa)
{
	return arena.dev + (gpa - (uintptr_t)arena.data);
}

static void log_access(u64 gpa, unsigned int size, bool write, const void *data)
{
	struct dev_access *a;

	if (dev.nlog == LOG_MAX) {
		dev_err("more than %d accesses", LOG_MAX);
		return;
	}
	a = &dev.log[dev.nlog++];
	a->gpa = gpa;
	a->size = size;
	a->write = write;
	memcpy(a->data, data, size);
}

static int fake_read(struct emu_ctxt *c, u64 gpa, void *buf, unsigned int size)
{
	(void)c;
	if (dev.pending)
		dev_err("read() while an access is handed on");
	if (!dev_range_ok(gpa, size, "read")) {
		memset(buf, 0, min(size, 8U));
		return EMU_OK;
	}
	if (dev.again_rate && rng_chance(dev.again_rate))
		return EMU_AGAIN;
	if (dev.exit_rate && rng_chance(dev.exit_rate)) {
		dev.pending = true;
		dev.pend = (struct dev_access){ .gpa = gpa, .size = size };
		return EMU_EXIT;
	}
	memcpy(buf, dev_mem(gpa), size);
	log_access(gpa, size, false, buf);
	return EMU_OK;
}

static int fake_write(struct emu_ctxt *c, u64 gpa, const void *buf,
		      unsigned int size)
{
	(void)c;
	if (dev.pending)
		dev_err("write() while an access is handed on");
	if (!dev_range_ok(gpa, size, "write"))
		return EMU_OK;
	if (gpa >= (uintptr_t)arena.ro)
		dev_err("write() to the read-only page at %#llx",
			(unsigned long long)gpa);
	if (dev.again_rate && rng_chance(dev.again_rate))
		return EMU_AGAIN;
	if (dev.exit_rate && rng_chance(dev.exit_rate)) {
		/* Handed on: the "VMM" writes it when it sees the exit. */
		dev.pending = true;
		dev.pend = (struct dev_access){ .gpa = gpa, .size = size, .write = true };
		memcpy(dev.pend.data, buf, size);
		return EMU_EXIT;
	}
	memcpy(dev_mem(gpa), buf, size);
	log_access(gpa, size, true, buf);
	return EMU_OK;
}

static bool vec_ok(unsigned int reg, unsigned int size, const char *op)
{
	unsigned int nregs = dev.tc->compat ? 8 : 16;

	if (reg >= nregs || !size || size > (host.avx ? 32U : 16U)) {
		dev_err("%s(reg %u, size %u)", op, reg, size);
		return false;
	}
	return true;
}

static void fake_read_vec(struct emu_ctxt *c, unsigned int reg, void *buf,
			  unsigned int size)
{
	(void)c;
	if (vec_ok(reg, size, "read_vec"))
		memcpy(buf, dev.vec[reg], size);
	else
		memset(buf, 0, min(size, 32U));
}

static void fake_write_vec(struct emu_ctxt *c, unsigned int reg, const void *buf,
			   unsigned int size, bool vex)
{
	(void)c;
	dev.vec_writes++;
	if (!vec_ok(reg, size, "write_vec"))
		return;
	memcpy(dev.vec[reg], buf, size);
	if (vex)
		memset(dev.vec[reg] + size, 0, 32 - size);
}

static const struct emu_ops fake_ops = {
	.translate = fake_translate,
	.read = fake_read,
	.write = fake_write,
	.read_vec = fake_read_vec,
	.write_vec = fake_write_vec,
};

/*
 * The "VMM" side of an EMU_EXIT (or of EMU_OK with exit_pending): finish
 * the access handed on, which emu_pending_access() names: write the data
 * of a write, answer a read with emu_complete_read().
 */
/* Hand on the access the emulator left pending; @quick: emu_quick_load()'s. */
static void finish_exit_as(struct emu_ctxt *c, bool quick)
{
	const struct emu_access *pa = emu_pending_access(c);
	u8 data[8];

	if (!dev.pending) {
		dev_err("EMU_EXIT without an op answering EMU_EXIT");
		return;
	}
	dev.pending = false;
	if (!pa) {
		dev_err("an access went out and emu_pending_access() is NULL");
		return;
	}
	if (pa->gpa != dev.pend.gpa || pa->size != dev.pend.size ||
	    pa->write != dev.pend.write ||
	    (pa->write && memcmp(pa->data, dev.pend.data, pa->size))) {
		dev_err("emu_pending_access() is not the access handed on");
		return;
	}
	if (pa->write) {
		memcpy(dev_mem(pa->gpa), pa->data, pa->size);
		log_access(pa->gpa, pa->size, true, pa->data);
		return;
	}
	memcpy(data, dev_mem(pa->gpa), pa->size);
	log_access(pa->gpa, pa->size, false, data);
	if (quick ? emu_quick_load_complete(c, data) : emu_complete_read(c, data))
		dev_err("%s() refused the data",
			quick ? "emu_quick_load_complete" : "emu_complete_read");
}

static void finish_exit(struct emu_ctxt *c)
{
	finish_exit_as(c, false);
}

static void seg_in(struct emu_segment *s, const struct seg_desc *d)
{
	s->base = d->base;
	s->limit = d->limit;
	s->selector = d->sel;
	s->ar = d->ar;
}

bool exact_hint_of_last(struct exact_hint *h)
{
	u64 lo = ~0ULL, hi = 0;
	unsigned int i;

	if (!dev.nlog)
		return false;
	h->write = false;
	for (i = 0; i < dev.nlog; i++) {
		lo = min(lo, dev.log[i].gpa);
		hi = max(hi, dev.log[i].gpa + dev.log[i].size);
		h->write |= dev.log[i].write;
	}
	/* The identity paging: guest-physical is linear. */
	h->la = lo;
	return hi - lo <= 8 && page_of(lo) == page_of(hi - 1);
}

/*
 * Keep what the emulator decoded last while clearing the rest of @c, as a
 * backend's context lives on from one exit to the next.
 */
static void clear_keeping_decode(struct emu_ctxt *c)
{
	static struct emu_ctxt keep;

	keep = *c;
	memset(c, 0, sizeof(*c));
	c->dec_len = keep.dec_len;
	c->dec_key = keep.dec_key;
	memcpy(c->dec_insn, keep.dec_insn, sizeof(c->dec_insn));
	memcpy(c->insn_state, keep.insn_state, sizeof(c->insn_state));
}

unsigned long quick_stores, quick_loads;

void emulate_case(const struct test_case *tc, struct outcome *out,
		  const struct exact_hint *exact)
{
	static struct emu_ctxt c;
	unsigned int i;
	int r = EMU_AGAIN;

	memset(&dev, 0, sizeof(dev));
	dev.tc = tc;
	memcpy(dev.vec, tc->in.vec, sizeof(dev.vec));
	/* Half the cases straight, the others with exits and retries. */
	switch (rng_below(4)) {
	case 0:
		dev.exit_rate = 1;	/* every access goes out */
		break;
	case 1:
		dev.exit_rate = 3;
		dev.again_rate = 8;
		break;
	default:
		break;
	}

	if (exact)
		clear_keeping_decode(&c);
	else
		memset(&c, 0, sizeof(c));
	emu_reset(&c);
	c.ops = &fake_ops;
	c.priv = &dev;
	c.mode = tc->compat ? EMU_MODE_PROT : EMU_MODE_LONG;
	c.cpl = 3;
	/* As Linux runs user space: PE MP ET NE WP AM PG. */
	c.cr0 = 0x80050033;
	/* PAE PGE OSFXSR OSXMMEXCPT FSGSBASE OSXSAVE. */
	c.cr4 = BIT(5) | BIT(7) | BIT(9) | BIT(10) | BIT(16) | BIT(18);
	c.xcr0 = host.xcr0;
	memcpy(c.gprs, tc->in.gprs, sizeof(c.gprs));
	c.rip = tc->in.rip;
	c.rflags = tc->in.rflags | (tc->step ? FL_TF : 0);
	for (i = 0; i < EMU_NR_SEGS; i++)
		seg_in(&c.segs[i], &tc->segs[i]);
	/* The bytes at CS:RIP, as a backend fetches them: int3s follow. */
	memset(c.insn, 0xcc, sizeof(c.insn));
	memcpy(c.insn, tc->insn, tc->len);
	c.insn_avail = rng_chance(4) ? tc->len : EMU_INSN_MAX;
	if (exact) {
		/* The access the processor made, checked and exited for. */
		dev.hint = true;
		dev.hint_write = exact->write;
		dev.hint_la = page_of(exact->la);
		c.hint_valid = true;
		c.hint_exact = true;
		c.hint_write = exact->write;
		c.hint_la = exact->la;
		c.hint_gpa = exact->la;
	} else if (rng_chance(4)) {
		/* Sometimes the exit gave the translation of a data page. */
		dev.hint = true;
		dev.hint_write = rng_chance(2);
		dev.hint_la = (uintptr_t)arena.data + ARENA_PAGE * rng_below(DATA_PAGES);
		c.hint_valid = true;
		c.hint_write = dev.hint_write;
		c.hint_la = dev.hint_la;
		c.hint_gpa = dev.hint_la;
	}

	/*
	 * Half the stores with an exact hint go the short way a backend
	 * takes for them; the write is handed on, as from an exit.
	 */
	if (exact && exact->write && rng_chance(2)) {
		u64 val;
		unsigned int size = emu_quick_store(&c, &val);

		if (size) {
			dev.pending = true;
			dev.pend = (struct dev_access){
				.gpa = c.hint_gpa, .size = size, .write = true,
			};
			memcpy(dev.pend.data, &val, size);
			finish_exit(&c);
			quick_stores++;
			r = EMU_OK;
			goto done;
		}
	}
	/*
	 * Half the loads too; of those, half finished short and half by
	 * emu_emulate() from the log, as a backend may finish either way.
	 */
	if (exact && !exact->write && rng_chance(2)) {
		unsigned int size = emu_quick_load(&c);

		if (size) {
			bool quick = rng_chance(2);

			dev.pending = true;
			dev.pend = (struct dev_access){
				.gpa = c.hint_gpa, .size = size,
			};
			finish_exit_as(&c, quick);
			quick_loads++;
			if (quick) {
				r = EMU_OK;
				goto done;
			}
		}
	}
	for (i = 0; i < 1000; i++) {
		dev.calls++;
		r = emu_emulate(&c);
		if (r != EMU_OK && dev.vec_writes)
			dev_err("write_vec() before the instruction completed");
		if (r == EMU_EXIT)
			finish_exit(&c);
		else if (r != EMU_AGAIN)
			break;
		else if (dev.pending)
			dev_err("EMU_AGAIN after an op answered EMU_EXIT");
	}
	if (i == 1000)
		dev_err("emu_emulate() still not done after 1000 calls");
	/* The instruction completed with its last write still to hand on. */
	if (r == EMU_OK && c.exit_pending)
		finish_exit(&c);
	else if (dev.pending)
		dev_err("an op answered EMU_EXIT, and emu_emulate() %d without exit_pending", r);
done:
	/* What the backend's data breakpoints read: linear is physical here. */
	if (r == EMU_OK) {
		const struct emu_access *a;
		unsigned int n;

		a = emu_accesses(&c, &n);
		for (i = 0; i < n; i++)
			if (a[i].la != a[i].gpa)
				dev_err("access %u: linear %#llx for physical %#llx",
					i, (unsigned long long)a[i].la,
					(unsigned long long)a[i].gpa);
	}
	if (r == EMU_OK || r == EMU_FAULT) {
		u8 junk[8] = { 0 };

		if (emu_complete_read(&c, junk) != -EINVAL)
			dev_err("emu_complete_read() accepted data after the end");
		if (emu_quick_load_complete(&c, junk) != -EINVAL)
			dev_err("emu_quick_load_complete() accepted data after the end");
	}

	memset(out, 0, sizeof(*out));
	out->result = r;
	out->fail = c.fail;
	memcpy(out->st.gprs, c.gprs, sizeof(c.gprs));
	out->st.rip = c.rip;
	out->st.rflags = c.rflags;
	memcpy(out->st.vec, dev.vec, sizeof(dev.vec));
	out->vector = r == EMU_FAULT ? c.exc.vector : -1;
	out->has_error_code = c.exc.has_error_code;
	out->error_code = c.exc.error_code;
	out->cr2 = c.exc.cr2;
	out->insn_len = c.insn_len;
	out->mov_reg = c.mov_reg;
	out->mov_high = c.mov_high;
	out->mov_extend = c.mov_extend;
}

static const char *const result_name[] = {
	"EMU_OK", "EMU_EXIT", "EMU_FAULT", "EMU_AGAIN", "EMU_UNHANDLED",
};

static const char *const fail_name[] = {
	"none", "opcode", "fetch", "mode", "no memory", "replay", "too many",
};

static const char *const gpr_name[EMU_NR_GPRS] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};

static const char *vector_name(int v)
{
	static const char *const names[] = {
		"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF",
		"?", "#TS", "#NP", "#SS", "#GP", "#PF", "?", "#MF", "#AC",
		"#MC", "#XM",
	};

	if (v < 0)
		return "none";
	return v < (int)ARRAY_SIZE(names) ? names[v] : "?";
}

static void append(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void append(char *why, size_t len, const char *fmt, ...)
{
	size_t used = strlen(why);
	va_list ap;

	if (used + 8 >= len)
		return;
	if (used)
		strncat(why, ", ", len - used - 1);
	used = strlen(why);
	va_start(ap, fmt);
	vsnprintf(why + used, len - used, fmt, ap);
	va_end(ap);
}

/*
 * Each byte read at most once (CMPS: once per operand) and written at
 * most once, and read before it is written.
 */
static void check_log(const struct test_case *tc, char *why, size_t len)
{
	static s16 rd[ARENA_MEM_SIZE], wr[ARENA_MEM_SIZE];
	static u8 reads[ARENA_MEM_SIZE];
	unsigned int i, j;
	u64 data = (uintptr_t)arena.data;
	bool once = true, order = true;

	for (i = 0; i < dev.nlog; i++) {
		const struct dev_access *a = &dev.log[i];

		for (j = 0; j < a->size; j++) {
			u64 off = a->gpa + j - data;

			if (a->write) {
				once &= wr[off] == 0;
				wr[off] = i + 1;
				order &= rd[off] == 0 || rd[off] < (s16)(i + 1);
			} else {
				once &= reads[off] < tc->max_reads;
				order &= wr[off] == 0;
				rd[off] = i + 1;
				reads[off]++;
			}
		}
	}
	for (i = 0; i < dev.nlog; i++)
		for (j = 0; j < dev.log[i].size; j++) {
			u64 off = dev.log[i].gpa + j - data;

			rd[off] = 0;
			wr[off] = 0;
			reads[off] = 0;
		}
	if (!once)
		append(why, len, "device: a byte accessed twice in one direction");
	if (!order)
		append(why, len, "device: a byte read after it was written");
}

unsigned long native_changed_on_fault;

/* Two states the same, as far as a case compares them. */
static bool same_state(const struct test_case *tc, const struct cpu_state *a,
		       const struct cpu_state *b, const u8 *mem_a, const u8 *mem_b)
{
	unsigned int i, n = tc->compat ? 8 : 16, vbytes = host.avx ? 32 : 16;
	u64 gmask = tc->compat ? 0xffffffff : ~0ULL;

	for (i = 0; i < n; i++)
		if (((a->gprs[i] ^ b->gprs[i]) & gmask) ||
		    memcmp(a->vec[i], b->vec[i], vbytes))
			return false;
	return !((a->rip ^ b->rip) & gmask) &&
	       !((a->rflags ^ b->rflags) & FL_CASE) &&
	       !memcmp(mem_a, mem_b, ARENA_MEM_SIZE);
}

bool compare_case(const struct test_case *tc, const struct outcome *nat,
		  const struct outcome *emu, char *why, size_t len)
{
	unsigned int i, ngprs = tc->compat ? 8 : 16, vbytes = host.avx ? 32 : 16;
	u64 gmask = tc->compat ? 0xffffffff : ~0ULL;
	const struct cpu_state *ref;
	const u8 *mem;

	why[0] = 0;
	if (dev.err[0])
		append(why, len, "contract: %s", dev.err);
	/*
	 * LOCK with a register destination is #UD on the CPU; the emulator
	 * is only ever asked about instructions with a memory operand, and
	 * may say so (EMU_FAIL_NO_MEMORY) instead of raising #UD.
	 */
	if (tc->regform && nat->vector == 6 && emu->result == EMU_UNHANDLED &&
	    emu->fail == EMU_FAIL_NO_MEMORY && !dev.err[0])
		return true;
	if (emu->result != EMU_OK && emu->result != EMU_FAULT) {
		append(why, len, "emulator: %s (%s)",
		       result_name[emu->result < 5 ? emu->result : 0],
		       emu->fail < 7 ? fail_name[emu->fail] : "?");
		return false;
	}
	if (nat->vector != emu->vector) {
		append(why, len, "exception: native %s, emulator %s",
		       vector_name(nat->vector), vector_name(emu->vector));
		return false;
	}
	/*
	 * A CPU that reports a read-modify-write's #PF as a read also finds
	 * a not-present page before a read-only one: only the vector counts.
	 */
	if (nat->vector == 14 && !host.rmw_pf_w &&
	    !(nat->error_code & EMU_ACC_WRITE) && (emu->error_code & EMU_ACC_WRITE))
		return !dev.err[0] && !dev.nlog;
	if (nat->vector >= 0) {
		if (nat->has_error_code != emu->has_error_code ||
		    nat->error_code != emu->error_code)
			append(why, len, "error code: native %#x, emulator %s%#x",
			       nat->error_code, emu->has_error_code ? "" : "none ",
			       emu->error_code);
		if (nat->vector == 14 && nat->cr2 != emu->cr2)
			append(why, len, "cr2: native %#llx, emulator %#llx",
			       (unsigned long long)nat->cr2,
			       (unsigned long long)emu->cr2);
		/*
		 * Nothing is written before a fault; with one memory operand
		 * nothing is read either (every page is translated first).
		 * With two, the CPU reads one before it finds the other's fault.
		 */
		for (i = 0; i < dev.nlog; i++)
			if (dev.log[i].write)
				break;
		if (i < dev.nlog)
			append(why, len, "device: a write before the fault");
		else if (dev.nlog && tc->nmem == 1)
			append(why, len, "device: a read before the fault");
	}
	/*
	 * After a fault nothing has changed, architecturally: that is the
	 * reference for the emulator, whatever the CPU left (QEMU's TCG
	 * changes CF before a faulting RCL's store, and writes half of a
	 * split 16-byte store).
	 */
	ref = nat->vector >= 0 ? &tc->in : &nat->st;
	mem = nat->vector >= 0 ? arena.before : arena.data;
	if (nat->vector >= 0 && !same_state(tc, &tc->in, &nat->st, arena.before,
					    arena.data))
		native_changed_on_fault++;
	for (i = 0; i < ngprs; i++)
		if ((ref->gprs[i] ^ emu->st.gprs[i]) & gmask)
			append(why, len, "%s", gpr_name[i]);
	if ((ref->rip ^ emu->st.rip) & gmask)
		append(why, len, "rip");
	if ((ref->rflags ^ emu->st.rflags) & FL_CASE)
		append(why, len, "rflags (expected %#llx, emulator %#llx)",
		       (unsigned long long)(ref->rflags & FL_CASE),
		       (unsigned long long)(emu->st.rflags & FL_CASE));
	for (i = 0; i < (tc->compat ? 8U : 16U); i++)
		if (memcmp(ref->vec[i], emu->st.vec[i], vbytes))
			append(why, len, "ymm%u", i);
	if (memcmp(mem, arena.dev, ARENA_MEM_SIZE))
		append(why, len, "memory");
	check_log(tc, why, len);
	if (emu->result == EMU_OK) {
		if (emu->insn_len != tc->len)
			append(why, len, "insn_len %u (is %u)", emu->insn_len, tc->len);
		if (emu->mov_reg != tc->mov_reg ||
		    (tc->mov_reg != EMU_NO_REG && emu->mov_high != tc->mov_high))
			append(why, len, "mov_reg %u%s (expected %u%s)", emu->mov_reg,
			       emu->mov_high ? "h" : "", tc->mov_reg,
			       tc->mov_high ? "h" : "");
		else if (tc->mov_reg != EMU_NO_REG && tc->mov_extend != 0xff &&
			 emu->mov_extend != tc->mov_extend)
			append(why, len, "mov_extend %u (expected %u)",
			       emu->mov_extend, tc->mov_extend);
	}
	return why[0] == 0;
}

void print_insn(FILE *f, const struct test_case *tc)
{
	unsigned int i;

	for (i = 0; i < tc->len; i++)
		fprintf(f, "%s%02x", i ? " " : "", tc->insn[i]);
}

static void print_state(FILE *f, const char *who, const struct cpu_state *s,
			const struct cpu_state *ref, bool compat)
{
	unsigned int i, n = compat ? 8 : 16;

	fprintf(f, "  %s:", who);
	for (i = 0; i < n; i++) {
		if (ref && s->gprs[i] == ref->gprs[i])
			continue;
		fprintf(f, " %s=%#llx", gpr_name[i], (unsigned long long)s->gprs[i]);
	}
	fprintf(f, " rip=%#llx rflags=%#llx\n", (unsigned long long)s->rip,
		(unsigned long long)s->rflags);
}

static void print_vec(FILE *f, const char *who, const u8 *v, unsigned int n)
{
	unsigned int i;

	fprintf(f, "    %s ", who);
	for (i = n; i-- > 0;)
		fprintf(f, "%02x%s", v[i], i && !(i % 8) ? "_" : "");
	fprintf(f, "\n");
}

void report_case(FILE *f, const struct test_case *tc, const struct outcome *nat,
		 const struct outcome *emu, const char *why)
{
	unsigned int i, shown = 0, vbytes = host.avx ? 32 : 16;

	fprintf(f, "  insn: ");
	print_insn(f, tc);
	fprintf(f, " (%u bytes), %s mode%s; %s\n", tc->len,
		tc->compat ? "compatibility" : "64-bit",
		tc->step ? ", single-stepped" : "", tc->note);
	fprintf(f, "  why: %s\n", why);
	print_state(f, "in", &tc->in, NULL, tc->compat);
	if (tc->compat) {
		static const char *const sn[] = { "es", "cs", "ss", "ds", "fs", "gs" };

		fprintf(f, "  segs:");
		for (i = 0; i < EMU_NR_SEGS; i++)
			fprintf(f, " %s=%#x(base %#llx limit %#x ar %#x)", sn[i],
				tc->segs[i].sel, (unsigned long long)tc->segs[i].base,
				tc->segs[i].limit, tc->segs[i].ar);
		fprintf(f, "\n");
	}
	fprintf(f, "  native: %s", vector_name(nat->vector));
	if (nat->vector >= 0)
		fprintf(f, " error %#x cr2 %#llx (signal %d)", nat->error_code,
			(unsigned long long)nat->cr2, nat->signo);
	fprintf(f, "\n  emulator: %s (%d) fail %d vector %s error %s%#x cr2 %#llx",
		result_name[emu->result < 5 ? emu->result : 0], emu->result,
		emu->fail, vector_name(emu->vector),
		emu->has_error_code ? "" : "(none) ", emu->error_code,
		(unsigned long long)emu->cr2);
	fprintf(f, " insn_len %u mov_reg %u%s ext %u\n", emu->insn_len,
		emu->mov_reg, emu->mov_high ? "h" : "", emu->mov_extend);
	print_state(f, "native (changed)", &nat->st, &tc->in, tc->compat);
	print_state(f, "emulator (changed)", &emu->st, &tc->in, tc->compat);
	for (i = 0; i < (tc->compat ? 8U : 16U); i++) {
		if (!memcmp(nat->st.vec[i], emu->st.vec[i], vbytes))
			continue;
		fprintf(f, "  ymm%u:\n", i);
		print_vec(f, "in      ", tc->in.vec[i], vbytes);
		print_vec(f, "native  ", nat->st.vec[i], vbytes);
		print_vec(f, "emulator", emu->st.vec[i], vbytes);
	}
	for (i = 0; i < ARENA_MEM_SIZE && shown < 40; i++) {
		if (arena.data[i] == arena.dev[i])
			continue;
		if (!shown++)
			fprintf(f, "  memory (address: before native emulator):\n");
		fprintf(f, "    %#llx: %02x %02x %02x\n",
			(unsigned long long)(uintptr_t)(arena.data + i),
			arena.before[i], arena.data[i], arena.dev[i]);
	}
	if (dev.nlog)
		fprintf(f, "  device accesses (after %u calls):\n", dev.calls);
	for (i = 0; i < dev.nlog; i++) {
		unsigned int j;

		fprintf(f, "    %s %#llx %u:", dev.log[i].write ? "write" : "read ",
			(unsigned long long)dev.log[i].gpa, dev.log[i].size);
		for (j = 0; j < dev.log[i].size; j++)
			fprintf(f, " %02x", dev.log[i].data[j]);
		fprintf(f, "\n");
	}
}
