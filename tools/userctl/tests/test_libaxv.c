// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side unit tests of libaxv.  They run on the build machine, where
 * /dev/axvcpu does not exist: the ioctl wrappers are exercised against
 * /dev/null, a closed descriptor and a fake device (see ioctl() below).
 *
 * The last line printed is "N passed, N failed"; the exit status is 1 when
 * any test failed.
 */
#define _GNU_SOURCE	/* strchrnul() */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "libaxv.h"
#include "check.h"

#ifndef AXV_UAPI_HEADER
#error "build with -DAXV_UAPI_HEADER='\"/path/to/uapi/linux/axvcpu.h\"'"
#endif

/*
 * A fake /dev/axvcpu.  This definition of ioctl() takes precedence over
 * libc's for the library code linked into this program: calls on fake.fd
 * are answered here, every other call goes to the real system call.
 */
static struct {
	int fd;			/* descriptor the fake answers on; -1: none */
	int api_version;
	int cap_value;		/* returned for AXV_CAP_VPID, 0 otherwise */
	int vm_fd;		/* returned by AXV_CREATE_VM */
	int vcpu_fd;		/* returned by AXV_CREATE_VCPU */
	struct axv_vmx_caps caps;
	struct axv_vcpu_create create;	/* the last AXV_CREATE_VCPU argument */
	struct axv_vcpu_state state;
	struct axv_vcpu_stats stats;
	struct axv_vm_stats vm_stats;	/* returned by AXV_GET_VM_STATS */
	struct axv_memory_region region;	/* the last AXV_SET_MEMORY_REGION argument */
	struct axv_vcpu_op op;	/* the last AXV_VCPU_OP argument */
	int start_result;	/* returned by a valid AXV_VCPU_OP_START */
	int op_errno;		/* when set, every AXV_VCPU_OP fails with it */
	__u32 busy_slot;	/* AXV_SET_MEMORY_REGION of it: EEXIST */
	unsigned long free_slot;	/* AXV_DELETE_MEMORY_REGION of it: ENOENT */
	int mmap_size;		/* returned by AXV_GET_VCPU_MMAP_SIZE */
	int run_errno;		/* when set, AXV_RUN fails with it */
	struct axv_regs regs;	/* AXV_SET_REGS stores, AXV_GET_REGS returns */
	struct axv_sregs sregs;	/* likewise */
	struct axv_fpu fpu;	/* likewise */
	struct axv_events events;	/* likewise */
	struct axv_interrupt irq;	/* the last AXV_INTERRUPT argument */
	struct axv_traps traps;	/* the last AXV_SET_TRAPS argument */
	__u64 hypercall_result;	/* the last AXV_SET_HYPERCALL_RESULT value */
	struct axv_kick kick;	/* the last AXV_KICK_VCPUS argument */
	struct axv_irq irq_msg;	/* the last AXV_SEND_IRQ argument */
	int irq_accepted;	/* what AXV_SEND_IRQ returns; -1: ENXIO */
	struct axv_lapic_state lapic;	/* AXV_SET_LAPIC stores, AXV_GET_LAPIC returns */
	__u32 msr_limit;	/* AXV_GET/SET_MSRS process at most this many */
	__u32 nmsrs;		/* entries of the last AXV_SET_MSRS */
	struct axv_msr_entry msrs[8];
	__u32 cpuid_nent;	/* entries AXV_GET_(SUPPORTED_)CPUID return */
	struct axv_cpuid_entry cpuid[4];	/* they, and what AXV_SET_CPUID stored */
	size_t mmap_len;	/* the last mmap() of fd */
	int mmap_prot;
	int mmap_flags;
	off_t mmap_offset;
	int mmap_errno;		/* when set, mmap() of fd fails with it */
	unsigned long last_req;
	unsigned long last_arg;
	int calls;
} fake = { .fd = -1 };

/* AXV_VCPU_OP: 0 or 1 when the kernel would accept @op, -1 otherwise. */
static int fake_vcpu_op_result(const struct axv_vcpu_op *op)
{
	size_t i;

	for (i = 0; i < sizeof(op->reserved) / sizeof(op->reserved[0]); i++)
		if (op->reserved[i])
			return -1;
	switch (op->op) {
	case AXV_VCPU_OP_SET_ROLE:
		return op->arg == AXV_VCPU_ROLE_BSP || op->arg == AXV_VCPU_ROLE_AP ? 0 : -1;
	case AXV_VCPU_OP_START:
		return op->arg <= 255 ? fake.start_result : -1;
	case AXV_VCPU_OP_INIT:
	case AXV_VCPU_OP_PAUSE:
	case AXV_VCPU_OP_RESUME:
	case AXV_VCPU_OP_STOP:
		return op->arg ? -1 : 0;
	}
	return -1;
}

/* AXV_VCPU_OP: EFAULT for NULL, fake.op_errno when set, else EINVAL or success. */
static int fake_vcpu_op(unsigned long arg)
{
	int ret;

	if (!arg) {
		errno = EFAULT;
		return -1;
	}
	memcpy(&fake.op, (void *)arg, sizeof(fake.op));
	if (fake.op_errno) {
		errno = fake.op_errno;
		return -1;
	}
	ret = fake_vcpu_op_result(&fake.op);
	if (ret < 0)
		errno = EINVAL;
	return ret;
}

/* AXV_GET_MSRS, AXV_SET_MSRS: up to fake.msr_limit entries; a get reads index * 2. */
static int fake_msrs(unsigned long req, struct axv_msrs *msrs)
{
	__u32 i, n = msrs->nmsrs < fake.msr_limit ? msrs->nmsrs : fake.msr_limit;

	if (req == AXV_SET_MSRS) {
		fake.nmsrs = msrs->nmsrs;
		memcpy(fake.msrs, msrs->entries, n * sizeof(msrs->entries[0]));
	} else {
		for (i = 0; i < n; i++)
			msrs->entries[i].data = msrs->entries[i].index * 2ULL;
	}
	return n;
}

/* A CPUID get: E2BIG with the needed count when the room is too small. */
static int fake_get_cpuid(struct axv_cpuid *cpuid)
{
	if (cpuid->nent < fake.cpuid_nent) {
		cpuid->nent = fake.cpuid_nent;
		errno = E2BIG;
		return -1;
	}
	cpuid->nent = fake.cpuid_nent;
	memcpy(cpuid->entries, fake.cpuid, fake.cpuid_nent * sizeof(fake.cpuid[0]));
	return 0;
}

/* The ioctls of the run support. */
static int fake_run_ioctl(unsigned long req, unsigned long arg)
{
	void *p = (void *)arg;

	switch (req) {
	case AXV_GET_VCPU_MMAP_SIZE:
		return fake.mmap_size;
	case AXV_RUN:
		if (fake.run_errno) {
			errno = fake.run_errno;
			return -1;
		}
		return 0;
	case AXV_GET_REGS:
		memcpy(p, &fake.regs, sizeof(fake.regs));
		return 0;
	case AXV_SET_REGS:
		memcpy(&fake.regs, p, sizeof(fake.regs));
		return 0;
	case AXV_GET_SREGS:
		memcpy(p, &fake.sregs, sizeof(fake.sregs));
		return 0;
	case AXV_SET_SREGS:
		memcpy(&fake.sregs, p, sizeof(fake.sregs));
		return 0;
	case AXV_GET_FPU:
		memcpy(p, &fake.fpu, sizeof(fake.fpu));
		return 0;
	case AXV_SET_FPU:
		memcpy(&fake.fpu, p, sizeof(fake.fpu));
		return 0;
	case AXV_GET_EVENTS:
		memcpy(p, &fake.events, sizeof(fake.events));
		return 0;
	case AXV_SET_EVENTS:
		memcpy(&fake.events, p, sizeof(fake.events));
		return 0;
	case AXV_GET_MSRS:
	case AXV_SET_MSRS:
		return fake_msrs(req, p);
	case AXV_INTERRUPT:
		memcpy(&fake.irq, p, sizeof(fake.irq));
		if (fake.irq.vector < 32 || fake.irq.vector > 255) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	case AXV_SET_TRAPS:
		memcpy(&fake.traps, p, sizeof(fake.traps));
		if (fake.traps.flags & ~AXV_TRAP_F_ALL) {
			errno = EINVAL;
			return -1;
		}
		return 0;
	case AXV_SET_HYPERCALL_RESULT:
		memcpy(&fake.hypercall_result, p, sizeof(fake.hypercall_result));
		return 0;
	case AXV_KICK_VCPUS:
		memcpy(&fake.kick, p, sizeof(fake.kick));
		return 0;
	case AXV_SEND_IRQ:
		memcpy(&fake.irq_msg, p, sizeof(fake.irq_msg));
		if (fake.irq_accepted < 0) {
			errno = ENXIO;
			return -1;
		}
		return fake.irq_accepted;
	case AXV_GET_LAPIC:
		memcpy(p, &fake.lapic, sizeof(fake.lapic));
		return 0;
	case AXV_SET_LAPIC:
		memcpy(&fake.lapic, p, sizeof(fake.lapic));
		return 0;
	case AXV_GET_CPUID:
	case AXV_GET_SUPPORTED_CPUID:
		return fake_get_cpuid(p);
	case AXV_SET_CPUID: {
		const struct axv_cpuid *cpuid = p;

		if (cpuid->nent > 4) {
			errno = E2BIG;
			return -1;
		}
		fake.cpuid_nent = cpuid->nent;
		memcpy(fake.cpuid, cpuid->entries, cpuid->nent * sizeof(fake.cpuid[0]));
		return 0;
	}
	}
	errno = ENOTTY;
	return -1;
}

static int fake_ioctl(unsigned long req, unsigned long arg)
{
	fake.calls++;
	fake.last_req = req;
	fake.last_arg = arg;

	switch (req) {
	case AXV_GET_API_VERSION:
		if (arg) {
			errno = EINVAL;
			return -1;
		}
		return fake.api_version;
	case AXV_CHECK_EXTENSION:
		return arg == AXV_CAP_VPID ? fake.cap_value : 0;
	case AXV_CREATE_VM:
		if (arg) {
			errno = EINVAL;
			return -1;
		}
		return fake.vm_fd;
	case AXV_GET_VMX_CAPS:
		memcpy((void *)arg, &fake.caps, sizeof(fake.caps));
		return 0;
	case AXV_CREATE_VCPU:
		memcpy(&fake.create, (void *)arg, sizeof(fake.create));
		if (fake.create.flags) {
			errno = EINVAL;
			return -1;
		}
		return fake.vcpu_fd;
	case AXV_GET_VCPU_STATE:
		memcpy((void *)arg, &fake.state, sizeof(fake.state));
		return 0;
	case AXV_GET_VCPU_STATS:
		memcpy((void *)arg, &fake.stats, sizeof(fake.stats));
		return 0;
	case AXV_GET_VM_STATS:
		memcpy((void *)arg, &fake.vm_stats, sizeof(fake.vm_stats));
		return 0;
	case AXV_SET_MEMORY_REGION:
		memcpy(&fake.region, (void *)arg, sizeof(fake.region));
		if (fake.region.flags & ~AXV_MEM_READONLY) {
			errno = EINVAL;
			return -1;
		}
		if (fake.region.slot == fake.busy_slot) {
			errno = EEXIST;
			return -1;
		}
		return 0;
	case AXV_VCPU_OP:
		return fake_vcpu_op(arg);
	case AXV_DELETE_MEMORY_REGION:
		if (arg >= 32) {
			errno = EINVAL;
			return -1;
		}
		if (arg == fake.free_slot) {
			errno = ENOENT;
			return -1;
		}
		return 0;
	}
	return fake_run_ioctl(req, arg);
}

int ioctl(int fd, unsigned long req, ...)
{
	unsigned long arg;
	va_list ap;

	va_start(ap, req);
	arg = va_arg(ap, unsigned long);
	va_end(ap);
	if (fake.fd >= 0 && fd == fake.fd)
		return fake_ioctl(req, arg);
	return syscall(SYS_ioctl, fd, req, arg);
}

/*
 * mmap() of fake.fd is recorded and answered with anonymous memory (or
 * fails with fake.mmap_errno); every other call is the system call.
 */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
	if (fake.fd >= 0 && fd == fake.fd) {
		fake.calls++;
		fake.mmap_len = len;
		fake.mmap_prot = prot;
		fake.mmap_flags = flags;
		fake.mmap_offset = offset;
		if (fake.mmap_errno) {
			errno = fake.mmap_errno;
			return MAP_FAILED;
		}
		flags = MAP_PRIVATE | MAP_ANONYMOUS;
		fd = -1;
		offset = 0;
	}
	return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, offset);
}

static int open_dev_null(void)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("open /dev/null");
		exit(1);
	}
	return fd;
}

static void fake_start(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.fd = open_dev_null();
	fake.api_version = AXV_API_VERSION;
	fake.vm_fd = 42;
	fake.vcpu_fd = 43;
	fake.busy_slot = 3;
	fake.free_slot = 7;
	fake.mmap_size = 4096;
	fake.msr_limit = 8;
}

static void fake_stop(void)
{
	close(fake.fd);
	fake.fd = -1;
}

/* A "struct axv_err" that a successful call must reset. */
static void err_dirty(struct axv_err *err)
{
	err->code = 12345;
	strcpy(err->msg, "stale");
}

/* --- the ABI itself ---------------------------------------------------- */

static void test_abi_layout(void)
{
	CHECK_INT(sizeof(struct axv_vmx_caps), 208);
	CHECK_INT(offsetof(struct axv_vmx_caps, vmcs_revision), 8);
	CHECK_INT(offsetof(struct axv_vmx_caps, basic), 16);
	CHECK_INT(offsetof(struct axv_vmx_caps, cr4_fixed1), 112);
	CHECK_INT(offsetof(struct axv_vmx_caps, pin_used), 120);
	CHECK_INT(offsetof(struct axv_vmx_caps, preemption_timer_shift), 140);
	CHECK_INT(offsetof(struct axv_vmx_caps, reserved), 144);

	CHECK_INT(_IOC_TYPE(AXV_GET_API_VERSION), 0xA9);
	CHECK_INT(_IOC_NR(AXV_GET_API_VERSION), 0x00);
	CHECK_INT(_IOC_NR(AXV_CHECK_EXTENSION), 0x01);
	CHECK_INT(_IOC_NR(AXV_CREATE_VM), 0x02);
	CHECK_INT(_IOC_NR(AXV_GET_VMX_CAPS), 0x03);
	CHECK_INT(_IOC_DIR(AXV_GET_API_VERSION), _IOC_NONE);
	CHECK_INT(_IOC_DIR(AXV_CHECK_EXTENSION), _IOC_NONE);
	CHECK_INT(_IOC_DIR(AXV_CREATE_VM), _IOC_NONE);
	CHECK_INT(_IOC_DIR(AXV_GET_VMX_CAPS), _IOC_READ);
	CHECK_INT(_IOC_SIZE(AXV_GET_VMX_CAPS), 208);
}

