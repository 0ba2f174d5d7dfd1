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
 * @value: AXV_CAP_* number, AXV_VMX_F_* bit, AXV_VCPU_STATE_* number or
 *	AXV_VCPU_OP_* number.
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
/* Every AXV_VCPU_STATE_* number (not the _F_ flags), in numeric order. */
extern const struct axv_name axv_vcpu_state_names[];
/* Every AXV_VCPU_OP_* number, in numeric order. */
extern const struct axv_name axv_vcpu_op_names[];

/* Raw wrappers: the ioctl() return value, errno intact. */
int axv_raw_ioctl(int fd, unsigned long req, unsigned long arg);
int axv_raw_get_api_version(int fd);
int axv_raw_check_extension(int fd, unsigned long cap);
int axv_raw_create_vm(int fd, unsigned long flags);
int axv_raw_get_vmx_caps(int fd, struct axv_vmx_caps *caps);
int axv_raw_create_vcpu(int vm_fd, const struct axv_vcpu_create *create);
int axv_raw_get_vcpu_state(int vcpu_fd, struct axv_vcpu_state *state);
int axv_raw_get_vcpu_stats(int vcpu_fd, struct axv_vcpu_stats *stats);
int axv_raw_vcpu_op(int vcpu_fd, const struct axv_vcpu_op *op);
int axv_raw_set_memory_region(int vm_fd, const struct axv_memory_region *region);
int axv_raw_delete_memory_region(int vm_fd, unsigned long slot);

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

/* Name of AXV_CAP_* number @cap, NULL when unknown. */
const char *axv_cap_name(unsigned long cap);

/* Name of the single AXV_VMX_F_* bit @bit, NULL when unknown. */
const char *axv_vmx_feature_name(__u64 bit);

/* Name of AXV_VCPU_STATE_* number @state, e.g. "wait_start"; NULL when unknown. */
const char *axv_vcpu_state_name(__u32 state);

/* Name of AXV_VCPU_OP_* number @op, e.g. "set_role"; NULL when unknown. */
const char *axv_vcpu_op_name(__u32 op);

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
