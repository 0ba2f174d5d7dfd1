// SPDX-License-Identifier: GPL-2.0
/*
 * Filling a VMCS: the controls chosen at load from the capability MSRs,
 * the host state the VM exit returns to, and the guest's reset state.
 * Section numbers are of the SDM, Vol. 3.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <asm/cpu_entry_area.h>
#include <asm/desc.h>
#include <asm/msr.h>
#include <asm/special_insns.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

/* Every MSR access and every port exits (bitmaps of ones, 24.6.9, 24.6.4). */
static struct page *vmx_msr_bitmap;
static struct page *vmx_io_bitmaps;

int vmx_bitmaps_init(void)
{
	vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	if (!vmx_msr_bitmap)
		return -ENOMEM;
	vmx_io_bitmaps = alloc_pages(GFP_KERNEL, 1);
	if (!vmx_io_bitmaps) {
		__free_page(vmx_msr_bitmap);
		return -ENOMEM;
	}
	memset(page_address(vmx_msr_bitmap), 0xff, PAGE_SIZE);
	memset(page_address(vmx_io_bitmaps), 0xff, 2 * PAGE_SIZE);
	return 0;
}

void vmx_bitmaps_free(void)
{
	__free_pages(vmx_io_bitmaps, 1);
	__free_page(vmx_msr_bitmap);
}

void vmx_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_warn_ratelimited("VMWRITE of %#lx to field %#lx failed: VM-instruction error %lu\n",
			    value, field, __vmcs_read(VM_INSTRUCTION_ERROR));
}

/* The base of the TSS the current CPU's TR selects. */
static unsigned long vmx_host_tr_base(void)
{
	return (unsigned long)&get_cpu_entry_area(smp_processor_id())->tss.x86_tss;
}

/*
 * Host state that differs between CPUs (27.5): written whenever the VMCS
 * becomes active on a CPU.  Preemption off.
 */
void vmx_vmcs_set_host_percpu(void)
{
	struct desc_ptr gdt;
	u64 msr;

	native_store_gdt(&gdt);
	vmcs_writel(HOST_GDTR_BASE, gdt.address);
	vmcs_writel(HOST_TR_BASE, vmx_host_tr_base());
	rdmsrl(MSR_GS_BASE, msr);
	vmcs_writel(HOST_GS_BASE, msr);
	rdmsrl(MSR_IA32_SYSENTER_ESP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_ESP, msr);
}

/* Host state shared by every CPU (27.5); preemption off, VMCS current. */
static void vmx_vmcs_set_host_fixed(struct vmx_vcpu *vmx)
{
	struct desc_ptr idt;
	u64 msr;

	/* The host runs with CR0.TS clear (kernel_fpu_begin() made sure). */
	vmcs_writel(HOST_CR0, read_cr0() & ~X86_CR0_TS);
	vmx->host_cr3 = __read_cr3();
	vmcs_writel(HOST_CR3, vmx->host_cr3);
	vmx->host_cr4 = __read_cr4();
	vmcs_writel(HOST_CR4, vmx->host_cr4);

	vmcs_write16(HOST_CS_SELECTOR, __KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, __KERNEL_DS);
	/* Data selectors and FS/GS: 0; the bases come from the MSR fields. */
	vmcs_write16(HOST_DS_SELECTOR, 0);
	vmcs_write16(HOST_ES_SELECTOR, 0);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, GDT_ENTRY_TSS * 8);
	rdmsrl(MSR_FS_BASE, vmx->host_fs_base);
	vmcs_writel(HOST_FS_BASE, vmx->host_fs_base);
	store_idt(&idt);
	vmcs_writel(HOST_IDTR_BASE, idt.address);
	vmcs_writel(HOST_RIP, (unsigned long)vmx_exit_target);
	rdmsrl(MSR_IA32_SYSENTER_CS, msr);
	vmcs_write32(HOST_IA32_SYSENTER_CS, msr);
	rdmsrl(MSR_IA32_SYSENTER_EIP, msr);
	vmcs_writel(HOST_IA32_SYSENTER_EIP, msr);
	rdmsrl(MSR_EFER, msr);
	vmcs_write64(HOST_IA32_EFER, msr);
	if (vmx_caps.exit & VM_EXIT_LOAD_IA32_PAT) {
		rdmsrl(MSR_IA32_CR_PAT, msr);
		vmcs_write64(HOST_IA32_PAT, msr);
	}
}

