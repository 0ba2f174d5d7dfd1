/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The VMX backend's per-vCPU and per-VM state, shared by the files of
 * vmx/.  Private to vmx/.
 */
#ifndef _AXVCPU_VMX_VMX_VCPU_H
#define _AXVCPU_VMX_VMX_VCPU_H

#include <linux/list.h>
#include <linux/types.h>

#include <linux/axvcpu.h>
#include <axvcpu/emul.h>
#include <axvcpu/ept.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>

#include "dr7.h"

struct axv_chunk;
struct axv_vcpu;
struct axv_vm;
struct page;

/* IA32_APIC_BASE: BSP flag, global enable, default base (SDM 10.4.4). */
#define APIC_BASE_BSP		BIT_ULL(8)
#define APIC_BASE_ENABLE	BIT_ULL(11)
#define APIC_BASE_DEFAULT	0xfee00000ULL

/* Guest GPRs in the x86 register-number order (entry.S relies on it). */
#define VMX_NR_GPRS	16
#define VMX_RAX		0
#define VMX_RCX		1
#define VMX_RDX		2
#define VMX_RBX		3
#define VMX_RSP		4	/* lives in the VMCS; see vmx_get_rsp() */
#define VMX_RBP		5
#define VMX_RSI		6
#define VMX_RDI		7

/* What the next AXV_RUN must finish of the exit userspace saw last. */
enum vmx_pending {
	VMX_PENDING_NONE,
	VMX_PENDING_IN,		/* IN: data to AL/AX/EAX */
	VMX_PENDING_INS,	/* INS: data to guest memory */
	VMX_PENDING_EMULATE,	/* an instruction being emulated goes on */
	VMX_PENDING_INS_MMIO,	/* INS: the port's data to a device */
	VMX_PENDING_OUTS_MMIO,	/* OUTS: a device's data to the port */
	VMX_PENDING_HYPERCALL,	/* result to RAX */
	VMX_PENDING_MSR_READ,	/* RDMSR: data to EDX:EAX, or #GP */
	VMX_PENDING_MSR_WRITE,	/* WRMSR: done, or #GP */
	VMX_PENDING_DR_READ,	/* MOV from DR: data to a register */
	VMX_PENDING_DR_WRITE,	/* MOV to DR: done */
};

/**
 * struct vmx_event - an exception or interrupt to deliver at the next entry.
 * @valid: there is one.
 * @info: VM-entry interruption-information format (SDM 24.8.3).
 * @error_code: for exceptions with one.
 * @insn_len: for software interrupts and exceptions.
 */
struct vmx_event {
	bool valid;
	u32 info;
	u32 error_code;
	u32 insn_len;
};