static void test_abi_vcpu_layout(void)
{
	CHECK_INT(sizeof(struct axv_vcpu_create), 64);
	CHECK_INT(offsetof(struct axv_vcpu_create, apic_id), 4);
	CHECK_INT(offsetof(struct axv_vcpu_create, role), 8);
	CHECK_INT(offsetof(struct axv_vcpu_create, favoured_cpu), 12);
	CHECK_INT(offsetof(struct axv_vcpu_create, allowed_cpus), 16);
	CHECK_INT(offsetof(struct axv_vcpu_create, allowed_cpus_size), 24);
	CHECK_INT(offsetof(struct axv_vcpu_create, flags), 28);
	CHECK_INT(offsetof(struct axv_vcpu_create, reserved), 32);

	CHECK_INT(sizeof(struct axv_vcpu_state), 64);
	CHECK_INT(offsetof(struct axv_vcpu_state, flags), 4);
	CHECK_INT(offsetof(struct axv_vcpu_state, id), 8);
	CHECK_INT(offsetof(struct axv_vcpu_state, apic_id), 12);
	CHECK_INT(offsetof(struct axv_vcpu_state, sipi_vector), 16);
	CHECK_INT(offsetof(struct axv_vcpu_state, favoured_cpu), 20);
	CHECK_INT(offsetof(struct axv_vcpu_state, pending_ipis), 24);
	CHECK_INT(offsetof(struct axv_vcpu_state, pad), 28);
	CHECK_INT(offsetof(struct axv_vcpu_state, reserved), 32);

	CHECK_INT(sizeof(struct axv_vcpu_stats), 568);
	CHECK_INT(offsetof(struct axv_vcpu_stats, ipis_coalesced), 8);
	CHECK_INT(offsetof(struct axv_vcpu_stats, ipis_overflowed), 16);
	CHECK_INT(offsetof(struct axv_vcpu_stats, exits), 24);
	CHECK_INT(offsetof(struct axv_vcpu_stats, reserved), 536);
	CHECK_INT(AXV_VCPU_NR_EXIT_STATS, 64);

	/* Signed, so that -1 ("none") survives the round trip. */
	CHECK(((struct axv_vcpu_create){ .favoured_cpu = -1 }).favoured_cpu < 0);
	CHECK(((struct axv_vcpu_state){ .favoured_cpu = -1 }).favoured_cpu < 0);

	CHECK_INT(_IOC_TYPE(AXV_CREATE_VCPU), 0xA9);
	CHECK_INT(_IOC_NR(AXV_CREATE_VCPU), 0x10);
	CHECK_INT(_IOC_DIR(AXV_CREATE_VCPU), _IOC_WRITE);
	CHECK_INT(_IOC_SIZE(AXV_CREATE_VCPU), 64);
	CHECK_INT(_IOC_TYPE(AXV_GET_VCPU_STATE), 0xA9);
	CHECK_INT(_IOC_NR(AXV_GET_VCPU_STATE), 0x20);
	CHECK_INT(_IOC_DIR(AXV_GET_VCPU_STATE), _IOC_READ);
	CHECK_INT(_IOC_SIZE(AXV_GET_VCPU_STATE), 64);
	CHECK_INT(_IOC_TYPE(AXV_GET_VCPU_STATS), 0xA9);
	CHECK_INT(_IOC_NR(AXV_GET_VCPU_STATS), 0x21);
	CHECK_INT(_IOC_DIR(AXV_GET_VCPU_STATS), _IOC_READ);
	CHECK_INT(_IOC_SIZE(AXV_GET_VCPU_STATS), 568);

	CHECK_INT(AXV_VCPU_ROLE_DEFAULT, 0);
	CHECK_INT(AXV_VCPU_ROLE_BSP, 1);
	CHECK_INT(AXV_VCPU_ROLE_AP, 2);
	CHECK_INT(AXV_VCPU_MAX_APIC_ID, 0xfe);
	CHECK_INT(AXV_CPU_BITMAP_MAX, 1024);
	CHECK_INT(AXV_VCPU_STATE_F_BSP, 1);
	CHECK_INT(AXV_VCPU_STATE_F_RAN, 2);
}

static void test_abi_memory_layout(void)
{
	CHECK_INT(sizeof(struct axv_memory_region), 64);
	CHECK_INT(offsetof(struct axv_memory_region, slot), 0);
	CHECK_INT(offsetof(struct axv_memory_region, flags), 4);
	CHECK_INT(offsetof(struct axv_memory_region, guest_phys_addr), 8);
	CHECK_INT(offsetof(struct axv_memory_region, size), 16);
	CHECK_INT(offsetof(struct axv_memory_region, userspace_addr), 24);
	CHECK_INT(offsetof(struct axv_memory_region, reserved), 32);
	CHECK_INT(sizeof(((struct axv_memory_region *)0)->reserved), 32);

	CHECK_INT(_IOC_TYPE(AXV_SET_MEMORY_REGION), 0xA9);
	CHECK_INT(_IOC_NR(AXV_SET_MEMORY_REGION), 0x11);
	CHECK_INT(_IOC_DIR(AXV_SET_MEMORY_REGION), _IOC_WRITE);
	CHECK_INT(_IOC_SIZE(AXV_SET_MEMORY_REGION), 64);
	CHECK_INT(_IOC_TYPE(AXV_DELETE_MEMORY_REGION), 0xA9);
	CHECK_INT(_IOC_NR(AXV_DELETE_MEMORY_REGION), 0x12);
	CHECK_INT(_IOC_DIR(AXV_DELETE_MEMORY_REGION), _IOC_NONE);
	CHECK_INT(_IOC_SIZE(AXV_DELETE_MEMORY_REGION), 0);

	CHECK_INT(AXV_MEM_READONLY, 1);
	CHECK_INT(AXV_CAP_NR_MEMSLOTS, 8);
	CHECK_INT(AXV_CAP_GPA_BITS, 9);

	CHECK_INT(sizeof(struct axv_vm_stats), 128);
	CHECK_INT(offsetof(struct axv_vm_stats, chunks), 8);
	CHECK_INT(offsetof(struct axv_vm_stats, huge_chunks), 16);
	CHECK_INT(offsetof(struct axv_vm_stats, faults), 24);
	CHECK_INT(offsetof(struct axv_vm_stats, mappings), 32);
	CHECK_INT(offsetof(struct axv_vm_stats, reserved), 64);
	CHECK_INT(AXV_MAP_4K, 0);
	CHECK_INT(AXV_MAP_2M, 1);
	CHECK_INT(AXV_MAP_1G, 2);
	CHECK_INT(AXV_NR_MAP_SIZES, 4);
	CHECK_INT(AXV_CAP_VM_STATS, 18);
	CHECK_INT(_IOC_TYPE(AXV_GET_VM_STATS), 0xA9);
	CHECK_INT(_IOC_NR(AXV_GET_VM_STATS), 0x17);
	CHECK_INT(_IOC_DIR(AXV_GET_VM_STATS), _IOC_READ);
	CHECK_INT(_IOC_SIZE(AXV_GET_VM_STATS), 128);
}

static void test_abi_vcpu_op_layout(void)
{
	CHECK_INT(sizeof(struct axv_vcpu_op), 32);
	CHECK_INT(offsetof(struct axv_vcpu_op, op), 0);
	CHECK_INT(offsetof(struct axv_vcpu_op, arg), 4);
	CHECK_INT(offsetof(struct axv_vcpu_op, reserved), 8);
	CHECK_INT(sizeof(((struct axv_vcpu_op *)0)->op), 4);
	CHECK_INT(sizeof(((struct axv_vcpu_op *)0)->arg), 4);
	CHECK_INT(sizeof(((struct axv_vcpu_op *)0)->reserved), 24);

	CHECK_INT(_IOC_TYPE(AXV_VCPU_OP), 0xA9);
	CHECK_INT(_IOC_NR(AXV_VCPU_OP), 0x22);
	CHECK_INT(_IOC_DIR(AXV_VCPU_OP), _IOC_WRITE);
	CHECK_INT(_IOC_SIZE(AXV_VCPU_OP), 32);

	/* 0 is no operation: a zeroed structure is refused. */
	CHECK_INT(AXV_VCPU_OP_SET_ROLE, 1);
	CHECK_INT(AXV_VCPU_OP_INIT, 2);
	CHECK_INT(AXV_VCPU_OP_START, 3);
	CHECK_INT(AXV_VCPU_OP_PAUSE, 4);
	CHECK_INT(AXV_VCPU_OP_RESUME, 5);
	CHECK_INT(AXV_VCPU_OP_STOP, 6);
}

/* --- name tables against the header ---------------------------------- */

struct define {
	char name[64];		/* after the prefix, in lower case */
	char rest[192];		/* the rest of the line */
};

#define MAX_DEFINES	128

/*
 * Read every "#define PREFIX<NAME> ..." line of the uapi header into @defs.
 * Returns how many there are.
 */
static int read_defines(const char *prefix, struct define *defs)
{
	size_t plen = strlen(prefix);
	char line[512];
	int count = 0;
	FILE *f;

	f = fopen(AXV_UAPI_HEADER, "r");
	if (!f) {
		check_failed(__FILE__, __LINE__, "open %s: %s", AXV_UAPI_HEADER,
			     strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f) && count < MAX_DEFINES) {
		struct define *d = &defs[count];
		const char *p = line;
		size_t i = 0;

		if (strncmp(p, "#define", 7))
			continue;
		p += 7;
		p += strspn(p, " \t");
		if (strncmp(p, prefix, plen))
			continue;
		for (p += plen; *p && !strchr(" \t\n", *p) && i < sizeof(d->name) - 1; p++)
			d->name[i++] = (*p >= 'A' && *p <= 'Z') ? *p - 'A' + 'a' : *p;
		d->name[i] = '\0';
		snprintf(d->rest, sizeof(d->rest), "%s", p);
		count++;
	}
	fclose(f);
	return count;
}

static int table_size(const struct axv_name *table)
{
	int n = 0;

	while (table[n].name)
		n++;
	return n;
}

static void check_cap_define(const struct define *d)
{
	char *end;
	unsigned long value = strtoul(d->rest, &end, 0);
	const char *got;

	if (end == d->rest) {
		check_failed(__FILE__, __LINE__, "cannot parse AXV_CAP_%s:%s", d->name, d->rest);
		return;
	}
	got = axv_cap_name(value);
	if (!got)
		check_failed(__FILE__, __LINE__, "AXV_CAP_%s (%lu) has no name", d->name, value);
	else if (strcmp(got, d->name))
		check_failed(__FILE__, __LINE__, "AXV_CAP_%s (%lu) is named '%s'",
			     d->name, value, got);
}

static void test_cap_names_cover_header(void)
{
	static struct define defs[MAX_DEFINES];
	int i, defined = read_defines("AXV_CAP_", defs);

	for (i = 0; i < defined; i++)
		check_cap_define(&defs[i]);
	/* With every define named, equal counts mean no stale entries. */
	CHECK(defined >= 15);
	CHECK_INT(table_size(axv_cap_names), defined);
}

static void check_feature_define(const struct define *d)
{
	unsigned int bit;
	const char *got;

	/* The uapi spellings of a 64-bit flag. */
	if ((sscanf(d->rest, " _BITULL(%u)", &bit) != 1 &&
	     sscanf(d->rest, " (1ULL << %u)", &bit) != 1) || bit > 63) {
		check_failed(__FILE__, __LINE__, "cannot parse AXV_VMX_F_%s:%s", d->name,
			     d->rest);
		return;
	}
	got = axv_vmx_feature_name(1ULL << bit);
	if (!got)
		check_failed(__FILE__, __LINE__, "AXV_VMX_F_%s (bit %u) has no name",
			     d->name, bit);
	else if (strcmp(got, d->name))
		check_failed(__FILE__, __LINE__, "AXV_VMX_F_%s (bit %u) is named '%s'",
			     d->name, bit, got);
}

static void test_feature_names_cover_header(void)
{
	static struct define defs[MAX_DEFINES];
	int i, defined = read_defines("AXV_VMX_F_", defs);
	const struct axv_name *n;

	for (i = 0; i < defined; i++)
		check_feature_define(&defs[i]);
	CHECK(defined >= 28);
	CHECK_INT(table_size(axv_vmx_feature_names), defined);
	for (n = axv_vmx_feature_names; n->name; n++)
		CHECK_INT(__builtin_popcountll(n->value), 1);
}

static void check_state_define(const struct define *d)
{
	char *end;
	unsigned long value = strtoul(d->rest, &end, 0);
	const char *got;

	if (end == d->rest) {
		check_failed(__FILE__, __LINE__, "cannot parse AXV_VCPU_STATE_%s:%s", d->name,
			     d->rest);
		return;
	}
	got = axv_vcpu_state_name(value);
	if (!got)
		check_failed(__FILE__, __LINE__, "AXV_VCPU_STATE_%s (%lu) has no name",
			     d->name, value);
	else if (strcmp(got, d->name))
		check_failed(__FILE__, __LINE__, "AXV_VCPU_STATE_%s (%lu) is named '%s'",
			     d->name, value, got);
}

static void test_vcpu_state_names_cover_header(void)
{
	static struct define defs[MAX_DEFINES];
	int i, states = 0, defined = read_defines("AXV_VCPU_STATE_", defs);
	const struct axv_name *n;

	/* AXV_VCPU_STATE_F_* are flags of struct axv_vcpu_state, not states. */
	for (i = 0; i < defined; i++) {
		if (!strncmp(defs[i].name, "f_", 2))
			continue;
		check_state_define(&defs[i]);
		states++;
	}
	CHECK(states >= 9);
	CHECK_INT(table_size(axv_vcpu_state_names), states);
	/* In numeric order, each number once. */
	for (n = axv_vcpu_state_names; n->name; n++)
		if (n != axv_vcpu_state_names && n->value <= n[-1].value)
			check_failed(__FILE__, __LINE__, "'%s' (%llu) follows '%s' (%llu)",
				     n->name, n->value, n[-1].name, n[-1].value);
}

