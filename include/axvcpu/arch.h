/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the architecture-neutral core and one architecture
 * backend.  Exactly one backend is linked into axvcpu.ko, chosen by Kbuild;
 * it defines axv_arch_ops.  KUnit links a fake backend instead.
 *
 * This header must stay free of architecture headers: arm64 and RISC-V
 * backends implement the same table.
 */
#ifndef _AXVCPU_ARCH_H
#define _AXVCPU_ARCH_H

#include <linux/types.h>

struct axv_chunk;
struct axv_vcpu;
struct axv_vm;
struct page;

/**
 * struct axv_arch_ops - what an architecture backend provides.
 * @name: short backend name for logs and diagnostics, e.g. "vmx".
 * @gpa_bits: width of the guest-physical address space the backend can
 *	map (48 for 4-level EPT); guest memory must end below 2^@gpa_bits.
 * @hardware_setup: probe the virtualization extension once, at module load,
 *	and allocate what every CPU will need to enable it; logs one line
 *	saying why when it fails.  Called in process context, may sleep.
 *	Returns 0; -ENODEV when the CPU has no virtualization extension;
 *	-EOPNOTSUPP when firmware disabled it or it lacks a feature the
 *	backend needs; -ENOMEM.
 * @hardware_unsetup: undo @hardware_setup.  No CPU has the extension
 *	enabled by axvcpu when it is called.  Process context, may sleep.
 * @cpu_enable: turn the virtualization extension on in the current CPU
 *	(VMXON on Intel); logs one line saying why when it fails and then
 *	leaves the CPU as it found it.  Called on the CPU concerned with
 *	interrupts disabled.  Returns 0; -EBUSY when another hypervisor
 *	holds the extension; -EOPNOTSUPP when this CPU cannot enable it.
 * @cpu_disable: turn the extension off in the current CPU; only called
 *	after a successful @cpu_enable there.  Called on the CPU concerned
 *	with interrupts disabled.
 * @cpu_hw_enabled: read back from the hardware whether the extension is on
 *	in the current CPU, whoever turned it on; for diagnostics and tests.
 *	Called on the CPU concerned with interrupts disabled.
 * @check_extension: the value of an architecture-specific AXV_CAP_*
 *	capability: 0 when absent or unknown, positive when present.
 *	Process context.
 * @dev_ioctl: architecture-specific ioctls on /dev/axvcpu.  Process
 *	context, may sleep.  Returns the ioctl's result, or -ENOTTY for a
 *	command it does not know (the caller logs that refusal).
 * @vcpu_setup: give a new vCPU its architecture state (on Intel a VMCS),
 *	kept in &axv_vcpu.arch; runs as the vCPU leaves the created state.
 *	Process context, may sleep; virtualization is on in every online
 *	CPU (the vCPU's VM exists).  Returns 0 or a negative errno, leaving
 *	nothing allocated on failure.
 * @vcpu_destroy: free what @vcpu_setup made; called only when it
 *	succeeded.  Process context, may sleep; virtualization is still on.
 * @vm_init: give a new VM its architecture state (on Intel the EPT root),
 *	kept in &axv_vm.arch.  Process context, may sleep.  Returns 0 or a
 *	negative errno, leaving nothing allocated on failure.
 * @vm_destroy: free what @vm_init made, after every vCPU and every
 *	memory region of the VM is gone.  Process context, may sleep.
 * @check_memory: optional; -EEXIST when the guest-physical range @gpa,
 *	@size cannot become a memory region because the backend keeps a
 *	page of its own there (on Intel, the APIC-access page), else 0.
 *	Called with &axv_vm.mem_mutex held; may sleep.
 * @map_memory: map the @npages pinned pages of @chunk, the first at
 *	guest-physical @gpa, writable unless @readonly, where nothing is
 *	mapped yet (a chunk of a region, brought in by axv_vm_fault_in()):
 *	@chunk->pages lists them, or @chunk->huge is the first of
 *	physically consecutive ones.  Nothing was
 *	mapped there, so no CPU holds anything to invalidate.  Called with
 *	&axv_vm.mem_mutex held, by the thread of a vCPU of @vm; may sleep.
 *	Returns 0, -ENOMEM, or -EINVAL for a page the backend cannot map; on
 *	failure nothing of the range stays mapped and no CPU can reach the
 *	pages through it.
 * @unmap_memory: unmap whatever is mapped in the @npages pages from @gpa
 *	(a whole region, whose chunks may be in or not), and return only
 *	when no CPU can reach the pages through the old mappings any more.
 *	Called with &axv_vm.mem_mutex held; may sleep.
 * @count_mappings: optional; add up the backend's mappings of guest
 *	memory by size into @counts, indexed by AXV_MAP_* (entries it has
 *	no such size for stay zero).  Called with &axv_vm.mem_mutex held;
 *	may sleep.
 * @vcpu_run: enter the guest until an exit that userspace must see, a
 *	pending signal or a kick; fills the vCPU's run structure and counts
 *	each exit with axv_vcpu_account_exit().  It first completes the exit
 *	userspace saw last (I/O data, hypercall result).  Called with the
 *	vCPU's mutex held, in the vCPU's RUNNING state; may sleep (between
 *	entries).  Returns 0 with &axv_run.exit_reason set, -EINTR with
 *	AXV_EXIT_INTR, or a negative errno for a host failure.
 * @vcpu_ioctl: architecture-specific vCPU ioctls: register access
 *	(general, system, FPU, MSRs), pending events, traps, hypercall
 *	results, whose structures are the architecture's.  Called with the
 *	vCPU's mutex held; may sleep.  Returns the ioctl's result, or
 *	-ENOTTY for a command it does not know (the caller logs that
 *	refusal).
 * @vm_ioctl: architecture-specific VM ioctls (the CPU model).  Called
 *	with no lock held; may sleep.  Returns the result, or -ENOTTY.
 * @vcpu_reset: put a vCPU that a start IPI just started in the state it
 *	gives (SDM Vol. 3, 10.4.4 on x86): real mode at @sipi_vector << 12,
 *	other registers as after INIT.  Called with the vCPU's mutex held,
 *	the vCPU not running; may sleep.
 * @vcpu_bind: bind a vCPU to the current physical CPU as it becomes ready
 *	to run (on Intel: make its VMCS current here, clearing it on the
 *	CPU it was active on).  Called with the vCPU's mutex held, at the
 *	start of AXV_RUN; may sleep.
 * @vcpu_unbind: undo @vcpu_bind as the vCPU becomes free again at the end
 *	of AXV_RUN.  Called with the vCPU's mutex held; may sleep.
 * @vcpu_inject: make an interrupt pending, delivered when the guest can
 *	take it: an external interrupt with @vector (32-255), or an NMI
 *	(@nmi, @vector 2).  Called with the vCPU's mutex held, the vCPU not
 *	in the guest; may sleep.  Returns 0, -EINVAL for a bad vector, or
 *	-EBUSY when an external interrupt is already pending.
 * @vcpu_kick: make a vCPU that may be in the guest on another CPU leave
 *	it soon; the caller has already set the vCPU's kick or event
 *	request.  Any context, hard interrupts included; must not sleep.
 * @vcpu_deliver: apply what the vCPU's IPI queue holds, in a VM with an
 *	in-kernel interrupt controller: fixed IPIs become pending
 *	interrupts, an NMI pending, an INIT resets the vCPU to wait for a
 *	start (axv_vcpu_init_ipi()), a start starts it (axv_vm_start_vcpu()).
 *	Called with the vCPU's mutex held, not in the guest; may sleep.
 */
