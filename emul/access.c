// SPDX-License-Identifier: GPL-2.0
/*
 * Memory operands: from segment and offset to a linear address (SDM
 * Vol. 3, 3.4 and 5.3: limits and types; Vol. 1, 3.3.7.1: canonical
 * addresses in 64-bit mode), the alignment check (Vol. 3, 6.15, #AC),
 * the guest's paging (the backend's translate op), and the accesses
 * themselves, split at page boundaries and into pieces of at most 8
 * bytes, each made once however many times the instruction is run
 * again (the log in struct emu_ctxt).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "emul_internal.h"

#define EMU_PAGE_SIZE	4096ULL
#define EMU_PAGE_MASK	(~(EMU_PAGE_SIZE - 1))
#define EMU_CR4_LA57	BIT(12)

int emu_fault(struct emu_ctxt *c, u8 vector, bool has_error, u32 error)
{
	c->exc.vector = vector;
	/* Real mode pushes no error code (Vol. 3, 20.1.4). */
	c->exc.has_error_code = has_error && c->mode != EMU_MODE_REAL;
	c->exc.error_code = error;
	c->exc.cr2 = 0;
	return EMU_FAULT;
}

int emu_unhandled(struct emu_ctxt *c, u8 why)
{
	c->fail = why;
	return EMU_UNHANDLED;
}

/* Bits 63:47 (63:56 with 5-level paging) all equal (Vol. 1, 3.3.7.1). */
static bool emu_canonical(const struct emu_ctxt *c, u64 la)
{
	unsigned int bits = (c->cr4 & EMU_CR4_LA57) ? 57 : 48;

	return sign_extend64(la, bits - 1) == la;
}

/*
 * Segment checks outside 64-bit mode: usable, the right type, within the
 * limit (Vol. 3, 5.3 and 5.4).  A fault on SS is #SS(0), on the others
 * #GP(0).
 */
static int emu_segment_check(struct emu_ctxt *c, unsigned int seg, u64 offset,
			     unsigned int size, bool write)
{
	const struct emu_segment *s = emu_seg(c, seg);
	u8 vec = seg == EMU_SS ? EMU_VEC_SS : EMU_VEC_GP;
	u64 last = offset + size - 1, top;

	if (c->mode == EMU_MODE_PROT) {
		if (s->ar & EMU_AR_UNUSABLE)
			return emu_fault(c, vec, true, 0);
		if (s->ar & EMU_AR_TYPE_CODE) {
			/* Code: never writable; readable only with R. */
			if (write || !(s->ar & EMU_AR_TYPE_W))
				return emu_fault(c, vec, true, 0);
		} else if (write && !(s->ar & EMU_AR_TYPE_W)) {
			return emu_fault(c, vec, true, 0);
		}
	}
	if (!(s->ar & EMU_AR_TYPE_CODE) && (s->ar & EMU_AR_TYPE_E) &&
	    c->mode == EMU_MODE_PROT) {
		/* Expand-down: from limit + 1 to 64 KiB or 4 GiB - 1. */
		top = (s->ar & EMU_AR_DB) ? 0xffffffffULL : 0xffffULL;
		if (offset <= s->limit || last > top)
			return emu_fault(c, vec, true, 0);
	} else if (last > s->limit) {
		return emu_fault(c, vec, true, 0);
	}
	return EMU_OK;
}

/* The linear address of @seg:@offset, with every check but paging. */
static int emu_linear(struct emu_ctxt *c, unsigned int seg, u64 offset,
		      unsigned int size, bool write, u64 *la)
{
	int ret;

	if (c->mode == EMU_MODE_LONG) {
		/* Only FS and GS have a base; no limits (3.2.4). */
		*la = offset + (seg >= EMU_FS ? emu_seg(c, seg)->base : 0);
		if (!emu_canonical(c, *la) || !emu_canonical(c, *la + size - 1))
			return emu_fault(c, seg == EMU_SS ? EMU_VEC_SS :
					 EMU_VEC_GP, true, 0);
		return EMU_OK;
	}
	ret = emu_segment_check(c, seg, offset, size, write);
	if (ret)
		return ret;
	*la = (u32)(emu_seg(c, seg)->base + offset);
	return EMU_OK;
}

static int emu_translate(struct emu_ctxt *c, u64 la, bool write, u64 *gpa)
{
	u32 acc = (write ? EMU_ACC_WRITE : 0) |
		  (c->cpl == 3 ? EMU_ACC_USER : 0);

	if (c->hint_valid && !((la ^ c->hint_la) & EMU_PAGE_MASK) &&
	    (!write || c->hint_write)) {
		*gpa = (c->hint_gpa & EMU_PAGE_MASK) | (la & ~EMU_PAGE_MASK);
		return EMU_OK;
	}
	return c->ops->translate(c, la, acc, gpa);
}

/*
 * One access of at most 8 bytes in a page, made through the ops the
 * first time and answered from the log when the instruction runs again.
 */
