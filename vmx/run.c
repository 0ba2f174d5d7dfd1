// SPDX-License-Identifier: GPL-2.0
/*
 * Running a vCPU on VMX: keeping its VMCS active on the CPU it runs on,
 * switching FPU state, injecting events, and the entry/exit loop.
 *
 * A VMCS may be active on one CPU at a time (SDM Vol. 3, 24.1): before it
 * is loaded on another CPU it is VMCLEARed on the old one, by an IPI.
 * Each CPU keeps a list of the VMCSs active on it, so that turning VMX
 * off there (CPU offline, last VM gone) clears them first.  A CPU's list
 * and the @cpu field of its VMCSs change only on that CPU with interrupts
 * off.
 */
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/irq_vectors.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>
#include <asm/msr.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "insn.h"
#include "vmcs.h"
#include "vmx_vcpu.h"

static DEFINE_PER_CPU(struct list_head, vmx_loaded_vmcss);
static DEFINE_PER_CPU(struct vmx_vcpu *, vmx_current);

/* The host's SYSCALL MSRs and XCR0: the same on every CPU, set at boot. */
static u64 vmx_host_star, vmx_host_lstar, vmx_host_cstar, vmx_host_sfmask;
static u64 vmx_host_xcr0;

/* Exits handled back to back without leaving the guest's state. */
#define VMX_FASTPATH_MAX	1024

/* Preemption-timer ticks in one time slice (VMX_SLICE_US). */
#define VMX_SLICE_US	1000
static u32 vmx_slice_ticks;

void vmx_run_init(void)
{
	u64 tsc_per_slice = (u64)tsc_khz * VMX_SLICE_US / 1000;
	u64 ticks;

	/* The timer counts down once every 2^shift TSC cycles (25.5.1). */
	ticks = tsc_per_slice >> vmx_caps.preemption_timer_shift;
	vmx_slice_ticks = clamp_t(u64, ticks, 1, U32_MAX);
	rdmsrl(MSR_STAR, vmx_host_star);
	rdmsrl(MSR_LSTAR, vmx_host_lstar);
	rdmsrl(MSR_CSTAR, vmx_host_cstar);
	rdmsrl(MSR_SYSCALL_MASK, vmx_host_sfmask);
	vmx_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
}

static void vmx_restore_host_syscall_msrs(struct vmx_vcpu *vmx)
{
	rdmsrl(MSR_STAR, vmx->star);
	rdmsrl(MSR_LSTAR, vmx->lstar);
	rdmsrl(MSR_CSTAR, vmx->cstar);
	rdmsrl(MSR_SYSCALL_MASK, vmx->sfmask);
	wrmsrl(MSR_STAR, vmx_host_star);
	wrmsrl(MSR_LSTAR, vmx_host_lstar);
	wrmsrl(MSR_CSTAR, vmx_host_cstar);
	wrmsrl(MSR_SYSCALL_MASK, vmx_host_sfmask);
}

void vmx_run_init_cpu(unsigned int cpu)
{
	INIT_LIST_HEAD(&per_cpu(vmx_loaded_vmcss, cpu));
}

/* VMCLEAR @vmx on the CPU where it is active; interrupts off there. */
static void vmx_clear_local(struct vmx_vcpu *vmx)
{
	lockdep_assert_irqs_disabled();
	if (vmx->cpu != smp_processor_id())
		return;
	if (!vmx_vmclear(vmx->vmcs_pa))
		pr_warn_ratelimited("VM %u vCPU %u: VMCLEAR failed on CPU %d\n",
				    vmx->vcpu->vm_id, vmx->vcpu->id, vmx->cpu);
	if (this_cpu_read(vmx_current) == vmx)
		this_cpu_write(vmx_current, NULL);
	list_del(&vmx->loaded_node);
	vmx->launched = false;
	/* After the list change: another CPU may load it once it sees -1. */
	smp_wmb();
	WRITE_ONCE(vmx->cpu, -1);
}

static void vmx_clear_ipi(void *arg)
{
	vmx_clear_local(arg);
}

/* Make @vmx inactive wherever it is active.  Process context. */
void vmx_vcpu_unload(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_clear_ipi, vmx, 1);
}