/**
 * struct vmx_vcpu - the VMX backend's part of a vCPU.
 * @regs: guest GPRs other than RSP, saved and restored by entry.S.
 * @vcpu: the architecture-neutral vCPU.
 * @vmcs: the VMCS region.
 * @vmcs_pa: its physical address.
 * @cpu: the CPU on which the VMCS is active (loaded since its last
 *	VMCLEAR), or -1; written only on that CPU with interrupts off.
 * @launched: VMLAUNCH succeeded since the last VMCLEAR (VMRESUME next).
 * @loaded_node: on the per-CPU list of VMCSs active there.
 * @in_guest: the CPU that is about to enter or is in the guest, or -1;
 *	read by kickers.
 * @vpid: the VPID tagging the guest's TLB entries, or 0.
 * @vapic: the virtual-APIC page (TPR shadow), or NULL.
 * @xsave: guest x87/SSE/AVX state, standard XSAVE layout, one page.
 * @xcr0: guest XCR0.
 * @host_cr3: HOST_CR3 as last written.
 * @host_cr4: HOST_CR4 as last written.
 * @host_fs_base: HOST_FS_BASE as last written.
 * @thread_fs_base: FS.base of the thread in AXV_RUN, read as it starts.
 * @cr2: guest CR2 (not in the VMCS).
 * @kernel_gs_base: guest IA32_KERNEL_GS_BASE.
 * @star: guest IA32_STAR; @lstar, @cstar, @sfmask likewise.
 * @lstar: guest IA32_LSTAR.
 * @cstar: guest IA32_CSTAR.
 * @sfmask: guest IA32_FMASK.
 * @syscall_msrs: the guest wrote the SYSCALL MSRs; swap them around entry.
 * @apic_base: guest IA32_APIC_BASE.
 * @lapic: the in-kernel local APIC (vmx/apic.c), or NULL.
 * @halted: the guest executed HLT and waits for an event.
 * @halt_if: RFLAGS.IF at that HLT: whether an interrupt may end it.
 * @apicv: APIC virtualization may be used for @lapic (vmx/apicv.c).
 * @apicv_on: how its controls are set in the VMCS now (0: off).
 * @tpr_threshold: the VMCS's TPR threshold, as last written.
 * @eoi_exit_bitmap: the VMCS's EOI-exit bitmap, as last written: the
 *	APIC's TMR, so that the EOI of a level-triggered interrupt exits.
 * @msr_bitmap: the vCPU's own MSR bitmap, for x2APIC virtualization, or
 *	NULL (the shared one is used).
 * @ext_pending: an external interrupt waits for delivery.
 * @ext_vector: its vector.
 * @nmi_pending: an NMI waits for delivery.
 * @event: an event to inject at the next entry.
 * @exc_bitmap_user: exceptions userspace traps (AXV_SET_TRAPS).
 * @pending: enum vmx_pending.
 * @pend_insn_len: length of the instruction the pending exit completes.
 * @emu: the instruction being emulated (vmx/mmio.c), kept between the
 *	exits its accesses make.
 * @guest_db: the guest's DR0-DR3, saved at each exit once it has enabled
 *	a breakpoint (@guest_db_saved), and loaded again before each entry:
 *	the host may use the registers in between.
 * @guest_db_saved: @guest_db holds them.
 * @pend_ins_gla: guest-linear address of the first INS element.
 * @pend_count: elements of a pending INS.
 * @pend_size: element size of a pending IN/INS.
 * @pend_addr_size: address size of a pending INS, bytes.
 * @pend_rep: the pending INS has a REP prefix.
 * @pend_port: port of a pending INS or OUTS with a device operand.
 * @pend_gpa: guest-physical address of that operand.
 * @pend_db_hit: the breakpoints (B0-B3) a pending IN, or the element
 *	of INS or OUTS in progress, meets: pended once it completes.
 * @pend_msr: MSR number of a pending RDMSR/WRMSR.
 * @pend_reg: general register of a pending MOV from DR.
 * @hypercall_ret: result for the next AXV_RUN to write into RAX.
 * @hypercall_ret_set: AXV_SET_HYPERCALL_RESULT gave @hypercall_ret.
 * @fault_pending: guest memory at @fault_gpa must be brought in
 *	(axv_vm_fault_in()) before the guest runs again; set where that
 *	cannot sleep, by vmx_memory_missing().
 * @fault_gpa: the guest-physical address.
 * @pdptrs_stale: the VMCS's PDPTEs could not be read from guest memory
 *	not in yet; they are loaded again once it is.
 * @exit_reason: raw exit reason of the last exit.
 * @exit_qual: its exit qualification.
 * @exit_insn_len: its VM-exit instruction length.
 * @exit_intr_info: its VM-exit interruption information.
 * @idt_vectoring: its IDT-vectoring information.
 * @idt_vectoring_err: its IDT-vectoring error code.
 */
struct vmx_vcpu {
	unsigned long regs[VMX_NR_GPRS];
	struct axv_vcpu *vcpu;
	struct page *vmcs;
	u64 vmcs_pa;
	int cpu;
	bool launched;
	struct list_head loaded_node;
	int in_guest;
	u16 vpid;
	struct page *vapic;
	void *xsave;
	u64 xcr0;
	unsigned long host_cr3;
	unsigned long host_cr4;
	u64 host_fs_base;
	u64 thread_fs_base;
	unsigned long cr2;
	u64 kernel_gs_base;
	u64 star;
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	bool syscall_msrs;
	u64 apic_base;
	struct lapic *lapic;
	bool halted;
	bool halt_if;
	bool apicv;
	u8 apicv_on;
	u32 tpr_threshold;
	u64 eoi_exit_bitmap[4];
	struct page *msr_bitmap;
	bool ext_pending;
	u8 ext_vector;
	bool nmi_pending;
	struct vmx_event event;
	u32 exc_bitmap_user;
	enum vmx_pending pending;
	u32 pend_insn_len;
	struct emu_ctxt emu;
	unsigned long guest_db[4];
	bool guest_db_saved;
	u64 pend_ins_gla;
	u32 pend_count;
	u8 pend_size;
	u8 pend_addr_size;
	bool pend_rep;
	u16 pend_port;
	u64 pend_gpa;
	u8 pend_db_hit;
	u32 pend_msr;
	u8 pend_reg;
	u64 hypercall_ret;
	bool hypercall_ret_set;
	bool fault_pending;
	bool pdptrs_stale;
	u64 fault_gpa;
	u32 exit_reason;
	unsigned long exit_qual;
	u32 exit_insn_len;
	u32 exit_intr_info;
	u32 idt_vectoring;
	u32 idt_vectoring_err;
};