static void check_op_define(const struct define *d)
{
	char *end;
	unsigned long value = strtoul(d->rest, &end, 0);
	const char *got;

	if (end == d->rest) {
		check_failed(__FILE__, __LINE__, "cannot parse AXV_VCPU_OP_%s:%s", d->name,
			     d->rest);
		return;
	}
	got = axv_vcpu_op_name(value);
	if (!got)
		check_failed(__FILE__, __LINE__, "AXV_VCPU_OP_%s (%lu) has no name",
			     d->name, value);
	else if (strcmp(got, d->name))
		check_failed(__FILE__, __LINE__, "AXV_VCPU_OP_%s (%lu) is named '%s'",
			     d->name, value, got);
}

static void test_vcpu_op_names_cover_header(void)
{
	static struct define defs[MAX_DEFINES];
	int i, defined = read_defines("AXV_VCPU_OP_", defs);
	const struct axv_name *n;

	/* The prefix leaves out the ioctl, AXV_VCPU_OP itself. */
	for (i = 0; i < defined; i++)
		check_op_define(&defs[i]);
	CHECK(defined >= 6);
	CHECK_INT(table_size(axv_vcpu_op_names), defined);
	/* In numeric order, each number once, and 0 is no operation. */
	for (n = axv_vcpu_op_names; n->name; n++) {
		CHECK(n->value != 0);
		if (n != axv_vcpu_op_names && n->value <= n[-1].value)
			check_failed(__FILE__, __LINE__, "'%s' (%llu) follows '%s' (%llu)",
				     n->name, n->value, n[-1].name, n[-1].value);
	}
}

static void test_name_lookup(void)
{
	CHECK(axv_cap_name(AXV_CAP_VPID) && !strcmp(axv_cap_name(AXV_CAP_VPID), "vpid"));
	CHECK(!axv_cap_name(0));
	CHECK(!axv_cap_name(0xdead));
	CHECK(axv_vmx_feature_name(AXV_VMX_F_EPT) &&
	      !strcmp(axv_vmx_feature_name(AXV_VMX_F_EPT), "ept"));
	CHECK(!axv_vmx_feature_name(0));
	CHECK(!axv_vmx_feature_name(AXV_VMX_F_EPT | AXV_VMX_F_VPID));
	CHECK(!axv_vmx_feature_name(1ULL << 63));
	CHECK_INT(axv_vmx_unknown_features(AXV_VMX_F_EPT | AXV_VMX_F_SHADOW_VMCS), 0);
	CHECK_INT(axv_vmx_unknown_features(AXV_VMX_F_EPT | (1ULL << 40)), 1ULL << 40);
	CHECK(axv_cap_name(AXV_CAP_MAX_VCPUS) &&
	      !strcmp(axv_cap_name(AXV_CAP_MAX_VCPUS), "max_vcpus"));
	CHECK(axv_cap_name(AXV_CAP_NR_MEMSLOTS) &&
	      !strcmp(axv_cap_name(AXV_CAP_NR_MEMSLOTS), "nr_memslots"));
	CHECK(axv_cap_name(AXV_CAP_GPA_BITS) &&
	      !strcmp(axv_cap_name(AXV_CAP_GPA_BITS), "gpa_bits"));
	CHECK(axv_cap_name(AXV_CAP_VM_STATS) &&
	      !strcmp(axv_cap_name(AXV_CAP_VM_STATS), "vm_stats"));
	CHECK(axv_cap_name(AXV_CAP_EMULATOR) &&
	      !strcmp(axv_cap_name(AXV_CAP_EMULATOR), "emulator"));
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_LEVEL_IRQ), "level_irq");
	CHECK(!axv_cap_name(AXV_CAP_LEVEL_IRQ + 1));
}

static void test_vcpu_state_name_lookup(void)
{
	static const char * const want[] = {
		"invalid", "created", "free", "ready", "running", "blocked",
		"wait_start", "paused", "stopped",
	};
	__u32 state;

	for (state = 0; state < sizeof(want) / sizeof(want[0]); state++) {
		const char *got = axv_vcpu_state_name(state);

		if (!got || strcmp(got, want[state]))
			check_failed(__FILE__, __LINE__, "state %u is named '%s', expected '%s'",
				     state, got ? got : "(null)", want[state]);
	}
	CHECK(axv_vcpu_state_name(AXV_VCPU_STATE_WAIT_START) &&
	      !strcmp(axv_vcpu_state_name(AXV_VCPU_STATE_WAIT_START), "wait_start"));
	CHECK(!axv_vcpu_state_name(AXV_VCPU_STATE_STOPPED + 1));
	CHECK(!axv_vcpu_state_name(0xdead));
	CHECK(!axv_vcpu_state_name(~0U));
}

static void test_vcpu_op_name_lookup(void)
{
	static const char * const want[] = {
		NULL, "set_role", "init", "start", "pause", "resume", "stop",
	};
	__u32 op;

	for (op = 0; op < sizeof(want) / sizeof(want[0]); op++) {
		const char *got = axv_vcpu_op_name(op);

		if (!got != !want[op] || (got && strcmp(got, want[op])))
			check_failed(__FILE__, __LINE__, "op %u is named '%s', expected '%s'",
				     op, got ? got : "(null)", want[op] ? want[op] : "(null)");
	}
	CHECK(!axv_vcpu_op_name(AXV_VCPU_OP_STOP + 1));
	CHECK(!axv_vcpu_op_name(0x100 | AXV_VCPU_OP_START));
	CHECK(!axv_vcpu_op_name(~0U));
}

/* --- axv_parse_size() ------------------------------------------------- */

#define SIZE_SENTINEL	0x5a5a5a5a5a5a5a5aULL

static void check_size(const char *str, __u64 expected, int line)
{
	__u64 size = SIZE_SENTINEL;
	struct axv_err err;
	int ret;

	err_dirty(&err);
	ret = axv_parse_size(str, &size, &err);
	if (ret || size != expected || err.code || err.msg[0])
		check_failed(__FILE__, line, "parse '%s': ret %d size %llu, expected %llu",
			     str, ret, size, expected);
}

static void check_size_error(const char *str, int expected, int line)
{
	__u64 size = SIZE_SENTINEL;
	struct axv_err err;
	int ret;

	ret = axv_parse_size(str, &size, &err);
	if (ret != expected || err.code != -expected || size != SIZE_SENTINEL)
		check_failed(__FILE__, line, "parse '%s': ret %d code %d size %llx, expected %d",
			     str ? str : "(null)", ret, err.code, size, expected);
	else if (str && *str && !strstr(err.msg, str))
		check_failed(__FILE__, line, "message '%s' does not quote '%s'", err.msg, str);
}

#define CHECK_SIZE(str, expected)	check_size(str, expected, __LINE__)
#define CHECK_SIZE_ERR(str, expected)	check_size_error(str, expected, __LINE__)

static void test_parse_size_valid(void)
{
	CHECK_SIZE("0", 0);
	CHECK_SIZE("1", 1);
	CHECK_SIZE("4096", 4096);
	CHECK_SIZE("007", 7);
	CHECK_SIZE("18446744073709551615", 18446744073709551615ULL);
}

static void test_parse_size_suffixes(void)
{
	CHECK_SIZE("64K", 64ULL << 10);
	CHECK_SIZE("64k", 64ULL << 10);
	CHECK_SIZE("16M", 16ULL << 20);
	CHECK_SIZE("16m", 16ULL << 20);
	CHECK_SIZE("1G", 1ULL << 30);
	CHECK_SIZE("3g", 3ULL << 30);
	CHECK_SIZE("2T", 2ULL << 40);
	CHECK_SIZE("0K", 0);
	CHECK_SIZE("16777215T", 16777215ULL << 40);
}

static void test_parse_size_overflow(void)
{
	CHECK_SIZE_ERR("18446744073709551616", -ERANGE);
	CHECK_SIZE_ERR("99999999999999999999999", -ERANGE);
	CHECK_SIZE_ERR("18014398509481984K", -ERANGE);	/* 2^54 K = 2^64 */
	CHECK_SIZE_ERR("17179869184G", -ERANGE);		/* 2^34 G = 2^64 */
	CHECK_SIZE_ERR("16777216T", -ERANGE);		/* 2^24 T = 2^64 */
}

static void test_parse_size_garbage(void)
{
	static const char * const bad[] = {
		"abc", "K", "12abc", "12KB", "12KK", "1.5G", "0x10", "-1", "+1",
		" 12", "12 ", "12\n", "1 K", "1P", "1e3", "\xff",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_SIZE_ERR(bad[i], -EINVAL);
	/* Garbage after too many digits is still garbage, not a range error. */
	CHECK_SIZE_ERR("99999999999999999999999x", -EINVAL);
}

static void test_parse_size_empty(void)
{
	CHECK_SIZE_ERR("", -EINVAL);
	CHECK_SIZE_ERR(NULL, -EINVAL);
}

/* --- axv_format_vmx_caps() -------------------------------------------- */

static const struct axv_vmx_caps sample_caps = {
	.features = AXV_VMX_F_TRUE_CTLS | AXV_VMX_F_EPT | AXV_VMX_F_UNRESTRICTED_GUEST |
		    AXV_VMX_F_VPID,
	.vmcs_revision = 0x12,
	.vmcs_size = 1024,
	.basic = 0x00da040000000012ULL,
	.feature_control = 0x0000000000000005ULL,
	.pin_ctls = 0x0000007f00000016ULL,
	.proc_ctls = 0xfff9fffe0401e172ULL,
	.proc_ctls2 = 0x00515cef00000000ULL,
	.exit_ctls = 0x01ffffff00036dfbULL,
	.entry_ctls = 0x0003ffff000011fbULL,
	.misc = 0x0000000020000065ULL,
	.ept_vpid_cap = 0x00000f0106734141ULL,
	.cr0_fixed0 = 0x0000000080000021ULL,
	.cr0_fixed1 = 0x00000000ffffffffULL,
	.cr4_fixed0 = 0x0000000000002000ULL,
	.cr4_fixed1 = 0x00000000003727ffULL,
	.pin_used = 0x00000029,
	.proc_used = 0x8601e1fa,
	.proc2_used = 0x000000a2,
	.exit_used = 0x00236dfb,
	.entry_used = 0x000053fb,
	.preemption_timer_shift = 5,
};

/* Format @caps into a buffer the caller frees. */
static char *format(const struct axv_vmx_caps *caps)
{
	int len = axv_format_vmx_caps(caps, NULL, 0);
	char *buf;

	if (len <= 0)
		return NULL;
	buf = malloc(len + 1);
	if (buf && axv_format_vmx_caps(caps, buf, len + 1) != len) {
		free(buf);
		buf = NULL;
	}
	return buf;
}

/* Does some line of @text contain both @label and @value? */
static int line_has(const char *text, const char *label, const char *value)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchrnul(line, '\n');
		const char *l = strstr(line, label), *v = strstr(line, value);

		if (l && l < end && v && v < end)
			return 1;
		line = *end ? end + 1 : NULL;
	}
	return 0;
}

#define CHECK_LINE(text, label, value)					\
	do {								\
		const char *l_ = (label), *v_ = (value);		\
		if (!line_has(text, l_, v_))				\
			check_failed(__FILE__, __LINE__,		\
				     "no line with '%s' and '%s'",	\
				     l_, v_);				\
	} while (0)

/*
 * The feature list of @text (from "features" up to "VMCS revision"), copied
 * into @buf.
 */
static const char *feature_block(const char *text, char *buf, size_t len)
{
	const char *start = text ? strstr(text, "features") : NULL;
	const char *end = start ? strstr(start, "VMCS revision") : NULL;

	if (!end || (size_t)(end - start) >= len)
		return "";
	memcpy(buf, start, end - start);
	buf[end - start] = '\0';
	return buf;
}

/* Is @word in @text, delimited by characters that cannot be in a name? */
static int has_word(const char *text, const char *word)
{
	size_t len = strlen(word);
	const char *p;

	for (p = strstr(text, word); p; p = strstr(p + 1, word)) {
		int before = p == text || !strchr("abcdefghijklmnopqrstuvwxyz0123456789_", p[-1]);
		int after = !p[len] || !strchr("abcdefghijklmnopqrstuvwxyz0123456789_", p[len]);

		if (before && after)
			return 1;
	}
	return 0;
}

static void test_format_caps_fields(void)
{
	char *text = format(&sample_caps);

	CHECK(text);
	if (!text)
		return;
	CHECK_LINE(text, "VMCS revision", "0x00000012");
	CHECK_LINE(text, "VMCS size", "1024");
	CHECK_LINE(text, "preemption timer", "2^5");
	CHECK_LINE(text, "features", "0x000000000000001d");
	CHECK_LINE(text, "IA32_VMX_BASIC", "0x00da040000000012");
	CHECK_LINE(text, "IA32_FEATURE_CONTROL", "0x0000000000000005");
	CHECK_LINE(text, "IA32_VMX_TRUE_PINBASED_CTLS", "0x0000007f00000016");
	CHECK_LINE(text, "IA32_VMX_TRUE_PROCBASED_CTLS", "0xfff9fffe0401e172");
	CHECK_LINE(text, "IA32_VMX_PROCBASED_CTLS2", "0x00515cef00000000");
	CHECK_LINE(text, "IA32_VMX_TRUE_EXIT_CTLS", "0x01ffffff00036dfb");
	CHECK_LINE(text, "IA32_VMX_TRUE_ENTRY_CTLS", "0x0003ffff000011fb");
	CHECK_LINE(text, "IA32_VMX_MISC", "0x0000000020000065");
	CHECK_LINE(text, "IA32_VMX_EPT_VPID_CAP", "0x00000f0106734141");
	CHECK_LINE(text, "IA32_VMX_CR0_FIXED0", "0x0000000080000021");
	CHECK_LINE(text, "IA32_VMX_CR0_FIXED1", "0x00000000ffffffff");
	CHECK_LINE(text, "IA32_VMX_CR4_FIXED0", "0x0000000000002000");
	CHECK_LINE(text, "IA32_VMX_CR4_FIXED1", "0x00000000003727ff");
	CHECK_LINE(text, "pin-based", "0x00000029");
	CHECK_LINE(text, "primary processor-based", "0x8601e1fa");
	CHECK_LINE(text, "secondary processor-based", "0x000000a2");
	CHECK_LINE(text, "VM-exit", "0x00236dfb");
	CHECK_LINE(text, "VM-entry", "0x000053fb");
	free(text);
}

