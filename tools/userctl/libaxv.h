/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libaxv: a small library over the /dev/axvcpu ABI (<linux/axvcpu.h>).
 *
 * Raw wrappers (axv_raw_*) return exactly what ioctl() returns and leave
 * errno as the kernel set it; tests use them to observe the ABI.  Checked
 * wrappers return a value >= 0 on success or a negative errno, and describe
 * the failure in a caller-supplied struct axv_err (which may be NULL).
 * Nothing in the library prints or exits.
 */
#ifndef LIBAXV_H
#define LIBAXV_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/axvcpu.h>

/* The device opened when neither a path nor $AXVCPU_DEV is given. */
#define AXV_DEFAULT_DEV		"/dev/axvcpu"
/* Environment variable that overrides AXV_DEFAULT_DEV when non-empty. */
#define AXV_DEV_ENV		"AXVCPU_DEV"

#define AXV_ERR_MSG_LEN		256

/**
 * struct axv_err - why a checked call failed.
 * @code: positive errno of the last failure, 0 after a success.
 * @msg: NUL-terminated description naming the failed call, e.g.
 *	"ioctl AXV_GET_API_VERSION: Inappropriate ioctl for device";
 *	empty after a success.
 */
struct axv_err {
	int code;
	char msg[AXV_ERR_MSG_LEN];
};

/**
 * struct axv_name - one entry of a number -> name table.
 * @value: AXV_CAP_* number, AXV_VMX_F_* bit, AXV_VCPU_STATE_* number,
 *	AXV_VCPU_OP_* number, AXV_EXIT_* number, AXV_ENTRY_CHECK_* number or
 *	AXV_EMUL_FAIL_* number.
 * @name: lower-case name without the prefix, e.g. "x86_vmx"; NULL ends
 *	the table.
 */
struct axv_name {
	__u64 value;
	const char *name;
};

/* Every AXV_CAP_* in <linux/axvcpu.h>, in numeric order. */
extern const struct axv_name axv_cap_names[];
/* Every AXV_VMX_F_* in <linux/axvcpu.h>, in bit order. */
extern const struct axv_name axv_vmx_feature_names[];
/* Every AXV_VM_F_* flag of AXV_CREATE_VM (not _ALL), in bit order. */
extern const struct axv_name axv_vm_flag_names[];
/* Every AXV_IRQ_F_* flag of struct axv_irq (not _ALL), in bit order. */
extern const struct axv_name axv_irq_flag_names[];

/* Which VMX controls field holds the bit of a struct axv_lapic_assist. */
enum axv_ctls {
	AXV_CTLS_PIN,		/* pin-based: caps->pin_used */
	AXV_CTLS_PROC,		/* primary processor-based: caps->proc_used */
	AXV_CTLS_PROC2,		/* secondary processor-based: caps->proc2_used */
};

/**
 * struct axv_lapic_assist - a VMX feature that helps to virtualize a local
 *	APIC.
 * @name: short name, the AXV_VMX_F_* name ("tpr_shadow"); NULL ends a table.
 * @desc: the SDM's name of the control ("TPR shadow").
 * @feature: the AXV_VMX_F_* bit that says the processor offers it.
 * @ctls: the controls field that enables it.
 * @bit: its bit there.
 */
struct axv_lapic_assist {
	const char *name;
	const char *desc;
	__u64 feature;
	enum axv_ctls ctls;
	unsigned int bit;
};

/*
 * The local-APIC assists, in the order of the SDM: TPR shadow (primary
 * bit 21), virtualize APIC accesses (secondary bit 0), virtualize x2APIC
 * mode (secondary 4), APIC-register virtualization (secondary 8),
 * virtual-interrupt delivery (secondary 9), posted interrupts (pin 7).
 */
extern const struct axv_lapic_assist axv_lapic_assists[];

/* Does the processor offer @assist (its AXV_VMX_F_* bit in @caps->features)? */
bool axv_lapic_assist_offered(const struct axv_vmx_caps *caps,
			      const struct axv_lapic_assist *assist);

/* Does axvcpu run guests with @assist (its bit in the *_used controls)? */
bool axv_lapic_assist_used(const struct axv_vmx_caps *caps,
			   const struct axv_lapic_assist *assist);