/**
 * struct vmx_vm - the VMX backend's part of a VM.
 * @ept: guest-physical mappings.
 * @cpuid: the CPU model its vCPUs see.
 * @cpuid_nent: entries in @cpuid.
 * @apic_access: the APIC-access page (vmx/apicv.c), or NULL.
 */
struct vmx_vm {
	struct ept ept;
	struct axv_cpuid_entry *cpuid;
	u32 cpuid_nent;
	struct page *apic_access;
};

static inline struct vmx_vcpu *to_vmx(struct axv_vcpu *vcpu)
{
	return vcpu->arch;
}

/* entry.S: 0 after a VM exit, 1 when VMLAUNCH/VMRESUME failed. */
int vmx_enter_guest(unsigned long *regs, bool launched);
void vmx_exit_target(void);

/* run.c */
void vmx_run_init(void);
void vmx_run_init_cpu(unsigned int cpu);
void vmx_vcpu_get(struct vmx_vcpu *vmx);
void vmx_vcpu_put(struct vmx_vcpu *vmx);
void vmx_flush_vpid(u16 vpid);
void vmx_clear_cpu_vmcss(void);
void vmx_vcpu_unload(struct vmx_vcpu *vmx);
int vmx_vcpu_run(struct axv_vcpu *vcpu);
void vmx_vcpu_bind(struct axv_vcpu *vcpu);
void vmx_vcpu_unbind(struct axv_vcpu *vcpu);
void vmx_vcpu_kick(struct axv_vcpu *vcpu);
void vmx_exit_without_guest(struct vmx_vcpu *vmx, u32 reason);
void vmx_queue_exception(struct vmx_vcpu *vmx, u8 vector, bool has_error,
			 u32 error_code);

/* vmcs_setup.c */
unsigned long vmx_cr0_hw(unsigned long cr0);
unsigned long vmx_cr4_hw(unsigned long cr4);
u64 vmx_apic_base(struct vmx_vcpu *vmx);
void vmx_load_pdptrs(struct vmx_vcpu *vmx, unsigned long cr3);
int vmx_vmcs_setup(struct vmx_vcpu *vmx, u64 eptp);
void vmx_vmcs_reset_guest(struct vmx_vcpu *vmx, bool sipi, u8 vector);
void vmx_vmcs_set_host_percpu(void);

/* memfault.c */
int vmx_memory_missing(struct vmx_vcpu *vmx, u64 gpa);
int vmx_fault_in(struct vmx_vcpu *vmx);
void vmx_nmi_unblocked_by_iret(struct vmx_vcpu *vmx);

/* exit.c: 1 to enter again, 0 to return to userspace, <0 host failure. */
int vmx_handle_exit(struct vmx_vcpu *vmx);
bool vmx_exit_fastpath(struct vmx_vcpu *vmx, u32 reason);
void vmx_skip_insn(struct vmx_vcpu *vmx);
void vmx_insn_done(struct vmx_vcpu *vmx, unsigned long rflags);
void vmx_user_exit(struct vmx_vcpu *vmx, u32 reason);
void vmx_count(struct vmx_vcpu *vmx, u32 reason);
int vmx_exit_unknown(struct vmx_vcpu *vmx);

/* io.c */
int vmx_exit_io(struct vmx_vcpu *vmx);
u64 vmx_addr_mask(unsigned int addr_size);
int vmx_io_copy(struct vmx_vcpu *vmx, u64 gla, u32 n, unsigned int size,
		bool down, bool to_guest);
int vmx_io_fault(struct vmx_vcpu *vmx, u64 gla);
void vmx_io_advance(struct vmx_vcpu *vmx, unsigned int reg, u32 n,
		    unsigned int size, unsigned int addr_size, bool rep,
		    bool down);
int vmx_complete_string_mmio(struct vmx_vcpu *vmx, bool in);

