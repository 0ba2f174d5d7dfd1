// SPDX-License-Identifier: GPL-2.0
/*
 * libaxv: wrappers over the /dev/axvcpu ioctls and the pure helpers userctl
 * needs (name tables, VMX capability formatting, size parsing).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "libaxv.h"

const struct axv_name axv_cap_names[] = {
	{ AXV_CAP_X86_VMX,		"x86_vmx" },
	{ AXV_CAP_VPID,			"vpid" },
	{ AXV_CAP_EPT_2M_PAGES,		"ept_2m_pages" },
	{ AXV_CAP_EPT_1G_PAGES,		"ept_1g_pages" },
	{ AXV_CAP_EPT_AD_BITS,		"ept_ad_bits" },
	{ AXV_CAP_PREEMPTION_TIMER,	"preemption_timer" },
	{ AXV_CAP_MAX_VCPUS,		"max_vcpus" },
	{ AXV_CAP_NR_MEMSLOTS,		"nr_memslots" },
	{ AXV_CAP_GPA_BITS,		"gpa_bits" },
	{ AXV_CAP_RUN,			"run" },
	{ AXV_CAP_XSAVE_SIZE,		"xsave_size" },
	{ AXV_CAP_MAX_CPUID_ENTRIES,	"max_cpuid_entries" },
	{ AXV_CAP_KICK,			"kick" },
	{ AXV_CAP_TRAPS,		"traps" },
	{ AXV_CAP_MAX_MSRS,		"max_msrs" },
	{ AXV_CAP_LAPIC,		"lapic" },
	{ AXV_CAP_NOP_HYPERCALL,	"nop_hypercall" },
	{ AXV_CAP_VM_STATS,		"vm_stats" },
	{ AXV_CAP_EMULATOR,		"emulator" },
	{ AXV_CAP_LEVEL_IRQ,		"level_irq" },
	{ 0, NULL }
};

const struct axv_name axv_vmx_feature_names[] = {
	{ AXV_VMX_F_TRUE_CTLS,		"true_ctls" },
	{ AXV_VMX_F_INS_OUTS_INFO,	"ins_outs_info" },
	{ AXV_VMX_F_EPT,		"ept" },
	{ AXV_VMX_F_UNRESTRICTED_GUEST,	"unrestricted_guest" },
	{ AXV_VMX_F_VPID,		"vpid" },
	{ AXV_VMX_F_PREEMPTION_TIMER,	"preemption_timer" },
	{ AXV_VMX_F_VIRTUAL_NMIS,	"virtual_nmis" },
	{ AXV_VMX_F_TPR_SHADOW,		"tpr_shadow" },
	{ AXV_VMX_F_APIC_ACCESS,	"apic_access" },
	{ AXV_VMX_F_X2APIC_VIRT,	"x2apic_virt" },
	{ AXV_VMX_F_APIC_REG_VIRT,	"apic_reg_virt" },
	{ AXV_VMX_F_VIRT_INTR_DELIVERY,	"virt_intr_delivery" },
	{ AXV_VMX_F_POSTED_INTR,	"posted_intr" },
	{ AXV_VMX_F_EPT_4LEVEL,		"ept_4level" },
	{ AXV_VMX_F_EPT_WB,		"ept_wb" },
	{ AXV_VMX_F_EPT_2M,		"ept_2m" },
	{ AXV_VMX_F_EPT_1G,		"ept_1g" },
	{ AXV_VMX_F_EPT_AD,		"ept_ad" },
	{ AXV_VMX_F_EPT_EXEC_ONLY,	"ept_exec_only" },
	{ AXV_VMX_F_INVEPT_SINGLE,	"invept_single" },
	{ AXV_VMX_F_INVEPT_GLOBAL,	"invept_global" },
	{ AXV_VMX_F_INVVPID_ADDR,	"invvpid_addr" },
	{ AXV_VMX_F_INVVPID_SINGLE,	"invvpid_single" },
	{ AXV_VMX_F_INVVPID_GLOBAL,	"invvpid_global" },
	{ AXV_VMX_F_INVVPID_SINGLE_NG,	"invvpid_single_ng" },
	{ AXV_VMX_F_SAVE_LOAD_PAT,	"save_load_pat" },
	{ AXV_VMX_F_SAVE_LOAD_DEBUGCTL,	"save_load_debugctl" },
	{ AXV_VMX_F_SHADOW_VMCS,	"shadow_vmcs" },
	{ 0, NULL }
};

const struct axv_name axv_vm_flag_names[] = {
	{ AXV_VM_F_LAPIC,		"lapic" },
	{ 0, NULL }
};

const struct axv_name axv_irq_flag_names[] = {
	{ AXV_IRQ_F_NMI,		"nmi" },
	{ AXV_IRQ_F_LOGICAL,		"logical" },
	{ AXV_IRQ_F_LOWEST,		"lowest" },
	{ 0, NULL }
};

const struct axv_lapic_assist axv_lapic_assists[] = {
	{ "tpr_shadow", "TPR shadow", AXV_VMX_F_TPR_SHADOW, AXV_CTLS_PROC, 21 },
	{ "apic_access", "virtualize APIC accesses", AXV_VMX_F_APIC_ACCESS, AXV_CTLS_PROC2, 0 },
	{ "x2apic_virt", "virtualize x2APIC mode", AXV_VMX_F_X2APIC_VIRT, AXV_CTLS_PROC2, 4 },
	{ "apic_reg_virt", "APIC-register virtualization", AXV_VMX_F_APIC_REG_VIRT,
	  AXV_CTLS_PROC2, 8 },
	{ "virt_intr_delivery", "virtual-interrupt delivery", AXV_VMX_F_VIRT_INTR_DELIVERY,
	  AXV_CTLS_PROC2, 9 },
	{ "posted_intr", "posted interrupts", AXV_VMX_F_POSTED_INTR, AXV_CTLS_PIN, 7 },
	{ NULL, NULL, 0, 0, 0 }
};

const struct axv_name axv_vcpu_state_names[] = {
	{ AXV_VCPU_STATE_INVALID,	"invalid" },
	{ AXV_VCPU_STATE_CREATED,	"created" },
	{ AXV_VCPU_STATE_FREE,		"free" },
	{ AXV_VCPU_STATE_READY,		"ready" },
	{ AXV_VCPU_STATE_RUNNING,	"running" },
	{ AXV_VCPU_STATE_BLOCKED,	"blocked" },
	{ AXV_VCPU_STATE_WAIT_START,	"wait_start" },
	{ AXV_VCPU_STATE_PAUSED,	"paused" },
	{ AXV_VCPU_STATE_STOPPED,	"stopped" },
	{ 0, NULL }
};

const struct axv_name axv_vcpu_op_names[] = {
	{ AXV_VCPU_OP_SET_ROLE,		"set_role" },
	{ AXV_VCPU_OP_INIT,		"init" },
	{ AXV_VCPU_OP_START,		"start" },
	{ AXV_VCPU_OP_PAUSE,		"pause" },
	{ AXV_VCPU_OP_RESUME,		"resume" },
	{ AXV_VCPU_OP_STOP,		"stop" },
	{ 0, NULL }
};

const struct axv_name axv_exit_names[] = {
	{ AXV_EXIT_UNKNOWN,		"unknown" },
	{ AXV_EXIT_MMIO,		"mmio" },
	{ AXV_EXIT_IO,			"io" },
	{ AXV_EXIT_MSR,			"msr" },
	{ AXV_EXIT_HYPERCALL,		"hypercall" },
	{ AXV_EXIT_NESTED_PAGE_FAULT,	"nested_page_fault" },
	{ AXV_EXIT_HALT,		"halt" },
	{ AXV_EXIT_CPU_UP,		"cpu_up" },
	{ AXV_EXIT_CPU_DOWN,		"cpu_down" },
	{ AXV_EXIT_SYSTEM_DOWN,		"system_down" },
	{ AXV_EXIT_SEND_IPI,		"send_ipi" },
	{ AXV_EXIT_EXTERNAL_INTERRUPT,	"external_interrupt" },
	{ AXV_EXIT_FAIL_ENTRY,		"fail_entry" },
	{ AXV_EXIT_TRIPLE_FAULT,	"triple_fault" },
	{ AXV_EXIT_KICKED,		"kicked" },
	{ AXV_EXIT_INTR,		"intr" },
	{ AXV_EXIT_EXCEPTION,		"exception" },
	{ AXV_EXIT_INTERNAL_ERROR,	"internal_error" },
	{ AXV_EXIT_DEBUG_REG,		"debug_reg" },
	{ AXV_EXIT_EOI,			"eoi" },
	{ 0, NULL }
};

const struct axv_name axv_entry_check_names[] = {
	{ AXV_ENTRY_CHECK_NONE,		"none" },
	{ AXV_ENTRY_CHECK_CR0,		"cr0" },
	{ AXV_ENTRY_CHECK_CR4,		"cr4" },
	{ AXV_ENTRY_CHECK_EFER,		"efer" },
	{ AXV_ENTRY_CHECK_CS,		"cs" },
	{ AXV_ENTRY_CHECK_SS,		"ss" },
	{ AXV_ENTRY_CHECK_DATA_SEG,	"data_seg" },
	{ AXV_ENTRY_CHECK_TR,		"tr" },
	{ AXV_ENTRY_CHECK_LDTR,		"ldtr" },
	{ AXV_ENTRY_CHECK_DTABLE,	"dtable" },
	{ AXV_ENTRY_CHECK_RIP,		"rip" },
	{ AXV_ENTRY_CHECK_RFLAGS,	"rflags" },
	{ AXV_ENTRY_CHECK_ACTIVITY,	"activity" },
	{ AXV_ENTRY_CHECK_INTERRUPTIBILITY, "interruptibility" },
	{ AXV_ENTRY_CHECK_SEG_BASE,	"seg_base" },
	{ AXV_ENTRY_CHECK_MSR_LOAD,	"msr_load" },
	{ AXV_ENTRY_CHECK_CR3,		"cr3" },
	{ 0, NULL }
};

const struct axv_name axv_emul_fail_names[] = {
	{ AXV_EMUL_FAIL_OPCODE,		"opcode" },
	{ AXV_EMUL_FAIL_FETCH,		"fetch" },
	{ AXV_EMUL_FAIL_MODE,		"mode" },
	{ AXV_EMUL_FAIL_NO_MEMORY,	"no_memory" },
	{ AXV_EMUL_FAIL_REPLAY,		"replay" },
	{ AXV_EMUL_FAIL_TOO_MANY,	"too_many" },
	{ 0, NULL }
};

int axv_err_set(struct axv_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -code;
}

void axv_err_clear(struct axv_err *err)
{
	if (!err)
		return;
	err->code = 0;
	err->msg[0] = '\0';
}

/* Record that ioctl @call failed with the current errno; return -errno. */
static int axv_ioctl_failed(struct axv_err *err, const char *call)
{
	int e = errno ? errno : EIO;

	axv_err_set(err, e, "ioctl %s: %s", call, strerror(e));
	return -e;
}

