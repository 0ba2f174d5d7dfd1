/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The x86 instruction emulator (emul/): decoding, operand addressing
 * through segments and the guest's paging, execution and flags, for the
 * instructions that can touch memory the hypervisor emulates (MMIO holes,
 * read-only regions, the local APIC page).  It is not VMX-specific: a
 * backend fills a struct emu_ctxt with the guest's state and gives it a
 * struct emu_ops to reach guest memory; KUnit and a host program drive the
 * same code against a fake memory to compare it with the CPU itself.
 *
 * emul/ includes only <linux/types.h>, <linux/bits.h>, <linux/errno.h>,
 * <linux/string.h>, <linux/compiler.h> and <linux/kernel.h>, so that the
 * host test program can build it with small stand-ins for those.
 */
#ifndef _AXVCPU_EMUL_H
#define _AXVCPU_EMUL_H

#include <linux/string.h>
#include <linux/types.h>

/* The longest instruction (SDM Vol. 2, 2.3.11). */
#define EMU_INSN_MAX		15

/* General registers, in the encoding order. */
#define EMU_RAX		0
#define EMU_RCX		1
#define EMU_RDX		2
#define EMU_RBX		3
#define EMU_RSP		4
#define EMU_RBP		5
#define EMU_RSI		6
#define EMU_RDI		7
#define EMU_NR_GPRS	16
#define EMU_NO_REG	0xff

/* Segment registers, in the encoding order of MOV Sreg (Vol. 2, 3.1.1.3). */
enum emu_seg {
	EMU_ES,
	EMU_CS,
	EMU_SS,
	EMU_DS,
	EMU_FS,
	EMU_GS,
	EMU_NR_SEGS,
};

/*
 * Segment access rights, in the VMX guest-state layout (SDM Vol. 3,
 * 25.4.1, Table 25-2): type 3:0, S 4, DPL 6:5, P 7, AVL 12, L 13, D/B 14,
 * G 15, unusable 16.
 */
#define EMU_AR_TYPE_A		BIT(0)	/* accessed */
#define EMU_AR_TYPE_W		BIT(1)	/* data: writable; code: readable */
#define EMU_AR_TYPE_E		BIT(2)	/* data: expand-down; code: conforming */
#define EMU_AR_TYPE_CODE	BIT(3)
#define EMU_AR_S		BIT(4)
#define EMU_AR_P		BIT(7)
#define EMU_AR_L		BIT(13)
#define EMU_AR_DB		BIT(14)
#define EMU_AR_G		BIT(15)
#define EMU_AR_UNUSABLE		BIT(16)

/**
 * struct emu_segment - a segment register's hidden part.
 * @base: base address.
 * @limit: limit in bytes (granularity already applied, as in the VMCS).
 * @selector: the visible selector.
 * @ar: access rights, EMU_AR_*.
 */
struct emu_segment {
	u64 base;
	u32 limit;
	u16 selector;
	u32 ar;
};

/* struct emu_ctxt.mode: how the CPU executes (Vol. 3, 2.2). */
enum emu_mode {
	EMU_MODE_REAL,		/* CR0.PE clear */
	EMU_MODE_VM86,		/* protected mode with RFLAGS.VM (not emulated) */
	EMU_MODE_PROT,		/* protected mode, or compatibility mode */
	EMU_MODE_LONG,		/* 64-bit mode (EFER.LMA and CS.L) */
};

/* What an access is for: the page walk's error-code bits (Vol. 3, 4.7). */
#define EMU_ACC_WRITE		BIT(1)
#define EMU_ACC_USER		BIT(2)
#define EMU_ACC_FETCH		BIT(4)