/* VMX is about to go off in this CPU: clear every VMCS active here. */
void vmx_clear_cpu_vmcss(void)
{
	struct list_head *list = this_cpu_ptr(&vmx_loaded_vmcss);
	struct vmx_vcpu *vmx, *tmp;

	list_for_each_entry_safe(vmx, tmp, list, loaded_node)
		vmx_clear_local(vmx);
}

void vmx_flush_vpid(u16 vpid)
{
	if (vmx_caps.features & AXV_VMX_F_INVVPID_SINGLE)
		vmx_invvpid(VMX_INVVPID_SINGLE, vpid);
	else
		vmx_invvpid(VMX_INVVPID_GLOBAL, 0);
}

/* VMPTRLD @vmx on this CPU, whose current VMCS it becomes. */
static void vmx_make_current(struct vmx_vcpu *vmx)
{
	if (!vmx_vmptrld(vmx->vmcs_pa))
		pr_warn_ratelimited("VM %u vCPU %u: VMPTRLD failed on CPU %d\n",
				    vmx->vcpu->vm_id, vmx->vcpu->id,
				    smp_processor_id());
	this_cpu_write(vmx_current, vmx);
}

/*
 * Make @vmx the current VMCS of this CPU, clearing it first on the CPU it
 * was active on.  Disables preemption; vmx_vcpu_put() enables it.
 */
void vmx_vcpu_get(struct vmx_vcpu *vmx)
{
	int cpu = get_cpu();
	unsigned long flags;

	if (READ_ONCE(vmx->cpu) != cpu) {
		int old = READ_ONCE(vmx->cpu);

		if (old >= 0)
			smp_call_function_single(old, vmx_clear_ipi, vmx, 1);
		local_irq_save(flags);
		list_add(&vmx->loaded_node, this_cpu_ptr(&vmx_loaded_vmcss));
		vmx->cpu = cpu;
		vmx_make_current(vmx);
		vmx_vmcs_set_host_percpu();
		local_irq_restore(flags);
		/* This CPU may hold stale translations tagged with the VPID. */
		if (vmx->vpid)
			vmx_flush_vpid(vmx->vpid);
	} else if (this_cpu_read(vmx_current) != vmx) {
		vmx_make_current(vmx);
	}
}

void vmx_vcpu_put(struct vmx_vcpu *vmx)
{
	put_cpu();
}

/* The exceptions that are faults (SDM Vol. 3, 6.15, Table 6-1). */
#define VMX_FAULT_VECTORS	(BIT(X86_TRAP_DE) | BIT(X86_TRAP_BR) |	\
				 BIT(X86_TRAP_UD) | BIT(X86_TRAP_NM) |	\
				 BIT(X86_TRAP_TS) | BIT(X86_TRAP_NP) |	\
				 BIT(X86_TRAP_SS) | BIT(X86_TRAP_GP) |	\
				 BIT(X86_TRAP_PF) | BIT(X86_TRAP_MF) |	\
				 BIT(X86_TRAP_AC) | BIT(X86_TRAP_XF) |	\
				 BIT(X86_TRAP_VE))

void vmx_queue_exception(struct vmx_vcpu *vmx, u8 vector, bool has_error,
			 u32 error_code)
{
	vmx->event = (struct vmx_event){
		.valid = true,
		.info = INTR_INFO_VALID_MASK | INTR_TYPE_HARD_EXCEPTION |
			vector | (has_error ? INTR_INFO_DELIVER_CODE_MASK : 0),
		.error_code = error_code,
	};
	/*
	 * A fault pushes RFLAGS with RF set, so that the instruction the
	 * handler returns to does not hit its instruction breakpoint again
	 * (6.12.1, 18.3.1.1); an injected event pushes RFLAGS as it is in
	 * the VMCS.
	 */
	if (vector < 32 && (VMX_FAULT_VECTORS & BIT(vector)))
		vmcs_writel(GUEST_RFLAGS,
			    vmcs_readl(GUEST_RFLAGS) | X86_EFLAGS_RF);
}

/*
 * Choose the event to inject at this entry (24.8.3): one re-injected or
 * queued by an exit handler first, then an NMI, then an external
 * interrupt when RFLAGS.IF and the interruptibility state allow it;
 * otherwise ask for an exit when the window opens (25.2).  VMCS current.
 */