/* mmio.c */
int vmx_exit_ept_violation(struct vmx_vcpu *vmx);
int vmx_apic_access_emulate(struct vmx_vcpu *vmx, u64 gpa);
/**
 * vmx_mmio_fastpath() - an EPT violation on the local APIC's page, in the
 * exits' fast path.
 * @vmx: the vCPU, its exit just taken: guest state still loaded,
 *	interrupts off, the exit's fields not read yet.
 *
 * Emulates the instruction when the in-kernel local APIC is in xAPIC mode
 * without APIC virtualization and the instruction completes here, with
 * no access but to the APIC's page and no vector register.  Anything else
 * is the exit handler's, which emulates it again from the start: the APIC
 * reads it repeats have no side effects, and an instruction's write is
 * its last access.  Sets AXV_VCPU_REQ_EVENT when a write may change the
 * interrupt to deliver or leaves an IPI to send.
 *
 * Return: whether the exit was handled.
 */
bool vmx_mmio_fastpath(struct vmx_vcpu *vmx);

int vmx_emulate_resume(struct vmx_vcpu *vmx);
void vmx_mmio_exit(struct vmx_vcpu *vmx, u64 gpa, unsigned int size,
		   bool write, u64 data);

/* debug.c */

/**
 * __vmx_breakpoints_dr7() - the guest's DR7, for vmx_breakpoints_hit().
 * @vmx: the vCPU, VMCS current, after an exit.
 *
 * Read once per exit, for all the accesses to match.
 * vmx_breakpoints_dr7() looks only once the guest has enabled a
 * breakpoint.
 *
 * Return: DR7 as vmx_dr7_armed() leaves it, or 0 when no breakpoint can
 * be met: none enabled, or DR0-DR3 the VMM's (MOV-DR exiting).
 */
unsigned long __vmx_breakpoints_dr7(struct vmx_vcpu *vmx);

static inline unsigned long vmx_breakpoints_dr7(struct vmx_vcpu *vmx)
{
	return vmx->guest_db_saved ? __vmx_breakpoints_dr7(vmx) : 0;
}

/* B0-B3 of the guest's breakpoints an access meets, @dr7 from vmx_breakpoints_dr7(). */
static inline unsigned int vmx_breakpoints_hit(struct vmx_vcpu *vmx,
					       unsigned long dr7, u64 addr,
					       unsigned int len,
					       enum vmx_bp_access acc)
{
	return dr7 ? vmx_dr7_match(dr7, vmx->guest_db, addr, len, acc) : 0;
}

/**
 * __vmx_breakpoints_pend() - leave a breakpoint's #DB trap for the entry.
 * @vmx: the vCPU, VMCS current.
 * @hit: B0-B3, as vmx_breakpoints_hit() gives them, not 0 (the inline
 *	vmx_breakpoints_pend() takes 0 too, and does nothing).
 *
 * Call once the instruction, or the iteration of a REP string
 * instruction, that made the access is complete.
 */
void __vmx_breakpoints_pend(struct vmx_vcpu *vmx, unsigned int hit);

static inline void vmx_breakpoints_pend(struct vmx_vcpu *vmx, unsigned int hit)
{
	if (hit)
		__vmx_breakpoints_pend(vmx, hit);
}

/* complete.c */
int vmx_complete_userspace_exit(struct vmx_vcpu *vmx);

/* gva.c: access bits, as in a page-fault error code (SDM 4.7). */
#define VMX_PF_PRESENT		BIT(0)
#define VMX_ACC_WRITE		BIT(1)
#define VMX_ACC_USER		BIT(2)
int vmx_gva_translate(struct vmx_vcpu *vmx, u64 gva, u32 acc, u64 *gpa,
		      u32 *pf_err);
int vmx_gva_to_gpa(struct vmx_vcpu *vmx, u64 gva, u64 *gpa);
int vmx_copy_gpa(struct vmx_vcpu *vmx, u64 gpa, void *buf, unsigned int len,
		 bool write);
int vmx_read_gva(struct vmx_vcpu *vmx, u64 gva, void *buf, unsigned int len);
int vmx_write_gva(struct vmx_vcpu *vmx, u64 gva, const void *buf,
		  unsigned int len);
unsigned int vmx_cpu_mode(struct vmx_vcpu *vmx);

/* Most CPUID entries in a model, MSRs in one AXV_GET/SET_MSRS call. */
#define VMX_MAX_CPUID_ENTRIES	64
#define VMX_MAX_MSRS		256

/* vm.c */
int vmx_vm_init(struct axv_vm *vm);
void vmx_vm_destroy(struct axv_vm *vm);
int vmx_map_memory(struct axv_vm *vm, u64 gpa, const struct axv_chunk *chunk,
		   unsigned long npages, bool readonly);