int axv_raw_ioctl(int fd, unsigned long req, unsigned long arg)
{
	return ioctl(fd, req, arg);
}

int axv_raw_get_api_version(int fd)
{
	return ioctl(fd, AXV_GET_API_VERSION, 0UL);
}

int axv_raw_check_extension(int fd, unsigned long cap)
{
	return ioctl(fd, AXV_CHECK_EXTENSION, cap);
}

int axv_raw_create_vm(int fd, unsigned long flags)
{
	return ioctl(fd, AXV_CREATE_VM, flags);
}

int axv_raw_get_vmx_caps(int fd, struct axv_vmx_caps *caps)
{
	return ioctl(fd, AXV_GET_VMX_CAPS, caps);
}

int axv_raw_create_vcpu(int vm_fd, const struct axv_vcpu_create *create)
{
	return ioctl(vm_fd, AXV_CREATE_VCPU, create);
}

int axv_raw_get_vcpu_state(int vcpu_fd, struct axv_vcpu_state *state)
{
	return ioctl(vcpu_fd, AXV_GET_VCPU_STATE, state);
}

int axv_raw_get_vcpu_stats(int vcpu_fd, struct axv_vcpu_stats *stats)
{
	return ioctl(vcpu_fd, AXV_GET_VCPU_STATS, stats);
}