static void vmx_inject_events(struct vmx_vcpu *vmx)
{
	u32 proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	u32 intr = vmcs_read32(GUEST_INTERRUPTIBILITY_INFO);
	bool blocked = intr & (GUEST_INTR_STATE_STI | GUEST_INTR_STATE_MOV_SS);
	int ext;

	/*
	 * With virtual-interrupt delivery the processor takes the APIC's
	 * interrupts itself when the guest can: nothing to inject, no
	 * window to ask for.  A halt it would end ends here.
	 */
	vmx_apicv_update(vmx);
	ext = vmx_apic_pending(vmx);
	if (vmx->apicv_on) {
		if (vmx->halted && vmx->halt_if && ext >= 0)
			vmx->halted = false;
		ext = -1;
	}

	if (vmx->event.valid) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, vmx->event.info);
		vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE,
			     vmx->event.error_code);
		vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, vmx->event.insn_len);
		vmx->event.valid = false;
	} else if (vmx->nmi_pending && !blocked &&
		   !(intr & GUEST_INTR_STATE_NMI)) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, INTR_INFO_VALID_MASK |
			     INTR_TYPE_NMI_INTR | NMI_VECTOR);
		vmx->nmi_pending = false;
		vmx->halted = false;
	} else if (ext >= 0 && !blocked &&
		   (vmcs_readl(GUEST_RFLAGS) & X86_EFLAGS_IF)) {
		vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, INTR_INFO_VALID_MASK |
			     INTR_TYPE_EXT_INTR | ext);
		vmx_apic_taken(vmx, ext);
		ext = vmx_apic_pending(vmx);
		vmx->halted = false;
	}
	vmx_apic_update_tpr_threshold(vmx);

	/*
	 * What still waits asks for an exit when the guest can take it.  An
	 * NMI blocked by an earlier one waits for the guest's IRET: the
	 * NMI-window exit says when, where the CPU has it (25.2); without
	 * it the NMI is tried again at the next exit, as an interrupt window
	 * would open at once and never let the guest reach its IRET.
	 */
	proc &= ~(CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING);
	if (vmx->nmi_pending && (intr & GUEST_INTR_STATE_NMI)) {
		/* NMI-window exiting needs virtual NMIs (26.2.1.1). */
		if ((vmx_caps.proc & CPU_BASED_NMI_WINDOW_EXITING) &&
		    (vmx_caps.pin & PIN_BASED_VIRTUAL_NMIS))
			proc |= CPU_BASED_NMI_WINDOW_EXITING;
	} else if (vmx->nmi_pending) {
		proc |= CPU_BASED_INTR_WINDOW_EXITING;
	}
	if (ext >= 0)
		proc |= CPU_BASED_INTR_WINDOW_EXITING;
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc);
	/* A halted guest that gets an event wakes up (26.6.2). */
	if (!vmx->halted)
		vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);
}