/* Every AXV_VCPU_STATE_* number (not the _F_ flags), in numeric order. */
extern const struct axv_name axv_vcpu_state_names[];
/* Every AXV_VCPU_OP_* number, in numeric order. */
extern const struct axv_name axv_vcpu_op_names[];
/* Every AXV_EXIT_* number, in numeric order. */
extern const struct axv_name axv_exit_names[];
/* Every AXV_ENTRY_CHECK_* number, in numeric order. */
extern const struct axv_name axv_entry_check_names[];
/* Every AXV_EMUL_FAIL_* number, in numeric order. */
extern const struct axv_name axv_emul_fail_names[];

/* Raw wrappers: the ioctl() return value, errno intact. */
int axv_raw_ioctl(int fd, unsigned long req, unsigned long arg);
int axv_raw_get_api_version(int fd);
int axv_raw_check_extension(int fd, unsigned long cap);
int axv_raw_create_vm(int fd, unsigned long flags);
int axv_raw_get_vmx_caps(int fd, struct axv_vmx_caps *caps);
int axv_raw_create_vcpu(int vm_fd, const struct axv_vcpu_create *create);
int axv_raw_get_vcpu_state(int vcpu_fd, struct axv_vcpu_state *state);
int axv_raw_get_vcpu_stats(int vcpu_fd, struct axv_vcpu_stats *stats);
int axv_raw_get_vm_stats(int vm_fd, struct axv_vm_stats *stats);
int axv_raw_vcpu_op(int vcpu_fd, const struct axv_vcpu_op *op);
int axv_raw_set_memory_region(int vm_fd, const struct axv_memory_region *region);
int axv_raw_delete_memory_region(int vm_fd, unsigned long slot);
int axv_raw_get_vcpu_mmap_size(int fd);
int axv_raw_run(int vcpu_fd);
int axv_raw_get_regs(int vcpu_fd, struct axv_regs *regs);
int axv_raw_set_regs(int vcpu_fd, const struct axv_regs *regs);
int axv_raw_get_sregs(int vcpu_fd, struct axv_sregs *sregs);
int axv_raw_set_sregs(int vcpu_fd, const struct axv_sregs *sregs);
int axv_raw_get_fpu(int vcpu_fd, struct axv_fpu *fpu);
int axv_raw_set_fpu(int vcpu_fd, const struct axv_fpu *fpu);
int axv_raw_get_msrs(int vcpu_fd, struct axv_msrs *msrs);
int axv_raw_set_msrs(int vcpu_fd, const struct axv_msrs *msrs);
int axv_raw_get_events(int vcpu_fd, struct axv_events *events);
int axv_raw_set_events(int vcpu_fd, const struct axv_events *events);
int axv_raw_interrupt(int vcpu_fd, const struct axv_interrupt *irq);
int axv_raw_set_traps(int vcpu_fd, const struct axv_traps *traps);
int axv_raw_set_hypercall_result(int vcpu_fd, const __u64 *result);
int axv_raw_kick_vcpus(int vm_fd, const struct axv_kick *kick);
int axv_raw_get_cpuid(int vm_fd, struct axv_cpuid *cpuid);
int axv_raw_set_cpuid(int vm_fd, const struct axv_cpuid *cpuid);
int axv_raw_get_supported_cpuid(int fd, struct axv_cpuid *cpuid);
int axv_raw_send_irq(int vm_fd, const struct axv_irq *irq);
int axv_raw_get_lapic(int vcpu_fd, struct axv_lapic_state *lapic);
int axv_raw_set_lapic(int vcpu_fd, const struct axv_lapic_state *lapic);

/*
 * Fill @err with @code and a printf-style message; nothing when @err is
 * NULL.  Returns -@code, for "return axv_err_set(...)".  For callers
 * outside the library that report their own failures the same way.
 */
__attribute__((format(printf, 3, 4)))
int axv_err_set(struct axv_err *err, int code, const char *fmt, ...);

/* Reset @err to "no error" (code 0, empty message); nothing when NULL. */
void axv_err_clear(struct axv_err *err);

