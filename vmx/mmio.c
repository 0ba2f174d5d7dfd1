// SPDX-License-Identifier: GPL-2.0
/*
 * EPT violations (SDM Vol. 3, 28.2.1 Table 28-7).  Guest memory is
 * mapped in full when a region is set, so a violation is an access to a
 * hole (MMIO) or a write to a read-only region.  The instruction is
 * fetched and decoded to tell userspace the width, direction, register
 * and data; what cannot be decoded is a nested page fault exit with the
 * raw facts.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

#include "decode.h"
#include "vmcs.h"
#include "vmx_vcpu.h"

#define EPT_Q_WRITE		BIT(1)
#define EPT_Q_FETCH		BIT(2)
#define EPT_Q_GLA_VALID		BIT(7)
#define EPT_Q_GLA_DATA		BIT(8)	/* the access, not the page walk */

static int vmx_npf(struct vmx_vcpu *vmx, u64 gpa)
{
	struct axv_run *run = vmx->vcpu->run;

	vmx_user_exit(vmx, AXV_EXIT_NESTED_PAGE_FAULT);
	run->npf.gpa = gpa;
	run->npf.qualification = vmx->exit_qual;
	run->npf.flags = 0;
	run->npf.gva = 0;
	if (vmx->exit_qual & EPT_Q_GLA_VALID) {
		run->npf.gva = vmcs_readl(GUEST_LINEAR_ADDRESS);
		run->npf.flags = 1;
	}
	vmx_count(vmx, AXV_EXIT_NESTED_PAGE_FAULT);
	return 0;
}

/* The value a store writes: a register (maybe AH-BH) or an immediate. */
static u64 vmx_store_value(struct vmx_vcpu *vmx, const struct vmx_mmio_insn *d)
{
	u64 v;

	if (d->op == VMX_INSN_STORE_IMM)
		return d->imm;
	if (d->op == VMX_INSN_STOS)
		return vmx->regs[VMX_RAX];
	v = d->reg == VMX_RSP ? vmcs_readl(GUEST_RSP) : vmx->regs[d->reg];
	return d->high_byte ? v >> 8 : v;
}

/* An access to the in-kernel local APIC's page, done here. */
static int vmx_apic_access(struct vmx_vcpu *vmx, u64 gpa,
			   const struct vmx_mmio_insn *d)
{
	u32 offset = gpa & ~PAGE_MASK;

	if (d->op == VMX_INSN_LOAD) {
		vmx_mmio_load(vmx, d, vmx_apic_mmio_read(vmx, offset, d->size));
		return 1;
	}
	vmx_apic_mmio_write(vmx, offset, d->size, vmx_store_value(vmx, d));
	if (d->op == VMX_INSN_STOS)
		vmx_io_advance(vmx, VMX_RDI, 1, d->size, d->addr_size, d->rep,
			       vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF);
	else
		vmx_skip_insn(vmx);
	return 1;
}

/*
 * Fetch and decode the data access at RIP.  Returns 0, 1 when it is a
 * REP STOS with nothing to do (skipped), -EAGAIN when the instruction is
 * in guest memory not in yet, or -EINVAL when it cannot be decoded.
 */
static int vmx_mmio_decode_rip(struct vmx_vcpu *vmx, struct vmx_mmio_insn *d)
{
	u64 rip = vmcs_readl(GUEST_RIP);
	unsigned int mode = vmx_cpu_mode(vmx), n;
	bool missing = false;
	u8 insn[15];

	if (!mode)
		return -EINVAL;
	/* As many bytes as are readable; the decoder says if too few. */
	for (n = sizeof(insn); n; n--) {
		int err = vmx_read_gva(vmx, vmcs_readl(GUEST_CS_BASE) + rip,
				       insn, n);

		if (!err)
			break;
		missing |= err == -EAGAIN;
	}
	if (vmx_decode_mmio(insn, n, mode, d))
		return missing ? -EAGAIN : -EINVAL;
	/* Decoded without what is missing: it need not come in. */
	vmx->fault_pending = false;
	/* These exits give no instruction length (28.2.5): use ours. */
	vmx->exit_insn_len = d->len;
	if (d->op == VMX_INSN_STOS && d->rep &&
	    !(vmx->regs[VMX_RCX] & vmx_addr_mask(d->addr_size))) {
		vmx_skip_insn(vmx);
		return 1;
	}
	return 0;
}

int vmx_apic_access_emulate(struct vmx_vcpu *vmx, u64 gpa)
{
	struct vmx_mmio_insn d;
	int ret = vmx_mmio_decode_rip(vmx, &d);

	if (ret == -EAGAIN)
		return 1;
	if (ret < 0)
		return vmx_exit_unknown(vmx);
	if (ret)
		return 1;
	return vmx_apic_access(vmx, gpa, &d);
}

int vmx_exit_ept_violation(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;
	u64 gpa = vmcs_read64(GUEST_PHYSICAL_ADDRESS);
	struct vmx_mmio_insn d;
	int ret;

	/* Guest memory not in yet: the run loop brings it in, then retry. */
	if (axv_vm_memory_missing(vmx->vcpu->vm, gpa)) {
		vmx_memory_missing(vmx, gpa);
		vmx_nmi_unblocked_by_iret(vmx);
		return 1;
	}
	/*
	 * An instruction fetch from a hole, or guest page tables in one (the
	 * processor's own walk faulted, bit 8 clear), cannot be emulated.
	 */
	if ((vmx->exit_qual & EPT_Q_FETCH) ||
	    ((vmx->exit_qual & EPT_Q_GLA_VALID) &&
	     !(vmx->exit_qual & EPT_Q_GLA_DATA)))
		return vmx_npf(vmx, gpa);
	ret = vmx_mmio_decode_rip(vmx, &d);
	if (ret == -EAGAIN)
		return 1;
	if (ret < 0)
		return vmx_npf(vmx, gpa);
	if (ret)
		return 1;

	if (vmx_apic_page(vmx, gpa))
		return vmx_apic_access(vmx, gpa, &d);

	vmx_user_exit(vmx, AXV_EXIT_MMIO);
	run->mmio.gpa = gpa;
	run->mmio.size = d.size;
	run->mmio.is_write = d.op != VMX_INSN_LOAD;
	run->mmio.reg = d.reg;
	run->mmio.flags = d.extend == VMX_EXTEND_SIGN ? AXV_MMIO_F_SIGN_EXTEND :
			  d.extend == VMX_EXTEND_ZERO ? AXV_MMIO_F_ZERO_EXTEND : 0;
	if (d.high_byte)
		run->mmio.flags |= AXV_MMIO_F_HIGH_BYTE;
	run->mmio.pad = 0;
	vmx_count(vmx, AXV_EXIT_MMIO);
	if (d.op == VMX_INSN_LOAD) {
		run->mmio.data = 0;
		vmx->pend_mmio = d;
		vmx->pend_insn_len = d.len;
		vmx->pending = VMX_PENDING_MMIO_READ;
		return 0;
	}
	run->mmio.data = vmx_store_value(vmx, &d) &
			 (d.size == 8 ? ~0ULL : BIT_ULL(d.size * 8) - 1);
	if (d.op == VMX_INSN_STOS) {
		/* One element per exit; the guest repeats the instruction. */
		vmx_io_advance(vmx, VMX_RDI, 1, d.size, d.addr_size, d.rep,
			       vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF);
		run->mmio.reg = AXV_REG_NONE;
	} else {
		vmx_skip_insn(vmx);
	}
	return 0;
}
