// SPDX-License-Identifier: GPL-2.0
/*
 * MOVS, CMPS, STOS, LODS and SCAS, with REP, REPE and REPNE (SDM Vol. 2,
 * the instructions' pages and REP/REPE/REPNE).  One iteration per call:
 * rSI, rDI and rCX move by one element, and while the count (and, for
 * CMPS and SCAS, the condition) says to go on, RIP stays on the
 * instruction so that the guest executes it again; interrupts and traps
 * can come in between, as the CPU allows after any iteration.  The
 * source segment can be overridden (DS by default); the destination is
 * always ES.
 */
#include <linux/kernel.h>

#include "emul_internal.h"

int emu_exec_string(struct emu_ctxt *c, struct emu_insn *in)
{
	unsigned int size = in->opc.dsize == EMU_S_B ? 1 : in->opsize;
	unsigned int as = in->addr_size;
	u64 mask = emu_addr_mask(as), si, di, count = 0, a = 0, b = 0;
	bool rep = in->rep || in->repne;
	s64 step = (c->rflags & EMU_FL_DF) ? -(s64)size : size;
	int ret;

	if (rep) {
		count = c->regs[EMU_RCX] & mask;
		/* A zero count does nothing, not even a check (Vol. 2, REP). */
		if (!count)
			return EMU_OK;
	}
	si = c->regs[EMU_RSI] & mask;
	di = c->regs[EMU_RDI] & mask;

	/*
	 * The destination is checked before the source is read, so that a
	 * fault on it does not make a device see the read twice.
	 */
	if (in->op == EMU_OP_MOVS || in->op == EMU_OP_CMPS) {
		ret = emu_check_address(c, EMU_ES, di, size, size,
					in->op == EMU_OP_MOVS);
		if (ret)
			return ret;
	}

	switch (in->op) {
	case EMU_OP_MOVS:
		ret = emu_read(c, in->seg, si, &a, size, size);
		if (!ret)
			ret = emu_write(c, EMU_ES, di, &a, size, size);
		break;
	case EMU_OP_STOS:
		a = c->regs[EMU_RAX];
		ret = emu_write(c, EMU_ES, di, &a, size, size);
		break;
	case EMU_OP_LODS:
		ret = emu_read(c, in->seg, si, &a, size, size);
		if (!ret)
			emu_set_reg(c, EMU_RAX, false, size, a);
		break;
	case EMU_OP_CMPS:
		/* The first operand is at rSI, the second at rDI. */
		ret = emu_read(c, in->seg, si, &a, size, size);
		if (!ret)
			ret = emu_read(c, EMU_ES, di, &b, size, size);
		if (!ret)
			emu_alu(EMU_ALU_CMP, size, a, b, &c->rflags);
		break;
	default:	/* SCAS */
		ret = emu_read(c, EMU_ES, di, &b, size, size);
		if (!ret)
			emu_alu(EMU_ALU_CMP, size, c->regs[EMU_RAX], b,
				&c->rflags);
		break;
	}
	if (ret)
		return ret;

	if (in->op != EMU_OP_STOS && in->op != EMU_OP_SCAS)
		emu_set_reg(c, EMU_RSI, false, as, si + step);
	if (in->op != EMU_OP_LODS)
		emu_set_reg(c, EMU_RDI, false, as, di + step);
	if (!rep)
		return EMU_OK;
	emu_set_reg(c, EMU_RCX, false, as, --count);
	if (!count)
		return EMU_OK;
	/* REPE stops when ZF clears, REPNE when it sets (CMPS, SCAS only). */
	if (in->opc.flags & EMU_F_REPCOND) {
		bool zf = c->rflags & EMU_FL_ZF;

		if (in->rep ? !zf : zf)
			return EMU_OK;
	}
	in->repeat = true;
	return EMU_OK;
}