/**
 * enum emu_result - what emu_emulate() and the memory ops return.
 * @EMU_OK: done.  From emu_emulate(): the instruction completed and
 *	struct emu_ctxt holds the registers after it; if
 *	struct emu_ctxt.exit_pending is set, its last access was a write
 *	handed on with %EMU_EXIT, which the VMM has yet to see.
 * @EMU_EXIT: a memory op handed the access to someone who must answer
 *	later (the VMM in userspace): for a write, the data went out; for a
 *	read, emu_complete_read() gives the data.  emu_emulate() stops and
 *	changed nothing the guest can see; emu_emulate() called again with
 *	the same context goes on from there (see emu_emulate()).
 * @EMU_FAULT: an exception, described by struct emu_ctxt.exc.  Nothing
 *	changed in the guest's registers; the backend delivers it.
 * @EMU_AGAIN: guest memory is not there yet (it comes in on first use),
 *	or the vector registers are not (no @read_vec): call emu_emulate()
 *	again once they are, as for %EMU_EXIT.
 * @EMU_UNHANDLED: an instruction the emulator does not know (see
 *	struct emu_ctxt.fail); nothing changed.
 */
enum emu_result {
	EMU_OK,
	EMU_EXIT,
	EMU_FAULT,
	EMU_AGAIN,
	EMU_UNHANDLED,
};

/* struct emu_ctxt.fail: why an instruction was %EMU_UNHANDLED. */
#define EMU_FAIL_NONE		0
#define EMU_FAIL_OPCODE		1	/* an opcode or form not emulated */
#define EMU_FAIL_FETCH		2	/* the instruction could not be read */
#define EMU_FAIL_MODE		3	/* a CPU mode not emulated (VM86) */
#define EMU_FAIL_NO_MEMORY	4	/* no memory operand: nothing to emulate */
#define EMU_FAIL_REPLAY		5	/* a resumed access differs from the first run */
#define EMU_FAIL_TOO_MANY	6	/* more accesses than one context records */

/**
 * struct emu_exception - an exception the instruction raises.
 * @vector: the vector (X86_TRAP_*).
 * @has_error_code: @error_code is pushed.
 * @error_code: the error code.
 * @cr2: the faulting linear address, for #PF.
 */
struct emu_exception {
	u8 vector;
	bool has_error_code;
	u32 error_code;
	u64 cr2;
};

/* Most accesses one instruction makes, each at most 8 bytes in a page. */
#define EMU_MAX_ACCESSES	16

/**
 * struct emu_access - one access to guest-physical memory, made once.
 * @gpa: its guest-physical address.
 * @la: its linear address (what data breakpoints match).
 * @size: bytes, 1 to 8, within one page.
 * @write: a write.
 * @done: finished: for a read, @data holds what was read.
 * @data: the bytes read or written.
 */
struct emu_access {
	u64 gpa;
	u64 la;
	u8 size;
	bool write;
	bool done;
	u8 data[8];
};

struct emu_ctxt;

/**
 * struct emu_ops - how the emulator reaches the guest.
 * @translate: translate the guest-linear address @la for an access of
 *	type @acc (EMU_ACC_*) through the guest's paging, into @gpa.  Returns
 *	%EMU_OK, %EMU_FAULT with @c->exc set to the #PF the CPU would raise
 *	(CR2 and error code), or %EMU_AGAIN.  Never called for an address
 *	whose page the exit already translated, when the backend set
 *	@c->hint_valid.
 * @read: read @size bytes (1 to 8, in one page) of guest-physical memory
 *	at @gpa into @buf.  Returns %EMU_OK, %EMU_EXIT (the backend handed
 *	the read on; the data comes with emu_complete_read()) or %EMU_AGAIN.
 *	Called once per access: when emu_emulate() goes on after an
 *	%EMU_EXIT or %EMU_AGAIN, the accesses made already are not made
 *	again.
 * @write: write @size bytes of @buf to guest-physical @gpa.  Returns
 *	%EMU_OK, %EMU_EXIT (handed on: done as far as the emulator is
 *	concerned, which goes on with the instruction until it completes or
 *	needs another access; that one waits for the next emu_emulate()) or
 *	%EMU_AGAIN.  Called once per access, as @read.
 * @read_vec: copy the low @size bytes (8, 16 or 32) of vector register
 *	@reg (XMM/YMM 0-15) into @buf.  Optional with @write_vec: a backend
 *	that cannot reach the vector registers where it emulates leaves
 *	both NULL, and an instruction that moves one is %EMU_AGAIN before
 *	any access.
 * @write_vec: set vector register @reg to the @size bytes at @buf; with
 *	@vex, the bytes above @size up to the widest register are cleared
 *	(a VEX-encoded load), otherwise they are kept (a legacy SSE load).
 *	Called only once the instruction completes.
 * @load_segment: optional: fill @c->segs[@seg], which the emulator needs
 *	and @c->segs_valid does not list yet.  Without it, every entry of
 *	@c->segs must be filled before emu_emulate().
 */
