/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * axvcpu: userspace ABI of /dev/axvcpu.
 *
 * The ABI is versioned (AXV_GET_API_VERSION) and grows only by new ioctls
 * and new capabilities (AXV_CHECK_EXTENSION); existing structures never
 * change size or meaning.  Every structure uses fixed-width types with
 * explicit padding; reserved fields and padding must be zero on input and
 * are zero on output.  Unknown flags are refused with -EINVAL.
 *
 * Documentation/uapi.rst describes every ioctl, field and error.
 */
#ifndef _UAPI_LINUX_AXVCPU_H
#define _UAPI_LINUX_AXVCPU_H

#include <linux/const.h>
#include <linux/types.h>
#include <linux/ioctl.h>

/* Returned by AXV_GET_API_VERSION; bumped only for incompatible changes. */
#define AXV_API_VERSION		1

/* ioctl type; 0xA9 is unassigned in ioctl-number.rst. */
#define AXVIO			0xA9

/*
 * Capabilities, queried with AXV_CHECK_EXTENSION.  The ioctl returns 0 for
 * a capability that is absent or unknown to this kernel, and a positive
 * value (1 unless stated) for one that is present.
 */
#define AXV_CAP_X86_VMX			1	/* Intel VMX backend; AXV_GET_VMX_CAPS works */
#define AXV_CAP_VPID			2	/* guest TLB entries tagged with a VPID */
#define AXV_CAP_EPT_2M_PAGES		3	/* guest memory mapped with 2 MiB EPT pages */
#define AXV_CAP_EPT_1G_PAGES		4	/* guest memory mapped with 1 GiB EPT pages */
#define AXV_CAP_EPT_AD_BITS		5	/* EPT accessed/dirty flags */
#define AXV_CAP_PREEMPTION_TIMER	6	/* VMX preemption timer */
#define AXV_CAP_MAX_VCPUS		7	/* value: most vCPUs in one VM */
#define AXV_CAP_NR_MEMSLOTS		8	/* value: memory slots per VM */
#define AXV_CAP_GPA_BITS		9	/* value: guest-physical address bits */
#define AXV_CAP_RUN			10	/* AXV_RUN and the mapped struct axv_run */
#define AXV_CAP_XSAVE_SIZE		11	/* value: bytes of XSAVE state in struct axv_fpu */
#define AXV_CAP_MAX_CPUID_ENTRIES	12	/* value: most entries in struct axv_cpuid */
#define AXV_CAP_KICK			13	/* AXV_KICK_VCPUS */
#define AXV_CAP_TRAPS			14	/* AXV_SET_TRAPS; 3: also debug registers */
#define AXV_CAP_MAX_MSRS		15	/* value: most entries per AXV_GET/SET_MSRS */
#define AXV_CAP_LAPIC			16	/* AXV_VM_F_LAPIC: in-kernel local APICs */
#define AXV_CAP_NOP_HYPERCALL		17	/* AXV_HC_NOP is answered in the kernel */
#define AXV_CAP_VM_STATS		18	/* AXV_GET_VM_STATS */
#define AXV_CAP_EMULATOR		19	/* MMIO by any memory instruction; value: 1 */
#define AXV_CAP_LEVEL_IRQ		20	/* AXV_IRQ_F_LEVEL and AXV_EXIT_EOI */

/* AXV_VMX_F_*: VMX features decoded from the capability MSRs. */
#define AXV_VMX_F_TRUE_CTLS		_BITULL(0)	/* IA32_VMX_TRUE_*_CTLS exist */
#define AXV_VMX_F_INS_OUTS_INFO		_BITULL(1)	/* INS/OUTS exit information */
#define AXV_VMX_F_EPT			_BITULL(2)
#define AXV_VMX_F_UNRESTRICTED_GUEST	_BITULL(3)
#define AXV_VMX_F_VPID			_BITULL(4)
#define AXV_VMX_F_PREEMPTION_TIMER	_BITULL(5)
#define AXV_VMX_F_VIRTUAL_NMIS		_BITULL(6)
#define AXV_VMX_F_TPR_SHADOW		_BITULL(7)
#define AXV_VMX_F_APIC_ACCESS		_BITULL(8)	/* virtualize APIC accesses */
#define AXV_VMX_F_X2APIC_VIRT		_BITULL(9)	/* virtualize x2APIC mode */
#define AXV_VMX_F_APIC_REG_VIRT		_BITULL(10)	/* APIC-register virtualization */
#define AXV_VMX_F_VIRT_INTR_DELIVERY	_BITULL(11)	/* virtual-interrupt delivery */
#define AXV_VMX_F_POSTED_INTR		_BITULL(12)
#define AXV_VMX_F_EPT_4LEVEL		_BITULL(13)	/* 4-level EPT walk */
#define AXV_VMX_F_EPT_WB		_BITULL(14)	/* EPT structures may be WB */
#define AXV_VMX_F_EPT_2M		_BITULL(15)
#define AXV_VMX_F_EPT_1G		_BITULL(16)
#define AXV_VMX_F_EPT_AD		_BITULL(17)
#define AXV_VMX_F_EPT_EXEC_ONLY		_BITULL(18)
#define AXV_VMX_F_INVEPT_SINGLE		_BITULL(19)	/* single-context INVEPT */
#define AXV_VMX_F_INVEPT_GLOBAL		_BITULL(20)	/* all-context INVEPT */
#define AXV_VMX_F_INVVPID_ADDR		_BITULL(21)	/* individual-address INVVPID */
#define AXV_VMX_F_INVVPID_SINGLE	_BITULL(22)	/* single-context INVVPID */
#define AXV_VMX_F_INVVPID_GLOBAL	_BITULL(23)	/* all-context INVVPID */
#define AXV_VMX_F_INVVPID_SINGLE_NG	_BITULL(24)	/* single-context, keep globals */
#define AXV_VMX_F_SAVE_LOAD_PAT		_BITULL(25)	/* save/load IA32_PAT on exit/entry */
#define AXV_VMX_F_SAVE_LOAD_DEBUGCTL	_BITULL(26)	/* save/load DR7, IA32_DEBUGCTL */
#define AXV_VMX_F_SHADOW_VMCS		_BITULL(27)