/* $AXVCPU_DEV when set and non-empty, AXV_DEFAULT_DEV otherwise. */
const char *axv_dev_path(void);

/*
 * Open @path (axv_dev_path() when NULL) read-write and close-on-exec.
 * Returns the file descriptor or a negative errno.
 */
int axv_open(const char *path, struct axv_err *err);

/*
 * AXV_GET_API_VERSION.  Returns AXV_API_VERSION, or a negative errno:
 * -EPROTONOSUPPORT when the kernel speaks another version.
 */
int axv_get_api_version(int fd, struct axv_err *err);

/* AXV_CHECK_EXTENSION: 0 when absent, > 0 when present, or -errno. */
int axv_check_extension(int fd, unsigned long cap, struct axv_err *err);

/* AXV_GET_VMX_CAPS into @caps; 0 or -errno. */
int axv_get_vmx_caps(int fd, struct axv_vmx_caps *caps, struct axv_err *err);

/* AXV_CREATE_VM: the new VM file descriptor or -errno. */
int axv_create_vm(int fd, unsigned long flags, struct axv_err *err);

/*
 * Fill @create for vCPU @id with interrupt-controller ID @apic_id and the
 * defaults: AXV_VCPU_ROLE_DEFAULT, no favoured CPU (-1), every CPU allowed
 * (no bitmap), no flags, reserved fields zero.
 */
void axv_vcpu_create_init(struct axv_vcpu_create *create, __u32 id, __u32 apic_id);

/*
 * AXV_CREATE_VCPU on VM descriptor @vm_fd: the new vCPU file descriptor or
 * -errno; -EINVAL without a call when @create is NULL.
 */
int axv_create_vcpu(int vm_fd, const struct axv_vcpu_create *create, struct axv_err *err);

/* AXV_GET_VCPU_STATE into @state; 0 or -errno (-EINVAL when @state is NULL). */
int axv_get_vcpu_state(int vcpu_fd, struct axv_vcpu_state *state, struct axv_err *err);

/* AXV_GET_VCPU_STATS into @stats; 0 or -errno (-EINVAL when @stats is NULL). */
int axv_get_vcpu_stats(int vcpu_fd, struct axv_vcpu_stats *stats, struct axv_err *err);

/*
 * AXV_GET_VM_STATS on VM descriptor @vm_fd into @stats; 0 or -errno
 * (-EINVAL when @stats is NULL; -ENOTTY from a kernel without
 * AXV_CAP_VM_STATS).
 */
int axv_get_vm_stats(int vm_fd, struct axv_vm_stats *stats, struct axv_err *err);

/*
 * AXV_VCPU_OP on vCPU descriptor @vcpu_fd: operation @op (AXV_VCPU_OP_*)
 * with argument @arg, reserved fields zero.  @op and @arg reach the kernel
 * unchanged, known or not.  Returns what the kernel returns (for
 * AXV_VCPU_OP_START 1 when the vCPU started, 0 when the start was ignored;
 * 0 for the other operations) or -errno.
 */
int axv_vcpu_op(int vcpu_fd, __u32 op, __u32 arg, struct axv_err *err);

/*
 * AXV_SET_MEMORY_REGION on VM descriptor @vm_fd: 0 or -errno; -EINVAL
 * without a call when @region is NULL.
 */
int axv_set_memory_region(int vm_fd, const struct axv_memory_region *region,
			  struct axv_err *err);

/*
 * AXV_DELETE_MEMORY_REGION of slot @slot on VM descriptor @vm_fd: 0 or
 * -errno.  @slot reaches the kernel unchanged, even when it does not fit
 * 32 bits.
 */
int axv_delete_memory_region(int vm_fd, unsigned long slot, struct axv_err *err);

/*
 * AXV_GET_VCPU_MMAP_SIZE on the /dev/axvcpu descriptor @fd: the bytes to
 * map of a vCPU descriptor, or -errno.
 */
int axv_get_vcpu_mmap_size(int fd, struct axv_err *err);