static void vmx_vmcs_set_controls(struct vmx_vcpu *vmx, u64 eptp)
{
	const struct vmx_msrs *m = &vmx_caps.msrs;
	u32 proc = vmx_caps.proc;
	u32 cr0_host, cr4_host;

	/*
	 * Descriptor-table, RDTSC and PAUSE exits are off; CR3 accesses exit
	 * only when the CPU forces it.  Without a TPR shadow, MOV CR8 would
	 * reach the host's APIC: it must exit (25.1.3).
	 */
	if (!(proc & CPU_BASED_TPR_SHADOW))
		proc |= CPU_BASED_CR8_LOAD_EXITING | CPU_BASED_CR8_STORE_EXITING;
	/*
	 * The window exits were probed as available; they are set only
	 * while an event waits for the guest to accept it (run.c).  Left on,
	 * the NMI-window exit would fire at every entry (25.2).
	 */
	proc &= ~(CPU_BASED_INTR_WINDOW_EXITING | CPU_BASED_NMI_WINDOW_EXITING);

	/* The preemption timer, when present, bounds each stay in the guest. */
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, vmx_caps.pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, proc);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, vmx_caps.proc2);
	/* Acknowledge-on-exit off: the host takes its interrupt as usual. */
	vmcs_write32(VM_EXIT_CONTROLS,
		     vmx_caps.exit & ~VM_EXIT_SAVE_VMX_PREEMPTION_TIMER);
	/* IA-32e mode guest is set when the guest enters long mode. */
	vmcs_write32(VM_ENTRY_CONTROLS, vmx_caps.entry);

	vmcs_write64(EPT_POINTER, eptp);
	if (vmx->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, vmx->vpid);
	if (vmx->vapic) {
		vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, page_to_phys(vmx->vapic));
		vmcs_write32(TPR_THRESHOLD, 0);
	}
	vmcs_write64(MSR_BITMAP, page_to_phys(vmx_msr_bitmap));
	/* After the shared MSR bitmap: it may put the vCPU's own instead. */
	vmx_apicv_vmcs_setup(vmx);
	vmcs_write64(IO_BITMAP_A, page_to_phys(vmx_io_bitmaps));
	vmcs_write64(IO_BITMAP_B, page_to_phys(vmx_io_bitmaps) + PAGE_SIZE);
	if (vmx_caps.proc2 & SECONDARY_EXEC_XSAVES)
		vmcs_write64(XSS_EXIT_BITMAP, 0);
	vmcs_write32(EXCEPTION_BITMAP, vmx->exc_bitmap_user);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO_FIELD, 0);
	vmcs_write64(VMCS_LINK_POINTER, ~0ULL);

	/*
	 * CR0 and CR4 bits fixed in VMX operation (23.8) belong to the host;
	 * the guest reads its own values from the shadows (25.3).  With
	 * unrestricted guest, PE and PG are the guest's (24.6.2).
	 */
	cr0_host = (m->cr0_fixed0 | ~m->cr0_fixed1) &
		   ~(X86_CR0_PE | X86_CR0_PG);
	cr4_host = m->cr4_fixed0 | ~m->cr4_fixed1;
	vmcs_writel(CR0_GUEST_HOST_MASK, cr0_host);
	vmcs_writel(CR4_GUEST_HOST_MASK, cr4_host);
}

/*
 * The CR0 and CR4 the processor runs the guest with, for the values the
 * guest sees: bits fixed in VMX operation forced (23.8), PE and PG left
 * to the guest under unrestricted guest (24.6.2).
 */
unsigned long vmx_cr0_hw(unsigned long cr0)
{
	const struct vmx_msrs *m = &vmx_caps.msrs;

	return (cr0 | (m->cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG))) &
	       m->cr0_fixed1;
}

unsigned long vmx_cr4_hw(unsigned long cr4)
{
	return cr4 | vmx_caps.msrs.cr4_fixed0;
}

/* IA32_APIC_BASE as the guest reads it: the BSP flag follows the role. */
u64 vmx_apic_base(struct vmx_vcpu *vmx)
{
	u64 base = vmx->lapic ? vmx->lapic->base : vmx->apic_base;

	return (base & ~APIC_BASE_BSP) |
	       (vmx->vcpu->bsp ? APIC_BASE_BSP : 0);
}

/*
 * PAE paging outside IA-32e mode takes its PDPTEs from the VMCS at entry
 * (26.3.2.4): load them from guest memory at @cr3, as MOV to CR3 would.
 */
void vmx_load_pdptrs(struct vmx_vcpu *vmx, unsigned long cr3)
{
	u64 pdpte[4] = { };

	/* Guest memory not in yet: loaded again before the next entry. */
	vmx->pdptrs_stale = vmx_copy_gpa(vmx, cr3 & ~0x1fUL, pdpte,
					 sizeof(pdpte), false) == -EAGAIN;
	vmcs_write64(GUEST_PDPTR0, pdpte[0]);
	vmcs_write64(GUEST_PDPTR1, pdpte[1]);
	vmcs_write64(GUEST_PDPTR2, pdpte[2]);
	vmcs_write64(GUEST_PDPTR3, pdpte[3]);
}