/**
 * struct axv_vmx_caps - VMX capabilities of this host, probed at load.
 * @features: AXV_VMX_F_* flags.
 * @vmcs_revision: VMCS revision identifier (IA32_VMX_BASIC[30:0]).
 * @vmcs_size: bytes the processor uses in a VMCS region (IA32_VMX_BASIC[44:32]).
 * @basic: raw IA32_VMX_BASIC.
 * @feature_control: raw IA32_FEATURE_CONTROL.
 * @pin_ctls: pin-based controls capability MSR (the TRUE_ variant when
 *	it exists): bits 31:0 must be 1, bits 63:32 may be 1.
 * @proc_ctls: primary processor-based controls capability MSR, likewise.
 * @proc_ctls2: secondary processor-based controls capability MSR.
 * @exit_ctls: VM-exit controls capability MSR.
 * @entry_ctls: VM-entry controls capability MSR.
 * @misc: raw IA32_VMX_MISC.
 * @ept_vpid_cap: raw IA32_VMX_EPT_VPID_CAP (0 when secondary controls lack EPT and VPID).
 * @cr0_fixed0: IA32_VMX_CR0_FIXED0: CR0 bits that must be 1 in VMX operation.
 * @cr0_fixed1: IA32_VMX_CR0_FIXED1: CR0 bits that may be 1.
 * @cr4_fixed0: IA32_VMX_CR4_FIXED0.
 * @cr4_fixed1: IA32_VMX_CR4_FIXED1.
 * @pin_used: pin-based controls axvcpu runs guests with.
 * @proc_used: primary processor-based controls axvcpu runs guests with.
 * @proc2_used: secondary processor-based controls axvcpu runs guests with;
 *	the APIC-virtualization ones only in VMs with AXV_VM_F_LAPIC, and
 *	of virtualize APIC accesses and virtualize x2APIC mode one at a
 *	time, as the guest's APIC mode says.
 * @exit_used: VM-exit controls axvcpu runs guests with.
 * @entry_used: VM-entry controls axvcpu runs guests with.
 * @preemption_timer_shift: the preemption timer counts down once every
 *	2^shift TSC cycles (IA32_VMX_MISC[4:0]).
 * @reserved: zero.
 */
struct axv_vmx_caps {
	__u64 features;
	__u32 vmcs_revision;
	__u32 vmcs_size;
	__u64 basic;
	__u64 feature_control;
	__u64 pin_ctls;
	__u64 proc_ctls;
	__u64 proc_ctls2;
	__u64 exit_ctls;
	__u64 entry_ctls;
	__u64 misc;
	__u64 ept_vpid_cap;
	__u64 cr0_fixed0;
	__u64 cr0_fixed1;
	__u64 cr4_fixed0;
	__u64 cr4_fixed1;
	__u32 pin_used;
	__u32 proc_used;
	__u32 proc2_used;
	__u32 exit_used;
	__u32 entry_used;
	__u32 preemption_timer_shift;
	__u64 reserved[8];
};

/*
 * ioctls on /dev/axvcpu.
 *
 * AXV_GET_API_VERSION: the argument must be 0; returns AXV_API_VERSION.
 * AXV_CHECK_EXTENSION: the argument is an AXV_CAP_* number; returns 0 when
 *	absent, a positive value when present.
 * AXV_CREATE_VM: the argument holds AXV_VM_F_* flags (others: EINVAL);
 *	returns a new VM file descriptor (O_RDWR | O_CLOEXEC).  The first
 *	VM turns virtualization on in every online CPU; -EBUSY when another
 *	hypervisor holds it.
 * AXV_GET_VMX_CAPS: fills struct axv_vmx_caps.
 */
#define AXV_GET_API_VERSION	_IO(AXVIO, 0x00)
#define AXV_CHECK_EXTENSION	_IO(AXVIO, 0x01)
#define AXV_CREATE_VM		_IO(AXVIO, 0x02)
#define AXV_GET_VMX_CAPS	_IOR(AXVIO, 0x03, struct axv_vmx_caps)
/*
 * AXV_GET_VCPU_MMAP_SIZE: the argument must be 0; returns the bytes of a
 *	vCPU file descriptor to mmap to reach its struct axv_run.
 */
#define AXV_GET_VCPU_MMAP_SIZE	_IO(AXVIO, 0x04)

/*
 * AXV_CREATE_VM flags.
 *
 * AXV_VM_F_LAPIC: every vCPU gets a local APIC emulated in the kernel
 *	(Documentation/apic.rst): the xAPIC page at IA32_APIC_BASE, the
 *	x2APIC MSRs, its timer, and IPIs between the VM's vCPUs, INIT and
 *	start-up included.  Needs AXV_CAP_LAPIC.
 */
#define AXV_VM_F_LAPIC		_BITUL(0)
#define AXV_VM_F_ALL		(_BITUL(1) - 1)

/*
 * Hypercall numbers (guest RAX at VMCALL) that the kernel answers without
 * leaving AXV_RUN; every other number exits with AXV_EXIT_HYPERCALL.
 *
 * AXV_HC_NOP: does nothing and returns 0 in RAX; the shortest exit path,
 *	for measuring it (AXV_CAP_NOP_HYPERCALL).
 */
#define AXV_HC_NOP		0x41585600

/* struct axv_vcpu_create.role */
#define AXV_VCPU_ROLE_DEFAULT	0	/* BSP when id is 0, AP otherwise */
#define AXV_VCPU_ROLE_BSP	1	/* bootstrap processor: runs from reset */
#define AXV_VCPU_ROLE_AP	2	/* application processor: waits for a start */

/* Highest interrupt-controller (xAPIC) ID a vCPU may have; 0xff broadcasts. */
#define AXV_VCPU_MAX_APIC_ID	0xfe

/* Largest allowed-CPU bitmap accepted, in bytes (8192 CPUs). */
#define AXV_CPU_BITMAP_MAX	1024

/**
 * struct axv_vcpu_create - argument of AXV_CREATE_VCPU.
 * @id: vCPU number, below the AXV_CAP_MAX_VCPUS value, unique in the VM.
 * @apic_id: interrupt-controller ID, at most AXV_VCPU_MAX_APIC_ID,
 *	unique in the VM.
 * @role: AXV_VCPU_ROLE_*; a VM has at most one BSP.
 * @favoured_cpu: host CPU to run on when allowed, or -1 for none; it
 *	must be a possible CPU in the allowed set.
 * @allowed_cpus: userspace address of a CPU bitmap, or 0 for every CPU:
 *	CPU N is bit N % 8 of byte N / 8 (the layout of sched_setaffinity(2)
 *	masks on little-endian machines).  Bits of CPUs that are not
 *	possible on the host are ignored; at least one possible CPU must
 *	be set.
 * @allowed_cpus_size: bytes at @allowed_cpus: a multiple of 8, at most
 *	AXV_CPU_BITMAP_MAX; 0 when @allowed_cpus is 0.
 * @flags: none defined; 0.
 * @reserved: zero.
 */
struct axv_vcpu_create {
	__u32 id;
	__u32 apic_id;
	__u32 role;
	__s32 favoured_cpu;
	__u64 allowed_cpus;
	__u32 allowed_cpus_size;
	__u32 flags;
	__u64 reserved[4];
};