/*
 * Map the struct axv_run of vCPU descriptor @vcpu_fd: AXV_GET_VCPU_MMAP_SIZE
 * on @fd (/dev/axvcpu) bytes, PROT_READ | PROT_WRITE, MAP_SHARED, offset 0.
 * Returns 0 and sets *@run and *@size (for axv_unmap_run()), or -errno:
 * -EPROTO when the kernel's size is smaller than struct axv_run, -EINVAL
 * without a call when @run or @size is NULL.
 */
int axv_map_run(int fd, int vcpu_fd, struct axv_run **run, size_t *size,
		struct axv_err *err);

/* Undo axv_map_run(); nothing when @run is NULL. */
void axv_unmap_run(struct axv_run *run, size_t size);

/*
 * AXV_RUN on @vcpu_fd: 0 when the guest exited to userspace (the run
 * structure says why), or -errno.  -EINTR (a signal, or immediate_exit)
 * is an expected outcome; it too is described in @err.
 */
int axv_run(int vcpu_fd, struct axv_err *err);

/*
 * Register state of @vcpu_fd.  The getters clear the buffer first; every
 * function returns 0 or -errno, and -EINVAL without a call for a NULL
 * buffer or argument.
 */
int axv_get_regs(int vcpu_fd, struct axv_regs *regs, struct axv_err *err);
int axv_set_regs(int vcpu_fd, const struct axv_regs *regs, struct axv_err *err);
int axv_get_sregs(int vcpu_fd, struct axv_sregs *sregs, struct axv_err *err);
int axv_set_sregs(int vcpu_fd, const struct axv_sregs *sregs, struct axv_err *err);
int axv_get_fpu(int vcpu_fd, struct axv_fpu *fpu, struct axv_err *err);
int axv_set_fpu(int vcpu_fd, const struct axv_fpu *fpu, struct axv_err *err);
int axv_get_events(int vcpu_fd, struct axv_events *events, struct axv_err *err);
int axv_set_events(int vcpu_fd, const struct axv_events *events, struct axv_err *err);

/*
 * A struct axv_msrs with room for @nmsrs entries, zeroed, nmsrs set; free()
 * it.  NULL when out of memory or @nmsrs is absurdly large.
 */
struct axv_msrs *axv_msrs_alloc(__u32 nmsrs);

/*
 * AXV_GET_MSRS / AXV_SET_MSRS with the entries of @msrs (the getter keeps
 * the indices the caller put there): the number of entries processed, from
 * the first, or -errno.
 */
int axv_get_msrs(int vcpu_fd, struct axv_msrs *msrs, struct axv_err *err);
int axv_set_msrs(int vcpu_fd, const struct axv_msrs *msrs, struct axv_err *err);

/*
 * AXV_INTERRUPT on @vcpu_fd: @vector with @flags (AXV_INTERRUPT_F_*),
 * reserved fields zero.  0 or -errno.
 */
int axv_interrupt(int vcpu_fd, __u32 vector, __u32 flags, struct axv_err *err);

/*
 * AXV_SET_TRAPS on @vcpu_fd: exception bitmap @exceptions and @flags
 * (AXV_TRAP_F_*), reserved fields zero.  0 or -errno.
 */
int axv_set_traps(int vcpu_fd, __u32 exceptions, __u32 flags, struct axv_err *err);

/* AXV_SET_HYPERCALL_RESULT on @vcpu_fd: @result for guest RAX.  0 or -errno. */
int axv_set_hypercall_result(int vcpu_fd, __u64 result, struct axv_err *err);

/*
 * AXV_KICK_VCPUS on VM descriptor @vm_fd: the vCPUs of bitmap @vcpus,
 * reserved fields zero.  0 or -errno.
 */
int axv_kick_vcpus(int vm_fd, __u64 vcpus, struct axv_err *err);

/*
 * A struct axv_cpuid with room for @nent entries, zeroed, nent set; free()
 * it.  NULL when out of memory or @nent is absurdly large.
 */
struct axv_cpuid *axv_cpuid_alloc(__u32 nent);

/*
 * AXV_GET_CPUID / AXV_SET_CPUID on VM descriptor @vm_fd, and
 * AXV_GET_SUPPORTED_CPUID on /dev/axvcpu descriptor @fd.  The getters take
 * the room in @cpuid->nent and leave there what the kernel wrote (the
 * number filled, or on -E2BIG what the kernel says is needed).  0 or -errno.
 */