int axv_raw_get_vm_stats(int vm_fd, struct axv_vm_stats *stats)
{
	return ioctl(vm_fd, AXV_GET_VM_STATS, stats);
}

int axv_raw_vcpu_op(int vcpu_fd, const struct axv_vcpu_op *op)
{
	return ioctl(vcpu_fd, AXV_VCPU_OP, op);
}

int axv_raw_set_memory_region(int vm_fd, const struct axv_memory_region *region)
{
	return ioctl(vm_fd, AXV_SET_MEMORY_REGION, region);
}

int axv_raw_delete_memory_region(int vm_fd, unsigned long slot)
{
	return ioctl(vm_fd, AXV_DELETE_MEMORY_REGION, slot);
}

int axv_raw_get_vcpu_mmap_size(int fd)
{
	return ioctl(fd, AXV_GET_VCPU_MMAP_SIZE, 0UL);
}

int axv_raw_run(int vcpu_fd)
{
	return ioctl(vcpu_fd, AXV_RUN, 0UL);
}

int axv_raw_get_regs(int vcpu_fd, struct axv_regs *regs)
{
	return ioctl(vcpu_fd, AXV_GET_REGS, regs);
}

int axv_raw_set_regs(int vcpu_fd, const struct axv_regs *regs)
{
	return ioctl(vcpu_fd, AXV_SET_REGS, regs);
}

int axv_raw_get_sregs(int vcpu_fd, struct axv_sregs *sregs)
{
	return ioctl(vcpu_fd, AXV_GET_SREGS, sregs);
}

int axv_raw_set_sregs(int vcpu_fd, const struct axv_sregs *sregs)
{
	return ioctl(vcpu_fd, AXV_SET_SREGS, sregs);
}

int axv_raw_get_fpu(int vcpu_fd, struct axv_fpu *fpu)
{
	return ioctl(vcpu_fd, AXV_GET_FPU, fpu);
}

int axv_raw_set_fpu(int vcpu_fd, const struct axv_fpu *fpu)
{
	return ioctl(vcpu_fd, AXV_SET_FPU, fpu);
}

int axv_raw_get_msrs(int vcpu_fd, struct axv_msrs *msrs)
{
	return ioctl(vcpu_fd, AXV_GET_MSRS, msrs);
}

int axv_raw_set_msrs(int vcpu_fd, const struct axv_msrs *msrs)
{
	return ioctl(vcpu_fd, AXV_SET_MSRS, msrs);
}

int axv_raw_get_events(int vcpu_fd, struct axv_events *events)
{
	return ioctl(vcpu_fd, AXV_GET_EVENTS, events);
}

int axv_raw_set_events(int vcpu_fd, const struct axv_events *events)
{
	return ioctl(vcpu_fd, AXV_SET_EVENTS, events);
}

int axv_raw_interrupt(int vcpu_fd, const struct axv_interrupt *irq)
{
	return ioctl(vcpu_fd, AXV_INTERRUPT, irq);
}

int axv_raw_set_traps(int vcpu_fd, const struct axv_traps *traps)
{
	return ioctl(vcpu_fd, AXV_SET_TRAPS, traps);
}

int axv_raw_set_hypercall_result(int vcpu_fd, const __u64 *result)
{
	return ioctl(vcpu_fd, AXV_SET_HYPERCALL_RESULT, result);
}

int axv_raw_kick_vcpus(int vm_fd, const struct axv_kick *kick)
{
	return ioctl(vm_fd, AXV_KICK_VCPUS, kick);
}

int axv_raw_get_cpuid(int vm_fd, struct axv_cpuid *cpuid)
{
	return ioctl(vm_fd, AXV_GET_CPUID, cpuid);
}

int axv_raw_set_cpuid(int vm_fd, const struct axv_cpuid *cpuid)
{
	return ioctl(vm_fd, AXV_SET_CPUID, cpuid);
}

int axv_raw_send_irq(int vm_fd, const struct axv_irq *irq)
{
	return ioctl(vm_fd, AXV_SEND_IRQ, irq);
}

int axv_raw_get_lapic(int vcpu_fd, struct axv_lapic_state *lapic)
{
	return ioctl(vcpu_fd, AXV_GET_LAPIC, lapic);
}

int axv_raw_set_lapic(int vcpu_fd, const struct axv_lapic_state *lapic)
{
	return ioctl(vcpu_fd, AXV_SET_LAPIC, lapic);
}

int axv_raw_get_supported_cpuid(int fd, struct axv_cpuid *cpuid)
{
	return ioctl(fd, AXV_GET_SUPPORTED_CPUID, cpuid);
}

