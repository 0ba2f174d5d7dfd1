// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O exits (SDM Vol. 3, 28.2.1 Table 28-5 for the qualification,
 * 28.2.5 for the instruction information of INS/OUTS), reported to
 * userspace with their data.  OUT and OUTS are complete when reported;
 * IN and INS are completed by the next AXV_RUN with the data userspace
 * wrote (complete.c).  A REP string instruction moves as many elements
 * per exit as fit in the run structure and one guest page, and is
 * executed again by the guest until RCX reaches 0.  A string operand on
 * a device (a hole) moves one element per pair of exits: the device's
 * read then the port's OUT, or the port's IN then the device's write.
 */
#include <linux/kernel.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "exit_info.h"
#include "vmcs.h"
#include "vmx_vcpu.h"

u64 vmx_addr_mask(unsigned int addr_size)
{
	return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/* Elements of @size that fit from @gla to the end (or start) of its page. */
static u32 vmx_io_page_room(u64 gla, unsigned int size, bool down)
{
	u64 off = gla & ~PAGE_MASK;

	if (down)
		return off / size + 1;
	return (PAGE_SIZE - off) / size;
}

/*
 * Copy @n elements of @size between guest-linear @gla (descending when
 * @down) and the run structure's data, element 0 first.
 */
int vmx_io_copy(struct vmx_vcpu *vmx, u64 gla, u32 n, unsigned int size,
		bool down, bool to_guest)
{
	u8 *data = vmx->vcpu->run->data;
	u32 i;
	int err;

	for (i = 0; i < n; i++) {
		u64 at = down ? gla - (u64)i * size : gla + (u64)i * size;

		if (to_guest)
			err = vmx_write_gva(vmx, at, data + i * size, size);
		else
			err = vmx_read_gva(vmx, at, data + i * size, size);
		if (err)
			return err;
	}
	return 0;
}

/* A string operand the guest cannot reach: the VMM is told, not fooled. */
int vmx_io_fault(struct vmx_vcpu *vmx, u64 gla)
{
	struct axv_run *run = vmx->vcpu->run;

	vmx_user_exit(vmx, AXV_EXIT_INTERNAL_ERROR);
	run->internal.suberror = AXV_INTERNAL_GUEST_MEMORY;
	run->internal.ndata = 1;
	run->internal.data[0] = gla;
	vmx->pending = VMX_PENDING_NONE;
	vmx_count(vmx, AXV_EXIT_INTERNAL_ERROR);
	return 0;
}

/*
 * After @n elements: move RSI or RDI, count RCX down for REP, and leave
 * the instruction once it is done (RCX 0 or no REP).  The last element's
 * breakpoints (@vmx->pend_db_hit) and single step trap after it.
 */
void vmx_io_advance(struct vmx_vcpu *vmx, unsigned int reg, u32 n,
		    unsigned int size, unsigned int addr_size, bool rep,
		    bool down)
{
	u64 mask = vmx_addr_mask(addr_size);
	u64 delta = (u64)n * size;
	u64 v = vmx->regs[reg];
	bool left = false;

	v = down ? v - delta : v + delta;
	vmx->regs[reg] = (vmx->regs[reg] & ~mask) | (v & mask);
	if (rep) {
		u64 c = (vmx->regs[VMX_RCX] & mask) - n;

		vmx->regs[VMX_RCX] = (vmx->regs[VMX_RCX] & ~mask) | (c & mask);
		left = c & mask;
	}
	/* An iteration owes its single-step trap too (one per exit). */
	if (left)
		vmx_insn_done(vmx, vmcs_readl(GUEST_RFLAGS));
	else
		vmx_skip_insn(vmx);
	vmx_breakpoints_pend(vmx, vmx->pend_db_hit);
}

/*
 * How many of the @n elements from @gla to go now: up to the first that
 * meets a breakpoint (on the port, or on its memory), whose #DB trap
 * follows that iteration (@vmx->pend_db_hit, pended when it completes).
 */
static u32 vmx_io_string_breakpoints(struct vmx_vcpu *vmx, u16 port, u64 gla,
				     u32 n, unsigned int size, bool down,
				     bool in)
{
	unsigned long dr7 = vmx_breakpoints_dr7(vmx);
	unsigned int io, hit;
	u32 i;

	vmx->pend_db_hit = 0;
	if (!dr7)
		return n;
	io = vmx_breakpoints_hit(vmx, dr7, port, size, VMX_BP_IO);
	for (i = 0; i < n; i++) {
		u64 at = down ? gla - (u64)i * size : gla + (u64)i * size;

		hit = io | vmx_breakpoints_hit(vmx, dr7, at, size,
					       in ? VMX_BP_WRITE : VMX_BP_READ);
		if (hit) {
			vmx->pend_db_hit = hit;
			return i + 1;
		}
	}
	return n;
}

/*
 * Where the first element of a string operand lies: 1 in guest memory
 * (or anywhere the old path must judge: an element across pages, no
 * translation), 0 in a hole (@gpa set), -EAGAIN when memory must come
 * in first.
 */
static int vmx_io_probe(struct vmx_vcpu *vmx, u64 gla, unsigned int size,
			u64 *gpa)
{
	u32 probe;
	int err;

	if ((gla & ~PAGE_MASK) + size > PAGE_SIZE ||
	    vmx_gva_to_gpa(vmx, gla, gpa))
		return 1;
	err = vmx_copy_gpa(vmx, *gpa, &probe, size, false);
	if (err == -EAGAIN)
		return err;
	/* The local APIC's page takes no string I/O: the old path refuses it. */
	return err && !vmx_apic_page(vmx, *gpa) ? 0 : 1;
}

/*
 * One element between a port and a device, at @gla (@gpa): the first of
 * its two exits.
 */
static int vmx_io_device(struct vmx_vcpu *vmx, bool in, u64 gla, u64 gpa,
			 bool down)
{
	struct axv_run *run = vmx->vcpu->run;

	vmx_io_string_breakpoints(vmx, run->io.port, gla, 1, vmx->pend_size,
				  down, in);
	vmx->pend_gpa = gpa;
	vmx->pend_port = run->io.port;
	if (in) {
		vmx_user_exit(vmx, AXV_EXIT_IO);
		vmx_count(vmx, AXV_EXIT_IO);
		run->io.flags = AXV_IO_F_STRING |
				(vmx->pend_rep ? AXV_IO_F_REP : 0);
		run->io.count = 1;
		memset(run->data, 0, vmx->pend_size);
		vmx->pending = VMX_PENDING_INS_MMIO;
		return 0;
	}
	vmx_mmio_exit(vmx, gpa, vmx->pend_size, false, 0);
	vmx->pending = VMX_PENDING_OUTS_MMIO;
	return 0;
}

/*
 * The second exit of an element between a port and a device, made by the
 * next AXV_RUN: the device's write of what IN read, or the port's OUT of
 * what the device gave.  The element is then done.
 */
int vmx_complete_string_mmio(struct vmx_vcpu *vmx, bool in)
{
	bool down = vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_DF;
	struct axv_run *run = vmx->vcpu->run;
	unsigned int size = vmx->pend_size;
	u64 data = 0;

	if (in) {
		memcpy(&data, run->data, size);
		vmx_mmio_exit(vmx, vmx->pend_gpa, size, true, data);
	} else {
		data = run->mmio.data;
		vmx_user_exit(vmx, AXV_EXIT_IO);
		vmx_count(vmx, AXV_EXIT_IO);
		run->io.port = vmx->pend_port;
		run->io.size = size;
		run->io.direction = AXV_IO_OUT;
		run->io.flags = AXV_IO_F_STRING |
				(vmx->pend_rep ? AXV_IO_F_REP : 0);
		run->io.count = 1;
		run->io.data_offset = offsetof(struct axv_run, data);
		memcpy(run->data, &data, size);
	}
	vmx_io_advance(vmx, in ? VMX_RDI : VMX_RSI, 1, size,
		       vmx->pend_addr_size, vmx->pend_rep, down);
	return 0;
}

int vmx_exit_io(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;
	unsigned int size, addr_size;
	struct vmx_io_qual q;
	u64 gla, count, mask, gpa;
	unsigned int hit;
	unsigned long rflags;
	bool in, down;
	int ret;
	u32 n;

	if (vmx_decode_io_qual(vmx->exit_qual, &q))
		return vmx_exit_unknown(vmx);
	size = q.size;
	in = q.in;
	run->io.port = q.port;
	run->io.size = size;
	run->io.direction = in ? AXV_IO_IN : AXV_IO_OUT;
	run->io.flags = 0;
	run->io.data_offset = offsetof(struct axv_run, data);
	vmx->pend_size = size;
	vmx->pend_insn_len = vmx->exit_insn_len;

	if (!q.string) {
		vmx_user_exit(vmx, AXV_EXIT_IO);
		vmx_count(vmx, AXV_EXIT_IO);
		run->io.count = 1;
		/* An I/O breakpoint's trap follows the instruction (18.3.1.2). */
		hit = vmx_breakpoints_hit(vmx, vmx_breakpoints_dr7(vmx), q.port,
					  size, VMX_BP_IO);
		if (in) {
			vmx->pend_db_hit = hit;
			vmx->pending = VMX_PENDING_IN;
			memset(run->data, 0, size);
		} else {
			memcpy(run->data, &vmx->regs[VMX_RAX], size);
			vmx_skip_insn(vmx);
			vmx_breakpoints_pend(vmx, hit);
		}
		return 0;
	}

	addr_size = vmx_insn_addr_size(vmcs_read32(VMX_INSTRUCTION_INFO));
	if (!addr_size)
		return vmx_exit_unknown(vmx);
	mask = vmx_addr_mask(addr_size);
	rflags = vmcs_readl(GUEST_RFLAGS);
	down = rflags & X86_EFLAGS_DF;
	count = q.rep ? vmx->regs[VMX_RCX] & mask : 1;
	if (!count) {
		vmx_skip_insn(vmx);
		return 1;
	}
	gla = vmcs_readl(GUEST_LINEAR_ADDRESS);
	vmx->pend_addr_size = addr_size;
	vmx->pend_rep = q.rep;
	/* INS must know before its exit whether a device takes its data. */
	if (in) {
		ret = vmx_io_probe(vmx, gla, size, &gpa);
		if (ret == -EAGAIN)
			return 1;
		if (!ret)
			return vmx_io_device(vmx, true, gla, gpa, down);
	}
	n = min3(count, (u64)AXV_RUN_DATA_SIZE / size,
		 (u64)vmx_io_page_room(gla, size, down));
	/*
	 * An element across a page boundary goes alone, and so does each
	 * under RFLAGS.TF: every iteration traps (18.3.1.4).
	 */
	if (!n || (rflags & X86_EFLAGS_TF))
		n = 1;
	n = vmx_io_string_breakpoints(vmx, q.port, gla, n, size, down, in);
	if (!in) {
		int err = vmx_io_copy(vmx, gla, n, size, down, false);

		/* Not in yet: the guest runs OUTS again once it is. */
		if (err == -EAGAIN)
			return 1;
		/* Not guest memory: a device's, an element at a time, or none. */
		if (err) {
			ret = vmx_io_probe(vmx, gla, size, &gpa);
			if (ret == -EAGAIN)
				return 1;
			return ret ? vmx_io_fault(vmx, gla) :
				     vmx_io_device(vmx, false, gla, gpa, down);
		}
	}

	vmx_user_exit(vmx, AXV_EXIT_IO);
	vmx_count(vmx, AXV_EXIT_IO);
	run->io.flags = AXV_IO_F_STRING | (q.rep ? AXV_IO_F_REP : 0);
	run->io.count = n;
	if (in) {
		vmx->pending = VMX_PENDING_INS;
		vmx->pend_ins_gla = gla;
		vmx->pend_count = n;
		memset(run->data, 0, n * size);
		return 0;
	}
	vmx_io_advance(vmx, VMX_RSI, n, size, addr_size, q.rep, down);
	return 0;
}