/* Host state that can change between entries on the same CPU. */
static void vmx_update_host_state(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = __read_cr4();

	/* The VM exit loads FS.base (27.5.2): it must be this thread's TLS. */
	if (unlikely(vmx->thread_fs_base != vmx->host_fs_base)) {
		vmcs_writel(HOST_FS_BASE, vmx->thread_fs_base);
		vmx->host_fs_base = vmx->thread_fs_base;
	}

	/* The PCID in CR3 and per-task CR4 bits (TSD, PCE) may change. */
	if (unlikely(cr3 != vmx->host_cr3)) {
		vmcs_writel(HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (unlikely(cr4 != vmx->host_cr4)) {
		vmcs_writel(HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
}

/*
 * VMLAUNCH/VMRESUME failed as an instruction (VMfailValid: the controls
 * or host state are wrong, 26.2 and 26.3 before the guest-state checks):
 * a bug of axvcpu rather than of the guest.  VMCS current.
 */
static int vmx_entry_insn_failed(struct vmx_vcpu *vmx)
{
	struct axv_run *run = vmx->vcpu->run;
	u32 err = vmcs_read32(VM_INSTRUCTION_ERROR);

	pr_warn_ratelimited("VM %u vCPU %u: VM entry failed as an instruction, VM-instruction error %u\n",
			    vmx->vcpu->vm_id, vmx->vcpu->id, err);
	run->exit_reason = AXV_EXIT_FAIL_ENTRY;
	run->fail_entry.hw_reason = 0;
	run->fail_entry.vm_instruction_error = err;
	run->fail_entry.qualification = 0;
	run->fail_entry.check = AXV_ENTRY_CHECK_NONE;
	axv_vcpu_account_exit(vmx->vcpu, 0, AXV_EXIT_FAIL_ENTRY);
	return 0;
}

/* XSAVE/XRSTOR of the guest's components, standard format. */
static bool vmx_xrstor(void *area, u64 mask)
{
	u32 lo = mask, hi = mask >> 32;
	u8 failed = 1;

	asm volatile("1: xrstor64 (%[area])\n\t"
		     "movb $0, %[failed]\n"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : [failed] "+qm" (failed)
		     : [area] "r" (area), "a" (lo), "d" (hi)
		     : "memory");
	return !failed;
}

static void vmx_xsave(void *area, u64 mask)
{
	u32 lo = mask, hi = mask >> 32;

	asm volatile("xsave64 (%[area])"
		     : : [area] "r" (area), "a" (lo), "d" (hi) : "memory");
}

/*
 * The guest has a breakpoint enabled in DR7 and owns DR0-DR3 (with MOV-DR
 * exiting, the VMM keeps them).  VMCS current.
 */
static bool vmx_guest_db_in_use(void)
{
	return (vmcs_readl(GUEST_DR7) & VMX_DR7_ENABLED) &&
	       !(vmcs_read32(CPU_BASED_VM_EXEC_CONTROL) &
		 CPU_BASED_MOV_DR_EXITING);
}

/*
 * One entry and exit.  Returns 0 after a VM exit, 1 when the entry
 * failed, with the exit fields read into @vmx.  Preemption off, VMCS
 * current.
 */
static int vmx_enter_once(struct vmx_vcpu *vmx, u64 *guest_ns)
{
	u64 host_xcr0 = vmx_host_xcr0;
	/*
	 * x87 and SSE registers are usable whatever XCR0 says (SSE needs
	 * only CR4.OSFXSR): they are always switched, with what XCR0 adds.
	 */
	u64 fpu_mask = vmx->xcr0 | XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	unsigned long dr7, host_cr2;
	u64 kgs = 0, debugctl, t0;
	struct desc_ptr gdt;
	bool syscall_msrs, entered = false;
	u16 ds, es, ldt;
	int failed, fast;

	vmx_update_host_state(vmx);
	/*
	 * A time slice: the guest leaves after it at the latest, so that
	 * kicks, signals and the scheduler are seen even if the host's
	 * interrupts are late to make it exit (25.5.1).
	 */
	if (vmx_caps.pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, vmx_slice_ticks);
	vmcs_writel(GUEST_RSP, vmx->regs[VMX_RSP]);

	kernel_fpu_begin();
	local_irq_disable();
	if (!vmx_xrstor(vmx->xsave, fpu_mask)) {
		/* Refused by the CPU: SET_FPU checks should prevent this. */
		memset(vmx->xsave + 512, 0, 64);
		vmx_xrstor(vmx->xsave, fpu_mask);
	}
	if (vmx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx->xcr0);
	/* The guest's SWAPGS must not change the host's user GS base. */
	rdmsrl(MSR_KERNEL_GS_BASE, kgs);
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	/*
	 * SYSCALL (EFER.SCE) must not reach the host's entry point, not
	 * even its address: the guest's values go in while it may use it.
	 */
	syscall_msrs = vmx->syscall_msrs ||
		       (vmcs_read64(GUEST_IA32_EFER) & EFER_SCE);
	if (syscall_msrs) {
		wrmsrl(MSR_STAR, vmx->star);
		wrmsrl(MSR_LSTAR, vmx->lstar);
		wrmsrl(MSR_CSTAR, vmx->cstar);
		wrmsrl(MSR_SYSCALL_MASK, vmx->sfmask);
	}
	/* The VM exit zeroes DS and ES (27.5.2); userspace may use them. */
	savesegment(ds, ds);
	savesegment(es, es);
	/* It also clears IA32_DEBUGCTL and LDTR (27.5.1, 27.5.2). */
	rdmsrl(MSR_IA32_DEBUGCTLMSR, debugctl);
	asm volatile("sldt %0" : "=r" (ldt));
	native_store_gdt(&gdt);
	host_cr2 = native_read_cr2();
	if (host_cr2 != vmx->cr2)
		native_write_cr2(vmx->cr2);
	dr7 = native_get_debugreg(7);
	/*
	 * The guest's breakpoint addresses, once it uses breakpoints: the
	 * host's own are disarmed first (the exit restores DR7 below).
	 */
	if (vmx->guest_db_saved) {
		if (dr7 & VMX_DR7_ENABLED)
			native_set_debugreg(7, 0);
		native_set_debugreg(0, vmx->guest_db[0]);
		native_set_debugreg(1, vmx->guest_db[1]);
		native_set_debugreg(2, vmx->guest_db[2]);
		native_set_debugreg(3, vmx->guest_db[3]);
	}

	WRITE_ONCE(vmx->in_guest, smp_processor_id());
	/* Publish in_guest before looking at requests (see vcpu/run.c). */
	smp_mb();
	if (READ_ONCE(vmx->vcpu->requests) &
	    (BIT(AXV_VCPU_REQ_KICK) | BIT(AXV_VCPU_REQ_EVENT))) {
		failed = -EAGAIN;
		goto out_restore;
	}
	/* Past the last way back: an event written now is delivered. */
	vmx_inject_events(vmx);
	t0 = ktime_get_ns();
	for (fast = 0; ; fast++) {
		failed = vmx_enter_guest(vmx->regs, vmx->launched);
		if (failed)
			break;
		entered = true;
		vmx->launched = true;
		/*
		 * Exits that need nothing of the host (CPUID, the null
		 * hypercall, some MSR reads) are handled here, with the
		 * guest's state still loaded, and the guest entered again.
		 * A host interrupt that arrives meanwhile makes the next
		 * entry exit at once, and a request or a reschedule ends
		 * the run, so the host waits at most one handler.
		 */
		if (!vmx_exit_fastpath(vmx, vmcs_read32(VM_EXIT_REASON)))
			break;
		if (fast == VMX_FASTPATH_MAX || READ_ONCE(vmx->vcpu->requests) ||
		    need_resched()) {
			/* No exit to handle; the run loop enters again. */
			vmx->regs[VMX_RSP] = vmcs_readl(GUEST_RSP);
			failed = -EAGAIN;
			break;
		}
	}
	*guest_ns = ktime_get_ns() - t0;
	if (!failed) {
		/*
		 * An NMI that made the guest exit is the host's and leaves NMIs
		 * blocked (27.5.5): run the host's handler now, whose IRET
		 * unblocks them.
		 */
		if ((vmcs_read32(VM_EXIT_REASON) & 0xffff) ==
		    EXIT_REASON_EXCEPTION_NMI &&
		    (vmcs_read32(VM_EXIT_INTR_INFO) & INTR_INFO_INTR_TYPE_MASK) ==
		    INTR_TYPE_NMI_INTR)
			asm volatile("int $2");
	}
	vmx->cr2 = native_read_cr2();

out_restore:
	WRITE_ONCE(vmx->in_guest, -1);
	if (unlikely(ds))
		loadsegment(ds, ds);
	if (unlikely(es))
		loadsegment(es, es);
	if (unlikely(ldt))
		asm volatile("lldt %0" : : "r" (ldt));
	if (unlikely(debugctl))
		wrmsrl(MSR_IA32_DEBUGCTLMSR, debugctl);
	/* The exit sets the GDTR limit to 0xffff (27.5.2): the host's back. */
	if (gdt.size != 0xffff)
		native_load_gdt(&gdt);
	/*
	 * The exit set the TR limit to 0x67, cutting off the I/O bitmap:
	 * Linux restores it lazily, before a task using ioperm() runs.
	 */
	invalidate_tss_limit();
	/*
	 * DR0-DR3 are the guest's as it left them (the exit saves only DR7,
	 * 27.3.1): kept once it has enabled a breakpoint, for the emulator's
	 * data breakpoints and for the next entry.
	 */
	if (entered && (vmx->guest_db_saved || vmx_guest_db_in_use())) {
		vmx->guest_db[0] = native_get_debugreg(0);
		vmx->guest_db[1] = native_get_debugreg(1);
		vmx->guest_db[2] = native_get_debugreg(2);
		vmx->guest_db[3] = native_get_debugreg(3);
		vmx->guest_db_saved = true;
	}
	/* A VM exit sets DR7 to 0x400 (27.5.1). */
	if (dr7 != 0x400)
		native_set_debugreg(7, dr7);
	/*
	 * The guest may have written DR0-DR3 and DR6 (MOV DR exits only
	 * when trapped): host breakpoints in use get their registers back.
	 */
	if (hw_breakpoint_active())
		hw_breakpoint_restore();
	if (syscall_msrs)
		vmx_restore_host_syscall_msrs(vmx);
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	wrmsrl(MSR_KERNEL_GS_BASE, kgs);
	if (vmx->xcr0 != host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, host_xcr0);
	vmx_xsave(vmx->xsave, fpu_mask);
	local_irq_enable();
	kernel_fpu_end();

	if (failed)
		return failed;
	vmx->regs[VMX_RSP] = vmcs_readl(GUEST_RSP);
	vmx->exit_reason = vmcs_read32(VM_EXIT_REASON);
	vmx->exit_qual = vmcs_readl(EXIT_QUALIFICATION);
	vmx->exit_insn_len = vmcs_read32(VM_EXIT_INSTRUCTION_LEN);
	vmx->exit_intr_info = vmcs_read32(VM_EXIT_INTR_INFO);
	vmx->idt_vectoring = vmcs_read32(IDT_VECTORING_INFO_FIELD);
	if (vmx->idt_vectoring & VECTORING_INFO_DELIVER_CODE_MASK)
		vmx->idt_vectoring_err = vmcs_read32(IDT_VECTORING_ERROR_CODE);
	/*
	 * An event whose delivery the exit interrupted is delivered again
	 * at the next entry (27.2.4), unless a handler replaces it.
	 */
	if (vmx->idt_vectoring & VECTORING_INFO_VALID_MASK) {
		vmx->event = (struct vmx_event){
			.valid = true,
			.info = vmx->idt_vectoring & ~INTR_INFO_RESVD_BITS_MASK,
			.error_code = vmx->idt_vectoring_err,
			.insn_len = vmx->exit_insn_len,
		};
	}
	return 0;
}

/* RUN returns without a VM exit: the run structure still tells where. */
void vmx_exit_without_guest(struct vmx_vcpu *vmx, u32 reason)
{
	vmx_vcpu_get(vmx);
	vmx->exit_reason = 0;
	vmx_user_exit(vmx, reason);
	vmx_vcpu_put(vmx);
	vmx_count(vmx, reason);
}

/*
 * Whether the halt ends: an NMI, an interrupt the guest takes (IF was set
 * at its HLT), or an event still to look at (an IPI, a timer expiry).
 */
static bool vmx_can_wake(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	return vmx->nmi_pending ||
	       (vmx->lapic ? vmx->halt_if && vmx_apic_pending(vmx) >= 0 :
		vmx->ext_pending) ||
	       test_bit(AXV_VCPU_REQ_EVENT, &vcpu->requests);
}

/*
 * With the local APIC in the kernel, take what arrived before entering:
 * IPIs and timer expiries.  An INIT leaves the vCPU waiting for a start;
 * it waits here.  Returns 1 to go on, else as vmx_vcpu_run().
 */
static int vmx_take_events(struct vmx_vcpu *vmx)
{
	struct axv_vcpu *vcpu = vmx->vcpu;
	int ret;

	if (!vcpu->vm->irqchip) {
		clear_bit(AXV_VCPU_REQ_EVENT, &vcpu->requests);
		return 1;
	}
	axv_vcpu_take_events(vcpu);
	if (vcpu->state != AXV_VCPU_WAIT_START)
		return 1;
	ret = axv_vcpu_await_start(vcpu);
	if (ret)
		return ret > 0 ? 0 : ret;
	ret = axv_vcpu_enter_running(vcpu);
	return ret ? ret : 1;
}

int vmx_vcpu_run(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct axv_run *run = vcpu->run;
	u16 fs, gs;
	int ret;

	/*
	 * The VM exit loads FS and GS with null selectors; a task using
	 * non-null ones (a 32-bit process) would lose them.
	 */
	savesegment(fs, fs);
	savesegment(gs, gs);
	if (fs || gs) {
		pr_info_ratelimited("VM %u vCPU %u: AXV_RUN refused: the calling thread has FS/GS selectors %#x/%#x (32-bit process?)\n",
				    vcpu->vm_id, vcpu->id, fs, gs);
		return -EOPNOTSUPP;
	}
	/* The thread's TLS base holds for the whole call (no return to user). */
	rdmsrl(MSR_FS_BASE, vmx->thread_fs_base);
	ret = vmx_complete_userspace_exit(vmx);
	if (ret <= 0)
		return ret;
	if (READ_ONCE(run->immediate_exit)) {
		vmx_exit_without_guest(vmx, AXV_EXIT_INTR);
		return -EINTR;
	}

	for (;;) {
		u64 guest_ns = 0;

		if (axv_vcpu_take_kick(vcpu)) {
			vmx_exit_without_guest(vmx, AXV_EXIT_KICKED);
			return 0;
		}
		if (signal_pending(current)) {
			vmx_exit_without_guest(vmx, AXV_EXIT_INTR);
			return -EINTR;
		}
		ret = vmx_take_events(vmx);
		if (ret <= 0)
			return ret;
		if (vmx->halted && !vmx_can_wake(vcpu)) {
			ret = axv_vcpu_block(vcpu, vmx_can_wake);
			if (ret)
				return ret;
			continue;
		}
		if (vmx->fault_pending) {
			ret = vmx_fault_in(vmx);
			if (ret <= 0)
				return ret;
		}
		/* An instruction whose emulation waited for that memory. */
		if (vmx->pending == VMX_PENDING_EMULATE) {
			ret = vmx_complete_userspace_exit(vmx);
			if (ret <= 0)
				return ret;
		}
		/* A level-triggered interrupt ended: userspace's I/O APIC hears. */
		if (vmx->lapic && lapic_eoi_pending(vmx->lapic)) {
			vmx_apic_eoi_exit(vmx);
			return 0;
		}
		cond_resched();

		vmx_vcpu_get(vmx);
		ret = vmx_enter_once(vmx, &guest_ns);
		if (ret == -EAGAIN) {
			vmx_vcpu_put(vmx);
			vcpu->exec_ns += guest_ns;
			/* An ICR write in the exits' fast path. */
			if (vmx->lapic && vmx->lapic->icr_pending) {
				ret = vmx_apic_send(vmx);
				if (ret <= 0)
					return ret;
			}
			continue;
		}
		if (ret)
			ret = vmx_entry_insn_failed(vmx);
		else
			ret = vmx_handle_exit(vmx);
		vmx_vcpu_put(vmx);
		vcpu->exec_ns += guest_ns;
		/* An ICR write is sent now that the thread may sleep. */
		if (ret > 0 && vmx->lapic && vmx->lapic->icr_pending)
			ret = vmx_apic_send(vmx);
		if (ret <= 0)
			return ret;
	}
}

/*
 * Bind: make the VMCS current and active on this CPU now, clearing it
 * where it was, so the first entry of this RUN finds it loaded.  The
 * run loop loads it again whenever the thread has moved since.
 */
void vmx_vcpu_bind(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vcpu_get(vmx);
	vmx_vcpu_put(vmx);
}

/*
 * Unbind: nothing to undo.  The VMCS stays active on the last CPU (a
 * VMCLEAR there would cost an IPI later for nothing); it is cleared when
 * the vCPU is loaded elsewhere, destroyed, or VMX goes off on that CPU.
 */
void vmx_vcpu_unbind(struct axv_vcpu *vcpu)
{
}

void vmx_vcpu_kick(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int cpu;

	if (!vmx)
		return;
	cpu = READ_ONCE(vmx->in_guest);
	/*
	 * The interrupt makes it exit; the loop then sees the request.  A
	 * rescheduling IPI can be sent from any context, hard interrupts
	 * (the APIC timer) included.
	 */
	if (cpu >= 0 && cpu != raw_smp_processor_id() && cpu_online(cpu))
		smp_send_reschedule(cpu);
}