static void test_format_caps_ctls_names(void)
{
	struct axv_vmx_caps caps = sample_caps;
	char *text;

	caps.features &= ~AXV_VMX_F_TRUE_CTLS;
	text = format(&caps);
	CHECK(text);
	if (!text)
		return;
	CHECK(!strstr(text, "TRUE"));
	CHECK_LINE(text, "IA32_VMX_PINBASED_CTLS", "0x0000007f00000016");
	CHECK_LINE(text, "IA32_VMX_PROCBASED_CTLS ", "0xfff9fffe0401e172");
	CHECK_LINE(text, "IA32_VMX_EXIT_CTLS", "0x01ffffff00036dfb");
	CHECK_LINE(text, "IA32_VMX_ENTRY_CTLS", "0x0003ffff000011fb");
	free(text);
}

static void test_format_caps_features(void)
{
	struct axv_vmx_caps caps = sample_caps;
	const struct axv_name *n;
	char block[1024];
	const char *feat;
	char *text;

	/* Every named bit alone: its name and no other. */
	for (n = axv_vmx_feature_names; n->name; n++) {
		const struct axv_name *other;

		caps.features = n->value;
		text = format(&caps);
		feat = feature_block(text, block, sizeof(block));
		if (!has_word(feat, n->name))
			check_failed(__FILE__, __LINE__, "bit 0x%llx: '%s' not shown",
				     n->value, n->name);
		for (other = axv_vmx_feature_names; other->name; other++)
			if (other != n && has_word(feat, other->name))
				check_failed(__FILE__, __LINE__, "bit 0x%llx: '%s' shown",
					     n->value, other->name);
		CHECK(!strstr(feat, "unknown"));
		free(text);
	}

	/* All named bits at once, wrapped to a readable width. */
	caps.features = 0;
	for (n = axv_vmx_feature_names; n->name; n++)
		caps.features |= n->value;
	text = format(&caps);
	feat = feature_block(text, block, sizeof(block));
	for (n = axv_vmx_feature_names; n->name; n++)
		if (!has_word(feat, n->name))
			check_failed(__FILE__, __LINE__, "'%s' missing from all features",
				     n->name);
	for (const char *line = feat; *line; ) {
		const char *end = strchrnul(line, '\n');

		CHECK(end - line <= 80);
		line = *end ? end + 1 : end;
	}
	free(text);

	caps.features = 0;
	text = format(&caps);
	CHECK_STR_HAS(feature_block(text, block, sizeof(block)), "(none)");
	free(text);
}

static void test_format_caps_unknown_bits(void)
{
	struct axv_vmx_caps caps = sample_caps;
	char block[1024], want[64];
	const char *feat;
	char *text;
	int bit;

	for (bit = 0; bit < 64; bit++) {
		__u64 b = 1ULL << bit;

		if (axv_vmx_feature_name(b))
			continue;
		caps.features = AXV_VMX_F_EPT | b;
		text = format(&caps);
		feat = feature_block(text, block, sizeof(block));
		snprintf(want, sizeof(want), "unknown bits 0x%016llx", b);
		if (!strstr(feat, want))
			check_failed(__FILE__, __LINE__, "bit %d: '%s' not shown", bit, want);
		CHECK(has_word(feat, "ept"));
		free(text);
	}

	caps.features = AXV_VMX_F_VPID | (1ULL << 40) | (1ULL << 63);
	text = format(&caps);
	feat = feature_block(text, block, sizeof(block));
	CHECK_STR_HAS(feat, "unknown bits 0x8000010000000000");
	CHECK(has_word(feat, "vpid"));
	free(text);
}

static void test_format_caps_truncation(void)
{
	char *full = format(&sample_caps);
	char small[20];
	int len;

	CHECK(full);
	if (!full)
		return;
	len = strlen(full);

	memset(small, 'X', sizeof(small));
	CHECK_INT(axv_format_vmx_caps(&sample_caps, small, sizeof(small)), len);
	CHECK_INT(strnlen(small, sizeof(small)), sizeof(small) - 1);
	CHECK(!strncmp(small, full, sizeof(small) - 1));

	small[0] = 'X';
	CHECK_INT(axv_format_vmx_caps(&sample_caps, small, 0), len);
	CHECK_INT(small[0], 'X');

	CHECK_INT(axv_format_vmx_caps(NULL, small, sizeof(small)), -EINVAL);
	CHECK_INT(small[0], '\0');
	free(full);
}

/* --- checked wrappers: error paths ----------------------------------- */

static void test_raw_wrappers_keep_errno(void)
{
	struct axv_memory_region region = { .slot = 1 };
	struct axv_vcpu_op op = { .op = AXV_VCPU_OP_PAUSE };
	struct axv_vcpu_create create;
	struct axv_vcpu_stats stats;
	struct axv_vm_stats vm_stats;
	struct axv_vcpu_state state;
	struct axv_vmx_caps caps;
	int fd = open_dev_null();

	errno = 0;
	CHECK_INT(axv_raw_ioctl(fd, AXV_GET_API_VERSION, 0), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_get_api_version(fd), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_check_extension(fd, AXV_CAP_X86_VMX), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_create_vm(fd, 0), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_get_vmx_caps(fd, &caps), -1);
	CHECK_INT(errno, ENOTTY);
	axv_vcpu_create_init(&create, 0, 0);
	errno = 0;
	CHECK_INT(axv_raw_create_vcpu(fd, &create), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_get_vcpu_state(fd, &state), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_get_vcpu_stats(fd, &stats), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_get_vm_stats(fd, &vm_stats), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_set_memory_region(fd, &region), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_delete_memory_region(fd, 1), -1);
	CHECK_INT(errno, ENOTTY);
	errno = 0;
	CHECK_INT(axv_raw_vcpu_op(fd, &op), -1);
	CHECK_INT(errno, ENOTTY);
	close(fd);

	errno = 0;
	CHECK_INT(axv_raw_get_api_version(fd), -1);
	CHECK_INT(errno, EBADF);
}