struct emu_ops {
	int (*translate)(struct emu_ctxt *c, u64 la, u32 acc, u64 *gpa);
	int (*read)(struct emu_ctxt *c, u64 gpa, void *buf, unsigned int size);
	int (*write)(struct emu_ctxt *c, u64 gpa, const void *buf,
		     unsigned int size);
	void (*read_vec)(struct emu_ctxt *c, unsigned int reg, void *buf,
			 unsigned int size);
	void (*write_vec)(struct emu_ctxt *c, unsigned int reg, const void *buf,
			  unsigned int size, bool vex);
	void (*load_segment)(struct emu_ctxt *c, unsigned int seg);
};

/**
 * struct emu_ctxt - one instruction being emulated.
 * @ops: the backend's memory operations.
 * @priv: the backend's own pointer.
 * @mode: enum emu_mode.
 * @cpl: the current privilege level (CS.DPL; 0 in real mode).
 * @cr0: guest CR0 (PE, EM, TS, AM are read).
 * @cr4: guest CR4 (OSFXSR, OSXSAVE are read).
 * @xcr0: guest XCR0 (SSE and AVX state enabled for VEX instructions).
 * @gprs: general registers, in, and out after %EMU_OK; unless
 *	@reg_file is set.
 * @reg_file: optional: the backend's own 16 general registers, used in
 *	place of @gprs (no copy in or out).  Either way they are written only
 *	when the instruction completes.
 * @regs: the registers in use, @reg_file or @gprs (internal).
 * @rip: RIP of the instruction, in; of the next one, out after %EMU_OK
 *	(a REP string instruction that has more to do leaves it unchanged).
 * @rflags: RFLAGS, in and out.
 * @segs: segment registers (in), those in @segs_valid, or all when
 *	@ops->load_segment is NULL.
 * @segs_valid: with @ops->load_segment, bit N set: @segs[N] is filled;
 *	the emulator has the others loaded as it needs them.
 * @insn: the instruction's bytes, read by the backend from CS:RIP.
 * @insn_avail: how many bytes of @insn are valid (the instruction may be
 *	shorter; a longer one is %EMU_UNHANDLED with %EMU_FAIL_FETCH).
 * @hint_valid: the backend knows the translation of one page: linear
 *	@hint_la to guest-physical @hint_gpa (their page offsets are
 *	ignored), as the VM exit gave it; @ops->translate is not called for
 *	that page.
 * @hint_write: the translation in @hint_la holds for writes too (the
 *	exit was for a write); without it, writes to that page are
 *	translated through @ops->translate.
 * @hint_exact: @hint_la and @hint_gpa are the exact addresses of an
 *	access the processor itself checked and made (the one that caused
 *	the exit): for an instruction with one memory operand, an access at
 *	that address within one page skips the segment, canonical and
 *	alignment checks, which the processor passed.
 * @hint_la: see @hint_valid.
 * @hint_gpa: see @hint_valid.
 * @insn_len: out: the instruction's length, once decoded.
 * @exc: out: the exception, after %EMU_FAULT.
 * @fail: out: EMU_FAIL_*, after %EMU_UNHANDLED.
 * @fail_gpa: out: the guest-physical address of the access that failed
 *	(or 0), after %EMU_UNHANDLED.
 * @mov_reg: out, once decoded: for a plain move between a general
 *	register and memory (MOV, MOVZX, MOVSX, MOVSXD, MOVNTI, MOVBE; STOS and
 *	LODS name rAX), that register, 0-15; else %EMU_NO_REG.  Informational,
 *	for the VMM (struct axv_run.mmio.reg).
 * @mov_high: @mov_reg 0-3 means AH, CH, DH, BH.
 * @mov_extend: a load into @mov_reg widens: 0 no, 1 zero-extends, 2
 *	sign-extends.
 * @exit_pending: out: a write was handed on with %EMU_EXIT in this call
 *	(see %EMU_OK).
 * @naccess: accesses recorded in @access (internal).
 * @next: the next access in this pass (internal).
 * @handed_on: 1 + the index in @access of the access this pass handed
 *	on, or 0 (internal).
 * @one_operand: the instruction has one memory operand (internal).
 * @decoded: @insn_state holds the instruction decoded (internal).
 * @quick_load: the read handed on is emu_quick_load()'s (internal).
 * @insn_state: the decoded instruction, kept while it is emulated, so
 *	that going on after an exit needs no second decode (internal).
 * @dec_len: the length of the instruction last decoded into @insn_state,
 *	or 0 (internal).  The next instruction with the same bytes, in the
 *	same mode, reuses it: only its effective address is computed again.
 *	Device drivers access a device from the same few instructions.
 * @dec_key: the mode and default operand size it was decoded for
 *	(internal).
 * @dec_insn: its bytes (internal).
 * @access: the accesses made so far (internal).
 * @vec_pending: a vector register write waits for completion (internal).
 * @vec_reg: its register (internal).
 * @vec_size: its size (internal).
 * @vec_vex: it is VEX-encoded (internal).
 * @vec_data: its data (internal).
 *
 * The backend fills the inputs and calls emu_emulate(); it calls it again
 * with the same context after %EMU_EXIT or %EMU_AGAIN (and after
 * emu_complete_read() for a read), and calls emu_reset() before a new
 * instruction.
 */