const char *axv_dev_path(void)
{
	const char *path = getenv(AXV_DEV_ENV);

	return path && *path ? path : AXV_DEFAULT_DEV;
}

int axv_open(const char *path, struct axv_err *err)
{
	int fd, e;

	axv_err_clear(err);
	if (!path)
		path = axv_dev_path();
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	e = errno;
	axv_err_set(err, e, "open %s: %s%s", path, strerror(e),
		    e == ENOENT && !strcmp(path, AXV_DEFAULT_DEV) ?
		    " (is the axvcpu module loaded?)" : "");
	return -e;
}

int axv_get_api_version(int fd, struct axv_err *err)
{
	int ret;

	axv_err_clear(err);
	ret = axv_raw_get_api_version(fd);
	if (ret < 0)
		return axv_ioctl_failed(err, "AXV_GET_API_VERSION");
	if (ret != AXV_API_VERSION) {
		axv_err_set(err, EPROTONOSUPPORT,
			    "AXV_GET_API_VERSION: the kernel speaks axvcpu API version %d, only version %d is supported",
			    ret, AXV_API_VERSION);
		return -EPROTONOSUPPORT;
	}
	return ret;
}

int axv_check_extension(int fd, unsigned long cap, struct axv_err *err)
{
	const char *name;
	char call[64];
	int ret;

	axv_err_clear(err);
	ret = axv_raw_check_extension(fd, cap);
	if (ret >= 0)
		return ret;
	name = axv_cap_name(cap);
	if (name)
		snprintf(call, sizeof(call), "AXV_CHECK_EXTENSION(%s)", name);
	else
		snprintf(call, sizeof(call), "AXV_CHECK_EXTENSION(%lu)", cap);
	return axv_ioctl_failed(err, call);
}

int axv_get_vmx_caps(int fd, struct axv_vmx_caps *caps, struct axv_err *err)
{
	axv_err_clear(err);
	if (!caps) {
		axv_err_set(err, EINVAL, "AXV_GET_VMX_CAPS: no buffer given");
		return -EINVAL;
	}
	memset(caps, 0, sizeof(*caps));
	if (axv_raw_get_vmx_caps(fd, caps) < 0)
		return axv_ioctl_failed(err, "AXV_GET_VMX_CAPS");
	return 0;
}

int axv_create_vm(int fd, unsigned long flags, struct axv_err *err)
{
	int ret;

	axv_err_clear(err);
	ret = axv_raw_create_vm(fd, flags);
	if (ret < 0)
		return axv_ioctl_failed(err, "AXV_CREATE_VM");
	return ret;
}

void axv_vcpu_create_init(struct axv_vcpu_create *create, __u32 id, __u32 apic_id)
{
	memset(create, 0, sizeof(*create));
	create->id = id;
	create->apic_id = apic_id;
	create->role = AXV_VCPU_ROLE_DEFAULT;
	create->favoured_cpu = -1;
}

int axv_create_vcpu(int vm_fd, const struct axv_vcpu_create *create, struct axv_err *err)
{
	char call[64];
	int ret;

	axv_err_clear(err);
	if (!create) {
		axv_err_set(err, EINVAL, "AXV_CREATE_VCPU: no argument given");
		return -EINVAL;
	}
	ret = axv_raw_create_vcpu(vm_fd, create);
	if (ret >= 0)
		return ret;
	snprintf(call, sizeof(call), "AXV_CREATE_VCPU(id %u)", create->id);
	return axv_ioctl_failed(err, call);
}

int axv_get_vcpu_state(int vcpu_fd, struct axv_vcpu_state *state, struct axv_err *err)
{
	axv_err_clear(err);
	if (!state) {
		axv_err_set(err, EINVAL, "AXV_GET_VCPU_STATE: no buffer given");
		return -EINVAL;
	}
	memset(state, 0, sizeof(*state));
	if (axv_raw_get_vcpu_state(vcpu_fd, state) < 0)
		return axv_ioctl_failed(err, "AXV_GET_VCPU_STATE");
	return 0;
}

int axv_get_vcpu_stats(int vcpu_fd, struct axv_vcpu_stats *stats, struct axv_err *err)
{
	axv_err_clear(err);
	if (!stats) {
		axv_err_set(err, EINVAL, "AXV_GET_VCPU_STATS: no buffer given");
		return -EINVAL;
	}
	memset(stats, 0, sizeof(*stats));
	if (axv_raw_get_vcpu_stats(vcpu_fd, stats) < 0)
		return axv_ioctl_failed(err, "AXV_GET_VCPU_STATS");
	return 0;
}

int axv_get_vm_stats(int vm_fd, struct axv_vm_stats *stats, struct axv_err *err)
{
	axv_err_clear(err);
	if (!stats) {
		axv_err_set(err, EINVAL, "AXV_GET_VM_STATS: no buffer given");
		return -EINVAL;
	}
	memset(stats, 0, sizeof(*stats));
	if (axv_raw_get_vm_stats(vm_fd, stats) < 0)
		return axv_ioctl_failed(err, "AXV_GET_VM_STATS");
	return 0;
}

int axv_vcpu_op(int vcpu_fd, __u32 op, __u32 arg, struct axv_err *err)
{
	struct axv_vcpu_op o;
	const char *name;
	char call[64];
	int ret, e;

	axv_err_clear(err);
	memset(&o, 0, sizeof(o));
	o.op = op;
	o.arg = arg;
	ret = axv_raw_vcpu_op(vcpu_fd, &o);
	if (ret >= 0)
		return ret;
	e = errno;
	name = axv_vcpu_op_name(op);
	if (name)
		snprintf(call, sizeof(call), "AXV_VCPU_OP(%s %#x)", name, arg);
	else
		snprintf(call, sizeof(call), "AXV_VCPU_OP(%u %#x)", op, arg);
	errno = e;
	return axv_ioctl_failed(err, call);
}

