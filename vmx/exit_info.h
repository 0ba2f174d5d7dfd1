/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding the exit information the processor gives with a VM exit:
 * exit qualifications (SDM Vol. 3, 28.2.1) and the VM-exit instruction
 * information (28.2.5).  Pure functions, tested by KUnit.  Private to
 * vmx/.
 */
#ifndef _AXVCPU_VMX_EXIT_INFO_H
#define _AXVCPU_VMX_EXIT_INFO_H

#include <linux/types.h>

/**
 * struct vmx_io_qual - an I/O instruction's exit qualification.
 * @port: the port.
 * @size: access size in bytes: 1, 2 or 4.
 * @in: IN or INS (otherwise OUT or OUTS).
 * @string: INS or OUTS.
 * @rep: with a REP prefix.
 */
struct vmx_io_qual {
	u16 port;
	u8 size;
	bool in;
	bool string;
	bool rep;
};

/**
 * vmx_decode_io_qual() - decode the qualification of an I/O exit.
 * @qual: the exit qualification (Table 28-5).
 * @io: the result.
 *
 * Return: 0; -EINVAL for a size encoding the SDM does not define.
 */
int vmx_decode_io_qual(unsigned long qual, struct vmx_io_qual *io);

/* struct vmx_cr_qual.type: the access type of a control-register exit. */
#define VMX_CR_MOV_TO		0
#define VMX_CR_MOV_FROM		1
#define VMX_CR_CLTS		2
#define VMX_CR_LMSW		3

/**
 * struct vmx_cr_qual - a control-register access's exit qualification.
 * @cr: the control register number.
 * @type: VMX_CR_*.
 * @reg: the general register of a MOV (x86 register number).
 * @lmsw_data: the source operand of LMSW.
 */
struct vmx_cr_qual {
	u8 cr;
	u8 type;
	u8 reg;
	u16 lmsw_data;
};

/**
 * vmx_decode_cr_qual() - decode the qualification of a CR-access exit.
 * @qual: the exit qualification (Table 28-3).
 * @cr: the result.
 */
void vmx_decode_cr_qual(unsigned long qual, struct vmx_cr_qual *cr);

/**
 * vmx_insn_addr_size() - address size of an INS/OUTS exit.
 * @insn_info: the VM-exit instruction-information field (28.2.5).
 *
 * Return: 2, 4 or 8 bytes; 0 for an encoding the SDM does not define.
 */
unsigned int vmx_insn_addr_size(u32 insn_info);

/**
 * vmx_exit_reason_name() - the SDM's name of a basic exit reason.
 * @basic: the basic exit reason (bits 15:0 of the exit reason).
 *
 * Return: a static string; "unknown" for a number the SDM does not use.
 */
const char *vmx_exit_reason_name(u32 basic);

#endif /* _AXVCPU_VMX_EXIT_INFO_H */