struct emu_ctxt {
	const struct emu_ops *ops;
	void *priv;
	u8 mode;
	u8 cpl;
	u64 cr0;
	u64 cr4;
	u64 xcr0;
	u64 gprs[EMU_NR_GPRS];
	u64 *reg_file;
	u64 *regs;
	u64 rip;
	u64 rflags;
	struct emu_segment segs[EMU_NR_SEGS];
	u8 segs_valid;
	u8 insn[EMU_INSN_MAX];
	u8 insn_avail;
	bool hint_valid;
	bool hint_write;
	bool hint_exact;
	u64 hint_la;
	u64 hint_gpa;

	u8 insn_len;
	struct emu_exception exc;
	u8 fail;
	u64 fail_gpa;
	u8 mov_reg;
	bool mov_high;
	u8 mov_extend;
	bool exit_pending;

	u8 naccess;
	u8 next;
	u8 handed_on;
	bool one_operand;
	bool decoded;
	bool quick_load;
	u64 insn_state[16];
	u8 dec_len;
	u8 dec_key;
	u8 dec_insn[EMU_INSN_MAX];
	struct emu_access access[EMU_MAX_ACCESSES];
	bool vec_pending;
	u8 vec_reg;
	u8 vec_size;
	bool vec_vex;
	u8 vec_data[32];
};

/**
 * emu_copy_data() - copy the data of one access.
 * @dst: where to.
 * @src: where from.
 * @size: bytes, 1 to 8.
 *
 * The sizes of most accesses (1, 2, 4 and 8) are one move each, where a
 * memcpy() whose size is known only at run time is a call.
 */
static __always_inline void emu_copy_data(void *dst, const void *src,
					  unsigned int size)
{
	switch (size) {
	case 1:
		memcpy(dst, src, 1);
		break;
	case 2:
		memcpy(dst, src, 2);
		break;
	case 4:
		memcpy(dst, src, 4);
		break;
	case 8:
		memcpy(dst, src, 8);
		break;
	default:
		memcpy(dst, src, size);
		break;
	}
}

/**
 * emu_reset() - forget the accesses of the previous instruction.
 * @c: the context.
 *
 * Call before filling @c for a new instruction (the inputs are not
 * cleared).
 */
void emu_reset(struct emu_ctxt *c);

/**
 * emu_emulate() - emulate the instruction in @c->insn.
 * @c: the context, inputs filled.
 *
 * Decodes the instruction, computes its operands' addresses (segment
 * base and limit, canonical form, alignment checks, the guest's paging
 * through @c->ops->translate), makes its memory accesses through
 * @c->ops->read and @c->ops->write, and computes the registers and flags
 * after it.  An access that crosses a page, or is wider than 8 bytes, is
 * made as several accesses, in ascending address order; every page is
 * translated before the first access.  A read-modify-write reads, then
 * writes.  A REP string instruction does one iteration per call; while
 * its count is not exhausted @c->rip stays on it, so the guest executes
 * it again (interrupts can be taken between iterations, as on the CPU).
 *
 * A call after %EMU_EXIT or %EMU_AGAIN runs the instruction again from
 * its start, as it was decoded the first time (its operands' addresses
 * included), with the accesses already made answered from @c->access
 * instead of the ops, so that the guest's devices see each access once.
 *
 * Return: enum emu_result.
 */