/* Run every checked wrapper on @fd; each must fail with -@code. */
static void check_wrappers_fail(int fd, int code)
{
	struct axv_memory_region region = { .slot = 3 };
	struct axv_vcpu_create create;
	struct axv_vcpu_stats stats;
	struct axv_vm_stats vm_stats;
	struct axv_vcpu_state state;
	struct axv_vmx_caps caps;
	struct axv_err err;

	err_dirty(&err);
	CHECK_INT(axv_get_api_version(fd, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_GET_API_VERSION");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_check_extension(fd, AXV_CAP_EPT_1G_PAGES, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_CHECK_EXTENSION(ept_1g_pages)");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_check_extension(fd, 0xdead, &err), -code);
	CHECK_STR_HAS(err.msg, "AXV_CHECK_EXTENSION(57005)");

	err_dirty(&err);
	CHECK_INT(axv_get_vmx_caps(fd, &caps, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_GET_VMX_CAPS");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_create_vm(fd, 0, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_CREATE_VM");
	CHECK_STR_HAS(err.msg, strerror(code));

	axv_vcpu_create_init(&create, 7, 9);
	err_dirty(&err);
	CHECK_INT(axv_create_vcpu(fd, &create, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_CREATE_VCPU(id 7)");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_get_vcpu_state(fd, &state, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_GET_VCPU_STATE");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_get_vcpu_stats(fd, &stats, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_GET_VCPU_STATS");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_get_vm_stats(fd, &vm_stats, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "ioctl AXV_GET_VM_STATS: ");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_set_memory_region(fd, &region, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_SET_MEMORY_REGION(slot 3)");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_delete_memory_region(fd, 9, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_DELETE_MEMORY_REGION(slot 9)");
	CHECK_STR_HAS(err.msg, strerror(code));

	err_dirty(&err);
	CHECK_INT(axv_vcpu_op(fd, AXV_VCPU_OP_START, 0x9a, &err), -code);
	CHECK_INT(err.code, code);
	CHECK_STR_HAS(err.msg, "AXV_VCPU_OP(start 0x9a)");
	CHECK_STR_HAS(err.msg, strerror(code));

	/* A NULL error struct is allowed. */
	CHECK_INT(axv_get_api_version(fd, NULL), -code);
	CHECK_INT(axv_create_vm(fd, 0, NULL), -code);
	CHECK_INT(axv_create_vcpu(fd, &create, NULL), -code);
	CHECK_INT(axv_get_vcpu_state(fd, &state, NULL), -code);
	CHECK_INT(axv_get_vcpu_stats(fd, &stats, NULL), -code);
	CHECK_INT(axv_get_vm_stats(fd, &vm_stats, NULL), -code);
	CHECK_INT(axv_set_memory_region(fd, &region, NULL), -code);
	CHECK_INT(axv_delete_memory_region(fd, 9, NULL), -code);
	CHECK_INT(axv_vcpu_op(fd, AXV_VCPU_OP_STOP, 0, NULL), -code);
}

static void test_checked_on_dev_null(void)
{
	int fd = open_dev_null();

	check_wrappers_fail(fd, ENOTTY);
	close(fd);
}

static void test_checked_on_closed_fd(void)
{
	int fd = open_dev_null();

	close(fd);
	check_wrappers_fail(fd, EBADF);
	check_wrappers_fail(-1, EBADF);
}

static void test_get_vmx_caps_null(void)
{
	struct axv_err err;

	fake_start();
	CHECK_INT(axv_get_vmx_caps(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_GET_VMX_CAPS");
	CHECK_INT(fake.calls, 0);
	fake_stop();
}

static void test_vcpu_null_args(void)
{
	struct axv_err err;

	fake_start();
	err_dirty(&err);
	CHECK_INT(axv_create_vcpu(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_CREATE_VCPU");
	err_dirty(&err);
	CHECK_INT(axv_get_vcpu_state(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_GET_VCPU_STATE");
	err_dirty(&err);
	CHECK_INT(axv_get_vcpu_stats(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_GET_VCPU_STATS");
	err_dirty(&err);
	CHECK_INT(axv_get_vm_stats(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_EQ(err.msg, "AXV_GET_VM_STATS: no buffer given");
	CHECK_INT(axv_get_vm_stats(fake.fd, NULL, NULL), -EINVAL);
	CHECK_INT(axv_create_vcpu(fake.fd, NULL, NULL), -EINVAL);
	CHECK_INT(fake.calls, 0);
	fake_stop();
}

static void test_memory_region_null_arg(void)
{
	struct axv_err err;

	fake_start();
	err_dirty(&err);
	CHECK_INT(axv_set_memory_region(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_SET_MEMORY_REGION");
	CHECK_INT(axv_set_memory_region(fake.fd, NULL, NULL), -EINVAL);
	CHECK_INT(fake.calls, 0);
	fake_stop();
}

/* --- checked wrappers against the fake device ------------------------ */

static void test_checked_requests(void)
{
	struct axv_vmx_caps caps;
	struct axv_err err;

	fake_start();
	fake.cap_value = 7;
	fake.caps = sample_caps;

	err_dirty(&err);
	CHECK_INT(axv_get_api_version(fake.fd, &err), AXV_API_VERSION);
	CHECK_INT(fake.last_req, AXV_GET_API_VERSION);
	CHECK_INT(fake.last_arg, 0);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	err_dirty(&err);
	CHECK_INT(axv_check_extension(fake.fd, AXV_CAP_VPID, &err), 7);
	CHECK_INT(fake.last_req, AXV_CHECK_EXTENSION);
	CHECK_INT(fake.last_arg, AXV_CAP_VPID);
	CHECK_INT(err.code, 0);
	CHECK_INT(axv_check_extension(fake.fd, 0xdead, &err), 0);
	CHECK_INT(fake.last_arg, 0xdead);

	memset(&caps, 0xa5, sizeof(caps));
	err_dirty(&err);
	CHECK_INT(axv_get_vmx_caps(fake.fd, &caps, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_VMX_CAPS);
	CHECK(!memcmp(&caps, &sample_caps, sizeof(caps)));
	CHECK_INT(err.code, 0);

	err_dirty(&err);
	CHECK_INT(axv_create_vm(fake.fd, 0, &err), 42);
	CHECK_INT(fake.last_req, AXV_CREATE_VM);
	CHECK_INT(fake.last_arg, 0);
	CHECK_INT(err.code, 0);

	/* Flags reach the kernel unchanged, and its refusal is reported. */
	CHECK_INT(axv_create_vm(fake.fd, 1UL << 40, &err), -EINVAL);
	CHECK_INT(fake.last_arg, 1UL << 40);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_CREATE_VM");
	fake_stop();
}

static void test_vcpu_create_init(void)
{
	struct axv_vcpu_create c;
	size_t i;

	memset(&c, 0xa5, sizeof(c));
	axv_vcpu_create_init(&c, 3, 0xfe);
	CHECK_INT(c.id, 3);
	CHECK_INT(c.apic_id, 0xfe);
	CHECK_INT(c.role, AXV_VCPU_ROLE_DEFAULT);
	CHECK_INT(c.favoured_cpu, -1);
	CHECK_INT(c.allowed_cpus, 0);
	CHECK_INT(c.allowed_cpus_size, 0);
	CHECK_INT(c.flags, 0);
	for (i = 0; i < sizeof(c.reserved) / sizeof(c.reserved[0]); i++)
		CHECK_INT(c.reserved[i], 0);
}

static void test_checked_vcpu_requests(void)
{
	static const __u64 bitmap[2] = { 0x5, 0 };
	struct axv_vcpu_state state, want_state;
	struct axv_vcpu_stats stats, want_stats;
	struct axv_vcpu_create create;
	struct axv_err err;
	size_t i;

	fake_start();

	/* The argument reaches the kernel unchanged. */
	axv_vcpu_create_init(&create, 5, 6);
	create.role = AXV_VCPU_ROLE_BSP;
	create.favoured_cpu = 2;
	create.allowed_cpus = (unsigned long)bitmap;
	create.allowed_cpus_size = sizeof(bitmap);
	err_dirty(&err);
	CHECK_INT(axv_create_vcpu(fake.fd, &create, &err), 43);
	CHECK_INT(fake.last_req, AXV_CREATE_VCPU);
	CHECK_INT(fake.last_arg, (unsigned long)&create);
	CHECK(!memcmp(&fake.create, &create, sizeof(create)));
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	/* The kernel's refusal is reported. */
	create.flags = 1;
	CHECK_INT(axv_create_vcpu(fake.fd, &create, &err), -EINVAL);
	CHECK_INT(fake.create.flags, 1);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_CREATE_VCPU(id 5)");

	memset(&want_state, 0, sizeof(want_state));
	want_state.state = AXV_VCPU_STATE_WAIT_START;
	want_state.flags = AXV_VCPU_STATE_F_RAN;
	want_state.id = 5;
	want_state.apic_id = 6;
	want_state.sipi_vector = 0x9a;
	want_state.favoured_cpu = -1;
	want_state.pending_ipis = 3;
	fake.state = want_state;
	memset(&state, 0xa5, sizeof(state));
	err_dirty(&err);
	CHECK_INT(axv_get_vcpu_state(fake.fd, &state, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_VCPU_STATE);
	CHECK_INT(fake.last_arg, (unsigned long)&state);
	CHECK(!memcmp(&state, &want_state, sizeof(state)));
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	memset(&want_stats, 0, sizeof(want_stats));
	want_stats.exec_ns = 123456789;
	want_stats.ipis_coalesced = 4;
	want_stats.ipis_overflowed = 1;
	for (i = 0; i < AXV_VCPU_NR_EXIT_STATS; i++)
		want_stats.exits[i] = i * 3 + 1;
	fake.stats = want_stats;
	memset(&stats, 0xa5, sizeof(stats));
	err_dirty(&err);
	CHECK_INT(axv_get_vcpu_stats(fake.fd, &stats, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_VCPU_STATS);
	CHECK_INT(fake.last_arg, (unsigned long)&stats);
	CHECK(!memcmp(&stats, &want_stats, sizeof(stats)));
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');
	fake_stop();
}

static void test_checked_memory_requests(void)
{
	static char mem[2 * 4096] __attribute__((aligned(4096)));
	struct axv_memory_region region;
	struct axv_err err;

	fake_start();

	/* The argument reaches the kernel unchanged. */
	memset(&region, 0, sizeof(region));
	region.slot = 5;
	region.flags = AXV_MEM_READONLY;
	region.guest_phys_addr = 0x100000;
	region.size = sizeof(mem);
	region.userspace_addr = (unsigned long)mem;
	region.reserved[3] = 0x1234;
	err_dirty(&err);
	CHECK_INT(axv_set_memory_region(fake.fd, &region, &err), 0);
	CHECK_INT(fake.calls, 1);
	CHECK_INT(fake.last_req, AXV_SET_MEMORY_REGION);
	CHECK_INT(fake.last_arg, (unsigned long)&region);
	CHECK(!memcmp(&fake.region, &region, sizeof(region)));
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	/* The kernel's refusals are reported, naming the slot. */
	region.slot = 3;
	err_dirty(&err);
	CHECK_INT(axv_set_memory_region(fake.fd, &region, &err), -EEXIST);
	CHECK_INT(fake.region.slot, 3);
	CHECK_INT(err.code, EEXIST);
	CHECK(!strcmp(err.msg, "ioctl AXV_SET_MEMORY_REGION(slot 3): File exists"));
	region.slot = 4;
	region.flags = 2;
	CHECK_INT(axv_set_memory_region(fake.fd, &region, &err), -EINVAL);
	CHECK_INT(fake.region.flags, 2);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_SET_MEMORY_REGION(slot 4)");

	err_dirty(&err);
	CHECK_INT(axv_delete_memory_region(fake.fd, 5, &err), 0);
	CHECK_INT(fake.last_req, AXV_DELETE_MEMORY_REGION);
	CHECK_INT(fake.last_arg, 5);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	err_dirty(&err);
	CHECK_INT(axv_delete_memory_region(fake.fd, 7, &err), -ENOENT);
	CHECK_INT(fake.last_arg, 7);
	CHECK_INT(err.code, ENOENT);
	CHECK(!strcmp(err.msg,
		      "ioctl AXV_DELETE_MEMORY_REGION(slot 7): No such file or directory"));

	/* A slot number beyond 32 bits is not truncated on the way. */
	CHECK_INT(axv_delete_memory_region(fake.fd, 1UL << 32, &err), -EINVAL);
	CHECK_INT(fake.last_req, AXV_DELETE_MEMORY_REGION);
	CHECK_INT(fake.last_arg, 1UL << 32);
	CHECK_INT(err.code, EINVAL);
	CHECK_STR_HAS(err.msg, "AXV_DELETE_MEMORY_REGION(slot 4294967296)");

	/* The raw wrappers issue the same requests. */
	region.flags = 0;
	region.slot = 6;
	CHECK_INT(axv_raw_set_memory_region(fake.fd, &region), 0);
	CHECK_INT(fake.last_req, AXV_SET_MEMORY_REGION);
	CHECK_INT(fake.last_arg, (unsigned long)&region);
	CHECK(!memcmp(&fake.region, &region, sizeof(region)));
	errno = 0;
	CHECK_INT(axv_raw_delete_memory_region(fake.fd, ~0UL), -1);
	CHECK_INT(errno, EINVAL);
	CHECK_INT(fake.last_req, AXV_DELETE_MEMORY_REGION);
	CHECK_INT(fake.last_arg, ~0UL);
	CHECK_INT(fake.calls, 8);
	fake_stop();
}

static void test_checked_vm_stats(void)
{
	struct axv_vm_stats stats, want;
	struct axv_err err;

	fake_start();
	memset(&want, 0, sizeof(want));
	want.pinned_pages = 1024 + 3;
	want.chunks = 4;
	want.huge_chunks = 2;
	want.faults = 9;
	want.mappings[AXV_MAP_4K] = 3;
	want.mappings[AXV_MAP_2M] = 2;
	want.mappings[AXV_MAP_1G] = 1;
	fake.vm_stats = want;
	memset(&stats, 0xa5, sizeof(stats));
	err_dirty(&err);
	CHECK_INT(axv_get_vm_stats(fake.fd, &stats, &err), 0);
	CHECK_INT(fake.calls, 1);
	CHECK_INT(fake.last_req, AXV_GET_VM_STATS);
	CHECK_INT(fake.last_arg, (unsigned long)&stats);
	CHECK(!memcmp(&stats, &want, sizeof(stats)));
	CHECK_INT(stats.pinned_pages, 1027);
	CHECK_INT(stats.mappings[AXV_MAP_1G], 1);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');
	fake_stop();
}

static void test_checked_vcpu_op(void)
{
	struct axv_err err;
	size_t i;

	fake_start();
	fake.start_result = 1;

	/* A fresh argument: the op and arg given, every reserved field zero. */
	memset(&fake.op, 0xa5, sizeof(fake.op));
	err_dirty(&err);
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_START, 0x9a, &err), 1);
	CHECK_INT(fake.calls, 1);
	CHECK_INT(fake.last_req, AXV_VCPU_OP);
	CHECK_INT(fake.op.op, AXV_VCPU_OP_START);
	CHECK_INT(fake.op.arg, 0x9a);
	for (i = 0; i < sizeof(fake.op.reserved) / sizeof(fake.op.reserved[0]); i++)
		CHECK_INT(fake.op.reserved[i], 0);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	/* An ignored start returns 0, and that is no failure. */
	fake.start_result = 0;
	err_dirty(&err);
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_START, 0x10, &err), 0);
	CHECK_INT(fake.op.arg, 0x10);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');

	err_dirty(&err);
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_SET_ROLE, AXV_VCPU_ROLE_AP, &err), 0);
	CHECK_INT(fake.op.op, AXV_VCPU_OP_SET_ROLE);
	CHECK_INT(fake.op.arg, AXV_VCPU_ROLE_AP);
	CHECK_INT(err.code, 0);
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_STOP, 0, NULL), 0);
	CHECK_INT(fake.op.op, AXV_VCPU_OP_STOP);

	/* The kernel's refusals are reported, naming the op and its argument. */
	err_dirty(&err);
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_START, 0x100, &err), -EINVAL);
	CHECK_INT(fake.op.arg, 0x100);
	CHECK_INT(err.code, EINVAL);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(start 0x100): Invalid argument"));
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_SET_ROLE, 0, &err), -EINVAL);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(set_role 0): Invalid argument"));
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_PAUSE, 1, &err), -EINVAL);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(pause 0x1): Invalid argument"));

	fake.op_errno = EINVAL;
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_START, 0x9a, &err), -EINVAL);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(start 0x9a): Invalid argument"));
	fake.op_errno = EALREADY;
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_PAUSE, 0, &err), -EALREADY);
	CHECK_INT(err.code, EALREADY);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(pause 0): Operation already in progress"));
	fake.op_errno = EEXIST;
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_SET_ROLE, AXV_VCPU_ROLE_BSP, &err),
		  -EEXIST);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(set_role 0x1): File exists"));
	CHECK_INT(axv_vcpu_op(fake.fd, AXV_VCPU_OP_INIT, 0, NULL), -EEXIST);
	fake.op_errno = 0;

	/* Unknown ops and any argument reach the kernel unchanged. */
	err_dirty(&err);
	CHECK_INT(axv_vcpu_op(fake.fd, 7, 0, &err), -EINVAL);
	CHECK_INT(fake.op.op, 7);
	CHECK(!strcmp(err.msg, "ioctl AXV_VCPU_OP(7 0): Invalid argument"));
	CHECK_INT(axv_vcpu_op(fake.fd, 0, 0, &err), -EINVAL);
	CHECK_INT(fake.op.op, 0);
	CHECK_STR_HAS(err.msg, "AXV_VCPU_OP(0 0)");
	CHECK_INT(axv_vcpu_op(fake.fd, ~0U, ~0U, &err), -EINVAL);
	CHECK_INT(fake.op.op, ~0U);
	CHECK_INT(fake.op.arg, ~0U);
	CHECK_STR_HAS(err.msg, "AXV_VCPU_OP(4294967295 0xffffffff)");
	CHECK_INT(fake.calls, 14);
	fake_stop();
}

static void test_raw_vcpu_op(void)
{
	struct axv_vcpu_op op;

	fake_start();
	fake.start_result = 1;

	/* The argument reaches the kernel unchanged, reserved fields too. */
	memset(&op, 0, sizeof(op));
	op.op = AXV_VCPU_OP_START;
	op.arg = 0xff;
	CHECK_INT(axv_raw_vcpu_op(fake.fd, &op), 1);
	CHECK_INT(fake.last_req, AXV_VCPU_OP);
	CHECK_INT(fake.last_arg, (unsigned long)&op);
	CHECK(!memcmp(&fake.op, &op, sizeof(op)));

	op.reserved[2] = 1ULL << 63;
	errno = 0;
	CHECK_INT(axv_raw_vcpu_op(fake.fd, &op), -1);
	CHECK_INT(errno, EINVAL);
	CHECK(!memcmp(&fake.op, &op, sizeof(op)));

	/* NULL is passed on: the kernel reports the bad address. */
	errno = 0;
	CHECK_INT(axv_raw_vcpu_op(fake.fd, NULL), -1);
	CHECK_INT(errno, EFAULT);
	CHECK_INT(fake.last_arg, 0);
	CHECK_INT(fake.calls, 3);
	fake_stop();
}

static void test_api_version_mismatch(void)
{
	struct axv_err err;
	char want[32];

	fake_start();
	fake.api_version = AXV_API_VERSION + 1;
	CHECK_INT(axv_get_api_version(fake.fd, &err), -EPROTONOSUPPORT);
	CHECK_INT(err.code, EPROTONOSUPPORT);
	CHECK_STR_HAS(err.msg, "AXV_GET_API_VERSION");
	snprintf(want, sizeof(want), "version %d", AXV_API_VERSION + 1);
	CHECK_STR_HAS(err.msg, want);

	fake.api_version = 0;
	CHECK_INT(axv_get_api_version(fake.fd, &err), -EPROTONOSUPPORT);
	CHECK_STR_HAS(err.msg, "version 0");
	fake_stop();
}

/* --- opening the device ---------------------------------------------- */

static void test_dev_path_default(void)
{
	unsetenv(AXV_DEV_ENV);
	CHECK(!strcmp(axv_dev_path(), "/dev/axvcpu"));
	setenv(AXV_DEV_ENV, "", 1);
	CHECK(!strcmp(axv_dev_path(), "/dev/axvcpu"));
	setenv(AXV_DEV_ENV, "/tmp/elsewhere", 1);
	CHECK(!strcmp(axv_dev_path(), "/tmp/elsewhere"));
	unsetenv(AXV_DEV_ENV);
}

static void test_dev_env_missing(void)
{
	static const char missing[] = "/nonexistent-axvcpu-test/axvcpu";
	struct axv_err err;

	setenv(AXV_DEV_ENV, missing, 1);
	err_dirty(&err);
	CHECK_INT(axv_open(NULL, &err), -ENOENT);
	CHECK_INT(err.code, ENOENT);
	CHECK_STR_HAS(err.msg, missing);
	CHECK_STR_HAS(err.msg, strerror(ENOENT));
	unsetenv(AXV_DEV_ENV);
}