/* struct axv_vcpu_state.state: the core's state machine (Documentation/uapi.rst). */
#define AXV_VCPU_STATE_INVALID		0	/* unusable; only closing is left */
#define AXV_VCPU_STATE_CREATED		1	/* created, not yet set up */
#define AXV_VCPU_STATE_FREE		2	/* set up, not bound to a host CPU */
#define AXV_VCPU_STATE_READY		3	/* bound to a host CPU */
#define AXV_VCPU_STATE_RUNNING		4	/* in the guest */
#define AXV_VCPU_STATE_BLOCKED		5	/* halted, waits for an interrupt */
#define AXV_VCPU_STATE_WAIT_START	6	/* AP waiting for INIT/SIPI */
#define AXV_VCPU_STATE_PAUSED		7	/* paused by the hypervisor */
#define AXV_VCPU_STATE_STOPPED		8	/* stopped for good */

/* struct axv_vcpu_state.flags */
#define AXV_VCPU_STATE_F_BSP		_BITUL(0)	/* the bootstrap processor */
#define AXV_VCPU_STATE_F_RAN		_BITUL(1)	/* AXV_RUN was called on it */

/**
 * struct axv_vcpu_state - result of AXV_GET_VCPU_STATE.
 * @state: AXV_VCPU_STATE_*.
 * @flags: AXV_VCPU_STATE_F_*.
 * @id: vCPU number.
 * @apic_id: interrupt-controller ID.
 * @sipi_vector: vector of the last start IPI; real-mode entry at
 *	@sipi_vector << 12.
 * @favoured_cpu: favoured host CPU, or -1.
 * @pending_ipis: number of IPIs waiting to be delivered.
 * @pad: zero.
 * @reserved: zero.
 */
struct axv_vcpu_state {
	__u32 state;
	__u32 flags;
	__u32 id;
	__u32 apic_id;
	__u32 sipi_vector;
	__s32 favoured_cpu;
	__u32 pending_ipis;
	__u32 pad;
	__u64 reserved[4];
};

/* struct axv_vcpu_op.op: requests that move a vCPU through its states. */
#define AXV_VCPU_OP_SET_ROLE	1	/* arg: AXV_VCPU_ROLE_BSP or _AP; before it first runs */
#define AXV_VCPU_OP_INIT	2	/* as an INIT IPI: back to waiting for a start */
#define AXV_VCPU_OP_START	3	/* as a SIPI: arg is the vector (0-255) */
#define AXV_VCPU_OP_PAUSE	4	/* pause; it resumes where it was */
#define AXV_VCPU_OP_RESUME	5	/* undo AXV_VCPU_OP_PAUSE */
#define AXV_VCPU_OP_STOP	6	/* stop for good */

/**
 * struct axv_vcpu_op - argument of AXV_VCPU_OP.
 * @op: AXV_VCPU_OP_*.
 * @arg: the operation's argument; 0 when it takes none.
 * @reserved: zero.
 */
struct axv_vcpu_op {
	__u32 op;
	__u32 arg;
	__u64 reserved[3];
};

/*
 * Number of entries of struct axv_vcpu_stats.exits: one per
 * architecture-neutral exit reason (the AXV_EXIT_* numbers of the run
 * structure), with room to grow.
 */
#define AXV_VCPU_NR_EXIT_STATS	64

/**
 * struct axv_vcpu_stats - result of AXV_GET_VCPU_STATS.
 * @exec_ns: time spent executing guest code, nanoseconds (as
 *	hv_vcpu_get_exec_time); time blocked in HLT is not counted.
 * @ipis_coalesced: IPIs merged into one already pending.
 * @ipis_overflowed: IPIs refused because the queue was full.
 * @exits: exits by architecture-neutral exit reason number (not the
 *	hardware's exit reason); the last entry also counts every reason
 *	beyond it.
 * @reserved: zero.
 */
struct axv_vcpu_stats {
	__u64 exec_ns;
	__u64 ipis_coalesced;
	__u64 ipis_overflowed;
	__u64 exits[AXV_VCPU_NR_EXIT_STATS];
	__u64 reserved[4];
};

/* struct axv_memory_region.flags */
#define AXV_MEM_READONLY	_BITUL(0)	/* guest writes exit as MMIO */

/**
 * struct axv_memory_region - argument of AXV_SET_MEMORY_REGION.
 * @slot: slot number, below the AXV_CAP_NR_MEMSLOTS value; must be free.
 * @flags: AXV_MEM_*.
 * @guest_phys_addr: where the region starts in the guest's physical
 *	address space; page aligned.
 * @size: bytes; a non-zero multiple of the page size.  The region must
 *	end within the AXV_CAP_GPA_BITS value and overlap no other region.
 * @userspace_addr: the caller's memory that backs the region; page
 *	aligned, within the caller's address space.
 * @reserved: zero.
 */
struct axv_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 size;
	__u64 userspace_addr;
	__u64 reserved[4];
};

/*
 * ioctls on a VM file descriptor.
 *
 * AXV_CREATE_VCPU: creates a vCPU; returns its file descriptor
 *	(O_RDWR | O_CLOEXEC).  The vCPU keeps the VM alive: descriptors may
 *	be closed in any order.
 */
#define AXV_CREATE_VCPU		_IOW(AXVIO, 0x10, struct axv_vcpu_create)

/*
 * AXV_SET_MEMORY_REGION: gives the guest a region of the caller's memory.
 *	EINVAL for a bad field, EEXIST when the slot is in use or the guest
 *	range overlaps another region, EFAULT for a bad argument address or
 *	when the caller's range is outside its address space.
 * AXV_DELETE_MEMORY_REGION: the argument is a slot number; ENOENT when
 *	the slot is free, EINVAL when out of range.
 */
#define AXV_SET_MEMORY_REGION	_IOW(AXVIO, 0x11, struct axv_memory_region)
#define AXV_DELETE_MEMORY_REGION _IO(AXVIO, 0x12)

/*
 * ioctls on a vCPU file descriptor.
 *
 * AXV_GET_VCPU_STATE: fills struct axv_vcpu_state: a snapshot, answered
 *	at once even while another thread is in AXV_RUN (every other vCPU
 *	ioctl waits for AXV_RUN to return).
 * AXV_GET_VCPU_STATS: fills struct axv_vcpu_stats.
 * AXV_VCPU_OP: applies one struct axv_vcpu_op; returns 0, or for
 *	AXV_VCPU_OP_START 1 when the vCPU started and 0 when it was not
 *	waiting (a SIPI is then ignored, as on hardware).  An INIT to a
 *	paused vCPU takes effect when it resumes.  EFAULT for a bad
 *	argument address; EINVAL for an unknown op, a bad argument, or a
 *	state the op does not apply to; EALREADY to pause a paused vCPU;
 *	EBUSY to change the role of a vCPU that has run; EEXIST to make a
 *	second BSP.
 */