int emu_emulate(struct emu_ctxt *c);

/**
 * emu_quick_store() - a plain store to the access of the exit, done short.
 * @c: the context, filled as for a first emu_emulate(), with an exact hint
 *	for a write (@c->hint_exact, @c->hint_write).
 * @val: out: the value stored.
 *
 * The commonest access to a device: a MOV from a general register or an
 * immediate to the one memory operand, which is the access the processor
 * checked and exited for.  The store is not made: the backend hands it on
 * (to @c->hint_gpa, @c->hint_la) as an %EMU_OK with @c->exit_pending
 * would; the instruction is complete (RIP, RFLAGS.RF) and logged for
 * emu_accesses().  Any other instruction is left decoded for
 * emu_emulate().
 *
 * Return: the size stored, 1 to 8, or 0 for any other instruction.
 */
int emu_quick_store(struct emu_ctxt *c, u64 *val);

/**
 * emu_quick_load() - a plain load from the access of the exit, handed on.
 * @c: the context, filled as for a first emu_emulate(), with an exact hint
 *	for a read (@c->hint_exact, @c->hint_write clear).
 *
 * The commonest read of a device: a MOV, MOVZX or MOVSX (MOVSXD) into a
 * general register from the one memory operand, which is the access the
 * processor checked and exited for.  The read is logged and left waiting
 * for its data, as emu_emulate() leaves one it handed on with %EMU_EXIT:
 * the backend hands it on (@c->hint_gpa, the size returned) and finishes
 * the instruction with emu_quick_load_complete(), or with
 * emu_complete_read() and emu_emulate().  Any other instruction is left
 * decoded for emu_emulate().
 *
 * Return: the size to read, 1 to 8, or 0 for any other instruction.
 */
int emu_quick_load(struct emu_ctxt *c);

/**
 * emu_quick_load_complete() - finish the load emu_quick_load() handed on.
 * @c: the context; @c->rip and @c->rflags as emu_emulate() takes them.
 * @data: the bytes read, as many as the load's size.
 *
 * Writes the destination register (widened as the instruction does),
 * @c->rip (the next instruction's) and @c->rflags (RF cleared), and logs
 * the access as done for emu_accesses().
 *
 * Return: 0, or -EINVAL when no load of emu_quick_load() is waiting.
 */
int emu_quick_load_complete(struct emu_ctxt *c, const void *data);

/**
 * emu_complete_read() - the data of a read handed on with %EMU_EXIT.
 * @c: the context.
 * @data: the bytes read, as many as the access's size.
 *
 * Return: 0, or -EINVAL when no read is waiting for data.
 */
int emu_complete_read(struct emu_ctxt *c, const void *data);

/**
 * emu_pending_access() - the access the last emu_emulate() handed on.
 * @c: the context.
 *
 * After %EMU_EXIT, the access handed on: a read waiting for its data
 * (emu_complete_read()), or a write the VMM has yet to see, after which
 * the instruction needs another access.  After %EMU_OK with
 * @c->exit_pending, the write handed on.
 *
 * Return: the access, or NULL when the last call handed none on.
 */
const struct emu_access *emu_pending_access(const struct emu_ctxt *c);

/**
 * emu_accesses() - the accesses the instruction made.
 * @c: the context, after %EMU_OK.
 * @n: out: how many.
 *
 * For the backend's data breakpoints (SDM Vol. 3, 18.2.4), which match
 * the linear addresses of what an instruction read and wrote, and trap
 * once it completes: a REP string instruction's list is the last
 * iteration's.
 *
 * Return: the accesses, in the order made.
 */
const struct emu_access *emu_accesses(const struct emu_ctxt *c,
				      unsigned int *n);

#endif /* _AXVCPU_EMUL_H */