static void vmx_set_seg(unsigned long sel, unsigned long base,
			unsigned long limit, unsigned long ar,
			u16 selector, u64 b, u32 l, u32 a)
{
	__vmcs_write(sel, selector);
	__vmcs_write(base, b);
	__vmcs_write(limit, l);
	__vmcs_write(ar, a);
}

#define VMX_SET_SEG(seg, selector, base, limit, ar)			\
	vmx_set_seg(GUEST_##seg##_SELECTOR, GUEST_##seg##_BASE,		\
		    GUEST_##seg##_LIMIT, GUEST_##seg##_AR_BYTES,	\
		    selector, base, limit, ar)

/* Access rights (24.4.1): type, S, P; and "unusable" (bit 16). */
#define AR_DATA		0x93	/* read/write, accessed, present */
#define AR_CODE		0x9b	/* execute/read, accessed, present */
#define AR_TSS_BUSY	0x8b	/* busy 32-bit TSS, present */
#define AR_LDT		0x82	/* LDT, present */
#define AR_UNUSABLE	BIT(16)

/*
 * The architectural reset state (SDM Vol. 3, 10.1.1, Table 10-1), or the
 * state a start-up IPI gives: CS selector vector << 8, base vector << 12,
 * IP 0 (10.4.4).  VMCS current.
 */
void vmx_vmcs_reset_guest(struct vmx_vcpu *vmx, bool sipi, u8 vector)
{
	u64 cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;

	if (sipi)
		VMX_SET_SEG(CS, vector << 8, (u32)vector << 12, 0xffff, AR_CODE);
	else
		VMX_SET_SEG(CS, 0xf000, 0xffff0000, 0xffff, AR_CODE);
	VMX_SET_SEG(DS, 0, 0, 0xffff, AR_DATA);
	VMX_SET_SEG(ES, 0, 0, 0xffff, AR_DATA);
	VMX_SET_SEG(SS, 0, 0, 0xffff, AR_DATA);
	VMX_SET_SEG(FS, 0, 0, 0xffff, AR_DATA);
	VMX_SET_SEG(GS, 0, 0, 0xffff, AR_DATA);
	/* A usable TR is required even in real mode (26.3.1.2). */
	VMX_SET_SEG(TR, 0, 0, 0xffff, AR_TSS_BUSY);
	VMX_SET_SEG(LDTR, 0, 0, 0xffff, AR_LDT);
	vmcs_writel(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_writel(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_writel(CR0_READ_SHADOW, cr0);
	vmcs_writel(GUEST_CR0, vmx_cr0_hw(cr0));
	vmcs_writel(CR4_READ_SHADOW, 0);
	vmcs_writel(GUEST_CR4, vmx_cr4_hw(0));
	vmcs_writel(GUEST_CR3, 0);
	vmx->cr2 = 0;
	vmcs_write64(GUEST_IA32_EFER, 0);
	vmcs_write32(VM_ENTRY_CONTROLS,
		     vmx_caps.entry & ~VM_ENTRY_IA32E_MODE);
	if (vmx_caps.entry & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ULL);
	if (vmx_caps.entry & VM_ENTRY_LOAD_DEBUG_CONTROLS)
		vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_writel(GUEST_DR7, 0x400);
	vmcs_writel(GUEST_RIP, sipi ? 0 : 0xfff0);
	vmcs_writel(GUEST_RSP, 0);
	vmcs_writel(GUEST_RFLAGS, X86_EFLAGS_FIXED);
	vmcs_writel(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write32(GUEST_SYSENTER_CS, 0);
	vmcs_writel(GUEST_SYSENTER_ESP, 0);
	vmcs_writel(GUEST_SYSENTER_EIP, 0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_INFO, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_ACTIVE);

	memset(vmx->regs, 0, sizeof(vmx->regs));
	/* EDX holds the processor signature after reset (10.1.2). */
	vmx->regs[VMX_RDX] = cpuid_eax(1);
	vmx->kernel_gs_base = 0;
	vmx->star = 0;
	vmx->lstar = 0;
	vmx->cstar = 0;
	vmx->sfmask = 0;
	vmx->syscall_msrs = false;
	vmx->halted = false;
	vmx->event.valid = false;
	vmx->pending = VMX_PENDING_NONE;
}

int vmx_vmcs_setup(struct vmx_vcpu *vmx, u64 eptp)
{
	vmx_vmcs_set_controls(vmx, eptp);
	vmx_vmcs_set_host_fixed(vmx);
	vmx_vmcs_set_host_percpu();
	vmx_vmcs_reset_guest(vmx, false, 0);
	return 0;
}