int axv_get_cpuid(int vm_fd, struct axv_cpuid *cpuid, struct axv_err *err);
int axv_set_cpuid(int vm_fd, const struct axv_cpuid *cpuid, struct axv_err *err);
int axv_get_supported_cpuid(int fd, struct axv_cpuid *cpuid, struct axv_err *err);

/*
 * AXV_SEND_IRQ on VM descriptor @vm_fd: an interrupt message to @dest with
 * @vector and @flags (AXV_IRQ_F_*), reserved fields zero.  Returns how many
 * local APICs accepted it (0 is not an error), or -errno: -ENXIO for a VM
 * without AXV_VM_F_LAPIC.
 */
int axv_send_irq(int vm_fd, __u32 dest, __u32 vector, __u32 flags, struct axv_err *err);

/*
 * AXV_GET_LAPIC / AXV_SET_LAPIC on @vcpu_fd (the getter clears @lapic
 * first).  0 or -errno (-ENXIO without AXV_VM_F_LAPIC); -EINVAL without a
 * call for a NULL buffer.
 */
int axv_get_lapic(int vcpu_fd, struct axv_lapic_state *lapic, struct axv_err *err);
int axv_set_lapic(int vcpu_fd, const struct axv_lapic_state *lapic, struct axv_err *err);

/* The 32-bit register at xAPIC offset @offset (a multiple of 16) of @lapic. */
__u32 axv_lapic_reg(const struct axv_lapic_state *lapic, unsigned int offset);
void axv_lapic_set_reg(struct axv_lapic_state *lapic, unsigned int offset, __u32 value);

/* Name of AXV_VM_F_* flag @flag, e.g. "lapic"; NULL when unknown. */
const char *axv_vm_flag_name(__u64 flag);

/* Name of AXV_IRQ_F_* flag @flag, e.g. "nmi"; NULL when unknown. */
const char *axv_irq_flag_name(__u64 flag);

/* Name of AXV_CAP_* number @cap, NULL when unknown. */
const char *axv_cap_name(unsigned long cap);

/* Name of the single AXV_VMX_F_* bit @bit, NULL when unknown. */
const char *axv_vmx_feature_name(__u64 bit);

/* Name of AXV_VCPU_STATE_* number @state, e.g. "wait_start"; NULL when unknown. */
const char *axv_vcpu_state_name(__u32 state);

/* Name of AXV_VCPU_OP_* number @op, e.g. "set_role"; NULL when unknown. */
const char *axv_vcpu_op_name(__u32 op);

/* Name of AXV_EXIT_* number @reason, e.g. "fail_entry"; NULL when unknown. */
const char *axv_exit_name(__u32 reason);

/* Name of AXV_ENTRY_CHECK_* number @check, e.g. "data_seg"; NULL when unknown. */
const char *axv_entry_check_name(__u32 check);

/*
 * Name of AXV_EMUL_FAIL_* number @reason (internal.data[2] of
 * AXV_INTERNAL_EMULATION_FAILED), e.g. "opcode"; NULL when unknown.
 */
const char *axv_emul_fail_name(__u32 reason);

/* AXV_VMX_F_* bits of @features that have no name. */
__u64 axv_vmx_unknown_features(__u64 features);

/*
 * Render @caps as human-readable text into @buf (always NUL-terminated when
 * @len > 0).  Like snprintf(), returns the length of the full text, which
 * is >= @len when it was truncated; -EINVAL when @caps is NULL.
 */
int axv_format_vmx_caps(const struct axv_vmx_caps *caps, char *buf, size_t len);

/*
 * Parse a size: decimal digits with an optional K, M, G or T suffix (either
 * case, powers of 1024), nothing else.  Returns 0 and sets *@size, or
 * -EINVAL (empty or malformed) or -ERANGE (does not fit 64 bits) and leaves
 * *@size alone.
 */
int axv_parse_size(const char *str, __u64 *size, struct axv_err *err);

#endif /* LIBAXV_H */