struct axv_arch_ops {
	const char *name;
	unsigned int gpa_bits;
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	bool (*cpu_hw_enabled)(void);
	int (*check_extension)(unsigned int cap);
	long (*dev_ioctl)(unsigned int cmd, unsigned long arg);
	int (*vcpu_setup)(struct axv_vcpu *vcpu);
	void (*vcpu_destroy)(struct axv_vcpu *vcpu);
	int (*vm_init)(struct axv_vm *vm);
	void (*vm_destroy)(struct axv_vm *vm);
	int (*check_memory)(struct axv_vm *vm, u64 gpa, u64 size);
	int (*map_memory)(struct axv_vm *vm, u64 gpa,
			  const struct axv_chunk *chunk, unsigned long npages,
			  bool readonly);
	void (*unmap_memory)(struct axv_vm *vm, u64 gpa, unsigned long npages);
	void (*count_mappings)(struct axv_vm *vm, u64 *counts);
	int (*vcpu_run)(struct axv_vcpu *vcpu);
	long (*vcpu_ioctl)(struct axv_vcpu *vcpu, unsigned int cmd,
			   unsigned long arg);
	long (*vm_ioctl)(struct axv_vm *vm, unsigned int cmd, unsigned long arg);
	void (*vcpu_kick)(struct axv_vcpu *vcpu);
	void (*vcpu_reset)(struct axv_vcpu *vcpu, u8 sipi_vector);
	void (*vcpu_bind)(struct axv_vcpu *vcpu);
	void (*vcpu_unbind)(struct axv_vcpu *vcpu);
	int (*vcpu_inject)(struct axv_vcpu *vcpu, u32 vector, bool nmi);
	void (*vcpu_deliver)(struct axv_vcpu *vcpu);
};

/* The backend selected at build time. */
extern const struct axv_arch_ops axv_arch_ops;

#endif /* _AXVCPU_ARCH_H */
