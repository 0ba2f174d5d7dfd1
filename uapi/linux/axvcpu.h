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
 * @proc2_used: secondary processor-based controls axvcpu runs guests with.
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
 * AXV_CREATE_VM: the argument holds flags, of which none are defined yet
 *	(must be 0); returns a new VM file descriptor (O_RDWR | O_CLOEXEC).  The first
 *	VM turns virtualization on in every online CPU; -EBUSY when another
 *	hypervisor holds it.
 * AXV_GET_VMX_CAPS: fills struct axv_vmx_caps.
 */
#define AXV_GET_API_VERSION	_IO(AXVIO, 0x00)
#define AXV_CHECK_EXTENSION	_IO(AXVIO, 0x01)
#define AXV_CREATE_VM		_IO(AXVIO, 0x02)
#define AXV_GET_VMX_CAPS	_IOR(AXVIO, 0x03, struct axv_vmx_caps)

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
#define AXV_VCPU_STATE_F_RAN		_BITUL(1)	/* has entered the guest */

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
 * AXV_GET_VCPU_STATE: fills struct axv_vcpu_state.
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

#endif /* _UAPI_LINUX_AXVCPU_H */