static void test_open_flags(void)
{
	struct axv_err err;
	int fd;

	/* An explicit path wins over the environment. */
	setenv(AXV_DEV_ENV, "/nonexistent-axvcpu-test/axvcpu", 1);
	err_dirty(&err);
	fd = axv_open("/dev/null", &err);
	CHECK(fd >= 0);
	CHECK_INT(err.code, 0);
	unsetenv(AXV_DEV_ENV);
	if (fd < 0)
		return;
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK_INT(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	close(fd);

	setenv(AXV_DEV_ENV, "/dev/null", 1);
	fd = axv_open(NULL, &err);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
	unsetenv(AXV_DEV_ENV);
}

/* --- the run support: ABI -------------------------------------------- */

static void check_ioctl(unsigned long req, const char *name, unsigned int dir,
			unsigned int nr, unsigned int size, int line)
{
	if (_IOC_TYPE(req) != 0xA9 || _IOC_DIR(req) != dir || _IOC_NR(req) != nr ||
	    _IOC_SIZE(req) != size)
		check_failed(__FILE__, line, "%s: type 0x%x dir %u nr 0x%x size %u", name,
			     (unsigned int)_IOC_TYPE(req), (unsigned int)_IOC_DIR(req),
			     (unsigned int)_IOC_NR(req), (unsigned int)_IOC_SIZE(req));
}

#define CHECK_IOCTL(req, dir, nr, size)	check_ioctl(req, #req, dir, nr, size, __LINE__)

static void test_abi_run_layout(void)
{
	CHECK_INT(sizeof(struct axv_run), 2624);
	CHECK_INT(AXV_RUN_DATA_SIZE, 2048);
	CHECK_INT(offsetof(struct axv_run, immediate_exit), 0);
	CHECK_INT(offsetof(struct axv_run, exit_reason), 4);
	CHECK_INT(offsetof(struct axv_run, flags), 8);
	CHECK_INT(offsetof(struct axv_run, hw_exit_reason), 12);
	CHECK_INT(offsetof(struct axv_run, rip), 16);
	CHECK_INT(offsetof(struct axv_run, reserved), 24);
	CHECK_INT(offsetof(struct axv_run, io), 64);
	CHECK_INT(offsetof(struct axv_run, exit_pad), 64);
	CHECK_INT(offsetof(struct axv_run, reserved2), 320);
	CHECK_INT(offsetof(struct axv_run, data), 576);

	CHECK_INT(offsetof(struct axv_run, io.port), 64);
	CHECK_INT(offsetof(struct axv_run, io.size), 66);
	CHECK_INT(offsetof(struct axv_run, io.direction), 67);
	CHECK_INT(offsetof(struct axv_run, io.flags), 68);
	CHECK_INT(offsetof(struct axv_run, io.count), 72);
	CHECK_INT(offsetof(struct axv_run, io.data_offset), 76);
	CHECK_INT(offsetof(struct axv_run, mmio.gpa), 64);
	CHECK_INT(offsetof(struct axv_run, mmio.data), 72);
	CHECK_INT(offsetof(struct axv_run, mmio.size), 80);
	CHECK_INT(offsetof(struct axv_run, mmio.is_write), 81);
	CHECK_INT(offsetof(struct axv_run, mmio.reg), 82);
	CHECK_INT(offsetof(struct axv_run, mmio.flags), 84);
	CHECK_INT(offsetof(struct axv_run, msr.index), 64);
	CHECK_INT(offsetof(struct axv_run, msr.is_write), 68);
	CHECK_INT(offsetof(struct axv_run, msr.error), 69);
	CHECK_INT(offsetof(struct axv_run, msr.data), 72);
	CHECK_INT(offsetof(struct axv_run, hypercall.nr), 64);
	CHECK_INT(offsetof(struct axv_run, hypercall.args), 72);
	CHECK_INT(offsetof(struct axv_run, hypercall.ret), 120);
	CHECK_INT(offsetof(struct axv_run, npf.qualification), 80);
	CHECK_INT(offsetof(struct axv_run, cpu_up.entry), 72);
	CHECK_INT(offsetof(struct axv_run, ipi.shorthand), 72);
	CHECK_INT(offsetof(struct axv_run, fail_entry.hw_reason), 64);
	CHECK_INT(offsetof(struct axv_run, fail_entry.vm_instruction_error), 68);
	CHECK_INT(offsetof(struct axv_run, fail_entry.qualification), 72);
	CHECK_INT(offsetof(struct axv_run, fail_entry.check), 80);
	CHECK_INT(offsetof(struct axv_run, triple_fault.rip), 64);
	CHECK_INT(offsetof(struct axv_run, triple_fault.last_vector), 72);
	CHECK_INT(offsetof(struct axv_run, triple_fault.insn_len), 76);
	CHECK_INT(offsetof(struct axv_run, triple_fault.insn), 80);
	CHECK_INT(offsetof(struct axv_run, exception.payload), 80);
	CHECK_INT(offsetof(struct axv_run, unknown.qualification), 72);
	CHECK_INT(offsetof(struct axv_run, internal.ndata), 68);
	CHECK_INT(offsetof(struct axv_run, internal.data), 72);
	CHECK_INT(offsetof(struct axv_run, internal.insn_len), 104);
	CHECK_INT(offsetof(struct axv_run, internal.insn), 112);
	CHECK_INT(sizeof(((struct axv_run *)0)->internal.insn), 16);
	CHECK_INT(AXV_INTERNAL_EMULATION_FAILED, 4);
	CHECK_INT(AXV_CAP_EMULATOR, 19);
	CHECK_INT(AXV_CAP_LEVEL_IRQ, 20);
	CHECK_INT(AXV_EXIT_EOI, 19);
	CHECK_INT(offsetof(struct axv_run, eoi.vector), 64);
	CHECK_INT(sizeof(((struct axv_run *)0)->eoi), 8);
	CHECK_INT(AXV_IRQ_F_LEVEL, 8);
	CHECK_INT(AXV_IRQ_F_ALL, 0xf);

	CHECK_INT(AXV_IO_IN, 0);
	CHECK_INT(AXV_IO_OUT, 1);
	CHECK_INT(AXV_REG_NONE, 0xff);
}

/*
 * The x86_64 layout.  (struct axv_segment ends in 6 bytes of implicit
 * padding, so i386 builds see 28 bytes and a 376-byte struct axv_sregs.)
 */
static void test_abi_register_layout(void)
{
	CHECK_INT(sizeof(struct axv_regs), 176);
	CHECK_INT(offsetof(struct axv_regs, rsp), 48);
	CHECK_INT(offsetof(struct axv_regs, r8), 64);
	CHECK_INT(offsetof(struct axv_regs, rip), 128);
	CHECK_INT(offsetof(struct axv_regs, rflags), 136);
	CHECK_INT(offsetof(struct axv_regs, reserved), 144);

	CHECK_INT(sizeof(struct axv_segment), 32);
	CHECK_INT(offsetof(struct axv_segment, limit), 8);
	CHECK_INT(offsetof(struct axv_segment, selector), 12);
	CHECK_INT(offsetof(struct axv_segment, type), 14);
	CHECK_INT(offsetof(struct axv_segment, present), 15);
	CHECK_INT(offsetof(struct axv_segment, unusable), 22);
	CHECK_INT(offsetof(struct axv_segment, pad), 23);
	CHECK_INT(sizeof(struct axv_dtable), 16);
	CHECK_INT(offsetof(struct axv_dtable, limit), 8);

	CHECK_INT(sizeof(struct axv_sregs), 408);
	CHECK_INT(offsetof(struct axv_sregs, ds), 32);
	CHECK_INT(offsetof(struct axv_sregs, ldt), 224);
	CHECK_INT(offsetof(struct axv_sregs, gdt), 256);
	CHECK_INT(offsetof(struct axv_sregs, idt), 272);
	CHECK_INT(offsetof(struct axv_sregs, cr0), 288);
	CHECK_INT(offsetof(struct axv_sregs, efer), 328);
	CHECK_INT(offsetof(struct axv_sregs, apic_base), 336);
	CHECK_INT(offsetof(struct axv_sregs, reserved), 344);

	CHECK_INT(sizeof(struct axv_fpu), 4160);
	CHECK_INT(offsetof(struct axv_fpu, size), 8);
	CHECK_INT(offsetof(struct axv_fpu, reserved), 16);
	CHECK_INT(offsetof(struct axv_fpu, xsave), 64);
	CHECK_INT(AXV_XSAVE_AREA_SIZE, 4096);

	CHECK_INT(sizeof(struct axv_msr_entry), 16);
	CHECK_INT(offsetof(struct axv_msr_entry, data), 8);
	CHECK_INT(sizeof(struct axv_msrs), 8);
	CHECK_INT(offsetof(struct axv_msrs, entries), 8);
	CHECK_INT(sizeof(struct axv_events), 32);
	CHECK_INT(offsetof(struct axv_events, ext_vector), 4);
	CHECK_INT(offsetof(struct axv_events, reserved), 8);
	CHECK_INT(sizeof(struct axv_interrupt), 32);
	CHECK_INT(sizeof(struct axv_traps), 32);
	CHECK_INT(sizeof(struct axv_cpuid_entry), 40);
	CHECK_INT(offsetof(struct axv_cpuid_entry, eax), 12);
	CHECK_INT(offsetof(struct axv_cpuid_entry, reserved), 28);
	CHECK_INT(sizeof(struct axv_cpuid), 8);
	CHECK_INT(sizeof(struct axv_kick), 32);
	CHECK_INT(AXV_EVENT_F_ALL, 0x1f);
	CHECK_INT(AXV_TRAP_F_ALL, 0x1);
}

static void test_abi_run_ioctls(void)
{
	CHECK_IOCTL(AXV_GET_VCPU_MMAP_SIZE, _IOC_NONE, 0x04, 0);
	CHECK_IOCTL(AXV_GET_SUPPORTED_CPUID, _IOC_READ | _IOC_WRITE, 0x05, 8);
	CHECK_IOCTL(AXV_KICK_VCPUS, _IOC_WRITE, 0x13, 32);
	CHECK_IOCTL(AXV_GET_CPUID, _IOC_READ | _IOC_WRITE, 0x14, 8);
	CHECK_IOCTL(AXV_SET_CPUID, _IOC_WRITE, 0x15, 8);
	CHECK_IOCTL(AXV_RUN, _IOC_NONE, 0x23, 0);
	CHECK_IOCTL(AXV_GET_REGS, _IOC_READ, 0x24, 176);
	CHECK_IOCTL(AXV_SET_REGS, _IOC_WRITE, 0x25, 176);
	CHECK_IOCTL(AXV_GET_SREGS, _IOC_READ, 0x26, 408);
	CHECK_IOCTL(AXV_SET_SREGS, _IOC_WRITE, 0x27, 408);
	CHECK_IOCTL(AXV_GET_FPU, _IOC_READ, 0x28, 4160);
	CHECK_IOCTL(AXV_SET_FPU, _IOC_WRITE, 0x29, 4160);
	CHECK_IOCTL(AXV_GET_MSRS, _IOC_READ | _IOC_WRITE, 0x2a, 8);
	CHECK_IOCTL(AXV_SET_MSRS, _IOC_WRITE, 0x2b, 8);
	CHECK_IOCTL(AXV_GET_EVENTS, _IOC_READ, 0x2c, 32);
	CHECK_IOCTL(AXV_SET_EVENTS, _IOC_WRITE, 0x2d, 32);
	CHECK_IOCTL(AXV_INTERRUPT, _IOC_WRITE, 0x2e, 32);
	CHECK_IOCTL(AXV_SET_TRAPS, _IOC_WRITE, 0x2f, 32);
	CHECK_IOCTL(AXV_SET_HYPERCALL_RESULT, _IOC_WRITE, 0x30, 8);
}

/* --- the run support: name tables ----------------------------------- */

/*
 * Every "#define @prefix<NAME> <number>" of the header is named <name> by
 * @name_of, and @table holds exactly these, in numeric order.
 */
static void check_number_defines(const char *prefix, const char *(*name_of)(__u32),
				 const struct axv_name *table, int at_least)
{
	static struct define defs[MAX_DEFINES];
	int i, defined = read_defines(prefix, defs);
	const struct axv_name *n;

	for (i = 0; i < defined; i++) {
		char *end;
		unsigned long value = strtoul(defs[i].rest, &end, 0);
		const char *got;

		if (end == defs[i].rest) {
			check_failed(__FILE__, __LINE__, "cannot parse %s%s:%s", prefix,
				     defs[i].name, defs[i].rest);
			continue;
		}
		got = name_of(value);
		if (!got)
			check_failed(__FILE__, __LINE__, "%s%s (%lu) has no name", prefix,
				     defs[i].name, value);
		else if (strcmp(got, defs[i].name))
			check_failed(__FILE__, __LINE__, "%s%s (%lu) is named '%s'", prefix,
				     defs[i].name, value, got);
	}
	CHECK(defined >= at_least);
	CHECK_INT(table_size(table), defined);
	for (n = table; n->name; n++)
		if (n != table && n->value <= n[-1].value)
			check_failed(__FILE__, __LINE__, "'%s' (%llu) follows '%s' (%llu)",
				     n->name, n->value, n[-1].name, n[-1].value);
}

static void test_exit_names_cover_header(void)
{
	check_number_defines("AXV_EXIT_", axv_exit_name, axv_exit_names, 18);
	/* Each reason has its own statistics entry. */
	CHECK(table_size(axv_exit_names) < AXV_VCPU_NR_EXIT_STATS);
}

static void test_entry_check_names_cover_header(void)
{
	check_number_defines("AXV_ENTRY_CHECK_", axv_entry_check_name, axv_entry_check_names,
			     17);
}

static void test_emul_fail_names_cover_header(void)
{
	check_number_defines("AXV_EMUL_FAIL_", axv_emul_fail_name, axv_emul_fail_names, 6);
	CHECK_STR_EQ(axv_emul_fail_name(AXV_EMUL_FAIL_OPCODE), "opcode");
	CHECK_STR_EQ(axv_emul_fail_name(AXV_EMUL_FAIL_TOO_MANY), "too_many");
	CHECK(!axv_emul_fail_name(0));
	CHECK(!axv_emul_fail_name(AXV_EMUL_FAIL_TOO_MANY + 1));
}

static void test_run_name_lookup(void)
{
	CHECK_STR_EQ(axv_exit_name(AXV_EXIT_UNKNOWN), "unknown");
	CHECK_STR_EQ(axv_exit_name(AXV_EXIT_IO), "io");
	CHECK_STR_EQ(axv_exit_name(AXV_EXIT_FAIL_ENTRY), "fail_entry");
	CHECK_STR_EQ(axv_exit_name(AXV_EXIT_INTERNAL_ERROR), "internal_error");
	CHECK_STR_EQ(axv_exit_name(AXV_EXIT_DEBUG_REG), "debug_reg");
	CHECK_STR_EQ(axv_exit_name(AXV_EXIT_EOI), "eoi");
	CHECK(!axv_exit_name(AXV_EXIT_EOI + 1));
	CHECK(!axv_exit_name(~0U));
	CHECK_STR_EQ(axv_entry_check_name(AXV_ENTRY_CHECK_NONE), "none");
	CHECK_STR_EQ(axv_entry_check_name(AXV_ENTRY_CHECK_DATA_SEG), "data_seg");
	CHECK_STR_EQ(axv_entry_check_name(AXV_ENTRY_CHECK_CR3), "cr3");
	CHECK(!axv_entry_check_name(AXV_ENTRY_CHECK_CR3 + 1));
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_RUN), "run");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_XSAVE_SIZE), "xsave_size");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_MAX_CPUID_ENTRIES), "max_cpuid_entries");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_KICK), "kick");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_TRAPS), "traps");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_MAX_MSRS), "max_msrs");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_LAPIC), "lapic");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_NOP_HYPERCALL), "nop_hypercall");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_VM_STATS), "vm_stats");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_EMULATOR), "emulator");
	CHECK_STR_EQ(axv_cap_name(AXV_CAP_LEVEL_IRQ), "level_irq");
	CHECK(!axv_cap_name(AXV_CAP_LEVEL_IRQ + 1));
}

/* --- the run support: wrappers --------------------------------------- */