#define AXV_GET_VCPU_STATE	_IOR(AXVIO, 0x20, struct axv_vcpu_state)
#define AXV_GET_VCPU_STATS	_IOR(AXVIO, 0x21, struct axv_vcpu_stats)
#define AXV_VCPU_OP		_IOW(AXVIO, 0x22, struct axv_vcpu_op)

/*
 * Running a vCPU.
 *
 * A vCPU file descriptor maps, at offset 0, AXV_GET_VCPU_MMAP_SIZE bytes
 * holding a struct axv_run shared with the kernel (mmap with PROT_READ |
 * PROT_WRITE and MAP_SHARED).  AXV_RUN enters the guest and returns when
 * an exit needs userspace; struct axv_run then says why.
 */

/* struct axv_run.exit_reason: why AXV_RUN returned. */
#define AXV_EXIT_UNKNOWN		0	/* an exit axvcpu does not handle; see .unknown */
#define AXV_EXIT_MMIO			1	/* guest access to a guest-physical hole; .mmio */
#define AXV_EXIT_IO			2	/* port I/O; .io */
#define AXV_EXIT_MSR			3	/* MSR access off the allow-list; .msr */
#define AXV_EXIT_HYPERCALL		4	/* VMCALL; .hypercall */
#define AXV_EXIT_NESTED_PAGE_FAULT	5	/* not decodable as MMIO; .npf */
#define AXV_EXIT_HALT			6	/* HLT nothing can end (IF=0, no LAPIC) */
#define AXV_EXIT_CPU_UP			7	/* a start-up IPI started vCPUs; .cpu_up */
#define AXV_EXIT_CPU_DOWN		8	/* the vCPU turned itself off */
#define AXV_EXIT_SYSTEM_DOWN		9	/* the guest asked to power off */
#define AXV_EXIT_SEND_IPI		10	/* an IPI userspace must deliver; .ipi */
#define AXV_EXIT_EXTERNAL_INTERRUPT	11	/* counted only: handled in the kernel */
#define AXV_EXIT_FAIL_ENTRY		12	/* the guest state was refused; .fail_entry */
#define AXV_EXIT_TRIPLE_FAULT		13	/* the guest shut down; .triple_fault */
#define AXV_EXIT_KICKED			14	/* AXV_KICK_VCPUS asked it out */
#define AXV_EXIT_INTR			15	/* a signal or immediate_exit; AXV_RUN gave EINTR */
#define AXV_EXIT_EXCEPTION		16	/* trapped by AXV_SET_TRAPS; .exception */
#define AXV_EXIT_INTERNAL_ERROR		17	/* axvcpu could not emulate; .internal */
#define AXV_EXIT_DEBUG_REG		18	/* MOV DR trapped by AXV_SET_TRAPS; .debug_reg */
#define AXV_EXIT_EOI			19	/* EOI of a level-triggered interrupt; .eoi */

/* struct axv_run.flags */
#define AXV_RUN_F_IF			_BITUL(0)	/* guest RFLAGS.IF at the exit */
#define AXV_RUN_F_INTR_READY		_BITUL(1)	/* an interrupt could be delivered now */

/* struct axv_run.io.direction and .mmio.is_write */
#define AXV_IO_IN			0
#define AXV_IO_OUT			1

/* struct axv_run.io.flags */
#define AXV_IO_F_STRING			_BITUL(0)	/* INS/OUTS */
#define AXV_IO_F_REP			_BITUL(1)	/* with a REP prefix */

/* struct axv_run.mmio.flags */
#define AXV_MMIO_F_SIGN_EXTEND		_BITUL(0)	/* MOVSX: sign-extend into .reg */
#define AXV_MMIO_F_ZERO_EXTEND		_BITUL(1)	/* MOVZX: zero-extend into .reg */
#define AXV_MMIO_F_HIGH_BYTE		_BITUL(2)	/* .reg 0-3 means AH, CH, DH, BH */

/* struct axv_run.mmio.reg: register operand, in the x86 encoding order. */
#define AXV_REG_RAX	0
#define AXV_REG_RCX	1
#define AXV_REG_RDX	2
#define AXV_REG_RBX	3
#define AXV_REG_RSP	4
#define AXV_REG_RBP	5
#define AXV_REG_RSI	6
#define AXV_REG_RDI	7
/* R8 to R15 are 8 to 15. */
#define AXV_REG_NONE	0xff	/* no register, or not a plain move */

/* Bytes of struct axv_run.data. */
#define AXV_RUN_DATA_SIZE	2048