int axv_set_memory_region(int vm_fd, const struct axv_memory_region *region,
			  struct axv_err *err)
{
	char call[64];

	axv_err_clear(err);
	if (!region) {
		axv_err_set(err, EINVAL, "AXV_SET_MEMORY_REGION: no argument given");
		return -EINVAL;
	}
	if (axv_raw_set_memory_region(vm_fd, region) >= 0)
		return 0;
	snprintf(call, sizeof(call), "AXV_SET_MEMORY_REGION(slot %u)", region->slot);
	return axv_ioctl_failed(err, call);
}

int axv_delete_memory_region(int vm_fd, unsigned long slot, struct axv_err *err)
{
	char call[64];

	axv_err_clear(err);
	if (axv_raw_delete_memory_region(vm_fd, slot) >= 0)
		return 0;
	snprintf(call, sizeof(call), "AXV_DELETE_MEMORY_REGION(slot %lu)", slot);
	return axv_ioctl_failed(err, call);
}

int axv_get_vcpu_mmap_size(int fd, struct axv_err *err)
{
	int ret;

	axv_err_clear(err);
	ret = axv_raw_get_vcpu_mmap_size(fd);
	if (ret < 0)
		return axv_ioctl_failed(err, "AXV_GET_VCPU_MMAP_SIZE");
	return ret;
}

int axv_map_run(int fd, int vcpu_fd, struct axv_run **run, size_t *size,
		struct axv_err *err)
{
	void *map;
	int len, e;

	axv_err_clear(err);
	if (!run || !size)
		return axv_err_set(err, EINVAL,
				   "map of the run structure: no result pointer given");
	len = axv_get_vcpu_mmap_size(fd, err);
	if (len < 0)
		return len;
	if ((size_t)len < sizeof(struct axv_run))
		return axv_err_set(err, EPROTO,
				   "AXV_GET_VCPU_MMAP_SIZE: %d bytes, smaller than struct axv_run (%zu bytes)",
				   len, sizeof(struct axv_run));
	map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (map == MAP_FAILED) {
		e = errno ? errno : EIO;
		return axv_err_set(err, e, "mmap of the vCPU run structure (%d bytes): %s",
				   len, strerror(e));
	}
	*run = map;
	*size = len;
	return 0;
}

void axv_unmap_run(struct axv_run *run, size_t size)
{
	if (run)
		munmap(run, size);
}

int axv_run(int vcpu_fd, struct axv_err *err)
{
	axv_err_clear(err);
	if (axv_raw_run(vcpu_fd) < 0)
		return axv_ioctl_failed(err, "AXV_RUN");
	return 0;
}

/* The checked form of a raw call that returns 0 or a count: the count or -errno. */
static int axv_checked(int ret, struct axv_err *err, const char *call)
{
	if (ret < 0)
		return axv_ioctl_failed(err, call);
	return ret;
}

static int axv_no_buffer(struct axv_err *err, const char *call)
{
	return axv_err_set(err, EINVAL, "%s: no buffer given", call);
}

static int axv_no_argument(struct axv_err *err, const char *call)
{
	return axv_err_set(err, EINVAL, "%s: no argument given", call);
}

int axv_get_regs(int vcpu_fd, struct axv_regs *regs, struct axv_err *err)
{
	axv_err_clear(err);
	if (!regs)
		return axv_no_buffer(err, "AXV_GET_REGS");
	memset(regs, 0, sizeof(*regs));
	return axv_checked(axv_raw_get_regs(vcpu_fd, regs), err, "AXV_GET_REGS");
}

int axv_set_regs(int vcpu_fd, const struct axv_regs *regs, struct axv_err *err)
{
	axv_err_clear(err);
	if (!regs)
		return axv_no_argument(err, "AXV_SET_REGS");
	return axv_checked(axv_raw_set_regs(vcpu_fd, regs), err, "AXV_SET_REGS");
}

int axv_get_sregs(int vcpu_fd, struct axv_sregs *sregs, struct axv_err *err)
{
	axv_err_clear(err);
	if (!sregs)
		return axv_no_buffer(err, "AXV_GET_SREGS");
	memset(sregs, 0, sizeof(*sregs));
	return axv_checked(axv_raw_get_sregs(vcpu_fd, sregs), err, "AXV_GET_SREGS");
}

int axv_set_sregs(int vcpu_fd, const struct axv_sregs *sregs, struct axv_err *err)
{
	axv_err_clear(err);
	if (!sregs)
		return axv_no_argument(err, "AXV_SET_SREGS");
	return axv_checked(axv_raw_set_sregs(vcpu_fd, sregs), err, "AXV_SET_SREGS");
}

int axv_get_fpu(int vcpu_fd, struct axv_fpu *fpu, struct axv_err *err)
{
	axv_err_clear(err);
	if (!fpu)
		return axv_no_buffer(err, "AXV_GET_FPU");
	memset(fpu, 0, sizeof(*fpu));
	return axv_checked(axv_raw_get_fpu(vcpu_fd, fpu), err, "AXV_GET_FPU");
}

int axv_set_fpu(int vcpu_fd, const struct axv_fpu *fpu, struct axv_err *err)
{
	axv_err_clear(err);
	if (!fpu)
		return axv_no_argument(err, "AXV_SET_FPU");
	return axv_checked(axv_raw_set_fpu(vcpu_fd, fpu), err, "AXV_SET_FPU");
}

