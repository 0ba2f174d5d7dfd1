// SPDX-License-Identifier: GPL-2.0
/*
 * The emulator's entry points (include/axvcpu/emul.h): decode, execute,
 * and let the registers change only when the instruction completes, so that
 * an instruction stopped by an access handed to the VMM, by guest memory
 * not in yet or by an exception leaves the guest's registers as they
 * were.  Run again, it makes the same accesses in the same order, and
 * access.c answers those already made from the log.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "emul_internal.h"

#define EMU_FL_RF	BIT(16)

static_assert(sizeof(struct emu_insn) <=
	      sizeof(((struct emu_ctxt *)NULL)->insn_state));

void emu_reset(struct emu_ctxt *c)
{
	c->naccess = 0;
	c->decoded = false;
	c->next = 0;
	c->handed_on = 0;
	c->vec_pending = false;
	c->quick_load = false;
	c->fail = EMU_FAIL_NONE;
	c->fail_gpa = 0;
	c->insn_len = 0;
}

/* The next instruction's RIP: IP wraps at 64 KiB in 16-bit code. */
static __always_inline u64 emu_next_rip(struct emu_ctxt *c, unsigned int len)
{
	u64 next = c->rip + len;

	if (c->mode == EMU_MODE_LONG)
		return next;
	if (c->mode == EMU_MODE_PROT && (emu_seg(c, EMU_CS)->ar & EMU_AR_DB))
		return (u32)next;
	return (u16)next;
}

/*
 * The start of every call: the instruction decoded, once.  Inline in each
 * entry point, the short ways' above all.
 */
static __always_inline int emu_prepare(struct emu_ctxt *c,
				       struct emu_insn *in)
{
	int ret;

	c->regs = c->reg_file ?: c->gprs;
	c->next = 0;
	c->handed_on = 0;
	c->vec_pending = false;
	c->exit_pending = false;
	c->quick_load = false;
	if (c->mode == EMU_MODE_VM86)
		return emu_unhandled(c, EMU_FAIL_MODE);
	if (!c->decoded) {
		ret = emu_decode(c, in);
		if (ret)
			return ret;
		c->decoded = true;
		c->one_operand = in->has_mem && in->op != EMU_OP_PUSH &&
				 in->op != EMU_OP_POP;
	}
	return EMU_OK;
}

/*
 * The instruction, decoded, may be done the short way: nothing made yet,
 * its one memory operand perhaps the exit's exact access, for a @write or
 * a read as the exit was.
 */
static __always_inline bool emu_quick_begin(struct emu_ctxt *c,
					    struct emu_insn *in, bool write)
{
	return !c->naccess && c->hint_exact && c->hint_write == write &&
	       !emu_prepare(c, in) && c->one_operand;
}

/* The instruction completed: the next one's RIP, and RF cleared (18.3.1.1). */
static __always_inline void emu_retire(struct emu_ctxt *c,
				       const struct emu_insn *in)
{
	c->rip = emu_next_rip(c, in->len);
	c->rflags &= ~(u64)EMU_FL_RF;
}

/* A general register, or rAX as the moffs forms name it. */
static bool emu_quick_reg(const struct emu_operand *op)
{
	return op->kind == EMU_K_G || op->kind == EMU_K_ACC;
}

static bool emu_quick_mem(const struct emu_operand *op)
{
	return op->kind == EMU_K_E || op->kind == EMU_K_MOFFS;
}

/*
 * The linear address of a plain move's memory operand, as emu_access()
 * computes it for the exact access of the exit, whose checks the
 * processor made (see emu_quick_fits()).
 */
static __always_inline u64 emu_quick_la(struct emu_ctxt *c,
					const struct emu_insn *in)
{
	u64 la = in->ea0;

	if (c->mode != EMU_MODE_LONG)
		la = (u32)(emu_seg(c, in->seg)->base + la);
	else if (in->seg >= EMU_FS)
		la += emu_seg(c, in->seg)->base;
	return la;
}

/* It is the exit's access, in one page. */
static __always_inline bool emu_quick_fits(const struct emu_ctxt *c, u64 la,
					   unsigned int size)
{
	return la == c->hint_la && (la & 0xfff) + size <= 0x1000;
}

/* Log the access as emu_access_once() logs one handed on. */
static __always_inline struct emu_access *
emu_quick_log(struct emu_ctxt *c, u64 la, unsigned int size, bool write)
{
	struct emu_access *a = &c->access[0];

	a->gpa = c->hint_gpa;
	a->la = la;
	a->size = size;
	a->write = write;
	a->done = write;
	c->naccess = 1;
	c->next = write;
	c->handed_on = 1;
	return a;
}