static void test_raw_run_wrappers_keep_errno(void)
{
	struct axv_cpuid *cpuid = axv_cpuid_alloc(1);
	struct axv_msrs *msrs = axv_msrs_alloc(1);
	struct axv_interrupt irq = { .vector = 32 };
	struct axv_kick kick = { .vcpus = 1 };
	struct axv_traps traps = { 0 };
	struct axv_events events = { 0 };
	struct axv_sregs sregs = { 0 };
	struct axv_regs regs = { 0 };
	static struct axv_fpu fpu;
	__u64 result = 0;
	int fd = open_dev_null();

#define CHECK_ENOTTY(call)						\
	do {								\
		errno = 0;						\
		CHECK_INT(call, -1);					\
		CHECK_INT(errno, ENOTTY);				\
	} while (0)
	CHECK_ENOTTY(axv_raw_get_vcpu_mmap_size(fd));
	CHECK_ENOTTY(axv_raw_run(fd));
	CHECK_ENOTTY(axv_raw_get_regs(fd, &regs));
	CHECK_ENOTTY(axv_raw_set_regs(fd, &regs));
	CHECK_ENOTTY(axv_raw_get_sregs(fd, &sregs));
	CHECK_ENOTTY(axv_raw_set_sregs(fd, &sregs));
	CHECK_ENOTTY(axv_raw_get_fpu(fd, &fpu));
	CHECK_ENOTTY(axv_raw_set_fpu(fd, &fpu));
	CHECK_ENOTTY(axv_raw_get_msrs(fd, msrs));
	CHECK_ENOTTY(axv_raw_set_msrs(fd, msrs));
	CHECK_ENOTTY(axv_raw_get_events(fd, &events));
	CHECK_ENOTTY(axv_raw_set_events(fd, &events));
	CHECK_ENOTTY(axv_raw_interrupt(fd, &irq));
	CHECK_ENOTTY(axv_raw_set_traps(fd, &traps));
	CHECK_ENOTTY(axv_raw_set_hypercall_result(fd, &result));
	CHECK_ENOTTY(axv_raw_kick_vcpus(fd, &kick));
	CHECK_ENOTTY(axv_raw_get_cpuid(fd, cpuid));
	CHECK_ENOTTY(axv_raw_set_cpuid(fd, cpuid));
	CHECK_ENOTTY(axv_raw_get_supported_cpuid(fd, cpuid));
#undef CHECK_ENOTTY
	close(fd);
	errno = 0;
	CHECK_INT(axv_raw_run(fd), -1);
	CHECK_INT(errno, EBADF);
	free(cpuid);
	free(msrs);
}

/* Every checked wrapper of the run support on @fd must fail with -@code. */
static void check_run_wrappers_fail(int fd, int code)
{
	struct axv_cpuid *cpuid = axv_cpuid_alloc(2);
	struct axv_msrs *msrs = axv_msrs_alloc(3);
	struct axv_events events = { 0 };
	struct axv_sregs sregs = { 0 };
	struct axv_regs regs = { 0 };
	static struct axv_fpu fpu;
	struct axv_run *run = (struct axv_run *)&regs;
	size_t size = 12345;
	struct axv_err err;

#define CHECK_FAILS(call, name)						\
	do {								\
		err_dirty(&err);					\
		CHECK_INT(call, -code);					\
		CHECK_INT(err.code, code);				\
		CHECK_STR_HAS(err.msg, name);				\
		CHECK_STR_HAS(err.msg, strerror(code));			\
	} while (0)
	CHECK_FAILS(axv_get_vcpu_mmap_size(fd, &err), "ioctl AXV_GET_VCPU_MMAP_SIZE: ");
	CHECK_FAILS(axv_map_run(fd, fd, &run, &size, &err), "ioctl AXV_GET_VCPU_MMAP_SIZE: ");
	CHECK(run == (struct axv_run *)&regs);
	CHECK_INT(size, 12345);
	CHECK_FAILS(axv_run(fd, &err), "ioctl AXV_RUN: ");
	CHECK_FAILS(axv_get_regs(fd, &regs, &err), "ioctl AXV_GET_REGS: ");
	CHECK_FAILS(axv_set_regs(fd, &regs, &err), "ioctl AXV_SET_REGS: ");
	CHECK_FAILS(axv_get_sregs(fd, &sregs, &err), "ioctl AXV_GET_SREGS: ");
	CHECK_FAILS(axv_set_sregs(fd, &sregs, &err), "ioctl AXV_SET_SREGS: ");
	CHECK_FAILS(axv_get_fpu(fd, &fpu, &err), "ioctl AXV_GET_FPU: ");
	CHECK_FAILS(axv_set_fpu(fd, &fpu, &err), "ioctl AXV_SET_FPU: ");
	CHECK_FAILS(axv_get_msrs(fd, msrs, &err), "ioctl AXV_GET_MSRS(3 entries): ");
	CHECK_FAILS(axv_set_msrs(fd, msrs, &err), "ioctl AXV_SET_MSRS(3 entries): ");
	CHECK_FAILS(axv_get_events(fd, &events, &err), "ioctl AXV_GET_EVENTS: ");
	CHECK_FAILS(axv_set_events(fd, &events, &err), "ioctl AXV_SET_EVENTS: ");
	CHECK_FAILS(axv_interrupt(fd, 0x20, 0, &err), "ioctl AXV_INTERRUPT(vector 32 flags 0): ");
	CHECK_FAILS(axv_set_traps(fd, 0xa, AXV_TRAP_F_DEBUG_REGS, &err),
		    "ioctl AXV_SET_TRAPS(exceptions 0xa flags 0x1): ");
	CHECK_FAILS(axv_set_hypercall_result(fd, 5, &err), "ioctl AXV_SET_HYPERCALL_RESULT: ");
	CHECK_FAILS(axv_kick_vcpus(fd, 0x6, &err), "ioctl AXV_KICK_VCPUS(0x6): ");
	CHECK_FAILS(axv_get_cpuid(fd, cpuid, &err), "ioctl AXV_GET_CPUID(2 entries): ");
	CHECK_FAILS(axv_set_cpuid(fd, cpuid, &err), "ioctl AXV_SET_CPUID(2 entries): ");
	CHECK_FAILS(axv_get_supported_cpuid(fd, cpuid, &err),
		    "ioctl AXV_GET_SUPPORTED_CPUID(2 entries): ");
#undef CHECK_FAILS

	/* A NULL error struct is allowed. */
	CHECK_INT(axv_run(fd, NULL), -code);
	CHECK_INT(axv_get_regs(fd, &regs, NULL), -code);
	CHECK_INT(axv_map_run(fd, fd, &run, &size, NULL), -code);
	CHECK_INT(axv_interrupt(fd, 0x20, 0, NULL), -code);
	CHECK_INT(axv_get_cpuid(fd, cpuid, NULL), -code);
	free(cpuid);
	free(msrs);
}

static void test_run_wrappers_on_dev_null(void)
{
	int fd = open_dev_null();

	check_run_wrappers_fail(fd, ENOTTY);
	close(fd);
}

static void test_run_wrappers_on_closed_fd(void)
{
	int fd = open_dev_null();

	close(fd);
	check_run_wrappers_fail(fd, EBADF);
	check_run_wrappers_fail(-1, EBADF);
}

static void test_run_wrappers_null_args(void)
{
	struct axv_run *run;
	struct axv_err err;
	size_t size;

	fake_start();
#define CHECK_NULL(call, want)						\
	do {								\
		err_dirty(&err);					\
		CHECK_INT(call, -EINVAL);				\
		CHECK_INT(err.code, EINVAL);				\
		CHECK_STR_EQ(err.msg, want);				\
	} while (0)
	CHECK_NULL(axv_get_regs(fake.fd, NULL, &err), "AXV_GET_REGS: no buffer given");
	CHECK_NULL(axv_set_regs(fake.fd, NULL, &err), "AXV_SET_REGS: no argument given");
	CHECK_NULL(axv_get_sregs(fake.fd, NULL, &err), "AXV_GET_SREGS: no buffer given");
	CHECK_NULL(axv_set_sregs(fake.fd, NULL, &err), "AXV_SET_SREGS: no argument given");
	CHECK_NULL(axv_get_fpu(fake.fd, NULL, &err), "AXV_GET_FPU: no buffer given");
	CHECK_NULL(axv_set_fpu(fake.fd, NULL, &err), "AXV_SET_FPU: no argument given");
	CHECK_NULL(axv_get_msrs(fake.fd, NULL, &err), "AXV_GET_MSRS: no buffer given");
	CHECK_NULL(axv_set_msrs(fake.fd, NULL, &err), "AXV_SET_MSRS: no argument given");
	CHECK_NULL(axv_get_events(fake.fd, NULL, &err), "AXV_GET_EVENTS: no buffer given");
	CHECK_NULL(axv_set_events(fake.fd, NULL, &err), "AXV_SET_EVENTS: no argument given");
	CHECK_NULL(axv_get_cpuid(fake.fd, NULL, &err), "AXV_GET_CPUID: no buffer given");
	CHECK_NULL(axv_set_cpuid(fake.fd, NULL, &err), "AXV_SET_CPUID: no argument given");
	CHECK_NULL(axv_get_supported_cpuid(fake.fd, NULL, &err),
		   "AXV_GET_SUPPORTED_CPUID: no buffer given");
	CHECK_NULL(axv_map_run(fake.fd, fake.fd, NULL, &size, &err),
		   "map of the run structure: no result pointer given");
	CHECK_NULL(axv_map_run(fake.fd, fake.fd, &run, NULL, &err),
		   "map of the run structure: no result pointer given");
#undef CHECK_NULL
	CHECK_INT(fake.calls, 0);
	fake_stop();
}