int axv_get_events(int vcpu_fd, struct axv_events *events, struct axv_err *err)
{
	axv_err_clear(err);
	if (!events)
		return axv_no_buffer(err, "AXV_GET_EVENTS");
	memset(events, 0, sizeof(*events));
	return axv_checked(axv_raw_get_events(vcpu_fd, events), err, "AXV_GET_EVENTS");
}

int axv_set_events(int vcpu_fd, const struct axv_events *events, struct axv_err *err)
{
	axv_err_clear(err);
	if (!events)
		return axv_no_argument(err, "AXV_SET_EVENTS");
	return axv_checked(axv_raw_set_events(vcpu_fd, events), err, "AXV_SET_EVENTS");
}

/* Entries beyond this are refused by the allocators: no ABI limit is near it. */
#define AXV_ALLOC_MAX_ENTRIES	0x100000U

struct axv_msrs *axv_msrs_alloc(__u32 nmsrs)
{
	struct axv_msrs *msrs;

	if (nmsrs > AXV_ALLOC_MAX_ENTRIES)
		return NULL;
	msrs = calloc(1, sizeof(*msrs) + (size_t)nmsrs * sizeof(msrs->entries[0]));
	if (msrs)
		msrs->nmsrs = nmsrs;
	return msrs;
}

int axv_get_msrs(int vcpu_fd, struct axv_msrs *msrs, struct axv_err *err)
{
	char call[64];

	axv_err_clear(err);
	if (!msrs)
		return axv_no_buffer(err, "AXV_GET_MSRS");
	snprintf(call, sizeof(call), "AXV_GET_MSRS(%u entries)", msrs->nmsrs);
	return axv_checked(axv_raw_get_msrs(vcpu_fd, msrs), err, call);
}

int axv_set_msrs(int vcpu_fd, const struct axv_msrs *msrs, struct axv_err *err)
{
	char call[64];

	axv_err_clear(err);
	if (!msrs)
		return axv_no_argument(err, "AXV_SET_MSRS");
	snprintf(call, sizeof(call), "AXV_SET_MSRS(%u entries)", msrs->nmsrs);
	return axv_checked(axv_raw_set_msrs(vcpu_fd, msrs), err, call);
}

int axv_interrupt(int vcpu_fd, __u32 vector, __u32 flags, struct axv_err *err)
{
	struct axv_interrupt irq;
	char call[64];

	axv_err_clear(err);
	memset(&irq, 0, sizeof(irq));
	irq.vector = vector;
	irq.flags = flags;
	if (axv_raw_interrupt(vcpu_fd, &irq) >= 0)
		return 0;
	snprintf(call, sizeof(call), "AXV_INTERRUPT(vector %u flags %#x)", vector, flags);
	return axv_ioctl_failed(err, call);
}

int axv_set_traps(int vcpu_fd, __u32 exceptions, __u32 flags, struct axv_err *err)
{
	struct axv_traps traps;
	char call[64];

	axv_err_clear(err);
	memset(&traps, 0, sizeof(traps));
	traps.exceptions = exceptions;
	traps.flags = flags;
	if (axv_raw_set_traps(vcpu_fd, &traps) >= 0)
		return 0;
	snprintf(call, sizeof(call), "AXV_SET_TRAPS(exceptions %#x flags %#x)", exceptions,
		 flags);
	return axv_ioctl_failed(err, call);
}

int axv_set_hypercall_result(int vcpu_fd, __u64 result, struct axv_err *err)
{
	axv_err_clear(err);
	return axv_checked(axv_raw_set_hypercall_result(vcpu_fd, &result), err,
			   "AXV_SET_HYPERCALL_RESULT");
}

int axv_kick_vcpus(int vm_fd, __u64 vcpus, struct axv_err *err)
{
	struct axv_kick kick;
	char call[64];

	axv_err_clear(err);
	memset(&kick, 0, sizeof(kick));
	kick.vcpus = vcpus;
	if (axv_raw_kick_vcpus(vm_fd, &kick) >= 0)
		return 0;
	snprintf(call, sizeof(call), "AXV_KICK_VCPUS(%#llx)", vcpus);
	return axv_ioctl_failed(err, call);
}

int axv_send_irq(int vm_fd, __u32 dest, __u32 vector, __u32 flags, struct axv_err *err)
{
	struct axv_irq irq;
	char call[80];
	int ret;

	axv_err_clear(err);
	memset(&irq, 0, sizeof(irq));
	irq.dest = dest;
	irq.vector = vector;
	irq.flags = flags;
	ret = axv_raw_send_irq(vm_fd, &irq);
	if (ret >= 0)
		return ret;
	snprintf(call, sizeof(call), "AXV_SEND_IRQ(dest %#x vector %u flags %#x)", dest, vector,
		 flags);
	return axv_ioctl_failed(err, call);
}

int axv_get_lapic(int vcpu_fd, struct axv_lapic_state *lapic, struct axv_err *err)
{
	axv_err_clear(err);
	if (!lapic)
		return axv_no_buffer(err, "AXV_GET_LAPIC");
	memset(lapic, 0, sizeof(*lapic));
	return axv_checked(axv_raw_get_lapic(vcpu_fd, lapic), err, "AXV_GET_LAPIC");
}

int axv_set_lapic(int vcpu_fd, const struct axv_lapic_state *lapic, struct axv_err *err)
{
	axv_err_clear(err);
	if (!lapic)
		return axv_no_argument(err, "AXV_SET_LAPIC");
	return axv_checked(axv_raw_set_lapic(vcpu_fd, lapic), err, "AXV_SET_LAPIC");
}

__u32 axv_lapic_reg(const struct axv_lapic_state *lapic, unsigned int offset)
{
	__u32 v;

	memcpy(&v, &lapic->regs[offset & (AXV_LAPIC_REGS_SIZE - 16)], sizeof(v));
	return v;
}