/**
 * struct axv_run - the shared run structure of a vCPU.
 * @immediate_exit: in: when not 0, AXV_RUN returns EINTR with
 *	AXV_EXIT_INTR before entering the guest (it still completes the
 *	previous exit's I/O).
 * @pad0: zero.
 * @exit_reason: out: AXV_EXIT_*.
 * @flags: out: AXV_RUN_F_*.
 * @hw_exit_reason: out: the hardware's exit reason (Intel: basic exit
 *	reason in bits 15:0, as the VM-exit reason field), for diagnostics.
 * @rip: out: guest instruction pointer at the exit.
 * @reserved: zero.
 * @io: %AXV_EXIT_IO.  @port, @size (1, 2 or 4 bytes), @direction
 *	(AXV_IO_IN/OUT), @flags (AXV_IO_F_*), @count elements of @size
 *	bytes each at @data_offset bytes from the start of struct axv_run.
 *	For OUT the data is there; for IN userspace writes it there and
 *	the next AXV_RUN gives it to the guest.  A REP string instruction
 *	may exit several times, each for as many elements as fit.
 * @mmio: %AXV_EXIT_MMIO: one access of the instruction axvcpu emulates
 *	(a read-modify-write is a read exit, then a write exit).  @gpa,
 *	@size (1, 2, 4 or 8), @is_write, and @data: the value written, or
 *	for a read, the value userspace stores there for the next AXV_RUN
 *	to give the instruction.  For a plain move (MOV, MOVZX, MOVSX,
 *	MOVSXD, MOVNTI, MOVBE, STOS, LODS), @reg (AXV_REG_*) is the guest
 *	register it loads or stores and @flags (AXV_MMIO_F_*) its
 *	extension; otherwise AXV_REG_NONE and 0.  Informational: the
 *	kernel finishes the instruction itself.
 * @msr: %AXV_EXIT_MSR.  @index, @is_write, @data: the value written, or
 *	for a read the value userspace stores for the guest; @error: 0 at
 *	the exit, set to 1 by userspace to make the access raise #GP.
 * @hypercall: %AXV_EXIT_HYPERCALL.  @nr (guest RAX), @args (RBX, RCX,
 *	RDX, RSI, RDI, R8) and @ret, 0 at the exit: the next AXV_RUN writes
 *	it into guest RAX, unless AXV_SET_HYPERCALL_RESULT gave a value
 *	since the exit, which then wins.
 * @npf: %AXV_EXIT_NESTED_PAGE_FAULT.  @gpa, @gva (when @flags bit 0),
 *	@qualification: the raw exit qualification.
 * @cpu_up: %AXV_EXIT_CPU_UP, with AXV_VM_F_LAPIC: this vCPU sent a
 *	start-up IPI that found vCPUs waiting for one.  @target_apic_id
 *	(0xffffffff when it reached several), @entry (guest-physical: the
 *	vector << 12), @arg: how many it reached.  Each target's own
 *	AXV_RUN runs it (a VMM may start that thread now); the next
 *	AXV_RUN of this vCPU continues after the ICR write.
 * @ipi: %AXV_EXIT_SEND_IPI.  @vector, @dest (APIC ID), @shorthand.
 * @fail_entry: %AXV_EXIT_FAIL_ENTRY.  @hw_reason (basic exit reason),
 *	@qualification, @vm_instruction_error, @check: an AXV_ENTRY_CHECK_*
 *	naming the guest-state rule found broken, or 0 when none was found.
 * @triple_fault: %AXV_EXIT_TRIPLE_FAULT.  @rip, @last_vector (the last
 *	exception delivered, or 0xff), @insn_len and @insn: up to 15 bytes
 *	at @rip (fewer when not readable).
 * @exception: %AXV_EXIT_EXCEPTION.  @vector, @has_error_code,
 *	@error_code, @payload (CR2 for #PF, DR6 for #DB).
 * @unknown: %AXV_EXIT_UNKNOWN.  @hw_reason, @qualification.
 * @debug_reg: %AXV_EXIT_DEBUG_REG.  @dr (0-7), @is_write, @reg (AXV_REG_*,
 *	the general register), @data: the value a MOV to DR would write
 *	(not written: the VMM emulates debug registers once it traps them),
 *	or for a MOV from DR the value userspace stores for the register.
 * @eoi: %AXV_EXIT_EOI, with AXV_VM_F_LAPIC: the guest ended the
 *	level-triggered interrupt @vector (one AXV_SEND_IRQ sent with
 *	AXV_IRQ_F_LEVEL) with an EOI, as a local APIC tells the I/O APICs;
 *	the EOI is done and RIP is past it.  Userspace clears the remote
 *	IRR of its I/O APIC's entries with that vector, and sends again for
 *	a line still asserted.
 * @internal: %AXV_EXIT_INTERNAL_ERROR.  @suberror (AXV_INTERNAL_*),
 *	@ndata entries of @data: what the sub-error says; for
 *	%AXV_INTERNAL_EMULATION_FAILED also @insn_len bytes of the
 *	instruction in @insn (0 to 15; @insn_len and @insn are 0 for the
 *	other sub-errors).
 * @exit_pad: fixes the union's size.
 * @reserved2: zero; room for the union to grow.
 * @data: I/O data (see @io).
 */
struct axv_run {
	__u8 immediate_exit;
	__u8 pad0[3];
	__u32 exit_reason;
	__u32 flags;
	__u32 hw_exit_reason;
	__u64 rip;
	__u64 reserved[5];
	union {
		struct {
			__u16 port;
			__u8 size;
			__u8 direction;
			__u32 flags;
			__u32 count;
			__u32 data_offset;
		} io;
		struct {
			__u64 gpa;
			__u64 data;
			__u8 size;
			__u8 is_write;
			__u8 reg;
			__u8 pad;
			__u32 flags;
		} mmio;
		struct {
			__u32 index;
			__u8 is_write;
			__u8 error;
			__u16 pad;
			__u64 data;
		} msr;
		struct {
			__u64 nr;
			__u64 args[6];
			__u64 ret;
		} hypercall;
		struct {
			__u64 gpa;
			__u64 gva;
			__u64 qualification;
			__u32 flags;
			__u32 pad;
		} npf;
		struct {
			__u32 target_apic_id;
			__u32 pad;
			__u64 entry;
			__u64 arg;
		} cpu_up;
		struct {
			__u32 vector;
			__u32 dest;
			__u32 shorthand;
			__u32 pad;
		} ipi;
		struct {
			__u32 hw_reason;
			__u32 vm_instruction_error;
			__u64 qualification;
			__u32 check;
			__u32 pad;
		} fail_entry;
		struct {
			__u64 rip;
			__u32 last_vector;
			__u32 insn_len;
			__u8 insn[16];
		} triple_fault;
		struct {
			__u32 vector;
			__u32 has_error_code;
			__u32 error_code;
			__u32 pad;
			__u64 payload;
		} exception;
		struct {
			__u32 hw_reason;
			__u32 pad;
			__u64 qualification;
		} unknown;
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 data[4];
			__u32 insn_len;
			__u32 pad;
			__u8 insn[16];
		} internal;
		struct {
			__u32 dr;
			__u8 is_write;
			__u8 reg;
			__u16 pad;
			__u64 data;
		} debug_reg;
		struct {
			__u32 vector;
			__u32 pad;
		} eoi;
		__u8 exit_pad[256];
	};
	__u8 reserved2[256];
	__u8 data[AXV_RUN_DATA_SIZE];
};

/* struct axv_run.internal.suberror */
#define AXV_INTERNAL_EMULATION		1	/* data[0]: gpa, data[1]: guest RIP */
#define AXV_INTERNAL_GUEST_MEMORY	2	/* data[0]: gva that could not be read */
#define AXV_INTERNAL_MEMORY_FAULT	3	/* data[0]: gpa, data[1]: errno */
/* data[0]: gpa, data[1]: RIP, data[2]: AXV_EMUL_FAIL_*; insn, insn_len */
#define AXV_INTERNAL_EMULATION_FAILED	4

/* struct axv_run.internal.data[2] of AXV_INTERNAL_EMULATION_FAILED */
#define AXV_EMUL_FAIL_OPCODE		1	/* an instruction or form not emulated */
#define AXV_EMUL_FAIL_FETCH		2	/* the instruction could not be read */
#define AXV_EMUL_FAIL_MODE		3	/* a CPU mode not emulated (virtual-8086) */
#define AXV_EMUL_FAIL_NO_MEMORY		4	/* no memory operand (register form) */
#define AXV_EMUL_FAIL_REPLAY		5	/* guest state changed between accesses */
#define AXV_EMUL_FAIL_TOO_MANY		6	/* more accesses than one instruction may make */

