// SPDX-License-Identifier: GPL-2.0
/*
 * 16- and 32-byte moves between vector registers and memory (MOVDQU,
 * MOVDQA, MOVUPS, MOVAPS, MOVNTDQ, MOVNTPS, their VEX forms), and the 4-
 * and 8-byte ones (MOVD, MOVQ, MOVSS, MOVSD).  The checks come first,
 * in the SDM's order for SSE and AVX instructions (Vol. 2, 2.4 and 2.8,
 * exception classes 1 and 4): #UD when the state is not enabled, #NM
 * when CR0.TS is set, then #GP for an aligned form on a misaligned
 * address.  A load's register is written only when the instruction
 * completes (emulate.c).
 */
#include <linux/kernel.h>
#include <linux/string.h>

#include "emul_internal.h"

static int emu_vector_checks(struct emu_ctxt *c, const struct emu_insn *in)
{
	if (in->vex) {
		if (!(c->cr4 & EMU_CR4_OSXSAVE) ||
		    (c->xcr0 & (EMU_XCR0_SSE | EMU_XCR0_YMM)) !=
		    (EMU_XCR0_SSE | EMU_XCR0_YMM))
			return emu_fault(c, EMU_VEC_UD, false, 0);
	} else if ((c->cr0 & EMU_CR0_EM) || !(c->cr4 & EMU_CR4_OSFXSR)) {
		return emu_fault(c, EMU_VEC_UD, false, 0);
	}
	if (c->cr0 & EMU_CR0_TS)
		return emu_fault(c, EMU_VEC_NM, false, 0);
	return EMU_OK;
}

int emu_exec_vector(struct emu_ctxt *c, struct emu_insn *in)
{
	bool load = in->op == EMU_OP_VLOAD || in->op == EMU_OP_MOVD_LOAD;
	const struct emu_operand *v = load ? &in->dst : &in->src;
	unsigned int size = load ? in->src.size : in->dst.size, align;
	u8 buf[32];
	int ret;

	/* The registers are not at hand: the backend runs it elsewhere. */
	if (!c->ops->read_vec || !c->ops->write_vec)
		return EMU_AGAIN;
	ret = emu_vector_checks(c, in);
	if (ret)
		return ret;
	if (in->opc.flags & EMU_F_ALIGN) {
		u64 la = in->ea;

		if (c->mode != EMU_MODE_LONG || in->seg >= EMU_FS)
			la += emu_seg(c, in->seg)->base;
		if (la & (size - 1))
			return emu_fault(c, EMU_VEC_GP, true, 0);
	}
	/*
	 * #AC applies to the 4- and 8-byte moves; for the 16- and 32-byte
	 * ones the SDM leaves it to the implementation, and Intel's raise
	 * none (those that must be aligned raise #GP instead).
	 */
	align = size <= 8 ? size : 1;
	if (!load) {
		c->ops->read_vec(c, v->reg, buf, size);
		return emu_write(c, in->seg, in->ea, buf, size, align);
	}
	memset(buf, 0, sizeof(buf));
	ret = emu_read(c, in->seg, in->ea, buf, size, align);
	if (ret)
		return ret;
	c->vec_pending = true;
	c->vec_reg = v->reg;
	/* MOVD, MOVQ, MOVSS, MOVSD loads clear the rest of the XMM register. */
	c->vec_size = in->op == EMU_OP_MOVD_LOAD ? 16 : size;
	c->vec_vex = in->vex;
	memcpy(c->vec_data, buf, sizeof(c->vec_data));
	return EMU_OK;
}