static void test_checked_register_requests(void)
{
	static struct axv_fpu fpu, want_fpu;
	struct axv_sregs sregs, want_sregs;
	struct axv_events events, want_events;
	struct axv_regs regs, want_regs;
	struct axv_err err;

	fake_start();
	memset(&want_regs, 0, sizeof(want_regs));
	want_regs.rax = 0x2badb002;
	want_regs.rip = 0x100000;
	want_regs.rflags = 2;
	err_dirty(&err);
	CHECK_INT(axv_set_regs(fake.fd, &want_regs, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_REGS);
	CHECK_INT(fake.last_arg, (unsigned long)&want_regs);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');
	memset(&regs, 0xa5, sizeof(regs));
	CHECK_INT(axv_get_regs(fake.fd, &regs, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_REGS);
	CHECK(!memcmp(&regs, &want_regs, sizeof(regs)));

	memset(&want_sregs, 0, sizeof(want_sregs));
	want_sregs.cs.selector = 0x08;
	want_sregs.cs.limit = 0xffffffff;
	want_sregs.cr0 = 0x11;
	want_sregs.apic_base = 0xfee00900;
	CHECK_INT(axv_set_sregs(fake.fd, &want_sregs, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_SREGS);
	memset(&sregs, 0xa5, sizeof(sregs));
	CHECK_INT(axv_get_sregs(fake.fd, &sregs, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_SREGS);
	CHECK(!memcmp(&sregs, &want_sregs, sizeof(sregs)));

	memset(&want_fpu, 0, sizeof(want_fpu));
	want_fpu.xcr0 = 7;
	want_fpu.size = 832;
	want_fpu.xsave[24] = 0x80;	/* MXCSR */
	CHECK_INT(axv_set_fpu(fake.fd, &want_fpu, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_FPU);
	memset(&fpu, 0xa5, sizeof(fpu));
	CHECK_INT(axv_get_fpu(fake.fd, &fpu, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_FPU);
	CHECK(!memcmp(&fpu, &want_fpu, sizeof(fpu)));

	memset(&want_events, 0, sizeof(want_events));
	want_events.flags = AXV_EVENT_F_EXT_PENDING | AXV_EVENT_F_STI_SHADOW;
	want_events.ext_vector = 0x30;
	CHECK_INT(axv_set_events(fake.fd, &want_events, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_EVENTS);
	memset(&events, 0xa5, sizeof(events));
	CHECK_INT(axv_get_events(fake.fd, &events, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_EVENTS);
	CHECK(!memcmp(&events, &want_events, sizeof(events)));
	CHECK_INT(fake.calls, 8);
	fake_stop();
}

static void test_checked_msrs(void)
{
	struct axv_msrs *msrs = axv_msrs_alloc(3);
	struct axv_err err;

	CHECK(msrs);
	if (!msrs)
		return;
	fake_start();
	CHECK_INT(msrs->nmsrs, 3);
	msrs->entries[0].index = 0x10;
	msrs->entries[1].index = 0x174;
	msrs->entries[2].index = 0xc0000080;
	err_dirty(&err);
	CHECK_INT(axv_get_msrs(fake.fd, msrs, &err), 3);
	CHECK_INT(fake.last_req, AXV_GET_MSRS);
	CHECK_INT(fake.last_arg, (unsigned long)msrs);
	CHECK_INT(err.code, 0);
	/* The indices stay; the data is the kernel's. */
	CHECK_HEX(msrs->entries[0].index, 0x10);
	CHECK_HEX(msrs->entries[0].data, 0x20);
	CHECK_HEX(msrs->entries[2].index, 0xc0000080);
	CHECK_HEX(msrs->entries[2].data, 0x180000100ULL);

	/* A partial count is no failure. */
	fake.msr_limit = 1;
	msrs->entries[1].data = 0x1234;
	CHECK_INT(axv_set_msrs(fake.fd, msrs, &err), 1);
	CHECK_INT(fake.last_req, AXV_SET_MSRS);
	CHECK_INT(fake.nmsrs, 3);
	CHECK_HEX(fake.msrs[0].index, 0x10);
	CHECK_INT(err.code, 0);
	CHECK_INT(axv_get_msrs(fake.fd, msrs, NULL), 1);
	fake_stop();
	free(msrs);
}

static void test_checked_small_requests(void)
{
	struct axv_err err;

	fake_start();
	memset(&fake.irq, 0xa5, sizeof(fake.irq));
	err_dirty(&err);
	CHECK_INT(axv_interrupt(fake.fd, 0x41, 0, &err), 0);
	CHECK_INT(fake.last_req, AXV_INTERRUPT);
	CHECK_INT(fake.irq.vector, 0x41);
	CHECK_INT(fake.irq.flags, 0);
	CHECK_INT(fake.irq.reserved[0] | fake.irq.reserved[1] | fake.irq.reserved[2], 0);
	CHECK_INT(err.code, 0);
	CHECK_INT(axv_interrupt(fake.fd, 2, AXV_INTERRUPT_F_NMI, &err), -EINVAL);
	CHECK_INT(fake.irq.flags, AXV_INTERRUPT_F_NMI);
	CHECK_STR_EQ(err.msg, "ioctl AXV_INTERRUPT(vector 2 flags 0x1): Invalid argument");

	memset(&fake.traps, 0xa5, sizeof(fake.traps));
	err_dirty(&err);
	CHECK_INT(axv_set_traps(fake.fd, 0xa, AXV_TRAP_F_DEBUG_REGS, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_TRAPS);
	CHECK_HEX(fake.traps.exceptions, 0xa);
	CHECK_HEX(fake.traps.flags, AXV_TRAP_F_DEBUG_REGS);
	CHECK_INT(fake.traps.reserved[0] | fake.traps.reserved[1] | fake.traps.reserved[2], 0);
	CHECK_INT(err.code, 0);
	CHECK_INT(axv_set_traps(fake.fd, 0, 0x80, &err), -EINVAL);
	CHECK_STR_EQ(err.msg, "ioctl AXV_SET_TRAPS(exceptions 0 flags 0x80): Invalid argument");

	err_dirty(&err);
	CHECK_INT(axv_set_hypercall_result(fake.fd, 0xfffffffffffffffaULL, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_HYPERCALL_RESULT);
	CHECK_HEX(fake.hypercall_result, 0xfffffffffffffffaULL);
	CHECK_INT(err.code, 0);

	memset(&fake.kick, 0xa5, sizeof(fake.kick));
	err_dirty(&err);
	CHECK_INT(axv_kick_vcpus(fake.fd, 1ULL << 63 | 1, &err), 0);
	CHECK_INT(fake.last_req, AXV_KICK_VCPUS);
	CHECK_HEX(fake.kick.vcpus, 1ULL << 63 | 1);
	CHECK_INT(fake.kick.reserved[0] | fake.kick.reserved[1] | fake.kick.reserved[2], 0);
	CHECK_INT(err.code, 0);

	err_dirty(&err);
	CHECK_INT(axv_run(fake.fd, &err), 0);
	CHECK_INT(fake.last_req, AXV_RUN);
	CHECK_INT(fake.last_arg, 0);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');
	fake.run_errno = EINTR;
	CHECK_INT(axv_run(fake.fd, &err), -EINTR);
	CHECK_INT(err.code, EINTR);
	CHECK_STR_EQ(err.msg, "ioctl AXV_RUN: Interrupted system call");
	fake_stop();
}

static void test_checked_lapic(void)
{
	struct axv_lapic_state lapic;
	struct axv_err err;

	fake_start();
	/* AXV_SEND_IRQ: the count of accepting APICs, reserved fields zero. */
	memset(&fake.irq_msg, 0xa5, sizeof(fake.irq_msg));
	fake.irq_accepted = 2;
	err_dirty(&err);
	CHECK_INT(axv_send_irq(fake.fd, 0xff, 0x24, AXV_IRQ_F_LOWEST, &err), 2);
	CHECK_INT(fake.last_req, AXV_SEND_IRQ);
	CHECK_HEX(fake.irq_msg.dest, 0xff);
	CHECK_INT(fake.irq_msg.vector, 0x24);
	CHECK_HEX(fake.irq_msg.flags, AXV_IRQ_F_LOWEST);
	CHECK_INT(fake.irq_msg.pad | fake.irq_msg.reserved[0] | fake.irq_msg.reserved[1], 0);
	CHECK_INT(err.code, 0);
	fake.irq_accepted = 0;
	CHECK_INT(axv_send_irq(fake.fd, 3, 0x30, 0, &err), 0);
	fake.irq_accepted = -1;
	CHECK_INT(axv_send_irq(fake.fd, 3, 0x30, 0, &err), -ENXIO);
	CHECK_INT(err.code, ENXIO);
	CHECK_STR_HAS(err.msg, "ioctl AXV_SEND_IRQ(dest 0x3 vector 48 flags 0): ");

	/* AXV_SET_LAPIC and AXV_GET_LAPIC; the register helpers. */
	memset(&lapic, 0, sizeof(lapic));
	axv_lapic_set_reg(&lapic, 0x20, 0x05000000);
	axv_lapic_set_reg(&lapic, 0xf0, 0x1ff);
	CHECK_HEX(axv_lapic_reg(&lapic, 0x20), 0x05000000);
	CHECK_HEX(lapic.regs[0x23], 0x05);
	CHECK_HEX(axv_lapic_reg(&lapic, 0xf0), 0x1ff);
	err_dirty(&err);
	CHECK_INT(axv_set_lapic(fake.fd, &lapic, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_LAPIC);
	CHECK_INT(err.code, 0);
	memset(&lapic, 0xff, sizeof(lapic));
	CHECK_INT(axv_get_lapic(fake.fd, &lapic, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_LAPIC);
	CHECK_HEX(axv_lapic_reg(&lapic, 0x20), 0x05000000);
	CHECK_HEX(axv_lapic_reg(&lapic, 0x30), 0);
	CHECK_INT(axv_get_lapic(fake.fd, NULL, &err), -EINVAL);
	CHECK_INT(axv_set_lapic(fake.fd, NULL, &err), -EINVAL);
	fake_stop();
	CHECK_INT(axv_raw_send_irq(-1, &fake.irq_msg), -1);
	CHECK_INT(errno, EBADF);
}

static void test_lapic_assists(void)
{
	struct axv_vmx_caps caps;
	const struct axv_lapic_assist *a;
	int n = 0;

	memset(&caps, 0, sizeof(caps));
	for (a = axv_lapic_assists; a->name; a++) {
		n++;
		CHECK_STR_EQ(axv_vmx_feature_name(a->feature), a->name);
		CHECK(!axv_lapic_assist_offered(&caps, a));
		CHECK(!axv_lapic_assist_used(&caps, a));
	}
	CHECK_INT(n, 6);
	/* Offered: the feature bits.  Used: the control bits of the SDM. */
	caps.features = AXV_VMX_F_TPR_SHADOW | AXV_VMX_F_POSTED_INTR;
	caps.proc_used = 1U << 21;
	caps.proc2_used = 1U << 0 | 1U << 9;
	caps.pin_used = 1U << 7;
	for (a = axv_lapic_assists; a->name; a++) {
		bool offered = !strcmp(a->name, "tpr_shadow") || !strcmp(a->name, "posted_intr");
		bool used = strcmp(a->name, "x2apic_virt") && strcmp(a->name, "apic_reg_virt");

		CHECK_INT(axv_lapic_assist_offered(&caps, a), offered);
		CHECK_INT(axv_lapic_assist_used(&caps, a), used);
	}
	caps.proc2_used = 1U << 4 | 1U << 8;
	caps.proc_used = 0;
	caps.pin_used = 0;
	for (a = axv_lapic_assists; a->name; a++)
		CHECK_INT(axv_lapic_assist_used(&caps, a),
			  !strcmp(a->name, "x2apic_virt") || !strcmp(a->name, "apic_reg_virt"));

	CHECK_STR_EQ(axv_vm_flag_name(AXV_VM_F_LAPIC), "lapic");
	CHECK(!axv_vm_flag_name(AXV_VM_F_ALL + 1));
	CHECK_STR_EQ(axv_irq_flag_name(AXV_IRQ_F_NMI), "nmi");
	CHECK_STR_EQ(axv_irq_flag_name(AXV_IRQ_F_LOGICAL), "logical");
	CHECK_STR_EQ(axv_irq_flag_name(AXV_IRQ_F_LOWEST), "lowest");
	CHECK(!axv_irq_flag_name(AXV_IRQ_F_ALL + 1));
	CHECK_INT(sizeof(struct axv_irq), 32);
	CHECK_INT(sizeof(struct axv_lapic_state), AXV_LAPIC_REGS_SIZE + 64);
}

static void test_checked_cpuid(void)
{
	struct axv_cpuid *small = axv_cpuid_alloc(1), *big = axv_cpuid_alloc(4);
	struct axv_err err;

	CHECK(small && big);
	if (!small || !big)
		goto out;
	fake_start();
	big->nent = 2;
	big->entries[0].function = 0;
	big->entries[0].eax = 0xd;
	big->entries[1].function = 7;
	big->entries[1].flags = AXV_CPUID_F_INDEXED;
	big->entries[1].ebx = 0x219c07ab;
	err_dirty(&err);
	CHECK_INT(axv_set_cpuid(fake.fd, big, &err), 0);
	CHECK_INT(fake.last_req, AXV_SET_CPUID);
	CHECK_INT(fake.cpuid_nent, 2);
	CHECK_HEX(fake.cpuid[1].ebx, 0x219c07ab);
	CHECK_INT(err.code, 0);

	/* Too little room: E2BIG, and nent says what is needed. */
	err_dirty(&err);
	CHECK_INT(axv_get_cpuid(fake.fd, small, &err), -E2BIG);
	CHECK_INT(small->nent, 2);
	CHECK_STR_EQ(err.msg, "ioctl AXV_GET_CPUID(1 entries): Argument list too long");

	memset(big->entries, 0, 4 * sizeof(big->entries[0]));
	big->nent = 4;
	CHECK_INT(axv_get_cpuid(fake.fd, big, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_CPUID);
	CHECK_INT(big->nent, 2);
	CHECK_INT(big->entries[1].function, 7);
	CHECK_HEX(big->entries[1].ebx, 0x219c07ab);
	CHECK_INT(err.code, 0);

	big->nent = 4;
	CHECK_INT(axv_get_supported_cpuid(fake.fd, big, &err), 0);
	CHECK_INT(fake.last_req, AXV_GET_SUPPORTED_CPUID);
	CHECK_INT(big->nent, 2);
	small->nent = 1;
	CHECK_INT(axv_get_supported_cpuid(fake.fd, small, &err), -E2BIG);
	CHECK_STR_HAS(err.msg, "AXV_GET_SUPPORTED_CPUID(1 entries)");

	big->nent = 5;
	CHECK_INT(axv_set_cpuid(fake.fd, big, &err), -E2BIG);
	CHECK_STR_HAS(err.msg, "AXV_SET_CPUID(5 entries)");
	fake_stop();
out:
	free(small);
	free(big);
}

static void test_allocators(void)
{
	struct axv_cpuid *cpuid = axv_cpuid_alloc(0);
	struct axv_msrs *msrs = axv_msrs_alloc(64);
	int i, zero = 1;

	CHECK(cpuid && cpuid->nent == 0);
	CHECK(msrs && msrs->nmsrs == 64);
	for (i = 0; msrs && i < 64; i++)
		zero &= !msrs->entries[i].index && !msrs->entries[i].data;
	CHECK(zero);
	free(cpuid);
	free(msrs);
	CHECK(!axv_cpuid_alloc(~0U));
	CHECK(!axv_msrs_alloc(~0U));
}

static void test_map_run(void)
{
	struct axv_run *run = NULL;
	struct axv_err err;
	size_t size = 0;

	fake_start();
	fake.mmap_size = 8192;
	err_dirty(&err);
	CHECK_INT(axv_map_run(fake.fd, fake.fd, &run, &size, &err), 0);
	CHECK_INT(err.code, 0);
	CHECK_INT(err.msg[0], '\0');
	CHECK_INT(fake.last_req, AXV_GET_VCPU_MMAP_SIZE);
	CHECK_INT(fake.mmap_len, 8192);
	CHECK_INT(fake.mmap_prot, PROT_READ | PROT_WRITE);
	CHECK_INT(fake.mmap_flags, MAP_SHARED);
	CHECK_INT(fake.mmap_offset, 0);
	CHECK_INT(size, 8192);
	CHECK(run);
	if (run) {
		run->data[AXV_RUN_DATA_SIZE - 1] = 1;	/* mapped, writable */
		axv_unmap_run(run, size);
	}
	axv_unmap_run(NULL, 0);
	CHECK_INT(fake.calls, 2);

	/* Smaller than the structure: refused without mapping. */
	fake.mmap_size = sizeof(struct axv_run) - 1;
	run = NULL;
	size = 0;
	CHECK_INT(axv_map_run(fake.fd, fake.fd, &run, &size, &err), -EPROTO);
	CHECK_INT(err.code, EPROTO);
	CHECK_STR_HAS(err.msg, "AXV_GET_VCPU_MMAP_SIZE: 2623 bytes");
	CHECK(!run && !size);
	CHECK_INT(fake.calls, 3);

	/* The mmap() failure is reported. */
	fake.mmap_size = 4096;
	fake.mmap_errno = ENODEV;
	CHECK_INT(axv_map_run(fake.fd, fake.fd, &run, &size, &err), -ENODEV);
	CHECK_STR_EQ(err.msg, "mmap of the vCPU run structure (4096 bytes): No such device");
	CHECK(!run && !size);
	CHECK_INT(axv_get_vcpu_mmap_size(fake.fd, &err), 4096);
	fake_stop();
}

int main(void)
{
	RUN(test_abi_layout);
	RUN(test_abi_vcpu_layout);
	RUN(test_abi_memory_layout);
	RUN(test_abi_vcpu_op_layout);
	RUN(test_cap_names_cover_header);
	RUN(test_feature_names_cover_header);
	RUN(test_vcpu_state_names_cover_header);
	RUN(test_vcpu_op_names_cover_header);
	RUN(test_name_lookup);
	RUN(test_vcpu_state_name_lookup);
	RUN(test_vcpu_op_name_lookup);
	RUN(test_parse_size_valid);
	RUN(test_parse_size_suffixes);
	RUN(test_parse_size_overflow);
	RUN(test_parse_size_garbage);
	RUN(test_parse_size_empty);
	RUN(test_format_caps_fields);
	RUN(test_format_caps_ctls_names);
	RUN(test_format_caps_features);
	RUN(test_format_caps_unknown_bits);
	RUN(test_format_caps_truncation);
	RUN(test_raw_wrappers_keep_errno);
	RUN(test_checked_on_dev_null);
	RUN(test_checked_on_closed_fd);
	RUN(test_get_vmx_caps_null);
	RUN(test_vcpu_null_args);
	RUN(test_memory_region_null_arg);
	RUN(test_checked_requests);
	RUN(test_vcpu_create_init);
	RUN(test_checked_vcpu_requests);
	RUN(test_checked_memory_requests);
	RUN(test_checked_vm_stats);
	RUN(test_checked_vcpu_op);
	RUN(test_raw_vcpu_op);
	RUN(test_api_version_mismatch);
	RUN(test_dev_path_default);
	RUN(test_dev_env_missing);
	RUN(test_open_flags);
	RUN(test_abi_run_layout);
	RUN(test_abi_register_layout);
	RUN(test_abi_run_ioctls);
	RUN(test_exit_names_cover_header);
	RUN(test_entry_check_names_cover_header);
	RUN(test_emul_fail_names_cover_header);
	RUN(test_run_name_lookup);
	RUN(test_raw_run_wrappers_keep_errno);
	RUN(test_run_wrappers_on_dev_null);
	RUN(test_run_wrappers_on_closed_fd);
	RUN(test_run_wrappers_null_args);
	RUN(test_checked_register_requests);
	RUN(test_checked_msrs);
	RUN(test_checked_small_requests);
	RUN(test_checked_cpuid);
	RUN(test_checked_lapic);
	RUN(test_lapic_assists);
	RUN(test_allocators);
	RUN(test_map_run);

	return check_report();
}