/* struct axv_run.fail_entry.check: the VM-entry rule found broken (SDM 27.3.1). */
#define AXV_ENTRY_CHECK_NONE		0	/* no rule matched; see the raw fields */
#define AXV_ENTRY_CHECK_CR0		1	/* CR0 against the fixed bits, PG without PE */
#define AXV_ENTRY_CHECK_CR4		2	/* CR4 against the fixed bits */
#define AXV_ENTRY_CHECK_EFER		3	/* EFER.LMA/LME against IA-32e mode and CR0.PG */
#define AXV_ENTRY_CHECK_CS		4	/* CS type, DPL, limit/granularity, L/D */
#define AXV_ENTRY_CHECK_SS		5	/* SS type, DPL, RPL */
#define AXV_ENTRY_CHECK_DATA_SEG	6	/* DS, ES, FS, GS type or granularity */
#define AXV_ENTRY_CHECK_TR		7	/* TR type, not unusable, TI */
#define AXV_ENTRY_CHECK_LDTR		8	/* LDTR type when usable */
#define AXV_ENTRY_CHECK_DTABLE		9	/* GDTR/IDTR limit or canonical base */
#define AXV_ENTRY_CHECK_RIP		10	/* RIP width or canonical form */
#define AXV_ENTRY_CHECK_RFLAGS		11	/* reserved bits, VM, IF for an interrupt */
#define AXV_ENTRY_CHECK_ACTIVITY	12	/* activity state */
#define AXV_ENTRY_CHECK_INTERRUPTIBILITY 13	/* interruptibility state */
#define AXV_ENTRY_CHECK_SEG_BASE	14	/* a segment base not canonical or too wide */
#define AXV_ENTRY_CHECK_MSR_LOAD	15	/* the VM-entry MSR-load area */
#define AXV_ENTRY_CHECK_CR3		16	/* CR3 bits beyond the physical-address width */

/**
 * struct axv_regs - general registers (AXV_GET_REGS, AXV_SET_REGS).
 * @rax: RAX; the others likewise, in this order.
 * @rbx: RBX.
 * @rcx: RCX.
 * @rdx: RDX.
 * @rsi: RSI.
 * @rdi: RDI.
 * @rsp: RSP.
 * @rbp: RBP.
 * @r8: R8.
 * @r9: R9.
 * @r10: R10.
 * @r11: R11.
 * @r12: R12.
 * @r13: R13.
 * @r14: R14.
 * @r15: R15.
 * @rip: RIP.
 * @rflags: RFLAGS; bit 1 always reads 1.
 * @reserved: zero.
 */
struct axv_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
	__u64 reserved[4];
};

/**
 * struct axv_segment - a segment register with its hidden part.
 * @base: base address.
 * @limit: limit in bytes (already scaled when @g is 1).
 * @selector: selector.
 * @type: type field (4 bits).
 * @present: P.
 * @dpl: DPL.
 * @db: D/B.
 * @s: S (code/data rather than system).
 * @l: L (64-bit code).
 * @g: G (granularity).
 * @avl: AVL.
 * @unusable: the register is unusable (a null selector was loaded).
 * @pad: zero.
 */
struct axv_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8 type;
	__u8 present, dpl, db, s, l, g, avl, unusable;
	__u8 pad[9];
};

/**
 * struct axv_dtable - a descriptor-table register.
 * @base: base address.
 * @limit: limit.
 * @pad: zero.
 */
struct axv_dtable {
	__u64 base;
	__u16 limit;
	__u16 pad[3];
};

/**
 * struct axv_sregs - system registers (AXV_GET_SREGS, AXV_SET_SREGS).
 * @cs: CS; the other segment registers likewise.
 * @ds: DS.
 * @es: ES.
 * @fs: FS.
 * @gs: GS.
 * @ss: SS.
 * @tr: task register.
 * @ldt: LDTR.
 * @gdt: GDTR.
 * @idt: IDTR.
 * @cr0: CR0 as the guest sees it.
 * @cr2: CR2.
 * @cr3: CR3.
 * @cr4: CR4 as the guest sees it.
 * @cr8: CR8 (task priority).
 * @efer: IA32_EFER.
 * @apic_base: IA32_APIC_BASE.
 * @reserved: zero.
 */
struct axv_sregs {
	struct axv_segment cs, ds, es, fs, gs, ss, tr, ldt;
	struct axv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8, efer, apic_base;
	__u64 reserved[8];
};

/* Bytes of struct axv_fpu.xsave. */
#define AXV_XSAVE_AREA_SIZE	4096

/**
 * struct axv_fpu - x87/SSE/AVX state (AXV_GET_FPU, AXV_SET_FPU).
 * @xcr0: the guest's XCR0 (which state components it enabled).
 * @size: bytes of @xsave in use: the AXV_CAP_XSAVE_SIZE value.
 * @pad: zero.
 * @reserved: zero.
 * @xsave: the state in the standard (non-compacted) XSAVE layout of
 *	SDM Vol. 1, 13.4: legacy region, XSAVE header, then components.
 */
struct axv_fpu {
	__u64 xcr0;
	__u32 size;
	__u32 pad;
	__u64 reserved[6];
	__u8 xsave[AXV_XSAVE_AREA_SIZE];
};

/**
 * struct axv_msr_entry - one MSR.
 * @index: MSR number.
 * @reserved: zero.
 * @data: value.
 */
struct axv_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/**
 * struct axv_msrs - MSRs by list (AXV_GET_MSRS, AXV_SET_MSRS).
 * @nmsrs: entries in @entries, at most the AXV_CAP_MAX_MSRS value.
 * @pad: zero.
 * @entries: the MSRs.
 *
 * The ioctls return how many entries, from the first, they processed;
 * they stop at the first MSR the vCPU does not have or a value it
 * refuses.
 */
struct axv_msrs {
	__u32 nmsrs;
	__u32 pad;
	struct axv_msr_entry entries[];
};

/* struct axv_events.flags */
#define AXV_EVENT_F_EXT_PENDING		_BITUL(0)	/* ext_vector waits for delivery */
#define AXV_EVENT_F_NMI_PENDING		_BITUL(1)	/* an NMI waits for delivery */
#define AXV_EVENT_F_NMI_MASKED		_BITUL(2)	/* NMIs blocked until IRET */
#define AXV_EVENT_F_STI_SHADOW		_BITUL(3)	/* interrupts blocked by STI */
#define AXV_EVENT_F_MOV_SS_SHADOW	_BITUL(4)	/* blocked by MOV SS/POP SS */
#define AXV_EVENT_F_ALL			(_BITUL(5) - 1)