void axv_lapic_set_reg(struct axv_lapic_state *lapic, unsigned int offset, __u32 value)
{
	memcpy(&lapic->regs[offset & (AXV_LAPIC_REGS_SIZE - 16)], &value, sizeof(value));
}

struct axv_cpuid *axv_cpuid_alloc(__u32 nent)
{
	struct axv_cpuid *cpuid;

	if (nent > AXV_ALLOC_MAX_ENTRIES)
		return NULL;
	cpuid = calloc(1, sizeof(*cpuid) + (size_t)nent * sizeof(cpuid->entries[0]));
	if (cpuid)
		cpuid->nent = nent;
	return cpuid;
}

/* A CPUID getter: @raw on @fd, the call named with the room given. */
static int axv_get_cpuid_common(int (*raw)(int fd, struct axv_cpuid *cpuid), int fd,
				struct axv_cpuid *cpuid, const char *name,
				struct axv_err *err)
{
	char call[64];

	axv_err_clear(err);
	if (!cpuid)
		return axv_no_buffer(err, name);
	snprintf(call, sizeof(call), "%s(%u entries)", name, cpuid->nent);
	if (raw(fd, cpuid) >= 0)
		return 0;
	return axv_ioctl_failed(err, call);
}

int axv_get_cpuid(int vm_fd, struct axv_cpuid *cpuid, struct axv_err *err)
{
	return axv_get_cpuid_common(axv_raw_get_cpuid, vm_fd, cpuid, "AXV_GET_CPUID", err);
}

int axv_set_cpuid(int vm_fd, const struct axv_cpuid *cpuid, struct axv_err *err)
{
	char call[64];

	axv_err_clear(err);
	if (!cpuid)
		return axv_no_argument(err, "AXV_SET_CPUID");
	snprintf(call, sizeof(call), "AXV_SET_CPUID(%u entries)", cpuid->nent);
	if (axv_raw_set_cpuid(vm_fd, cpuid) >= 0)
		return 0;
	return axv_ioctl_failed(err, call);
}

int axv_get_supported_cpuid(int fd, struct axv_cpuid *cpuid, struct axv_err *err)
{
	return axv_get_cpuid_common(axv_raw_get_supported_cpuid, fd, cpuid,
				    "AXV_GET_SUPPORTED_CPUID", err);
}

static const char *axv_lookup(const struct axv_name *table, __u64 value)
{
	for (; table->name; table++)
		if (table->value == value)
			return table->name;
	return NULL;
}

const char *axv_cap_name(unsigned long cap)
{
	return axv_lookup(axv_cap_names, cap);
}

const char *axv_vmx_feature_name(__u64 bit)
{
	return axv_lookup(axv_vmx_feature_names, bit);
}

const char *axv_vcpu_state_name(__u32 state)
{
	return axv_lookup(axv_vcpu_state_names, state);
}

const char *axv_vcpu_op_name(__u32 op)
{
	return axv_lookup(axv_vcpu_op_names, op);
}

const char *axv_exit_name(__u32 reason)
{
	return axv_lookup(axv_exit_names, reason);
}

const char *axv_entry_check_name(__u32 check)
{
	return axv_lookup(axv_entry_check_names, check);
}

const char *axv_emul_fail_name(__u32 reason)
{
	return axv_lookup(axv_emul_fail_names, reason);
}

const char *axv_vm_flag_name(__u64 flag)
{
	return axv_lookup(axv_vm_flag_names, flag);
}

const char *axv_irq_flag_name(__u64 flag)
{
	return axv_lookup(axv_irq_flag_names, flag);
}

bool axv_lapic_assist_offered(const struct axv_vmx_caps *caps,
			      const struct axv_lapic_assist *assist)
{
	return caps->features & assist->feature;
}

bool axv_lapic_assist_used(const struct axv_vmx_caps *caps,
			   const struct axv_lapic_assist *assist)
{
	__u32 used = 0;

	switch (assist->ctls) {
	case AXV_CTLS_PIN:
		used = caps->pin_used;
		break;
	case AXV_CTLS_PROC:
		used = caps->proc_used;
		break;
	case AXV_CTLS_PROC2:
		used = caps->proc2_used;
		break;
	}
	return used & (1U << assist->bit);
}

__u64 axv_vmx_unknown_features(__u64 features)
{
	const struct axv_name *n;

	for (n = axv_vmx_feature_names; n->name; n++)
		features &= ~n->value;
	return features;
}

/* Text width of the features list in axv_format_vmx_caps(). */
#define AXV_FMT_WIDTH	76
#define AXV_FMT_INDENT	4

/* An output buffer that, like snprintf(), counts what did not fit. */
struct axv_sbuf {
	char *buf;
	size_t len;
	size_t pos;
};

__attribute__((format(printf, 2, 3)))
static void axv_sbuf_printf(struct axv_sbuf *sb, const char *fmt, ...)
{
	size_t room = sb->pos < sb->len ? sb->len - sb->pos : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->pos : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->pos += n;
}

/* Append @word to a wrapped list whose current line is @col wide. */
static size_t axv_sbuf_word(struct axv_sbuf *sb, size_t col, const char *word)
{
	size_t len = strlen(word);

	if (col && col + 1 + len > AXV_FMT_WIDTH) {
		axv_sbuf_printf(sb, "\n");
		col = 0;
	}
	if (!col) {
		axv_sbuf_printf(sb, "%*s%s", AXV_FMT_INDENT, "", word);
		return AXV_FMT_INDENT + len;
	}
	axv_sbuf_printf(sb, " %s", word);
	return col + 1 + len;
}