int emu_quick_store(struct emu_ctxt *c, u64 *val)
{
	struct emu_insn *in = (struct emu_insn *)c->insn_state;
	const struct emu_operand *s = &in->src;
	unsigned int size;
	u64 la;

	if (!emu_quick_begin(c, in, true))
		return 0;
	size = in->dst.size;
	if (in->op != EMU_OP_MOV || !emu_quick_mem(&in->dst) ||
	    (!emu_quick_reg(s) && s->kind != EMU_K_I))
		return 0;
	la = emu_quick_la(c, in);
	if (!emu_quick_fits(c, la, size))
		return 0;
	/* As emu_exec_mov() and emu_access() make it, and log it. */
	*val = s->kind == EMU_K_I ? in->imm & emu_addr_mask(size) :
	       emu_get_reg(c, s->reg, s->high, size);
	memcpy(emu_quick_log(c, la, size, true)->data, val, sizeof(*val));
	c->exit_pending = true;
	emu_retire(c, in);
	return size;
}

int emu_quick_load(struct emu_ctxt *c)
{
	struct emu_insn *in = (struct emu_insn *)c->insn_state;
	unsigned int size;
	u64 la;

	if (!emu_quick_begin(c, in, false))
		return 0;
	size = in->src.size;
	if ((in->op != EMU_OP_MOV && in->op != EMU_OP_MOVZX &&
	     in->op != EMU_OP_MOVSX) ||
	    !emu_quick_reg(&in->dst) || !emu_quick_mem(&in->src))
		return 0;
	la = emu_quick_la(c, in);
	if (!emu_quick_fits(c, la, size))
		return 0;
	/* The read handed on, as emu_emulate() leaves it after EMU_EXIT. */
	memset(emu_quick_log(c, la, size, false)->data, 0, sizeof(u64));
	c->quick_load = true;
	return size;
}

int emu_quick_load_complete(struct emu_ctxt *c, const void *data)
{
	struct emu_insn *in = (struct emu_insn *)c->insn_state;
	const struct emu_operand *d = &in->dst;
	struct emu_access *a = &c->access[0];
	u64 val;

	if (!c->quick_load)
		return -EINVAL;
	c->quick_load = false;
	/* The read done, for emu_accesses(), as emu_complete_read() does. */
	emu_copy_data(a->data, data, in->src.size);
	a->done = true;
	/* As emu_exec_mov() completes the load; zero above the size. */
	memcpy(&val, a->data, sizeof(val));
	if (in->op == EMU_OP_MOVSX)
		val = sign_extend64(val, 8 * in->src.size - 1);
	c->regs = c->reg_file ?: c->gprs;
	emu_set_reg(c, d->reg, d->high, d->size, val);
	c->next = 1;
	c->handed_on = 0;
	emu_retire(c, in);
	return 0;
}

int emu_emulate(struct emu_ctxt *c)
{
	struct emu_insn *in = (struct emu_insn *)c->insn_state;
	u64 rflags = c->rflags;
	int ret;

	ret = emu_prepare(c, in);
	if (ret)
		return ret;
	in->ea = in->ea0;
	in->repeat = false;
	/* The routines write registers only after their last access. */
	ret = emu_execute(c, in);
	if (ret) {
		c->rflags = rflags;
		c->vec_pending = false;
		return ret;
	}
	if (!in->repeat)
		c->rip = emu_next_rip(c, in->len);
	/* RF is cleared once an instruction completes (Vol. 3, 18.3.1.1). */
	c->rflags &= ~(u64)EMU_FL_RF;
	if (c->vec_pending) {
		c->ops->write_vec(c, c->vec_reg, c->vec_data, c->vec_size,
				  c->vec_vex);
		c->vec_pending = false;
	}
	return EMU_OK;
}

int emu_complete_read(struct emu_ctxt *c, const void *data)
{
	struct emu_access *a;

	if (!c->naccess)
		return -EINVAL;
	a = &c->access[c->naccess - 1];
	if (a->done || a->write)
		return -EINVAL;
	emu_copy_data(a->data, data, a->size);
	a->done = true;
	return 0;
}

const struct emu_access *emu_accesses(const struct emu_ctxt *c,
				      unsigned int *n)
{
	*n = c->naccess;
	return c->access;
}

const struct emu_access *emu_pending_access(const struct emu_ctxt *c)
{
	return c->handed_on ? &c->access[c->handed_on - 1] : NULL;
}