/**
 * struct axv_events - pending interrupts (AXV_GET_EVENTS, AXV_SET_EVENTS),
 *	as hv_vcpu_get/set_pending_interrupt.
 * @flags: AXV_EVENT_F_*.
 * @ext_vector: vector of the pending external interrupt.
 * @pad: zero.
 * @reserved: zero.
 */
struct axv_events {
	__u32 flags;
	__u8 ext_vector;
	__u8 pad[3];
	__u64 reserved[3];
};

/* struct axv_interrupt.flags */
#define AXV_INTERRUPT_F_NMI		_BITUL(0)	/* an NMI; vector must be 2 */

/**
 * struct axv_interrupt - argument of AXV_INTERRUPT.
 * @vector: interrupt vector, 32 to 255 (2 with AXV_INTERRUPT_F_NMI).
 * @flags: AXV_INTERRUPT_F_*.
 * @reserved: zero.
 */
struct axv_interrupt {
	__u32 vector;
	__u32 flags;
	__u64 reserved[3];
};

/* struct axv_traps.flags */
#define AXV_TRAP_F_DEBUG_REGS		_BITUL(0)	/* MOV to/from DR0-DR7 exit */
#define AXV_TRAP_F_ALL			(_BITUL(1) - 1)

/**
 * struct axv_traps - what the guest does that exits to userspace
 *	(AXV_SET_TRAPS), as hv_vcpu_set_trap_debug_exceptions and
 *	hv_vcpu_set_trap_debug_reg_accesses.
 * @exceptions: bit N set: exception vector N (0-31) exits with
 *	AXV_EXIT_EXCEPTION instead of reaching the guest's handler;
 *	vector 1 (#DB) and 3 (#BP) are the debug exceptions.  Vector 2
 *	(NMI) cannot be chosen.
 * @flags: AXV_TRAP_F_*.
 * @reserved: zero.
 */
struct axv_traps {
	__u32 exceptions;
	__u32 flags;
	__u64 reserved[3];
};

/**
 * struct axv_cpuid_entry - one CPUID leaf and sub-leaf.
 * @function: EAX input.
 * @index: ECX input (sub-leaf); 0 for leaves without sub-leaves.
 * @flags: AXV_CPUID_F_*.
 * @eax: EAX output; the others likewise.
 * @ebx: EBX.
 * @ecx: ECX.
 * @edx: EDX.
 * @reserved: zero.
 */
struct axv_cpuid_entry {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax, ebx, ecx, edx;
	__u32 reserved[3];
};

/* struct axv_cpuid_entry.flags */
#define AXV_CPUID_F_INDEXED		_BITUL(0)	/* the leaf has sub-leaves */

/**
 * struct axv_cpuid - a CPU model (AXV_GET_CPUID, AXV_SET_CPUID,
 *	AXV_GET_SUPPORTED_CPUID).
 * @nent: entries in @entries; on a get, the room for them on input and
 *	the number filled on output (E2BIG when too small).
 * @pad: zero.
 * @entries: the leaves.
 */
struct axv_cpuid {
	__u32 nent;
	__u32 pad;
	struct axv_cpuid_entry entries[];
};

/**
 * struct axv_kick - argument of AXV_KICK_VCPUS.
 * @vcpus: bit N set: vCPU N.  Bits of vCPUs that do not exist are
 *	ignored.
 * @reserved: zero.
 */
struct axv_kick {
	__u64 vcpus;
	__u64 reserved[3];
};

/*
 * More ioctls on /dev/axvcpu.
 *
 * AXV_GET_SUPPORTED_CPUID: the CPU model a new VM starts with: only what
 *	axvcpu provides.
 */
#define AXV_GET_SUPPORTED_CPUID	_IOWR(AXVIO, 0x05, struct axv_cpuid)

/*
 * More ioctls on a VM file descriptor.
 *
 * AXV_KICK_VCPUS: forces the vCPUs named out of AXV_RUN, from any thread
 *	(hv_vcpus_exit): a vCPU in the guest or halted returns with
 *	AXV_EXIT_KICKED; one not in AXV_RUN returns so from its next
 *	AXV_RUN without entering the guest.
 * AXV_GET_CPUID, AXV_SET_CPUID: the CPU model every vCPU of the VM sees;
 *	set it before any vCPU has run (EBUSY after).  The APIC ID fields
 *	are each vCPU's own.  Entries must be a subset of what
 *	AXV_GET_SUPPORTED_CPUID gives (EINVAL names the first that is not).
 */
#define AXV_KICK_VCPUS		_IOW(AXVIO, 0x13, struct axv_kick)
#define AXV_GET_CPUID		_IOWR(AXVIO, 0x14, struct axv_cpuid)
#define AXV_SET_CPUID		_IOW(AXVIO, 0x15, struct axv_cpuid)

/* struct axv_irq.flags */
#define AXV_IRQ_F_NMI		_BITUL(0)	/* an NMI; vector must be 0 */
#define AXV_IRQ_F_LOGICAL	_BITUL(1)	/* dest is a logical destination */
#define AXV_IRQ_F_LOWEST	_BITUL(2)	/* lowest priority: one target of the set */
#define AXV_IRQ_F_LEVEL		_BITUL(3)	/* level-triggered: its EOI exits (AXV_EXIT_EOI) */
#define AXV_IRQ_F_ALL		(_BITUL(4) - 1)

/**
 * struct axv_irq - argument of AXV_SEND_IRQ: an interrupt message, as a
 *	device's MSI or an I/O APIC's redirection entry would send it.
 * @dest: destination: an APIC ID (0xff in xAPIC mode, 0xffffffff in
 *	x2APIC mode: every local APIC), or with AXV_IRQ_F_LOGICAL a
 *	logical destination matched against each LDR (and DFR).
 * @vector: 32 to 255; 0 with AXV_IRQ_F_NMI.
 * @flags: AXV_IRQ_F_*.  With AXV_IRQ_F_LEVEL (AXV_CAP_LEVEL_IRQ; not
 *	with AXV_IRQ_F_NMI) each local APIC that accepts it sets the
 *	vector's TMR bit, and the guest's EOI of it exits with
 *	AXV_EXIT_EOI on that vCPU; without it the TMR bit is cleared.
 * @pad: zero.
 * @reserved: zero.
 */
struct axv_irq {
	__u32 dest;
	__u32 vector;
	__u32 flags;
	__u32 pad;
	__u64 reserved[2];
};

/*
 * AXV_SEND_IRQ: delivers struct axv_irq to the local APICs it names, from
 *	any thread, without waiting for the targets' AXV_RUN: each target
 *	is woken from HLT or made to leave the guest.  Returns the number of
 *	local APICs that accepted it (0: none matched, or all software
 *	disabled).  ENXIO without AXV_VM_F_LAPIC; EINVAL for a bad field.
 */
