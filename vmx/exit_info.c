// SPDX-License-Identifier: GPL-2.0
/*
 * Decoding VM-exit information (SDM Vol. 3, 28.2).  See exit_info.h.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>

#include "exit_info.h"

int vmx_decode_io_qual(unsigned long qual, struct vmx_io_qual *io)
{
	/* Bits 2:0: size - 1; only 0, 1 and 3 are defined. */
	unsigned int size = (qual & 7) + 1;

	if (size != 1 && size != 2 && size != 4)
		return -EINVAL;
	io->size = size;
	io->in = qual & BIT(3);
	io->string = qual & BIT(4);
	io->rep = qual & BIT(5);
	io->port = qual >> 16;
	return 0;
}

void vmx_decode_cr_qual(unsigned long qual, struct vmx_cr_qual *cr)
{
	cr->cr = qual & 0xf;
	cr->type = (qual >> 4) & 3;
	cr->reg = (qual >> 8) & 0xf;
	cr->lmsw_data = qual >> 16;
}

unsigned int vmx_insn_addr_size(u32 insn_info)
{
	/* Bits 9:7: 0 16-bit, 1 32-bit, 2 64-bit. */
	unsigned int enc = (insn_info >> 7) & 7;

	return enc <= 2 ? 2 << enc : 0;
}

/* Appendix C, "VMX Basic Exit Reasons". */
static const char *const vmx_exit_reason_names[] = {
	[0] = "exception or NMI",
	[1] = "external interrupt",
	[2] = "triple fault",
	[3] = "INIT signal",
	[4] = "start-up IPI",
	[5] = "I/O SMI",
	[6] = "other SMI",
	[7] = "interrupt window",
	[8] = "NMI window",
	[9] = "task switch",
	[10] = "CPUID",
	[11] = "GETSEC",
	[12] = "HLT",
	[13] = "INVD",
	[14] = "INVLPG",
	[15] = "RDPMC",
	[16] = "RDTSC",
	[17] = "RSM",
	[18] = "VMCALL",
	[19] = "VMCLEAR",
	[20] = "VMLAUNCH",
	[21] = "VMPTRLD",
	[22] = "VMPTRST",
	[23] = "VMREAD",
	[24] = "VMRESUME",
	[25] = "VMWRITE",
	[26] = "VMXOFF",
	[27] = "VMXON",
	[28] = "control-register access",
	[29] = "MOV DR",
	[30] = "I/O instruction",
	[31] = "RDMSR",
	[32] = "WRMSR",
	[33] = "VM-entry failure: invalid guest state",
	[34] = "VM-entry failure: MSR loading",
	[36] = "MWAIT",
	[37] = "monitor trap flag",
	[39] = "MONITOR",
	[40] = "PAUSE",
	[41] = "VM-entry failure: machine-check event",
	[43] = "TPR below threshold",
	[44] = "APIC access",
	[45] = "virtualized EOI",
	[46] = "access to GDTR or IDTR",
	[47] = "access to LDTR or TR",
	[48] = "EPT violation",
	[49] = "EPT misconfiguration",
	[50] = "INVEPT",
	[51] = "RDTSCP",
	[52] = "VMX-preemption timer expired",
	[53] = "INVVPID",
	[54] = "WBINVD or WBNOINVD",
	[55] = "XSETBV",
	[56] = "APIC write",
	[57] = "RDRAND",
	[58] = "INVPCID",
	[59] = "VMFUNC",
	[60] = "ENCLS",
	[61] = "RDSEED",
	[62] = "page-modification log full",
	[63] = "XSAVES",
	[64] = "XRSTORS",
};

const char *vmx_exit_reason_name(u32 basic)
{
	if (basic < ARRAY_SIZE(vmx_exit_reason_names) && vmx_exit_reason_names[basic])
		return vmx_exit_reason_names[basic];
	return "unknown";
}