static void axv_format_features(struct axv_sbuf *sb, __u64 features)
{
	__u64 unknown = axv_vmx_unknown_features(features);
	const struct axv_name *n;
	char word[48];
	size_t col = 0;

	axv_sbuf_printf(sb, "  %-20s0x%016llx\n", "features", features);
	for (n = axv_vmx_feature_names; n->name; n++)
		if (features & n->value)
			col = axv_sbuf_word(sb, col, n->name);
	if (unknown) {
		snprintf(word, sizeof(word), "unknown bits 0x%016llx", unknown);
		col = axv_sbuf_word(sb, col, word);
	}
	if (!col)
		col = axv_sbuf_word(sb, col, "(none)");
	axv_sbuf_printf(sb, "\n");
}

static void axv_format_msr(struct axv_sbuf *sb, const char *name, __u64 value)
{
	axv_sbuf_printf(sb, "    %-30s0x%016llx\n", name, value);
}

/* A controls capability MSR: the TRUE_ variant is reported when it exists. */
static void axv_format_ctls_msr(struct axv_sbuf *sb, int true_ctls, const char *ctls,
				__u64 value)
{
	char name[40];

	snprintf(name, sizeof(name), "IA32_VMX_%s%s", true_ctls ? "TRUE_" : "", ctls);
	axv_format_msr(sb, name, value);
}

static void axv_format_used(struct axv_sbuf *sb, const char *what, __u32 value)
{
	axv_sbuf_printf(sb, "    %-30s0x%08x\n", what, value);
}

int axv_format_vmx_caps(const struct axv_vmx_caps *caps, char *buf, size_t len)
{
	struct axv_sbuf sb = { .buf = buf, .len = len };
	int true_ctls;

	if (buf && len)
		buf[0] = '\0';
	if (!caps)
		return -EINVAL;
	true_ctls = !!(caps->features & AXV_VMX_F_TRUE_CTLS);

	axv_sbuf_printf(&sb, "VMX capabilities:\n");
	axv_format_features(&sb, caps->features);
	axv_sbuf_printf(&sb, "  %-20s0x%08x\n", "VMCS revision", caps->vmcs_revision);
	axv_sbuf_printf(&sb, "  %-20s%u bytes\n", "VMCS size", caps->vmcs_size);
	axv_sbuf_printf(&sb, "  %-20s1 tick per 2^%u TSC cycles\n", "preemption timer",
			caps->preemption_timer_shift);

	axv_sbuf_printf(&sb, "  capability MSRs:\n");
	axv_format_msr(&sb, "IA32_VMX_BASIC", caps->basic);
	axv_format_msr(&sb, "IA32_FEATURE_CONTROL", caps->feature_control);
	axv_format_ctls_msr(&sb, true_ctls, "PINBASED_CTLS", caps->pin_ctls);
	axv_format_ctls_msr(&sb, true_ctls, "PROCBASED_CTLS", caps->proc_ctls);
	axv_format_msr(&sb, "IA32_VMX_PROCBASED_CTLS2", caps->proc_ctls2);
	axv_format_ctls_msr(&sb, true_ctls, "EXIT_CTLS", caps->exit_ctls);
	axv_format_ctls_msr(&sb, true_ctls, "ENTRY_CTLS", caps->entry_ctls);
	axv_format_msr(&sb, "IA32_VMX_MISC", caps->misc);
	axv_format_msr(&sb, "IA32_VMX_EPT_VPID_CAP", caps->ept_vpid_cap);
	axv_format_msr(&sb, "IA32_VMX_CR0_FIXED0", caps->cr0_fixed0);
	axv_format_msr(&sb, "IA32_VMX_CR0_FIXED1", caps->cr0_fixed1);
	axv_format_msr(&sb, "IA32_VMX_CR4_FIXED0", caps->cr4_fixed0);
	axv_format_msr(&sb, "IA32_VMX_CR4_FIXED1", caps->cr4_fixed1);

	axv_sbuf_printf(&sb, "  controls in use:\n");
	axv_format_used(&sb, "pin-based", caps->pin_used);
	axv_format_used(&sb, "primary processor-based", caps->proc_used);
	axv_format_used(&sb, "secondary processor-based", caps->proc2_used);
	axv_format_used(&sb, "VM-exit", caps->exit_used);
	axv_format_used(&sb, "VM-entry", caps->entry_used);

	return sb.pos > INT_MAX ? -EOVERFLOW : (int)sb.pos;
}

static int axv_size_invalid(const char *str, struct axv_err *err)
{
	axv_err_set(err, EINVAL,
		    "invalid size '%s': expected digits with an optional K, M, G or T suffix",
		    str);
	return -EINVAL;
}

int axv_parse_size(const char *str, __u64 *size, struct axv_err *err)
{
	const __u64 max = ~(__u64)0;
	unsigned int shift = 0;
	const char *p, *end;
	__u64 val = 0;

	axv_err_clear(err);
	if (!str || !*str) {
		axv_err_set(err, EINVAL, "invalid size: empty");
		return -EINVAL;
	}

	/* Check the syntax first so that garbage is never reported as -ERANGE. */
	for (end = str; *end >= '0' && *end <= '9'; end++)
		;
	if (end == str)
		return axv_size_invalid(str, err);
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	default:
		return axv_size_invalid(str, err);
	}
	if (shift && end[1] != '\0')
		return axv_size_invalid(str, err);

	for (p = str; p < end; p++) {
		unsigned int digit = *p - '0';

		if (val > (max - digit) / 10)
			goto range;
		val = val * 10 + digit;
	}
	if (val > max >> shift)
		goto range;
	*size = val << shift;
	return 0;

range:
	axv_err_set(err, ERANGE, "invalid size '%s': larger than 2^64 - 1 bytes", str);
	return -ERANGE;
}