#define AXV_SEND_IRQ		_IOW(AXVIO, 0x16, struct axv_irq)

/* Indices of struct axv_vm_stats.mappings: the size of a mapping. */
#define AXV_MAP_4K		0
#define AXV_MAP_2M		1
#define AXV_MAP_1G		2
#define AXV_NR_MAP_SIZES	4	/* entries, with room for one more */

/**
 * struct axv_vm_stats - result of AXV_GET_VM_STATS: the VM's guest memory
 *	now.  Guest memory is brought in a chunk at a time (the 2 MiB-aligned
 *	stretch of a region around the first access).
 * @pinned_pages: 4 KiB pages of the caller's memory that the chunks
 *	brought in hold pinned.
 * @chunks: chunks brought in, in the regions there are now.
 * @huge_chunks: of @chunks, those a single huge page of the caller's
 *	memory backs whole, held by one pin and mapped at once.
 * @faults: chunks brought in since the VM was made, those of regions
 *	deleted since included.
 * @mappings: the guest-physical mappings of guest memory, by size
 *	(AXV_MAP_*): EPT leaves on Intel.  The unused entry is zero.
 * @reserved: zero.
 */
struct axv_vm_stats {
	__u64 pinned_pages;
	__u64 chunks;
	__u64 huge_chunks;
	__u64 faults;
	__u64 mappings[AXV_NR_MAP_SIZES];
	__u64 reserved[8];
};

/*
 * AXV_GET_VM_STATS: fills struct axv_vm_stats (AXV_CAP_VM_STATS): a
 *	snapshot, answered even while vCPUs run.  EFAULT for a bad address.
 */
#define AXV_GET_VM_STATS	_IOR(AXVIO, 0x17, struct axv_vm_stats)

/*
 * More ioctls on a vCPU file descriptor.
 *
 * AXV_RUN: the argument must be 0.  Enters the guest until an exit for
 *	userspace; returns 0, or EINTR (exit_reason AXV_EXIT_INTR) for a
 *	pending signal or immediate_exit, EBUSY when another thread is in
 *	AXV_RUN on this vCPU, EINVAL when the vCPU cannot run in its state
 *	(waiting for a start, paused, stopped, invalid) or none of its
 *	allowed CPUs is online, EIO from a process other than the VM's,
 *	EOPNOTSUPP from a thread with non-null FS or GS selectors (a
 *	32-bit process).  The calling thread is confined to the vCPU's
 *	allowed CPUs.  Each exit kind is described with struct axv_run.
 *	With AXV_VM_F_LAPIC, AXV_RUN on a vCPU waiting for a start sleeps
 *	until a start-up IPI (or a kick or signal), and a HLT with
 *	interrupts off sleeps until an NMI or INIT rather than exiting.
 * AXV_GET_REGS, AXV_SET_REGS: struct axv_regs.
 * AXV_GET_SREGS, AXV_SET_SREGS: struct axv_sregs.
 * AXV_GET_FPU, AXV_SET_FPU: struct axv_fpu.
 * AXV_GET_MSRS, AXV_SET_MSRS: struct axv_msrs.
 * AXV_GET_EVENTS, AXV_SET_EVENTS: struct axv_events.
 * AXV_INTERRUPT: queues an interrupt; delivered when the guest can take it.
 *	Like every vCPU ioctl it waits for a running AXV_RUN to return:
 *	kick the vCPU first (AXV_KICK_VCPUS), or use AXV_SEND_IRQ.  With
 *	AXV_VM_F_LAPIC the vector is accepted by the vCPU's local APIC
 *	(its IRR bit) and any number may be pending.
 * AXV_SET_TRAPS: struct axv_traps.
 * AXV_SET_HYPERCALL_RESULT: the argument points to a __u64 the next
 *	AXV_RUN writes into guest RAX, completing an AXV_EXIT_HYPERCALL.
 * AXV_GET_LAPIC, AXV_SET_LAPIC: struct axv_lapic_state; ENXIO without
 *	AXV_VM_F_LAPIC.
 */
#define AXV_RUN			_IO(AXVIO, 0x23)
#define AXV_GET_REGS		_IOR(AXVIO, 0x24, struct axv_regs)
#define AXV_SET_REGS		_IOW(AXVIO, 0x25, struct axv_regs)
#define AXV_GET_SREGS		_IOR(AXVIO, 0x26, struct axv_sregs)
#define AXV_SET_SREGS		_IOW(AXVIO, 0x27, struct axv_sregs)
#define AXV_GET_FPU		_IOR(AXVIO, 0x28, struct axv_fpu)
#define AXV_SET_FPU		_IOW(AXVIO, 0x29, struct axv_fpu)
#define AXV_GET_MSRS		_IOWR(AXVIO, 0x2a, struct axv_msrs)
#define AXV_SET_MSRS		_IOW(AXVIO, 0x2b, struct axv_msrs)
#define AXV_GET_EVENTS		_IOR(AXVIO, 0x2c, struct axv_events)
#define AXV_SET_EVENTS		_IOW(AXVIO, 0x2d, struct axv_events)
#define AXV_INTERRUPT		_IOW(AXVIO, 0x2e, struct axv_interrupt)
#define AXV_SET_TRAPS		_IOW(AXVIO, 0x2f, struct axv_traps)
#define AXV_SET_HYPERCALL_RESULT _IOW(AXVIO, 0x30, __u64)

/* Bytes of struct axv_lapic_state.regs: the xAPIC page's registers. */
#define AXV_LAPIC_REGS_SIZE	1024

/**
 * struct axv_lapic_state - a vCPU's local APIC (AXV_GET_LAPIC,
 *	AXV_SET_LAPIC).
 * @regs: the registers in the xAPIC page layout: the 32-bit register at
 *	offset N (a multiple of 16) is at regs[N].  In x2APIC mode the ID
 *	register holds the full 32-bit x2APIC ID.  The current-count
 *	register reads the time left; setting the initial count starts the
 *	timer as a guest write would.  IRR and ISR are the pending and
 *	in-service interrupts: setting them makes interrupts pending.
 * @reserved: zero.
 */
struct axv_lapic_state {
	__u8 regs[AXV_LAPIC_REGS_SIZE];
	__u64 reserved[8];
};

#define AXV_GET_LAPIC		_IOR(AXVIO, 0x31, struct axv_lapic_state)
#define AXV_SET_LAPIC		_IOW(AXVIO, 0x32, struct axv_lapic_state)

#endif /* _UAPI_LINUX_AXVCPU_H */