static int emu_access_once(struct emu_ctxt *c, u64 gpa, u64 la, void *buf,
			   unsigned int size, bool write)
{
	struct emu_access *a;
	int ret;

	if (c->next < c->naccess) {
		a = &c->access[c->next];
		if (a->gpa != gpa || a->size != size || a->write != write) {
			c->fail_gpa = gpa;
			return emu_unhandled(c, EMU_FAIL_REPLAY);
		}
		/* A read still waiting for its data: hand it on again. */
		if (!a->done) {
			c->handed_on = c->next + 1;
			return EMU_EXIT;
		}
		if (!write)
			emu_copy_data(buf, a->data, size);
		c->next++;
		return EMU_OK;
	}
	/* After a write went to the VMM, the next access waits for the next run. */
	if (c->exit_pending)
		return EMU_EXIT;
	if (c->naccess == EMU_MAX_ACCESSES) {
		c->fail_gpa = gpa;
		return emu_unhandled(c, EMU_FAIL_TOO_MANY);
	}
	a = &c->access[c->naccess];
	a->gpa = gpa;
	a->la = la;
	a->size = size;
	a->write = write;
	a->done = false;
	if (write) {
		emu_copy_data(a->data, buf, size);
		ret = c->ops->write(c, gpa, buf, size);
	} else {
		memset(a->data, 0, sizeof(a->data));
		ret = c->ops->read(c, gpa, a->data, size);
	}
	if (ret != EMU_OK && ret != EMU_EXIT)
		return ret;
	c->naccess++;
	if (ret == EMU_EXIT)
		c->handed_on = c->naccess;
	/*
	 * A write handed on is done, and the instruction goes on as long as
	 * it needs no other access; a read handed on waits for its data.
	 */
	if (ret == EMU_EXIT && !write)
		return EMU_EXIT;
	if (ret == EMU_EXIT)
		c->exit_pending = true;
	a->done = true;
	c->next++;
	if (!write)
		emu_copy_data(buf, a->data, size);
	return EMU_OK;
}

/*
 * Check and translate @size bytes at @seg:@offset; with @buf, make the
 * access.  Every page is translated before the first access, so that a
 * fault on the second page of a write leaves the first untouched, as on
 * the CPU.
 */
static int emu_access(struct emu_ctxt *c, unsigned int seg, u64 offset,
		      void *buf, unsigned int size, unsigned int align,
		      bool write, bool check_write)
{
	unsigned int first, done, piece, part;
	u64 la, la2 = 0, gpa[2];
	int ret;

	/*
	 * The access the processor made and checked itself, before the exit
	 * (one memory operand, so it is this one): its checks passed.
	 */
	if (c->hint_exact && c->one_operand && (!check_write || c->hint_write)) {
		la = offset;
		if (c->mode != EMU_MODE_LONG)
			la = (u32)(emu_seg(c, seg)->base + offset);
		else if (seg >= EMU_FS)
			la += emu_seg(c, seg)->base;
		if (la == c->hint_la &&
		    (la & ~EMU_PAGE_MASK) + size <= EMU_PAGE_SIZE) {
			/* Most often one piece: a MOV, a TEST, an OR. */
			if (buf && size <= 8)
				return emu_access_once(c, c->hint_gpa, la, buf,
						       size, write);
			gpa[0] = c->hint_gpa;
			first = size;
			goto access;
		}
	}
	ret = emu_linear(c, seg, offset, size, check_write, &la);
	if (ret)
		return ret;
	/* #AC(0) at CPL 3 with CR0.AM and RFLAGS.AC (Vol. 3, 6.15). */
	if (align > 1 && (la & (align - 1)) && c->cpl == 3 &&
	    (c->cr0 & EMU_CR0_AM) && (c->rflags & EMU_FL_AC))
		return emu_fault(c, EMU_VEC_AC, true, 0);

	first = min_t(u64, size, EMU_PAGE_SIZE - (la & ~EMU_PAGE_MASK));
	ret = emu_translate(c, la, check_write, &gpa[0]);
	if (ret)
		return ret;
	if (first < size) {
		la2 = la + first;
		if (c->mode != EMU_MODE_LONG)
			la2 = (u32)la2;
		ret = emu_translate(c, la2, check_write, &gpa[1]);
		if (ret)
			return ret;
	}
access:
	if (!buf)
		return EMU_OK;

	for (done = 0; done < size; done += piece) {
		unsigned int page = done < first ? 0 : 1;
		u64 base = page ? gpa[1] + (done - first) : gpa[0] + done;
		u64 at = page ? la2 + (done - first) : la + done;

		part = page ? size - done : first - done;
		piece = min(part, 8U);
		ret = emu_access_once(c, base, at, buf + done, piece, write);
		if (ret)
			return ret;
	}
	return EMU_OK;
}

int emu_read(struct emu_ctxt *c, unsigned int seg, u64 offset, void *buf,
	     unsigned int size, unsigned int align)
{
	return emu_access(c, seg, offset, buf, size, align, false, false);
}

int emu_read_rmw(struct emu_ctxt *c, unsigned int seg, u64 offset, void *buf,
		 unsigned int size, unsigned int align)
{
	return emu_access(c, seg, offset, buf, size, align, false, true);
}

int emu_write(struct emu_ctxt *c, unsigned int seg, u64 offset,
	      const void *buf, unsigned int size, unsigned int align)
{
	return emu_access(c, seg, offset, (void *)buf, size, align, true,
			  true);
}

int emu_check_address(struct emu_ctxt *c, unsigned int seg, u64 offset,
		      unsigned int size, unsigned int align, bool write)
{
	return emu_access(c, seg, offset, NULL, size, align, write, write);
}