void vmx_unmap_memory(struct axv_vm *vm, u64 gpa, unsigned long npages);
void vmx_count_mappings(struct axv_vm *vm, u64 *counts);
int vmx_check_memory(struct axv_vm *vm, u64 gpa, u64 size);

/* vmcs_setup.c */
int vmx_bitmaps_init(void);
void vmx_bitmaps_free(void);

/* cpuid.c */
int vmx_cpuid_init(void);
int vmx_cpuid_vm_init(struct vmx_vm *vm);
void vmx_cpuid_emulate(struct vmx_vcpu *vmx);
long vmx_cpuid_vm_ioctl(struct axv_vm *vm, unsigned int cmd,
			void __user *argp);
long vmx_get_supported_cpuid(void __user *argp);
u64 vmx_supported_xcr0(void);

/* msr.c */
int vmx_msr_read(struct vmx_vcpu *vmx, u32 index, u64 *data);
int vmx_msr_write(struct vmx_vcpu *vmx, u32 index, u64 data, bool host);

/* apicv.c */
bool vmx_apicv_offered(void);
u32 vmx_apicv_ctls(void);
int vmx_apicv_vcpu_init(struct vmx_vcpu *vmx);
void vmx_apicv_vcpu_destroy(struct vmx_vcpu *vmx);
int vmx_apicv_vm_init(struct axv_vm *vm);
void vmx_apicv_vm_destroy(struct vmx_vm *vvm);
void vmx_apicv_vmcs_setup(struct vmx_vcpu *vmx);
void vmx_apicv_update(struct vmx_vcpu *vmx);
int vmx_exit_apic_access(struct vmx_vcpu *vmx);
int vmx_exit_apic_write(struct vmx_vcpu *vmx);
int vmx_exit_eoi_induced(struct vmx_vcpu *vmx);

/* apic.c */
int vmx_apic_create(struct vmx_vcpu *vmx);
void vmx_apic_destroy(struct vmx_vcpu *vmx);
void vmx_vcpu_deliver(struct axv_vcpu *vcpu);
int vmx_apic_pending(struct vmx_vcpu *vmx);
void vmx_apic_taken(struct vmx_vcpu *vmx, u8 vector);
void vmx_apic_update_tpr_threshold(struct vmx_vcpu *vmx);
u64 vmx_apic_cr8(struct vmx_vcpu *vmx);
void vmx_apic_set_cr8(struct vmx_vcpu *vmx, u64 cr8);
bool vmx_apic_xapic(struct vmx_vcpu *vmx);

/*
 * @gpa is in the page of the in-kernel local APIC in xAPIC mode.  The
 * address first, inline: every emulated access asks, few are the APIC's.
 */
static inline bool vmx_apic_page(struct vmx_vcpu *vmx, u64 gpa)
{
	const struct lapic *apic = vmx->lapic;

	return apic && !((gpa ^ apic->base) & LAPIC_BASE_ADDR_MASK & PAGE_MASK) &&
	       vmx_apic_xapic(vmx);
}

u64 vmx_apic_mmio_read(struct vmx_vcpu *vmx, u32 offset, unsigned int size);
void vmx_apic_mmio_write(struct vmx_vcpu *vmx, u32 offset, unsigned int size,
			 u64 value);
int vmx_apic_msr_read(struct vmx_vcpu *vmx, u32 index, u64 *data);
int vmx_apic_msr_write(struct vmx_vcpu *vmx, u32 index, u64 data, bool host);
int vmx_apic_send(struct vmx_vcpu *vmx);

/**
 * vmx_apic_eoi_exit() - report the next level-triggered EOI to userspace:
 * an %AXV_EXIT_EOI.
 * @vmx: the vCPU, whose in-kernel local APIC has one to report
 *	(lapic_eoi_pending()); VMCS not held.
 */
void vmx_apic_eoi_exit(struct vmx_vcpu *vmx);
long vmx_vm_send_irq(struct axv_vm *vm, void __user *argp);
long vmx_apic_get_state(struct vmx_vcpu *vmx, void __user *argp);
long vmx_apic_set_state(struct vmx_vcpu *vmx, void __user *argp);

/* vcpu.c */
void vmx_vcpu_reset(struct axv_vcpu *vcpu, u8 sipi_vector);

/* regs.c */
int vmx_vcpu_inject(struct axv_vcpu *vcpu, u32 vector, bool nmi);
long vmx_vcpu_ioctl(struct axv_vcpu *vcpu, unsigned int cmd,
		    unsigned long arg);

#endif /* _AXVCPU_VMX_VMX_VCPU_H */
