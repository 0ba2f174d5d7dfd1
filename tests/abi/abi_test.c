// SPDX-License-Identifier: GPL-2.0
/*
 * abi_test: checks of the /dev/axvcpu ABI, run inside the test machine with
 * the axvcpu module loaded.  Every check prints one line on stdout:
 *
 *	AXVTEST ok NAME
 *	AXVTEST fail NAME REASON
 *
 * Modes:
 *	abi_test			every ABI check
 *	abi_test --expect-busy		only: AXV_CREATE_VM fails with EBUSY
 *					(another hypervisor holds VMX)
 *	abi_test --create-vm-hold SECS	create a VM, hold it SECS seconds
 *					(or until SIGTERM),
 *					close it (CPU hotplug tests)
 *
 * The device is $AXVCPU_DEV or /dev/axvcpu.  Exit status: 0 when every check
 * passed, 1 when one failed, 2 on a usage error.
 */
#define _GNU_SOURCE	/* strerrorname_np() */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libaxv.h"

/* Numbers /dev/axvcpu does not know: an unused nr and KVM's type. */
#define AXV_UNUSED_NR	0x7f
#define KVMIO		0xAE

/* The AXV_CAP_MAX_VCPUS value this kernel promises. */
#define AXV_TEST_MAX_VCPUS	64

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))

struct check {
	const char *name;
	int (*fn)(int dev);	/* 0: passed; -1: failed, reason set */
};

static char reason[512];

/* Set the reason of the failing check; returns -1. */
__attribute__((format(printf, 1, 2)))
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	return -1;
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown errno";
}

/* @what failed with errno set; returns -1. */
static int sys_fail(const char *what)
{
	int err = errno;

	return fail("%s: %s (%s)", what, errname(err), strerror(err));
}

/* A call returned @ret with errno @err; it should have failed with @want. */
static int expect_errno(const char *what, long ret, int err, int want)
{
	if (ret != -1)
		return fail("%s returned %ld, expected -1 with %s", what, ret, errname(want));
	if (err != want)
		return fail("%s failed with %s (%s), expected %s", what, errname(err),
			    strerror(err), errname(want));
	return 0;
}

/*
 * Issue @req on @fd and expect ENOTTY.  Should a CREATE_VM- or
 * CREATE_VCPU-numbered request be wrongly accepted, the fd it returned is
 * closed.
 */
static int expect_enotty(int fd, const char *what, unsigned long req, unsigned long arg)
{
	int ret = axv_raw_ioctl(fd, req, arg);
	int err = errno;

	if (ret >= 0 && (_IOC_NR(req) == _IOC_NR(AXV_CREATE_VM) ||
			 _IOC_NR(req) == _IOC_NR(AXV_CREATE_VCPU)))
		close(ret);
	return expect_errno(what, ret, err, ENOTTY);
}

static int create_vm(int dev, int *vm)
{
	*vm = axv_raw_create_vm(dev, 0);
	if (*vm < 0)
		return sys_fail("AXV_CREATE_VM");
	return 0;
}

static int close_vm(int vm, const char *what)
{
	if (close(vm))
		return sys_fail(what);
	return 0;
}

static int get_caps(int dev, struct axv_vmx_caps *caps)
{
	int ret;

	/* A pattern, so that fields the kernel leaves alone show up. */
	memset(caps, 0xa5, sizeof(*caps));
	ret = axv_raw_get_vmx_caps(dev, caps);
	if (ret < 0)
		return sys_fail("AXV_GET_VMX_CAPS");
	if (ret)
		return fail("AXV_GET_VMX_CAPS returned %d, expected 0", ret);
	return 0;
}

static int check_api_version(int dev)
{
	int ret = axv_raw_get_api_version(dev);

	if (ret < 0)
		return sys_fail("AXV_GET_API_VERSION");
	if (ret != AXV_API_VERSION)
		return fail("AXV_GET_API_VERSION returned %d, expected %d", ret, AXV_API_VERSION);
	return 0;
}

static int check_api_version_arg(int dev)
{
	static const unsigned long args[] = { 1, 1UL << 31, 1UL << 32, ~0UL };
	char what[64];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		snprintf(what, sizeof(what), "AXV_GET_API_VERSION(%#lx)", args[i]);
		ret = axv_raw_ioctl(dev, AXV_GET_API_VERSION, args[i]);
		if (expect_errno(what, ret, errno, EINVAL))
			return -1;
	}
	return 0;
}

static int check_extension_vmx(int dev)
{
	int ret = axv_raw_check_extension(dev, AXV_CAP_X86_VMX);

	if (ret < 0)
		return sys_fail("AXV_CHECK_EXTENSION(AXV_CAP_X86_VMX)");
	if (ret != 1)
		return fail("AXV_CHECK_EXTENSION(AXV_CAP_X86_VMX) returned %d, expected 1", ret);
	return 0;
}

static int check_extension_known(int dev)
{
	const struct axv_name *cap;
	char what[64];

	for (cap = axv_cap_names; cap->name; cap++) {
		snprintf(what, sizeof(what), "AXV_CHECK_EXTENSION(%s)", cap->name);
		if (axv_raw_check_extension(dev, cap->value) < 0)
			return sys_fail(what);
	}
	return 0;
}

static int check_extension_unknown(int dev)
{
	/* 1UL << 32 | AXV_CAP_X86_VMX: the number must not be truncated. */
	static const unsigned long caps[] = {
		0, 0xdead, 1UL << 32 | AXV_CAP_X86_VMX, ~0UL
	};
	char what[64];
	size_t i;
	int ret;

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		snprintf(what, sizeof(what), "AXV_CHECK_EXTENSION(%#lx)", caps[i]);
		ret = axv_raw_check_extension(dev, caps[i]);
		if (ret < 0)
			return sys_fail(what);
		if (ret != 0)
			return fail("AXV_CHECK_EXTENSION(%#lx) returned %d, expected 0",
				    caps[i], ret);
	}
	return 0;
}

static int check_vmx_caps_get(int dev)
{
	struct axv_vmx_caps caps;

	return get_caps(dev, &caps);
}

static int check_vmx_caps_features(int dev)
{
	static const __u64 need = AXV_VMX_F_EPT | AXV_VMX_F_UNRESTRICTED_GUEST;
	struct axv_vmx_caps caps;

	if (get_caps(dev, &caps))
		return -1;
	if ((caps.features & need) != need)
		return fail("features %#llx lack EPT or unrestricted guest", caps.features);
	return 0;
}

static int check_vmx_caps_vmcs_size(int dev)
{
	struct axv_vmx_caps caps;

	if (get_caps(dev, &caps))
		return -1;
	if (caps.vmcs_size < 1 || caps.vmcs_size > 4096)
		return fail("vmcs_size %u not in 1..4096", caps.vmcs_size);
	return 0;
}

/* The decoded fields agree with the raw MSRs they come from. */
static int check_vmx_caps_decoded(int dev)
{
	struct axv_vmx_caps caps;

	if (get_caps(dev, &caps))
		return -1;
	if (caps.vmcs_revision != (caps.basic & 0x7fffffff))
		return fail("vmcs_revision %#x, IA32_VMX_BASIC %#llx", caps.vmcs_revision,
			    caps.basic);
	if (caps.vmcs_size != ((caps.basic >> 32) & 0x1fff))
		return fail("vmcs_size %u, IA32_VMX_BASIC %#llx", caps.vmcs_size, caps.basic);
	if (caps.preemption_timer_shift != (caps.misc & 0x1f))
		return fail("preemption_timer_shift %u, IA32_VMX_MISC %#llx",
			    caps.preemption_timer_shift, caps.misc);
	return 0;
}

static int check_vmx_caps_reserved(int dev)
{
	struct axv_vmx_caps caps;
	size_t i;

	if (get_caps(dev, &caps))
		return -1;
	for (i = 0; i < sizeof(caps.reserved) / sizeof(caps.reserved[0]); i++)
		if (caps.reserved[i])
			return fail("reserved[%zu] is %#llx", i, caps.reserved[i]);
	return 0;
}

static int check_vmx_caps_efault(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	char *map;
	int ret;

	ret = axv_raw_get_vmx_caps(dev, (struct axv_vmx_caps *)1);
	if (expect_errno("AXV_GET_VMX_CAPS((void *)1)", ret, errno, EFAULT))
		return -1;
	ret = axv_raw_get_vmx_caps(dev, NULL);
	if (expect_errno("AXV_GET_VMX_CAPS(NULL)", ret, errno, EFAULT))
		return -1;

	/* A read-only page, and a buffer that runs off the end of a mapping. */
	map = mmap(NULL, 2 * page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return sys_fail("mmap");
	ret = axv_raw_get_vmx_caps(dev, (struct axv_vmx_caps *)map);
	ret = expect_errno("AXV_GET_VMX_CAPS(read-only page)", ret, errno, EFAULT);
	if (ret)
		goto out;
	if (mprotect(map, page, PROT_READ | PROT_WRITE) || munmap(map + page, page)) {
		ret = sys_fail("mprotect/munmap");
		goto out;
	}
	ret = axv_raw_get_vmx_caps(dev, (struct axv_vmx_caps *)(map + page - 16));
	ret = expect_errno("AXV_GET_VMX_CAPS(end of mapping)", ret, errno, EFAULT);
out:
	munmap(map, 2 * page);
	return ret ? -1 : 0;
}

static int check_ioctl_unknown_nr(int dev)
{
	__u64 buf = 0;

	if (expect_enotty(dev, "_IO(AXVIO, 0x7f)", _IO(AXVIO, AXV_UNUSED_NR), 0))
		return -1;
	return expect_enotty(dev, "_IOR(AXVIO, 0x7f, __u64)",
			     _IOR(AXVIO, AXV_UNUSED_NR, __u64), (unsigned long)&buf);
}

static int check_ioctl_foreign_type(int dev)
{
	if (expect_enotty(dev, "_IO(KVMIO, 0x00)", _IO(KVMIO, 0x00), 0))
		return -1;
	return expect_enotty(dev, "_IO(KVMIO, 0x01)", _IO(KVMIO, 0x01), 0);
}

/* A known nr with the wrong direction or size must not be accepted. */
static int check_ioctl_wrong_encoding(int dev)
{
	static struct axv_vmx_caps scratch[2];
	const unsigned long buf = (unsigned long)scratch;
	const struct {
		const char *what;
		unsigned long req;
		unsigned long arg;
	} *r, reqs[] = {
		{ "_IOR(AXVIO, 0x03, __u64)", _IOR(AXVIO, 0x03, __u64), buf },
		{ "_IOW(AXVIO, 0x03, caps)", _IOW(AXVIO, 0x03, struct axv_vmx_caps), buf },
		{ "_IOWR(AXVIO, 0x03, caps)", _IOWR(AXVIO, 0x03, struct axv_vmx_caps), buf },
		{ "_IO(AXVIO, 0x03)", _IO(AXVIO, 0x03), buf },
		{ "_IOR(AXVIO, 0x00, __u32)", _IOR(AXVIO, 0x00, __u32), 0 },
		{ "_IOW(AXVIO, 0x01, __u64)", _IOW(AXVIO, 0x01, __u64), AXV_CAP_X86_VMX },
		{ "_IOW(AXVIO, 0x02, __u64)", _IOW(AXVIO, 0x02, __u64), 0 },
		{ "_IOR(AXVIO, 0x02, __s32)", _IOR(AXVIO, 0x02, __s32), 0 },
	};

	for (r = reqs; r < reqs + sizeof(reqs) / sizeof(reqs[0]); r++)
		if (expect_enotty(dev, r->what, r->req, r->arg))
			return -1;
	return 0;
}

static int check_create_vm_flags(int dev)
{
	static const unsigned long flags[] = {
		AXV_VM_F_ALL + 1, 1UL << 31, 1UL << 32, ~0UL,
	};
	char what[64];
	size_t i;
	int ret, err;

	bool created, offered;

	/* The defined flag works exactly when its capability says so. */
	ret = axv_raw_create_vm(dev, AXV_VM_F_LAPIC);
	created = ret >= 0;
	if (created)
		close(ret);
	offered = axv_raw_check_extension(dev, AXV_CAP_LAPIC) > 0;
	if (created != offered)
		return fail("AXV_CREATE_VM(AXV_VM_F_LAPIC) gave %d against AXV_CAP_LAPIC", ret);
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		snprintf(what, sizeof(what), "AXV_CREATE_VM(%#lx)", flags[i]);
		ret = axv_raw_create_vm(dev, flags[i]);
		err = errno;
		if (ret >= 0)
			close(ret);
		if (expect_errno(what, ret, err, EINVAL))
			return -1;
	}
	return 0;
}

static int check_create_vm(int dev)
{
	int vm, fdflags, flflags;

	if (create_vm(dev, &vm))
		return -1;
	fdflags = fcntl(vm, F_GETFD);
	flflags = fcntl(vm, F_GETFL);
	close(vm);
	if (vm == dev)
		return fail("AXV_CREATE_VM returned the device fd");
	if (fdflags < 0 || flflags < 0)
		return sys_fail("fcntl(VM fd)");
	if (!(fdflags & FD_CLOEXEC))
		return fail("VM fd lacks FD_CLOEXEC");
	if ((flflags & O_ACCMODE) != O_RDWR)
		return fail("VM fd access mode %#x, expected O_RDWR", flflags & O_ACCMODE);
	return 0;
}

static int check_vm_unknown_ioctl(int dev)
{
	int vm, ret;

	if (create_vm(dev, &vm))
		return -1;
	ret = expect_enotty(vm, "VM fd _IO(AXVIO, 0x7f)", _IO(AXVIO, AXV_UNUSED_NR), 0);
	if (!ret)
		ret = expect_enotty(vm, "VM fd _IO(KVMIO, 0x00)", _IO(KVMIO, 0x00), 0);
	close(vm);
	return ret;
}

static int check_two_vms(int dev)
{
	int a, b, ret;

	if (create_vm(dev, &a))
		return -1;
	if (create_vm(dev, &b)) {
		close(a);
		return -1;
	}
	ret = a == b ? fail("both VMs got fd %d", a) : check_api_version(dev);
	close(b);
	close(a);
	return ret;
}

/*
 * Create two VMs, close them (@first_first: in creation order, else in
 * reverse), then make sure a VM can be created again once none is left.
 */
static int two_vms_close(int dev, int first_first)
{
	int a, b, c;

	if (create_vm(dev, &a))
		return -1;
	if (create_vm(dev, &b)) {
		close(a);
		return -1;
	}
	if (first_first) {
		if (close_vm(a, "close(first VM)") || close_vm(b, "close(second VM)"))
			return -1;
	} else {
		if (close_vm(b, "close(second VM)") || close_vm(a, "close(first VM)"))
			return -1;
	}
	if (create_vm(dev, &c))
		return -1;
	return close_vm(c, "close(new VM)");
}

static int check_vm_close_first_first(int dev)
{
	return two_vms_close(dev, 1);
}

static int check_vm_close_last_first(int dev)
{
	return two_vms_close(dev, 0);
}

/* --- vCPUs ------------------------------------------------------------ */

/*
 * A read-write page followed by an unmapped one, for arguments that run off
 * the end of a mapping.  Returns the page (unmap it with munmap(p, page)),
 * or NULL with the reason set.
 */
static char *map_edge_page(long page)
{
	char *map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (map == MAP_FAILED) {
		sys_fail("mmap");
		return NULL;
	}
	if (munmap(map + page, page)) {
		sys_fail("munmap");
		munmap(map, 2 * page);
		return NULL;
	}
	return map;
}

/* AXV_CREATE_VCPU(@c) on @vm; *@vcpu is the new fd. */
static int create_vcpu(int vm, const struct axv_vcpu_create *c, int *vcpu)
{
	char what[64];

	*vcpu = axv_raw_create_vcpu(vm, c);
	if (*vcpu >= 0)
		return 0;
	snprintf(what, sizeof(what), "AXV_CREATE_VCPU(id %u, apic_id %u, role %u)",
		 c->id, c->apic_id, c->role);
	return sys_fail(what);
}

/* Create vCPU @id with @apic_id and @role, defaults otherwise. */
static int new_vcpu(int vm, __u32 id, __u32 apic_id, __u32 role, int *vcpu)
{
	struct axv_vcpu_create c;

	axv_vcpu_create_init(&c, id, apic_id);
	c.role = role;
	return create_vcpu(vm, &c, vcpu);
}

/*
 * AXV_CREATE_VCPU(@c) on @vm must fail with @want; @fmt describes the
 * case.  A vCPU wrongly created is closed.
 */
__attribute__((format(printf, 4, 5)))
static int expect_create_errno(int vm, const struct axv_vcpu_create *c, int want,
			       const char *fmt, ...)
{
	char what[128];
	int ret, err;
	va_list ap;
	size_t n;

	n = snprintf(what, sizeof(what), "AXV_CREATE_VCPU(");
	va_start(ap, fmt);
	vsnprintf(what + n, sizeof(what) - n, fmt, ap);
	va_end(ap);
	n = strlen(what);
	snprintf(what + n, sizeof(what) - n, ")");

	ret = axv_raw_create_vcpu(vm, c);
	err = errno;
	if (ret >= 0)
		close(ret);
	return expect_errno(what, ret, err, want);
}

/* AXV_GET_VCPU_STATE into @st, which is first filled with a pattern. */
static int get_state(int vcpu, struct axv_vcpu_state *st)
{
	int ret;

	memset(st, 0xa5, sizeof(*st));
	ret = axv_raw_get_vcpu_state(vcpu, st);
	if (ret < 0)
		return sys_fail("AXV_GET_VCPU_STATE");
	if (ret)
		return fail("AXV_GET_VCPU_STATE returned %d, expected 0", ret);
	return 0;
}

/* AXV_GET_VCPU_STATS into @st, which is first filled with a pattern. */
static int get_stats(int vcpu, struct axv_vcpu_stats *st)
{
	int ret;

	memset(st, 0xa5, sizeof(*st));
	ret = axv_raw_get_vcpu_stats(vcpu, st);
	if (ret < 0)
		return sys_fail("AXV_GET_VCPU_STATS");
	if (ret)
		return fail("AXV_GET_VCPU_STATS returned %d, expected 0", ret);
	return 0;
}

static const char *state_name(__u32 state)
{
	const char *name = axv_vcpu_state_name(state);

	return name ? name : "unknown";
}

/*
 * The state of a vCPU that was just created must be exactly this: set up
 * at creation, a BSP is free to run and an AP waits for a start.
 */
static int expect_new_state(int vcpu, __u32 id, __u32 apic_id, int bsp, __s32 favoured)
{
	struct axv_vcpu_state st;
	__u32 flags = bsp ? AXV_VCPU_STATE_F_BSP : 0;
	__u32 state = bsp ? AXV_VCPU_STATE_FREE : AXV_VCPU_STATE_WAIT_START;
	size_t i;

	if (get_state(vcpu, &st))
		return -1;
	if (st.state != state)
		return fail("vCPU %u: state %u (%s), expected %u (%s)", id, st.state,
			    state_name(st.state), state, state_name(state));
	if (st.flags != flags)
		return fail("vCPU %u: flags %#x, expected %#x", id, st.flags, flags);
	if (st.id != id || st.apic_id != apic_id)
		return fail("vCPU %u: id %u apic_id %u, expected %u and %u", id, st.id,
			    st.apic_id, id, apic_id);
	if (st.sipi_vector || st.pending_ipis || st.pad)
		return fail("vCPU %u: sipi_vector %#x pending_ipis %u pad %#x, expected 0",
			    id, st.sipi_vector, st.pending_ipis, st.pad);
	if (st.favoured_cpu != favoured)
		return fail("vCPU %u: favoured_cpu %d, expected %d", id, st.favoured_cpu,
			    favoured);
	for (i = 0; i < ARRAY_LEN(st.reserved); i++)
		if (st.reserved[i])
			return fail("vCPU %u: reserved[%zu] is %#llx", id, i, st.reserved[i]);
	return 0;
}

/* Create vCPU @id in a new VM with @role; check its state says @bsp. */
static int create_one(int dev, __u32 id, __u32 apic_id, __u32 role, int bsp)
{
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	ret = new_vcpu(vm, id, apic_id, role, &vcpu);
	if (!ret) {
		ret = expect_new_state(vcpu, id, apic_id, bsp, -1);
		close(vcpu);
	}
	close(vm);
	return ret;
}

static int check_extension_max_vcpus(int dev)
{
	int ret = axv_raw_check_extension(dev, AXV_CAP_MAX_VCPUS);

	if (ret < 0)
		return sys_fail("AXV_CHECK_EXTENSION(AXV_CAP_MAX_VCPUS)");
	if (ret != AXV_TEST_MAX_VCPUS)
		return fail("AXV_CHECK_EXTENSION(AXV_CAP_MAX_VCPUS) returned %d, expected %d",
			    ret, AXV_TEST_MAX_VCPUS);
	return 0;
}

static int check_vcpu_create_bsp_default(int dev)
{
	return create_one(dev, 0, 0, AXV_VCPU_ROLE_DEFAULT, 1);
}

static int check_vcpu_create_ap_default(int dev)
{
	return create_one(dev, 1, 1, AXV_VCPU_ROLE_DEFAULT, 0);
}

static int check_vcpu_create_apic_id_max(int dev)
{
	return create_one(dev, 1, AXV_VCPU_MAX_APIC_ID, AXV_VCPU_ROLE_DEFAULT, 0);
}

/* An AP with id 0 and a BSP with id 5 in one VM. */
static int check_vcpu_create_explicit_roles(int dev)
{
	int vm, ap, bsp, ret;

	if (create_vm(dev, &vm))
		return -1;
	ret = new_vcpu(vm, 0, 0, AXV_VCPU_ROLE_AP, &ap);
	if (ret)
		goto out_vm;
	ret = new_vcpu(vm, 5, 5, AXV_VCPU_ROLE_BSP, &bsp);
	if (ret)
		goto out_ap;
	ret = expect_new_state(ap, 0, 0, 0, -1);
	if (!ret)
		ret = expect_new_state(bsp, 5, 5, 1, -1);
	close(bsp);
out_ap:
	close(ap);
out_vm:
	close(vm);
	return ret;
}

/* Favoured CPU 0, allowed CPUs {0}. */
static int check_vcpu_create_favoured(int dev)
{
	unsigned long cpus[1] = { 1 };
	struct axv_vcpu_create c;
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	axv_vcpu_create_init(&c, 0, 0);
	c.favoured_cpu = 0;
	c.allowed_cpus = (unsigned long)cpus;
	c.allowed_cpus_size = sizeof(cpus);
	ret = create_vcpu(vm, &c, &vcpu);
	if (!ret) {
		ret = expect_new_state(vcpu, 0, 0, 1, 0);
		close(vcpu);
	}
	close(vm);
	return ret;
}

/* The largest bitmap, CPU 0 allowed. */
static int check_vcpu_create_bitmap_max_size(int dev)
{
	static unsigned long cpus[AXV_CPU_BITMAP_MAX / sizeof(unsigned long)];
	struct axv_vcpu_create c;
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	memset(cpus, 0, sizeof(cpus));
	cpus[0] = 1;
	axv_vcpu_create_init(&c, 1, 1);
	c.allowed_cpus = (unsigned long)cpus;
	c.allowed_cpus_size = sizeof(cpus);
	ret = create_vcpu(vm, &c, &vcpu);
	if (!ret) {
		ret = expect_new_state(vcpu, 1, 1, 0, -1);
		close(vcpu);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_cloexec(int dev)
{
	int vm, vcpu, fdflags, flflags;

	if (create_vm(dev, &vm))
		return -1;
	if (new_vcpu(vm, 0, 0, AXV_VCPU_ROLE_DEFAULT, &vcpu)) {
		close(vm);
		return -1;
	}
	fdflags = fcntl(vcpu, F_GETFD);
	flflags = fcntl(vcpu, F_GETFL);
	close(vcpu);
	close(vm);
	if (vcpu == vm || vcpu == dev)
		return fail("AXV_CREATE_VCPU returned the VM or device fd");
	if (fdflags < 0 || flflags < 0)
		return sys_fail("fcntl(vCPU fd)");
	if (!(fdflags & FD_CLOEXEC))
		return fail("vCPU fd lacks FD_CLOEXEC");
	if ((flflags & O_ACCMODE) != O_RDWR)
		return fail("vCPU fd access mode %#x, expected O_RDWR", flflags & O_ACCMODE);
	return 0;
}

/* AXV_CREATE_VCPU only reads its argument: a read-only page will do. */
static int check_vcpu_create_arg_read_only(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	struct axv_vcpu_create *c;
	int vm, vcpu, ret;

	c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		return sys_fail("mmap");
	axv_vcpu_create_init(c, 2, 2);
	if (mprotect(c, page, PROT_READ)) {
		ret = sys_fail("mprotect");
		goto out_map;
	}
	ret = create_vm(dev, &vm);
	if (ret)
		goto out_map;
	ret = create_vcpu(vm, c, &vcpu);
	if (!ret) {
		ret = expect_new_state(vcpu, 2, 2, 0, -1);
		close(vcpu);
	}
	close(vm);
out_map:
	munmap(c, page);
	return ret;
}

static int check_vcpu_create_efault(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	struct axv_vcpu_create valid;
	int vm, ret;
	char *map, *c;

	if (create_vm(dev, &vm))
		return -1;
	ret = expect_create_errno(vm, NULL, EFAULT, "NULL");
	if (!ret)
		ret = expect_create_errno(vm, (struct axv_vcpu_create *)1, EFAULT, "(void *)1");
	if (ret)
		goto out_vm;
	map = map_edge_page(page);
	if (!map) {
		ret = -1;
		goto out_vm;
	}
	/* Valid as far as it goes, but its last 16 bytes are not mapped. */
	axv_vcpu_create_init(&valid, 0, 0);
	c = map + page - sizeof(valid) + 16;
	memcpy(c, &valid, sizeof(valid) - 16);
	ret = expect_create_errno(vm, (struct axv_vcpu_create *)c, EFAULT, "end of mapping");
	munmap(map, page);
out_vm:
	close(vm);
	return ret;
}

static int check_vcpu_create_flags(int dev)
{
	static const __u32 flags[] = { 1, 2, 1U << 31, ~0U };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(flags); i++) {
		axv_vcpu_create_init(&c, 1, 1);
		c.flags = flags[i];
		ret = expect_create_errno(vm, &c, EINVAL, "flags %#x", flags[i]);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_reserved(int dev)
{
	static const __u64 values[] = { 1, 1ULL << 63 };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i, v;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(c.reserved); i++) {
		for (v = 0; !ret && v < ARRAY_LEN(values); v++) {
			axv_vcpu_create_init(&c, 1, 1);
			c.reserved[i] = values[v];
			ret = expect_create_errno(vm, &c, EINVAL, "reserved[%zu] %#llx", i,
						  values[v]);
		}
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_role_invalid(int dev)
{
	static const __u32 roles[] = { AXV_VCPU_ROLE_AP + 1, 0x100, 1U << 31, ~0U };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(roles); i++) {
		axv_vcpu_create_init(&c, 1, 1);
		c.role = roles[i];
		ret = expect_create_errno(vm, &c, EINVAL, "role %#x", roles[i]);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_id_range(int dev)
{
	static const __u32 ids[] = { AXV_TEST_MAX_VCPUS, AXV_TEST_MAX_VCPUS + 1, 0x100,
				     1U << 31, ~0U };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(ids); i++) {
		axv_vcpu_create_init(&c, ids[i], 1);
		ret = expect_create_errno(vm, &c, EINVAL, "id %#x", ids[i]);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_apic_id_range(int dev)
{
	static const __u32 apic_ids[] = { AXV_VCPU_MAX_APIC_ID + 1, 0x100, 1U << 31, ~0U };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(apic_ids); i++) {
		axv_vcpu_create_init(&c, 1, apic_ids[i]);
		ret = expect_create_errno(vm, &c, EINVAL, "apic_id %#x", apic_ids[i]);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_favoured_range(int dev)
{
	static const __s32 favoured[] = { -2, -1000, INT_MIN };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(favoured); i++) {
		axv_vcpu_create_init(&c, 1, 1);
		c.favoured_cpu = favoured[i];
		ret = expect_create_errno(vm, &c, EINVAL, "favoured_cpu %d", favoured[i]);
	}
	close(vm);
	return ret;
}

/* A favoured CPU outside the allowed set, given or implied. */
static int check_vcpu_create_favoured_not_allowed(int dev)
{
	unsigned long cpus[1] = { 1 };
	struct axv_vcpu_create c;
	int vm, ret;

	if (create_vm(dev, &vm))
		return -1;
	axv_vcpu_create_init(&c, 1, 1);
	c.favoured_cpu = 1;
	c.allowed_cpus = (unsigned long)cpus;
	c.allowed_cpus_size = sizeof(cpus);
	ret = expect_create_errno(vm, &c, EINVAL, "favoured_cpu 1, allowed {0}");
	if (!ret) {
		/* No bitmap: every CPU, but no CPU has this number. */
		axv_vcpu_create_init(&c, 1, 1);
		c.favoured_cpu = INT_MAX;
		ret = expect_create_errno(vm, &c, EINVAL, "favoured_cpu INT_MAX, no bitmap");
	}
	close(vm);
	return ret;
}

/* Sizes that are not a multiple of 8, or larger than AXV_CPU_BITMAP_MAX. */
static int check_vcpu_create_bitmap_size(int dev)
{
	static const __u32 sizes[] = {
		1, 4, 7, 9, 12, AXV_CPU_BITMAP_MAX - 4, AXV_CPU_BITMAP_MAX + 8,
		2 * AXV_CPU_BITMAP_MAX, 1U << 31, ~0U,
	};
	static unsigned long cpus[2 * AXV_CPU_BITMAP_MAX / sizeof(unsigned long)];
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	memset(cpus, 0xff, sizeof(cpus));
	for (i = 0; !ret && i < ARRAY_LEN(sizes); i++) {
		axv_vcpu_create_init(&c, 1, 1);
		c.allowed_cpus = (unsigned long)cpus;
		c.allowed_cpus_size = sizes[i];
		ret = expect_create_errno(vm, &c, EINVAL, "allowed_cpus_size %u", sizes[i]);
	}
	close(vm);
	return ret;
}

/* No bitmap address, but a size. */
static int check_vcpu_create_bitmap_null(int dev)
{
	static const __u32 sizes[] = { 8, AXV_CPU_BITMAP_MAX };
	struct axv_vcpu_create c;
	int vm, ret = 0;
	size_t i;

	if (create_vm(dev, &vm))
		return -1;
	for (i = 0; !ret && i < ARRAY_LEN(sizes); i++) {
		axv_vcpu_create_init(&c, 1, 1);
		c.allowed_cpus_size = sizes[i];
		ret = expect_create_errno(vm, &c, EINVAL, "allowed_cpus 0, size %u", sizes[i]);
	}
	close(vm);
	return ret;
}

/* A bitmap address, but size 0. */
static int check_vcpu_create_bitmap_size_zero(int dev)
{
	unsigned long cpus[1] = { 1 };
	struct axv_vcpu_create c;
	int vm, ret;

	if (create_vm(dev, &vm))
		return -1;
	axv_vcpu_create_init(&c, 1, 1);
	c.allowed_cpus = (unsigned long)cpus;
	ret = expect_create_errno(vm, &c, EINVAL, "allowed_cpus %p, size 0", (void *)cpus);
	close(vm);
	return ret;
}

/* Bitmaps without a possible CPU: empty, or only the last of 8192 CPUs. */
static int check_vcpu_create_bitmap_no_cpu(int dev)
{
	static unsigned long cpus[AXV_CPU_BITMAP_MAX / sizeof(unsigned long)];
	const size_t bits = 8 * sizeof(cpus[0]);
	struct axv_vcpu_create c;
	int vm, ret;

	if (create_vm(dev, &vm))
		return -1;
	memset(cpus, 0, sizeof(cpus));
	axv_vcpu_create_init(&c, 1, 1);
	c.allowed_cpus = (unsigned long)cpus;
	c.allowed_cpus_size = 8;
	ret = expect_create_errno(vm, &c, EINVAL, "8 zero bytes");
	if (!ret) {
		c.allowed_cpus_size = sizeof(cpus);
		ret = expect_create_errno(vm, &c, EINVAL, "%zu zero bytes", sizeof(cpus));
	}
	if (!ret) {
		cpus[ARRAY_LEN(cpus) - 1] = 1UL << (bits - 1);
		ret = expect_create_errno(vm, &c, EINVAL, "only CPU %zu",
					  ARRAY_LEN(cpus) * bits - 1);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_bitmap_efault(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	struct axv_vcpu_create c;
	int vm, ret;
	char *map;

	if (create_vm(dev, &vm))
		return -1;
	axv_vcpu_create_init(&c, 1, 1);
	c.allowed_cpus = 1;
	c.allowed_cpus_size = 8;
	ret = expect_create_errno(vm, &c, EFAULT, "allowed_cpus (void *)1");
	if (ret)
		goto out_vm;
	map = map_edge_page(page);
	if (!map) {
		ret = -1;
		goto out_vm;
	}
	/* CPU 0 allowed in the mapped half; the second half is not mapped. */
	memset(map + page - 8, 0, 8);
	map[page - 8] = 1;
	c.allowed_cpus = (unsigned long)(map + page - 8);
	c.allowed_cpus_size = 16;
	ret = expect_create_errno(vm, &c, EFAULT, "allowed_cpus at the end of a mapping");
	munmap(map, page);
out_vm:
	close(vm);
	return ret;
}

/*
 * In a new VM, create @first, then expect @second to fail with EEXIST.
 * @what describes @second.
 */
static int expect_second_eexist(int dev, const struct axv_vcpu_create *first,
				const struct axv_vcpu_create *second, const char *what)
{
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	ret = create_vcpu(vm, first, &vcpu);
	if (!ret) {
		ret = expect_create_errno(vm, second, EEXIST, "%s", what);
		close(vcpu);
	}
	close(vm);
	return ret;
}

static int check_vcpu_create_id_taken(int dev)
{
	struct axv_vcpu_create a, b;

	axv_vcpu_create_init(&a, 1, 1);
	axv_vcpu_create_init(&b, 1, 2);
	return expect_second_eexist(dev, &a, &b, "id 1 again");
}

static int check_vcpu_create_apic_id_taken(int dev)
{
	struct axv_vcpu_create a, b;

	axv_vcpu_create_init(&a, 1, 1);
	axv_vcpu_create_init(&b, 2, 1);
	return expect_second_eexist(dev, &a, &b, "apic_id 1 again");
}

/* A BSP (id 0 by default), then an explicit BSP. */
static int check_vcpu_create_second_bsp(int dev)
{
	struct axv_vcpu_create a, b;

	axv_vcpu_create_init(&a, 0, 0);
	axv_vcpu_create_init(&b, 1, 1);
	b.role = AXV_VCPU_ROLE_BSP;
	return expect_second_eexist(dev, &a, &b, "id 1, role BSP, after a BSP");
}

/* An explicit BSP, then id 0 that would be the BSP by default. */
static int check_vcpu_create_second_bsp_default(int dev)
{
	struct axv_vcpu_create a, b;

	axv_vcpu_create_init(&a, 3, 3);
	a.role = AXV_VCPU_ROLE_BSP;
	axv_vcpu_create_init(&b, 0, 0);
	return expect_second_eexist(dev, &a, &b, "id 0, role default, after a BSP");
}

/* Refused creations leave the id, the APIC ID and the BSP slot free. */
static int check_vcpu_create_failed_keeps_free(int dev)
{
	struct axv_vcpu_create c;
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	axv_vcpu_create_init(&c, 0, 0);
	c.flags = 1;
	ret = expect_create_errno(vm, &c, EINVAL, "id 0, flags 1");
	if (!ret) {
		axv_vcpu_create_init(&c, 0, 0);
		c.allowed_cpus = 1;
		c.allowed_cpus_size = 8;
		ret = expect_create_errno(vm, &c, EFAULT, "id 0, allowed_cpus (void *)1");
	}
	if (!ret) {
		axv_vcpu_create_init(&c, 0, 0);
		c.favoured_cpu = -2;
		ret = expect_create_errno(vm, &c, EINVAL, "id 0, favoured_cpu -2");
	}
	if (!ret) {
		ret = new_vcpu(vm, 0, 0, AXV_VCPU_ROLE_DEFAULT, &vcpu);
		if (!ret) {
			ret = expect_new_state(vcpu, 0, 0, 1, -1);
			close(vcpu);
		}
	}
	close(vm);
	return ret;
}

/* AXV_TEST_MAX_VCPUS vCPUs in one VM, and not one more. */
static int check_vcpu_max(int dev)
{
	int vcpus[AXV_TEST_MAX_VCPUS];
	struct axv_vcpu_create c;
	int vm, n, ret = 0;

	if (create_vm(dev, &vm))
		return -1;
	for (n = 0; n < AXV_TEST_MAX_VCPUS; n++) {
		ret = new_vcpu(vm, n, n, AXV_VCPU_ROLE_DEFAULT, &vcpus[n]);
		if (ret)
			break;
	}
	if (!ret) {
		ret = expect_new_state(vcpus[0], 0, 0, 1, -1);
		if (!ret)
			ret = expect_new_state(vcpus[n - 1], n - 1, n - 1, 0, -1);
	}
	if (!ret) {
		axv_vcpu_create_init(&c, AXV_TEST_MAX_VCPUS, AXV_TEST_MAX_VCPUS);
		ret = expect_create_errno(vm, &c, EINVAL, "id %d", AXV_TEST_MAX_VCPUS);
	}
	while (n--)
		if (close(vcpus[n]) && !ret)
			ret = sys_fail("close(vCPU)");
	if (close(vm) && !ret)
		ret = sys_fail("close(VM)");
	return ret;
}

/* The vCPU keeps its VM alive after the VM fd is closed. */
static int check_vcpu_close_vm_first(int dev)
{
	struct axv_vcpu_state st;
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	if (new_vcpu(vm, 3, 4, AXV_VCPU_ROLE_DEFAULT, &vcpu)) {
		close(vm);
		return -1;
	}
	ret = close_vm(vm, "close(VM)");
	if (!ret)
		ret = get_state(vcpu, &st);
	if (!ret && (st.id != 3 || st.apic_id != 4))
		ret = fail("after closing the VM: id %u apic_id %u, expected 3 and 4", st.id,
			   st.apic_id);
	if (close(vcpu) && !ret)
		ret = sys_fail("close(vCPU)");
	if (ret)
		return ret;
	/* With both gone, VMs can still be created. */
	if (create_vm(dev, &vm))
		return -1;
	return close_vm(vm, "close(new VM)");
}

/* Closing a vCPU frees its id, its APIC ID and the BSP role. */
static int check_vcpu_close_recreate(int dev)
{
	static const struct {
		__u32 id;
		__u32 apic_id;
		int bsp;
	} *v, vcpus[] = { { 0, 0, 1 }, { 2, 7, 0 } };
	int vm, vcpu, ret = 0, round;

	if (create_vm(dev, &vm))
		return -1;
	for (v = vcpus; !ret && v < vcpus + ARRAY_LEN(vcpus); v++) {
		for (round = 0; !ret && round < 2; round++) {
			ret = new_vcpu(vm, v->id, v->apic_id, AXV_VCPU_ROLE_DEFAULT, &vcpu);
			if (ret)
				break;
			ret = expect_new_state(vcpu, v->id, v->apic_id, v->bsp, -1);
			if (close(vcpu) && !ret)
				ret = sys_fail("close(vCPU)");
		}
	}
	close(vm);
	return ret;
}

/* In a new VM, create vCPU @id (APIC ID @id, default role); run @fn on its fd. */
static int with_vcpu_id(int dev, __u32 id, int (*fn)(int vcpu))
{
	int vm, vcpu, ret;

	if (create_vm(dev, &vm))
		return -1;
	ret = new_vcpu(vm, id, id, AXV_VCPU_ROLE_DEFAULT, &vcpu);
	if (!ret) {
		ret = fn(vcpu);
		close(vcpu);
	}
	close(vm);
	return ret;
}

/* In a new VM, create vCPU 0, the BSP, and run @fn on its fd. */
static int with_vcpu(int dev, int (*fn)(int vcpu))
{
	return with_vcpu_id(dev, 0, fn);
}

/* In a new VM, create vCPU 1, an AP, and run @fn on its fd. */
static int with_ap(int dev, int (*fn)(int vcpu))
{
	return with_vcpu_id(dev, 1, fn);
}

static int vcpu_unknown_ioctl(int vcpu)
{
	__u64 buf = 0;

	if (expect_enotty(vcpu, "vCPU fd _IO(AXVIO, 0x7f)", _IO(AXVIO, AXV_UNUSED_NR), 0) ||
	    expect_enotty(vcpu, "vCPU fd _IOR(AXVIO, 0x7f, __u64)",
			  _IOR(AXVIO, AXV_UNUSED_NR, __u64), (unsigned long)&buf))
		return -1;
	return expect_enotty(vcpu, "vCPU fd _IO(KVMIO, 0x00)", _IO(KVMIO, 0x00), 0);
}

static int check_vcpu_unknown_ioctl(int dev)
{
	return with_vcpu(dev, vcpu_unknown_ioctl);
}

/* The device's and the VM's ioctls mean nothing to a vCPU. */
static int vcpu_vm_system_ioctls(int vcpu)
{
	static struct axv_vmx_caps caps;
	struct axv_vcpu_create c;

	axv_vcpu_create_init(&c, 1, 1);
	if (expect_enotty(vcpu, "vCPU fd AXV_GET_API_VERSION", AXV_GET_API_VERSION, 0) ||
	    expect_enotty(vcpu, "vCPU fd AXV_CHECK_EXTENSION", AXV_CHECK_EXTENSION,
			  AXV_CAP_X86_VMX) ||
	    expect_enotty(vcpu, "vCPU fd AXV_CREATE_VM", AXV_CREATE_VM, 0) ||
	    expect_enotty(vcpu, "vCPU fd AXV_GET_VMX_CAPS", AXV_GET_VMX_CAPS,
			  (unsigned long)&caps))
		return -1;
	return expect_enotty(vcpu, "vCPU fd AXV_CREATE_VCPU", AXV_CREATE_VCPU,
			     (unsigned long)&c);
}

static int check_vcpu_vm_system_ioctls(int dev)
{
	return with_vcpu(dev, vcpu_vm_system_ioctls);
}

/* A vCPU ioctl nr with the wrong direction or size must not be accepted. */
static int vcpu_ioctl_wrong_encoding(int vcpu)
{
	static struct axv_vcpu_stats scratch[2];
	const unsigned long buf = (unsigned long)scratch;
	const struct {
		const char *what;
		unsigned long req;
	} *r, reqs[] = {
		{ "_IOR(AXVIO, 0x20, __u64)", _IOR(AXVIO, 0x20, __u64) },
		{ "_IOW(AXVIO, 0x20, state)", _IOW(AXVIO, 0x20, struct axv_vcpu_state) },
		{ "_IOWR(AXVIO, 0x20, state)", _IOWR(AXVIO, 0x20, struct axv_vcpu_state) },
		{ "_IO(AXVIO, 0x20)", _IO(AXVIO, 0x20) },
		{ "_IOR(AXVIO, 0x20, stats)", _IOR(AXVIO, 0x20, struct axv_vcpu_stats) },
		{ "_IOR(AXVIO, 0x21, state)", _IOR(AXVIO, 0x21, struct axv_vcpu_state) },
		{ "_IOW(AXVIO, 0x21, stats)", _IOW(AXVIO, 0x21, struct axv_vcpu_stats) },
		{ "_IO(AXVIO, 0x21)", _IO(AXVIO, 0x21) },
		{ "_IOR(AXVIO, 0x22, op)", _IOR(AXVIO, 0x22, struct axv_vcpu_op) },
		{ "_IOWR(AXVIO, 0x22, op)", _IOWR(AXVIO, 0x22, struct axv_vcpu_op) },
		{ "_IOW(AXVIO, 0x22, __u64)", _IOW(AXVIO, 0x22, __u64) },
		{ "_IOW(AXVIO, 0x22, state)", _IOW(AXVIO, 0x22, struct axv_vcpu_state) },
		{ "_IO(AXVIO, 0x22)", _IO(AXVIO, 0x22) },
	};

	for (r = reqs; r < reqs + ARRAY_LEN(reqs); r++)
		if (expect_enotty(vcpu, r->what, r->req, buf))
			return -1;
	return 0;
}

static int check_vcpu_ioctl_wrong_encoding(int dev)
{
	return with_vcpu(dev, vcpu_ioctl_wrong_encoding);
}

/* vCPU ioctls on the VM and device fds, AXV_CREATE_VCPU on the device fd. */
static int check_vcpu_ioctls_elsewhere(int dev)
{
	static struct axv_vcpu_state state;
	static struct axv_vcpu_stats stats;
	struct axv_vcpu_create c;
	int vm, ret;

	axv_vcpu_create_init(&c, 0, 0);
	if (expect_enotty(dev, "device fd AXV_CREATE_VCPU", AXV_CREATE_VCPU, (unsigned long)&c) ||
	    expect_enotty(dev, "device fd AXV_GET_VCPU_STATE", AXV_GET_VCPU_STATE,
			  (unsigned long)&state) ||
	    expect_enotty(dev, "device fd AXV_GET_VCPU_STATS", AXV_GET_VCPU_STATS,
			  (unsigned long)&stats))
		return -1;
	if (create_vm(dev, &vm))
		return -1;
	ret = expect_enotty(vm, "VM fd AXV_GET_VCPU_STATE", AXV_GET_VCPU_STATE,
			    (unsigned long)&state);
	if (!ret)
		ret = expect_enotty(vm, "VM fd AXV_GET_VCPU_STATS", AXV_GET_VCPU_STATS,
				    (unsigned long)&stats);
	close(vm);
	return ret;
}

/*
 * @req (an _IOR of @size bytes) on @vcpu must fail with EFAULT for NULL,
 * (void *)1, a read-only page and a buffer running off a mapping.
 */
static int expect_get_efault(int vcpu, const char *name, unsigned long req, size_t size)
{
	long page = sysconf(_SC_PAGESIZE);
	char what[96];
	char *map;
	int ret;

	snprintf(what, sizeof(what), "%s(NULL)", name);
	ret = axv_raw_ioctl(vcpu, req, 0);
	if (expect_errno(what, ret, errno, EFAULT))
		return -1;
	snprintf(what, sizeof(what), "%s((void *)1)", name);
	ret = axv_raw_ioctl(vcpu, req, 1);
	if (expect_errno(what, ret, errno, EFAULT))
		return -1;

	map = mmap(NULL, page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return sys_fail("mmap");
	snprintf(what, sizeof(what), "%s(read-only page)", name);
	ret = axv_raw_ioctl(vcpu, req, (unsigned long)map);
	ret = expect_errno(what, ret, errno, EFAULT);
	munmap(map, page);
	if (ret)
		return -1;

	map = map_edge_page(page);
	if (!map)
		return -1;
	snprintf(what, sizeof(what), "%s(end of mapping)", name);
	ret = axv_raw_ioctl(vcpu, req, (unsigned long)(map + page - size + 8));
	ret = expect_errno(what, ret, errno, EFAULT);
	munmap(map, page);
	return ret;
}

static int vcpu_state_efault(int vcpu)
{
	return expect_get_efault(vcpu, "AXV_GET_VCPU_STATE", AXV_GET_VCPU_STATE,
				 sizeof(struct axv_vcpu_state));
}

static int check_vcpu_state_efault(int dev)
{
	return with_vcpu(dev, vcpu_state_efault);
}

static int vcpu_stats_efault(int vcpu)
{
	return expect_get_efault(vcpu, "AXV_GET_VCPU_STATS", AXV_GET_VCPU_STATS,
				 sizeof(struct axv_vcpu_stats));
}

static int check_vcpu_stats_efault(int dev)
{
	return with_vcpu(dev, vcpu_stats_efault);
}

static int vcpu_state_reserved(int vcpu)
{
	struct axv_vcpu_state st;
	size_t i;

	if (get_state(vcpu, &st))
		return -1;
	if (st.pad)
		return fail("pad is %#x", st.pad);
	for (i = 0; i < ARRAY_LEN(st.reserved); i++)
		if (st.reserved[i])
			return fail("reserved[%zu] is %#llx", i, st.reserved[i]);
	return 0;
}

static int check_vcpu_state_reserved(int dev)
{
	return with_vcpu(dev, vcpu_state_reserved);
}

static int vcpu_stats_reserved(int vcpu)
{
	struct axv_vcpu_stats st;
	size_t i;

	if (get_stats(vcpu, &st))
		return -1;
	for (i = 0; i < ARRAY_LEN(st.reserved); i++)
		if (st.reserved[i])
			return fail("reserved[%zu] is %#llx", i, st.reserved[i]);
	return 0;
}

static int check_vcpu_stats_reserved(int dev)
{
	return with_vcpu(dev, vcpu_stats_reserved);
}

/* A vCPU that never ran has no time, IPIs or exits to report. */
static int vcpu_stats_zero(int vcpu)
{
	struct axv_vcpu_stats st;
	size_t i;

	if (get_stats(vcpu, &st))
		return -1;
	if (st.exec_ns || st.ipis_coalesced || st.ipis_overflowed)
		return fail("exec_ns %llu ipis_coalesced %llu ipis_overflowed %llu, expected 0",
			    st.exec_ns, st.ipis_coalesced, st.ipis_overflowed);
	for (i = 0; i < ARRAY_LEN(st.exits); i++)
		if (st.exits[i])
			return fail("exits[%zu] is %llu", i, st.exits[i]);
	return 0;
}

static int check_vcpu_stats_zero(int dev)
{
	return with_vcpu(dev, vcpu_stats_zero);
}

/* --- vCPU operations ---------------------------------------------------- */

/* Short names for the op step tables. */
#define S_FREE		AXV_VCPU_STATE_FREE
#define S_WAIT		AXV_VCPU_STATE_WAIT_START
#define S_PAUSED	AXV_VCPU_STATE_PAUSED
#define S_STOPPED	AXV_VCPU_STATE_STOPPED
#define F_BSP		AXV_VCPU_STATE_F_BSP
#define ROLE_BSP	AXV_VCPU_ROLE_BSP
#define ROLE_AP		AXV_VCPU_ROLE_AP

/* Describe @op with @arg into @buf, e.g. "AXV_VCPU_OP(start 0x9a)". */
static const char *op_what(char *buf, size_t len, __u32 op, __u32 arg)
{
	const char *name = axv_vcpu_op_name(op);

	if (name)
		snprintf(buf, len, "AXV_VCPU_OP(%s %#x)", name, arg);
	else
		snprintf(buf, len, "AXV_VCPU_OP(op %u, arg %#x)", op, arg);
	return buf;
}

/* @vcpu must be in @state with @flags and @sipi_vector; @when says after what. */
static int expect_state(int vcpu, const char *when, __u32 state, __u32 flags,
			__u32 sipi_vector)
{
	struct axv_vcpu_state st;

	if (get_state(vcpu, &st))
		return -1;
	if (st.state != state)
		return fail("%s: state %u (%s), expected %u (%s)", when, st.state,
			    state_name(st.state), state, state_name(state));
	if (st.flags != flags)
		return fail("%s: flags %#x, expected %#x", when, st.flags, flags);
	if (st.sipi_vector != sipi_vector)
		return fail("%s: sipi_vector %#x, expected %#x", when, st.sipi_vector,
			    sipi_vector);
	return 0;
}

/*
 * One operation and what must follow: its result (>= 0, or -errno for a
 * failure), then the vCPU's state, flags and start vector.
 */
struct op_step {
	__u32 op;
	__u32 arg;
	int ret;
	__u32 state;
	__u32 flags;
	__u32 sipi_vector;
};

/* Apply step @s, number @n for the reason, to @vcpu. */
static int apply_step(int vcpu, int n, const struct op_step *s)
{
	struct axv_vcpu_op o = { .op = s->op, .arg = s->arg };
	char op[64], what[80], when[96];
	int ret, err;

	op_what(op, sizeof(op), s->op, s->arg);
	snprintf(what, sizeof(what), "step %d: %s", n, op);
	snprintf(when, sizeof(when), "step %d: after %s", n, op);
	ret = axv_raw_vcpu_op(vcpu, &o);
	err = errno;
	if (s->ret < 0) {
		if (expect_errno(what, ret, err, -s->ret))
			return -1;
	} else if (ret < 0) {
		return fail("%s: %s (%s), expected %d", what, errname(err), strerror(err),
			    s->ret);
	} else if (ret != s->ret) {
		return fail("%s returned %d, expected %d", what, ret, s->ret);
	}
	return expect_state(vcpu, when, s->state, s->flags, s->sipi_vector);
}

/* Apply @n steps in order; stop at the first that goes wrong. */
static int apply_steps(int vcpu, const struct op_step *steps, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (apply_step(vcpu, i + 1, &steps[i]))
			return -1;
	return 0;
}

/* AXV_VCPU_OP(@o) on @vcpu must fail with @want; @fmt describes the case. */
__attribute__((format(printf, 4, 5)))
static int expect_op_errno(int vcpu, const struct axv_vcpu_op *o, int want,
			   const char *fmt, ...)
{
	char what[128];
	int ret, err;
	va_list ap;
	size_t n;

	n = snprintf(what, sizeof(what), "AXV_VCPU_OP(");
	va_start(ap, fmt);
	vsnprintf(what + n, sizeof(what) - n, fmt, ap);
	va_end(ap);
	n = strlen(what);
	snprintf(what + n, sizeof(what) - n, ")");

	ret = axv_raw_vcpu_op(vcpu, o);
	err = errno;
	return expect_errno(what, ret, err, want);
}

/* INIT-SIPI-SIPI on an AP: the first start counts, the second is ignored. */
static int vcpu_op_start_sequence(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, 0, 0x9a },
		{ AXV_VCPU_OP_START, 0x10, 0, S_FREE, 0, 0x9a },
		{ AXV_VCPU_OP_INIT, 0, 0, S_WAIT, 0, 0x9a },
		{ AXV_VCPU_OP_INIT, 0, 0, S_WAIT, 0, 0x9a },
		{ AXV_VCPU_OP_START, 0xff, 1, S_FREE, 0, 0xff },
		{ AXV_VCPU_OP_INIT, 0, 0, S_WAIT, 0, 0xff },
		{ AXV_VCPU_OP_START, 0, 1, S_FREE, 0, 0 },
	};

	if (expect_state(vcpu, "new AP", S_WAIT, 0, 0))
		return -1;
	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_start_sequence(int dev)
{
	return with_ap(dev, vcpu_op_start_sequence);
}

/* A BSP does not wait for a start: it ignores one. */
static int vcpu_op_start_bsp_ignored(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_START, 0x9a, 0, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_START, 0xff, 0, S_FREE, F_BSP, 0 },
	};

	if (expect_state(vcpu, "new BSP", S_FREE, F_BSP, 0))
		return -1;
	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_start_bsp_ignored(int dev)
{
	return with_vcpu(dev, vcpu_op_start_bsp_ignored);
}

/* Vectors beyond 255 are refused, not truncated: the AP keeps waiting. */
static int vcpu_op_start_vector_range(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_START, 0x100, -EINVAL, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, 0x19a, -EINVAL, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, 1U << 31, -EINVAL, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, ~0U, -EINVAL, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, 0, 0x9a },
		/* Checked even when the start would be ignored. */
		{ AXV_VCPU_OP_START, 0x100, -EINVAL, S_FREE, 0, 0x9a },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_start_vector_range(int dev)
{
	return with_ap(dev, vcpu_op_start_vector_range);
}

/* INIT sends a BSP to wait for a start too; it stays the BSP. */
static int vcpu_op_init_bsp(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_INIT, 0, 0, S_WAIT, F_BSP, 0 },
		{ AXV_VCPU_OP_START, 0x20, 1, S_FREE, F_BSP, 0x20 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_init_bsp(int dev)
{
	return with_vcpu(dev, vcpu_op_init_bsp);
}

/* The only vCPU, the BSP, becomes an AP; asking the role it has is fine. */
static int vcpu_op_role_to_ap(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, 0, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, 0, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, 0, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, 0, 0x9a },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_role_to_ap(int dev)
{
	return with_vcpu(dev, vcpu_op_role_to_ap);
}

/* An AP in a VM without a BSP becomes the BSP, and back. */
static int vcpu_op_role_to_bsp(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, 0, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, 0, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, 0, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 0, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, 0, S_WAIT, 0, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_role_to_bsp(int dev)
{
	return with_ap(dev, vcpu_op_role_to_bsp);
}

/* Create the BSP (vCPU 0) and an AP (vCPU 1) in a new VM. */
static int new_bsp_ap(int dev, int *vm, int *bsp, int *ap)
{
	if (create_vm(dev, vm))
		return -1;
	if (new_vcpu(*vm, 0, 0, AXV_VCPU_ROLE_DEFAULT, bsp))
		goto err_vm;
	if (new_vcpu(*vm, 1, 1, AXV_VCPU_ROLE_DEFAULT, ap))
		goto err_bsp;
	return 0;
err_bsp:
	close(*bsp);
err_vm:
	close(*vm);
	return -1;
}

static void close_bsp_ap(int vm, int bsp, int ap)
{
	close(ap);
	close(bsp);
	close(vm);
}

/* An AP cannot become a second BSP; both keep their roles and states. */
static int check_vcpu_op_role_second_bsp(int dev)
{
	static const struct op_step ap_steps[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, -EEXIST, S_WAIT, 0, 0 },
	};
	static const struct op_step bsp_steps[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, 0, S_FREE, F_BSP, 0 },
	};
	int vm, bsp, ap, ret;

	if (new_bsp_ap(dev, &vm, &bsp, &ap))
		return -1;
	ret = apply_steps(ap, ap_steps, ARRAY_LEN(ap_steps));
	if (!ret)
		ret = apply_steps(bsp, bsp_steps, ARRAY_LEN(bsp_steps));
	close_bsp_ap(vm, bsp, ap);
	return ret;
}

/* The BSP steps down, an AP takes over; the old BSP cannot take it back. */
static int check_vcpu_op_role_bsp_moves(int dev)
{
	static const struct op_step down[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, 0, S_WAIT, 0, 0 },
	};
	static const struct op_step up[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, 0, S_FREE, F_BSP, 0 },
	};
	static const struct op_step back[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, -EEXIST, S_WAIT, 0, 0 },
	};
	int vm, bsp, ap, ret;

	if (new_bsp_ap(dev, &vm, &bsp, &ap))
		return -1;
	ret = apply_steps(bsp, down, ARRAY_LEN(down));
	if (!ret)
		ret = apply_steps(ap, up, ARRAY_LEN(up));
	if (!ret)
		ret = apply_steps(bsp, back, ARRAY_LEN(back));
	close_bsp_ap(vm, bsp, ap);
	return ret;
}

/* Only AXV_VCPU_ROLE_BSP and _AP: not even the default role. */
static int vcpu_op_role_invalid(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_SET_ROLE, AXV_VCPU_ROLE_DEFAULT, -EINVAL, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_SET_ROLE, AXV_VCPU_ROLE_AP + 1, -EINVAL, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_SET_ROLE, 0x100 | ROLE_AP, -EINVAL, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ~0U, -EINVAL, S_FREE, F_BSP, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_role_invalid(int dev)
{
	return with_vcpu(dev, vcpu_op_role_invalid);
}

static int vcpu_op_pause_free(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, F_BSP, 0 },
		{ AXV_VCPU_OP_RESUME, 0, 0, S_FREE, F_BSP, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_pause_free(int dev)
{
	return with_vcpu(dev, vcpu_op_pause_free);
}

static int vcpu_op_pause_wait_start(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, 0, 0 },
		{ AXV_VCPU_OP_RESUME, 0, 0, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, 0, 0x9a },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_pause_wait_start(int dev)
{
	return with_ap(dev, vcpu_op_pause_wait_start);
}

static int vcpu_op_pause_twice(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, F_BSP, 0 },
		{ AXV_VCPU_OP_PAUSE, 0, -EALREADY, S_PAUSED, F_BSP, 0 },
		{ AXV_VCPU_OP_RESUME, 0, 0, S_FREE, F_BSP, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_pause_twice(int dev)
{
	return with_vcpu(dev, vcpu_op_pause_twice);
}

static int vcpu_op_resume_free(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_RESUME, 0, -EINVAL, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, F_BSP, 0 },
		{ AXV_VCPU_OP_RESUME, 0, 0, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_RESUME, 0, -EINVAL, S_FREE, F_BSP, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int vcpu_op_resume_wait_start(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_RESUME, 0, -EINVAL, S_WAIT, 0, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

/* RESUME undoes a PAUSE and nothing else: on a FREE BSP or a waiting AP. */
static int check_vcpu_op_resume_not_paused(int dev)
{
	if (with_vcpu(dev, vcpu_op_resume_free))
		return -1;
	return with_ap(dev, vcpu_op_resume_wait_start);
}

/* An INIT while paused takes effect on resume. */
static int vcpu_op_init_while_paused(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, F_BSP, 0 },
		{ AXV_VCPU_OP_INIT, 0, 0, S_PAUSED, F_BSP, 0 },
		{ AXV_VCPU_OP_RESUME, 0, 0, S_WAIT, F_BSP, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, F_BSP, 0x9a },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_init_while_paused(int dev)
{
	return with_vcpu(dev, vcpu_op_init_while_paused);
}

/* A paused AP ignores a start and keeps its role. */
static int vcpu_op_while_paused(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, 0, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 0, S_PAUSED, 0, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, -EINVAL, S_PAUSED, 0, 0 },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, -EINVAL, S_PAUSED, 0, 0 },
		{ AXV_VCPU_OP_RESUME, 0, 0, S_WAIT, 0, 0 },
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, 0, 0x9a },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_while_paused(int dev)
{
	return with_ap(dev, vcpu_op_while_paused);
}

/* STOP from FREE; stopping again is no error. */
static int vcpu_op_stop_free(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, F_BSP, 0 },
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, F_BSP, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_stop_free(int dev)
{
	return with_vcpu(dev, vcpu_op_stop_free);
}

static int vcpu_op_stop_wait_start(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, 0, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_stop_wait_start(int dev)
{
	return with_ap(dev, vcpu_op_stop_wait_start);
}

/* STOP from PAUSED: for good, there is nothing to resume. */
static int vcpu_op_stop_paused(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, 0, 0 },
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, 0, 0 },
		{ AXV_VCPU_OP_RESUME, 0, -EINVAL, S_STOPPED, 0, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_stop_paused(int dev)
{
	return with_ap(dev, vcpu_op_stop_paused);
}

/* After STOP only STOP and an ignored start succeed; the state still reads. */
static int vcpu_op_after_stop(int vcpu)
{
	static const struct op_step steps[] = {
		{ AXV_VCPU_OP_START, 0x9a, 1, S_FREE, 0, 0x9a },
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_INIT, 0, -EINVAL, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_PAUSE, 0, -EINVAL, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_RESUME, 0, -EINVAL, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_AP, -EINVAL, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, -EINVAL, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_START, 0x10, 0, S_STOPPED, 0, 0x9a },
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, 0, 0x9a },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_after_stop(int dev)
{
	return with_ap(dev, vcpu_op_after_stop);
}

/* A stopped BSP holds the role until its fd is closed. */
static int check_vcpu_op_stopped_bsp_keeps_role(int dev)
{
	static const struct op_step stop[] = {
		{ AXV_VCPU_OP_STOP, 0, 0, S_STOPPED, F_BSP, 0 },
	};
	static const struct op_step refused[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, -EEXIST, S_WAIT, 0, 0 },
	};
	static const struct op_step taken[] = {
		{ AXV_VCPU_OP_SET_ROLE, ROLE_BSP, 0, S_FREE, F_BSP, 0 },
	};
	int vm, bsp, ap, ret;

	if (new_bsp_ap(dev, &vm, &bsp, &ap))
		return -1;
	ret = apply_steps(bsp, stop, ARRAY_LEN(stop));
	if (!ret)
		ret = apply_steps(ap, refused, ARRAY_LEN(refused));
	if (close(bsp) && !ret)
		ret = sys_fail("close(BSP)");
	if (!ret)
		ret = apply_steps(ap, taken, ARRAY_LEN(taken));
	close(ap);
	close(vm);
	return ret;
}

static int vcpu_op_unknown(int vcpu)
{
	static const struct op_step steps[] = {
		{ 0, 0, -EINVAL, S_FREE, F_BSP, 0 },
		{ AXV_VCPU_OP_STOP + 1, 0, -EINVAL, S_FREE, F_BSP, 0 },
		{ 0x100 | AXV_VCPU_OP_STOP, 0, -EINVAL, S_FREE, F_BSP, 0 },
		{ 1U << 31, 0, -EINVAL, S_FREE, F_BSP, 0 },
		{ ~0U, 0, -EINVAL, S_FREE, F_BSP, 0 },
	};

	return apply_steps(vcpu, steps, ARRAY_LEN(steps));
}

static int check_vcpu_op_unknown(int dev)
{
	return with_vcpu(dev, vcpu_op_unknown);
}

/* A PAUSE with a reserved field set is refused: the vCPU stays FREE. */
static int vcpu_op_reserved(int vcpu)
{
	static const __u64 values[] = { 1, 1ULL << 63 };
	struct axv_vcpu_op o;
	size_t i, v;

	for (i = 0; i < ARRAY_LEN(o.reserved); i++) {
		for (v = 0; v < ARRAY_LEN(values); v++) {
			memset(&o, 0, sizeof(o));
			o.op = AXV_VCPU_OP_PAUSE;
			o.reserved[i] = values[v];
			if (expect_op_errno(vcpu, &o, EINVAL, "pause, reserved[%zu] %#llx", i,
					    values[v]))
				return -1;
		}
	}
	return expect_state(vcpu, "after the refused ops", S_FREE, F_BSP, 0);
}

static int check_vcpu_op_reserved(int dev)
{
	return with_vcpu(dev, vcpu_op_reserved);
}

/* INIT, PAUSE, RESUME and STOP take no argument. */
static int vcpu_op_arg_not_zero(int vcpu)
{
	static const __u32 args[] = { 1, 0x100, 1U << 31, ~0U };
	static const __u32 ops[] = { AXV_VCPU_OP_INIT, AXV_VCPU_OP_PAUSE, AXV_VCPU_OP_STOP };
	static const struct op_step pause = { AXV_VCPU_OP_PAUSE, 0, 0, S_PAUSED, F_BSP, 0 };
	struct op_step s;
	size_t i, a;
	int n = 0;

	/* On a FREE BSP; any of them accepted would change its state. */
	for (i = 0; i < ARRAY_LEN(ops); i++) {
		for (a = 0; a < ARRAY_LEN(args); a++) {
			s = (struct op_step){ ops[i], args[a], -EINVAL, S_FREE, F_BSP, 0 };
			if (apply_step(vcpu, ++n, &s))
				return -1;
		}
	}
	/* RESUME on a paused vCPU, where only the argument is wrong. */
	if (apply_step(vcpu, ++n, &pause))
		return -1;
	for (a = 0; a < ARRAY_LEN(args); a++) {
		s = (struct op_step){ AXV_VCPU_OP_RESUME, args[a], -EINVAL, S_PAUSED, F_BSP, 0 };
		if (apply_step(vcpu, ++n, &s))
			return -1;
	}
	return 0;
}

static int check_vcpu_op_arg_not_zero(int dev)
{
	return with_vcpu(dev, vcpu_op_arg_not_zero);
}

static int vcpu_op_efault(int vcpu)
{
	long page = sysconf(_SC_PAGESIZE);
	struct axv_vcpu_op valid = { .op = AXV_VCPU_OP_PAUSE };
	char *map, *o;
	int ret;

	if (expect_op_errno(vcpu, NULL, EFAULT, "NULL") ||
	    expect_op_errno(vcpu, (struct axv_vcpu_op *)1, EFAULT, "(void *)1"))
		return -1;
	map = map_edge_page(page);
	if (!map)
		return -1;
	/* A valid PAUSE as far as it goes, but its last 16 bytes are not mapped. */
	o = map + page - sizeof(valid) + 16;
	memcpy(o, &valid, sizeof(valid) - 16);
	ret = expect_op_errno(vcpu, (struct axv_vcpu_op *)o, EFAULT, "end of mapping");
	munmap(map, page);
	if (ret)
		return -1;
	return expect_state(vcpu, "after the refused ops", S_FREE, F_BSP, 0);
}

static int check_vcpu_op_efault(int dev)
{
	return with_vcpu(dev, vcpu_op_efault);
}

/* AXV_VCPU_OP only reads its argument: a read-only page will do. */
static int vcpu_op_arg_read_only(int vcpu)
{
	long page = sysconf(_SC_PAGESIZE);
	struct axv_vcpu_op *o;
	int ret;

	o = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (o == MAP_FAILED)
		return sys_fail("mmap");
	o->op = AXV_VCPU_OP_PAUSE;
	if (mprotect(o, page, PROT_READ)) {
		ret = sys_fail("mprotect");
		goto out_map;
	}
	ret = axv_raw_vcpu_op(vcpu, o);
	if (ret < 0)
		ret = sys_fail("AXV_VCPU_OP(pause 0) from a read-only page");
	else if (ret)
		ret = fail("AXV_VCPU_OP(pause 0) from a read-only page returned %d", ret);
	else
		ret = expect_state(vcpu, "after AXV_VCPU_OP(pause 0)", S_PAUSED, F_BSP, 0);
out_map:
	munmap(o, page);
	return ret;
}

static int check_vcpu_op_arg_read_only(int dev)
{
	return with_vcpu(dev, vcpu_op_arg_read_only);
}

/* AXV_VCPU_OP belongs to vCPU fds; the VM fd's refusal leaves its vCPU alone. */
static int check_vcpu_op_elsewhere(int dev)
{
	static const struct axv_vcpu_op o = { .op = AXV_VCPU_OP_PAUSE };
	int vm, vcpu, ret;

	if (expect_enotty(dev, "device fd AXV_VCPU_OP", AXV_VCPU_OP, (unsigned long)&o))
		return -1;
	if (create_vm(dev, &vm))
		return -1;
	ret = new_vcpu(vm, 0, 0, AXV_VCPU_ROLE_DEFAULT, &vcpu);
	if (!ret) {
		ret = expect_enotty(vm, "VM fd AXV_VCPU_OP", AXV_VCPU_OP, (unsigned long)&o);
		if (!ret)
			ret = expect_state(vcpu, "after the VM fd's AXV_VCPU_OP", S_FREE, F_BSP,
					   0);
		close(vcpu);
	}
	close(vm);
	return ret;
}

/* --- memory regions --------------------------------------------------- */

/* The AXV_CAP_NR_MEMSLOTS and AXV_CAP_GPA_BITS values this kernel promises. */
#define AXV_TEST_NR_MEMSLOTS	32
#define AXV_TEST_GPA_BITS	48

/* Regions are multiples of 4 KiB, whatever the host's page size. */
#define AXV_TEST_PAGE		4096UL

/* Where the checks put their regions in guest-physical memory. */
#define AXV_TEST_GPA		0x100000ULL

static int check_extension_nr_memslots(int dev)
{
	int ret = axv_raw_check_extension(dev, AXV_CAP_NR_MEMSLOTS);

	if (ret < 0)
		return sys_fail("AXV_CHECK_EXTENSION(AXV_CAP_NR_MEMSLOTS)");
	if (ret != AXV_TEST_NR_MEMSLOTS)
		return fail("AXV_CHECK_EXTENSION(AXV_CAP_NR_MEMSLOTS) returned %d, expected %d",
			    ret, AXV_TEST_NR_MEMSLOTS);
	return 0;
}

static int check_extension_gpa_bits(int dev)
{
	int ret = axv_raw_check_extension(dev, AXV_CAP_GPA_BITS);

	if (ret < 0)
		return sys_fail("AXV_CHECK_EXTENSION(AXV_CAP_GPA_BITS)");
	if (ret != AXV_TEST_GPA_BITS)
		return fail("AXV_CHECK_EXTENSION(AXV_CAP_GPA_BITS) returned %d, expected %d",
			    ret, AXV_TEST_GPA_BITS);
	return 0;
}

/* Fill @r: slot @slot maps @size bytes at @mem to guest-physical @gpa. */
static void region_init(struct axv_memory_region *r, __u32 slot, __u64 gpa, __u64 size,
			const void *mem)
{
	memset(r, 0, sizeof(*r));
	r->slot = slot;
	r->guest_phys_addr = gpa;
	r->size = size;
	r->userspace_addr = (unsigned long)mem;
}

/* AXV_SET_MEMORY_REGION(@r) on @vm must succeed. */
static int set_region(int vm, const struct axv_memory_region *r)
{
	char what[128];
	int ret;

	ret = axv_raw_set_memory_region(vm, r);
	if (!ret)
		return 0;
	snprintf(what, sizeof(what),
		 "AXV_SET_MEMORY_REGION(slot %u, flags %#x, gpa %#llx, size %#llx)",
		 r->slot, r->flags, r->guest_phys_addr, r->size);
	if (ret < 0)
		return sys_fail(what);
	return fail("%s returned %d, expected 0", what, ret);
}

/* Set slot @slot: @pages pages at @mem to guest-physical @gpa. */
static int set_pages(int vm, __u32 slot, __u64 gpa, size_t pages, const void *mem)
{
	struct axv_memory_region r;

	region_init(&r, slot, gpa, pages * AXV_TEST_PAGE, mem);
	return set_region(vm, &r);
}

/*
 * AXV_SET_MEMORY_REGION(@r) on @vm must fail with @want; @fmt describes
 * the case.
 */
__attribute__((format(printf, 4, 5)))
static int expect_set_errno(int vm, const struct axv_memory_region *r, int want,
			    const char *fmt, ...)
{
	char what[160];
	int ret, err;
	va_list ap;
	size_t n;

	n = snprintf(what, sizeof(what), "AXV_SET_MEMORY_REGION(");
	va_start(ap, fmt);
	vsnprintf(what + n, sizeof(what) - n, fmt, ap);
	va_end(ap);
	n = strlen(what);
	snprintf(what + n, sizeof(what) - n, ")");

	ret = axv_raw_set_memory_region(vm, r);
	err = errno;
	return expect_errno(what, ret, err, want);
}

/* AXV_DELETE_MEMORY_REGION(@slot) on @vm must succeed. */
static int delete_region(int vm, unsigned long slot)
{
	char what[64];
	int ret;

	ret = axv_raw_delete_memory_region(vm, slot);
	if (!ret)
		return 0;
	snprintf(what, sizeof(what), "AXV_DELETE_MEMORY_REGION(%lu)", slot);
	if (ret < 0)
		return sys_fail(what);
	return fail("%s returned %d, expected 0", what, ret);
}

/* AXV_DELETE_MEMORY_REGION(@slot) on @vm must fail with @want. */
static int expect_delete_errno(int vm, unsigned long slot, int want)
{
	char what[64];
	int ret;

	snprintf(what, sizeof(what), "AXV_DELETE_MEMORY_REGION(%#lx)", slot);
	ret = axv_raw_delete_memory_region(vm, slot);
	return expect_errno(what, ret, errno, want);
}

/* @pages anonymous pages with protection @prot, or NULL with the reason set. */
static char *map_pages(size_t pages, int prot)
{
	char *map = mmap(NULL, pages * AXV_TEST_PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);

	if (map == MAP_FAILED) {
		sys_fail("mmap");
		return NULL;
	}
	return map;
}

/*
 * In a new VM, with @pages read-write pages mapped, run @fn on the VM fd
 * and the pages.  The VM is closed before the pages are unmapped.
 */
static int with_vm_mem(int dev, size_t pages, int (*fn)(int vm, char *mem))
{
	int vm, ret;
	char *mem;

	mem = map_pages(pages, PROT_READ | PROT_WRITE);
	if (!mem)
		return -1;
	ret = create_vm(dev, &vm);
	if (!ret) {
		ret = fn(vm, mem);
		if (close(vm) && !ret)
			ret = sys_fail("close(VM)");
	}
	if (munmap(mem, pages * AXV_TEST_PAGE) && !ret)
		ret = sys_fail("munmap");
	return ret;
}

/* A region is really set when deleting its slot succeeds. */
static int memslot_set(int vm, char *mem)
{
	memset(mem, 0x5a, 2 * AXV_TEST_PAGE);
	if (set_pages(vm, 0, AXV_TEST_GPA, 2, mem))
		return -1;
	return delete_region(vm, 0);
}

static int check_memslot_set(int dev)
{
	return with_vm_mem(dev, 2, memslot_set);
}

/* A read-only region, backed by read-only memory. */
static int check_memslot_readonly(int dev)
{
	struct axv_memory_region r;
	int vm, ret;
	char *mem;

	mem = map_pages(2, PROT_READ);
	if (!mem)
		return -1;
	ret = create_vm(dev, &vm);
	if (!ret) {
		region_init(&r, 1, AXV_TEST_GPA, 2 * AXV_TEST_PAGE, mem);
		r.flags = AXV_MEM_READONLY;
		ret = set_region(vm, &r);
		if (!ret)
			ret = delete_region(vm, 1);
		if (close(vm) && !ret)
			ret = sys_fail("close(VM)");
	}
	munmap(mem, 2 * AXV_TEST_PAGE);
	return ret;
}

static int memslot_flags(int vm, char *mem)
{
	static const __u32 flags[] = {
		2, AXV_MEM_READONLY | 2, 1U << 31, ~0U,
	};
	struct axv_memory_region r;
	size_t i;

	for (i = 0; i < ARRAY_LEN(flags); i++) {
		region_init(&r, 0, AXV_TEST_GPA, AXV_TEST_PAGE, mem);
		r.flags = flags[i];
		if (expect_set_errno(vm, &r, EINVAL, "flags %#x", flags[i]))
			return -1;
	}
	return 0;
}

static int check_memslot_flags(int dev)
{
	return with_vm_mem(dev, 1, memslot_flags);
}

static int memslot_reserved(int vm, char *mem)
{
	static const __u64 values[] = { 1, 1ULL << 63 };
	struct axv_memory_region r;
	size_t i, v;

	for (i = 0; i < ARRAY_LEN(r.reserved); i++) {
		for (v = 0; v < ARRAY_LEN(values); v++) {
			region_init(&r, 0, AXV_TEST_GPA, AXV_TEST_PAGE, mem);
			r.reserved[i] = values[v];
			if (expect_set_errno(vm, &r, EINVAL, "reserved[%zu] %#llx", i,
					     values[v]))
				return -1;
		}
	}
	return 0;
}

static int check_memslot_reserved(int dev)
{
	return with_vm_mem(dev, 1, memslot_reserved);
}

static int memslot_slot_range(int vm, char *mem)
{
	static const __u32 slots[] = {
		AXV_TEST_NR_MEMSLOTS, AXV_TEST_NR_MEMSLOTS + 1, 0x100, 1U << 31, ~0U,
	};
	struct axv_memory_region r;
	size_t i;

	for (i = 0; i < ARRAY_LEN(slots); i++) {
		region_init(&r, slots[i], AXV_TEST_GPA, AXV_TEST_PAGE, mem);
		if (expect_set_errno(vm, &r, EINVAL, "slot %#x", slots[i]))
			return -1;
	}
	return 0;
}

static int check_memslot_slot_range(int dev)
{
	return with_vm_mem(dev, 1, memslot_slot_range);
}

static int memslot_size_zero(int vm, char *mem)
{
	struct axv_memory_region r;

	region_init(&r, 0, AXV_TEST_GPA, 0, mem);
	return expect_set_errno(vm, &r, EINVAL, "size 0");
}

static int check_memslot_size_zero(int dev)
{
	return with_vm_mem(dev, 1, memslot_size_zero);
}

/* Offsets that break 4 KiB alignment. */
static const __u64 misalign[] = { 1, 0x800, AXV_TEST_PAGE - 1 };

static int memslot_gpa_unaligned(int vm, char *mem)
{
	struct axv_memory_region r;
	size_t i;

	for (i = 0; i < ARRAY_LEN(misalign); i++) {
		region_init(&r, 0, AXV_TEST_GPA + misalign[i], AXV_TEST_PAGE, mem);
		if (expect_set_errno(vm, &r, EINVAL, "gpa %#llx", r.guest_phys_addr))
			return -1;
	}
	return 0;
}

static int check_memslot_gpa_unaligned(int dev)
{
	return with_vm_mem(dev, 2, memslot_gpa_unaligned);
}

static int memslot_size_unaligned(int vm, char *mem)
{
	struct axv_memory_region r;
	size_t i;

	for (i = 0; i < ARRAY_LEN(misalign); i++) {
		region_init(&r, 0, AXV_TEST_GPA, AXV_TEST_PAGE + misalign[i], mem);
		if (expect_set_errno(vm, &r, EINVAL, "size %#llx", r.size))
			return -1;
	}
	region_init(&r, 0, AXV_TEST_GPA, 1, mem);
	return expect_set_errno(vm, &r, EINVAL, "size 1");
}

static int check_memslot_size_unaligned(int dev)
{
	return with_vm_mem(dev, 2, memslot_size_unaligned);
}

static int memslot_uaddr_unaligned(int vm, char *mem)
{
	struct axv_memory_region r;
	size_t i;

	for (i = 0; i < ARRAY_LEN(misalign); i++) {
		region_init(&r, 0, AXV_TEST_GPA, AXV_TEST_PAGE, mem + misalign[i]);
		if (expect_set_errno(vm, &r, EINVAL, "userspace_addr page + %#llx",
				     misalign[i]))
			return -1;
	}
	return 0;
}

static int check_memslot_uaddr_unaligned(int dev)
{
	return with_vm_mem(dev, 2, memslot_uaddr_unaligned);
}

/* gpa + size beyond 2^64. */
static int memslot_gpa_wrap(int vm, char *mem)
{
	static const struct {
		__u64 gpa;
		__u64 size;
	} *c, cases[] = {
		{ ~0ULL - AXV_TEST_PAGE + 1, 2 * AXV_TEST_PAGE },
		{ ~0ULL - 2 * AXV_TEST_PAGE + 1, 2 * AXV_TEST_PAGE },
		{ 2 * AXV_TEST_PAGE, ~0ULL - AXV_TEST_PAGE + 1 },
	};
	struct axv_memory_region r;

	for (c = cases; c < cases + ARRAY_LEN(cases); c++) {
		region_init(&r, 0, c->gpa, c->size, mem);
		if (expect_set_errno(vm, &r, EINVAL, "gpa %#llx, size %#llx", c->gpa, c->size))
			return -1;
	}
	return 0;
}

static int check_memslot_gpa_wrap(int dev)
{
	return with_vm_mem(dev, 1, memslot_gpa_wrap);
}

/* Regions ending beyond 2^AXV_TEST_GPA_BITS. */
static int memslot_gpa_limit(int vm, char *mem)
{
	const __u64 top = 1ULL << AXV_TEST_GPA_BITS;
	const struct {
		__u64 gpa;
		__u64 size;
	} *c, cases[] = {
		{ top, AXV_TEST_PAGE },
		{ top - AXV_TEST_PAGE, 2 * AXV_TEST_PAGE },
		{ 0, top + AXV_TEST_PAGE },
		{ 1ULL << 63, AXV_TEST_PAGE },
	};
	struct axv_memory_region r;

	for (c = cases; c < cases + ARRAY_LEN(cases); c++) {
		region_init(&r, 0, c->gpa, c->size, mem);
		if (expect_set_errno(vm, &r, EINVAL, "gpa %#llx, size %#llx", c->gpa, c->size))
			return -1;
	}
	return 0;
}

static int check_memslot_gpa_limit(int dev)
{
	return with_vm_mem(dev, 2, memslot_gpa_limit);
}

/* A region may end exactly at 2^AXV_TEST_GPA_BITS. */
static int memslot_gpa_top(int vm, char *mem)
{
	if (set_pages(vm, 0, (1ULL << AXV_TEST_GPA_BITS) - 2 * AXV_TEST_PAGE, 2, mem))
		return -1;
	return delete_region(vm, 0);
}

static int check_memslot_gpa_top(int dev)
{
	return with_vm_mem(dev, 2, memslot_gpa_top);
}

/* userspace_addr + size beyond 2^64: EINVAL, before the address is looked at. */
static int memslot_uaddr_wrap(int vm, char *mem)
{
	static const struct {
		__u64 uaddr;
		__u64 size;
	} *c, cases[] = {
		{ ~0ULL - AXV_TEST_PAGE + 1, 2 * AXV_TEST_PAGE },
		{ ~0ULL - 2 * AXV_TEST_PAGE + 1, 3 * AXV_TEST_PAGE },
	};
	struct axv_memory_region r;

	for (c = cases; c < cases + ARRAY_LEN(cases); c++) {
		region_init(&r, 0, AXV_TEST_GPA, c->size, mem);
		r.userspace_addr = c->uaddr;
		if (expect_set_errno(vm, &r, EINVAL, "userspace_addr %#llx, size %#llx",
				     c->uaddr, c->size))
			return -1;
	}
	return 0;
}

static int check_memslot_uaddr_wrap(int dev)
{
	return with_vm_mem(dev, 1, memslot_uaddr_wrap);
}

/* The argument itself: NULL, (void *)1, and running off a mapping. */
static int check_memslot_arg_efault(int dev)
{
	long page = sysconf(_SC_PAGESIZE);
	struct axv_memory_region valid;
	int vm, ret;
	char *map, *r;

	map = map_edge_page(page);
	if (!map)
		return -1;
	ret = create_vm(dev, &vm);
	if (ret)
		goto out_map;
	ret = expect_set_errno(vm, NULL, EFAULT, "NULL");
	if (!ret)
		ret = expect_set_errno(vm, (struct axv_memory_region *)1, EFAULT, "(void *)1");
	if (!ret) {
		/* Valid as far as it goes, but its last 16 bytes are not mapped. */
		region_init(&valid, 0, AXV_TEST_GPA, AXV_TEST_PAGE, map);
		r = map + page - sizeof(valid) + 16;
		memcpy(r, &valid, sizeof(valid) - 16);
		ret = expect_set_errno(vm, (struct axv_memory_region *)r, EFAULT,
				       "end of mapping");
	}
	close(vm);
out_map:
	munmap(map, page);
	return ret;
}

/* Memory outside the caller's address space. */
static int memslot_uaddr_kernel(int vm, char *mem)
{
	static const __u64 uaddrs[] = {
		0xffff800000000000ULL, 0xffffffff80000000ULL, 0x8000000000000000ULL,
	};
	struct axv_memory_region r;
	size_t i;

	for (i = 0; i < ARRAY_LEN(uaddrs); i++) {
		region_init(&r, 0, AXV_TEST_GPA, AXV_TEST_PAGE, mem);
		r.userspace_addr = uaddrs[i];
		if (expect_set_errno(vm, &r, EFAULT, "userspace_addr %#llx", uaddrs[i]))
			return -1;
	}
	return 0;
}

static int check_memslot_uaddr_kernel(int dev)
{
	return with_vm_mem(dev, 1, memslot_uaddr_kernel);
}

static int memslot_slot_in_use(int vm, char *mem)
{
	struct axv_memory_region r;

	if (set_pages(vm, 4, AXV_TEST_GPA, 1, mem))
		return -1;
	/* Another range and other memory: only the slot number clashes. */
	region_init(&r, 4, AXV_TEST_GPA + 16 * AXV_TEST_PAGE, AXV_TEST_PAGE,
		    mem + AXV_TEST_PAGE);
	return expect_set_errno(vm, &r, EEXIST, "slot 4 again, another range");
}

static int check_memslot_slot_in_use(int dev)
{
	return with_vm_mem(dev, 2, memslot_slot_in_use);
}

/*
 * The overlap checks: slot 0 holds 4 pages at OVL_GPA (memory pages 0-3);
 * a second region, in other memory (from page 4 on), is set beside it.
 */
#define OVL_GPA		(AXV_TEST_GPA + 8 * AXV_TEST_PAGE)
#define OVL_PAGES	4
#define OVL_MEM_PAGES	(OVL_PAGES + 6)

/*
 * In a new VM with the slot 0 region, slot 1 with @pages pages at OVL_GPA
 * + @first_page pages must fail with EEXIST: @shape says how they overlap.
 */
static int expect_overlap(int dev, long first_page, size_t pages, const char *shape)
{
	struct axv_memory_region r;
	int vm, ret;
	char *mem;

	mem = map_pages(OVL_MEM_PAGES, PROT_READ | PROT_WRITE);
	if (!mem)
		return -1;
	ret = create_vm(dev, &vm);
	if (ret)
		goto out_map;
	ret = set_pages(vm, 0, OVL_GPA, OVL_PAGES, mem);
	if (!ret) {
		region_init(&r, 1, OVL_GPA + first_page * (long)AXV_TEST_PAGE,
			    pages * AXV_TEST_PAGE, mem + OVL_PAGES * AXV_TEST_PAGE);
		ret = expect_set_errno(vm, &r, EEXIST, "slot 1, %s: gpa %#llx, size %#llx",
				       shape, r.guest_phys_addr, r.size);
	}
	close(vm);
out_map:
	munmap(mem, OVL_MEM_PAGES * AXV_TEST_PAGE);
	return ret;
}

static int check_memslot_overlap_same(int dev)
{
	return expect_overlap(dev, 0, OVL_PAGES, "same range");
}

/* The second region runs into the start of the first. */
static int check_memslot_overlap_start(int dev)
{
	return expect_overlap(dev, -1, 2, "overlapping the start");
}

/* The second region starts before the end of the first. */
static int check_memslot_overlap_end(int dev)
{
	return expect_overlap(dev, OVL_PAGES - 1, 2, "overlapping the end");
}

static int check_memslot_overlap_containing(int dev)
{
	return expect_overlap(dev, -1, OVL_PAGES + 2, "containing");
}

static int check_memslot_overlap_contained(int dev)
{
	return expect_overlap(dev, 1, OVL_PAGES - 2, "contained");
}

/* Regions that end where another starts, on either side. */
static int memslot_touching(int vm, char *mem)
{
	char *next = mem + OVL_PAGES * AXV_TEST_PAGE;

	if (set_pages(vm, 0, OVL_GPA, OVL_PAGES, mem) ||
	    set_pages(vm, 1, OVL_GPA - 2 * AXV_TEST_PAGE, 2, next) ||
	    set_pages(vm, 2, OVL_GPA + OVL_PAGES * AXV_TEST_PAGE, 2,
		      next + 2 * AXV_TEST_PAGE))
		return -1;
	return 0;
}

static int check_memslot_touching(int dev)
{
	return with_vm_mem(dev, OVL_MEM_PAGES, memslot_touching);
}

/* Refused regions take neither their slot nor their guest range. */
static int memslot_failed_keeps_free(int vm, char *mem)
{
	const __u64 gpa = AXV_TEST_GPA + 16 * AXV_TEST_PAGE;
	struct axv_memory_region r;

	if (set_pages(vm, 0, AXV_TEST_GPA, 1, mem))
		return -1;
	region_init(&r, 1, gpa, AXV_TEST_PAGE, mem + AXV_TEST_PAGE);
	r.flags = 2;
	if (expect_set_errno(vm, &r, EINVAL, "slot 1, flags 2"))
		return -1;
	region_init(&r, 1, gpa, AXV_TEST_PAGE, NULL);
	r.userspace_addr = 0xffff800000000000ULL;
	if (expect_set_errno(vm, &r, EFAULT, "slot 1, kernel userspace_addr"))
		return -1;
	region_init(&r, 1, AXV_TEST_GPA, AXV_TEST_PAGE, mem + AXV_TEST_PAGE);
	if (expect_set_errno(vm, &r, EEXIST, "slot 1, range of slot 0"))
		return -1;
	return set_pages(vm, 1, gpa, 1, mem + AXV_TEST_PAGE);
}

static int check_memslot_failed_keeps_free(int dev)
{
	return with_vm_mem(dev, 2, memslot_failed_keeps_free);
}

/* A deleted region's slot and guest range can be used again. */
static int memslot_delete_reuse(int vm, char *mem)
{
	const __u64 other = AXV_TEST_GPA + 16 * AXV_TEST_PAGE;
	char *mem2 = mem + 2 * AXV_TEST_PAGE;

	/* The range again, in another slot. */
	if (set_pages(vm, 5, AXV_TEST_GPA, 2, mem) || delete_region(vm, 5) ||
	    set_pages(vm, 6, AXV_TEST_GPA, 2, mem2))
		return -1;
	/* The slot again, with another range. */
	if (set_pages(vm, 5, other, 2, mem) || delete_region(vm, 6) ||
	    delete_region(vm, 5))
		return -1;
	/* Both again. */
	if (set_pages(vm, 5, AXV_TEST_GPA, 2, mem))
		return -1;
	return delete_region(vm, 5);
}

static int check_memslot_delete_reuse(int dev)
{
	return with_vm_mem(dev, 4, memslot_delete_reuse);
}

static int memslot_delete_free(int vm, char *mem)
{
	if (expect_delete_errno(vm, 0, ENOENT) ||
	    expect_delete_errno(vm, AXV_TEST_NR_MEMSLOTS - 1, ENOENT))
		return -1;
	/* Deleted once, a slot is free again. */
	if (set_pages(vm, 3, AXV_TEST_GPA, 1, mem) || delete_region(vm, 3))
		return -1;
	return expect_delete_errno(vm, 3, ENOENT);
}

static int check_memslot_delete_free(int dev)
{
	return with_vm_mem(dev, 1, memslot_delete_free);
}

/*
 * Slot numbers out of range.  Slot 0 is in use, so that a kernel
 * truncating 1UL << 32 to 0 would show: slot 0 must survive.
 */
static int memslot_delete_range(int vm, char *mem)
{
	static const unsigned long slots[] = {
		AXV_TEST_NR_MEMSLOTS, AXV_TEST_NR_MEMSLOTS + 1, 1UL << 31, 1UL << 32,
		1UL << 32 | 1, ~0UL,
	};
	size_t i;

	if (set_pages(vm, 0, AXV_TEST_GPA, 1, mem))
		return -1;
	for (i = 0; i < ARRAY_LEN(slots); i++)
		if (expect_delete_errno(vm, slots[i], EINVAL))
			return -1;
	return delete_region(vm, 0);
}

static int check_memslot_delete_range(int dev)
{
	return with_vm_mem(dev, 1, memslot_delete_range);
}

/* Every slot at once, one page each; slot AXV_TEST_NR_MEMSLOTS is refused. */
static int memslot_all(int vm, char *mem)
{
	struct axv_memory_region r;
	__u32 slot;

	for (slot = 0; slot < AXV_TEST_NR_MEMSLOTS; slot++)
		if (set_pages(vm, slot, AXV_TEST_GPA + 2 * slot * AXV_TEST_PAGE, 1,
			      mem + slot * AXV_TEST_PAGE))
			return -1;
	region_init(&r, AXV_TEST_NR_MEMSLOTS, AXV_TEST_GPA + 2 * slot * AXV_TEST_PAGE,
		    AXV_TEST_PAGE, mem + slot * AXV_TEST_PAGE);
	if (expect_set_errno(vm, &r, EINVAL, "slot %u", AXV_TEST_NR_MEMSLOTS))
		return -1;
	for (slot = 0; slot < AXV_TEST_NR_MEMSLOTS; slot++)
		if (delete_region(vm, slot))
			return -1;
	return 0;
}

static int check_memslot_all(int dev)
{
	return with_vm_mem(dev, AXV_TEST_NR_MEMSLOTS + 1, memslot_all);
}

/*
 * Two VMs use the same slot number and guest range; deleting one's
 * region leaves the other's.
 */
static int check_memslot_per_vm(int dev)
{
	int a, b, ret;
	char *mem;

	mem = map_pages(2, PROT_READ | PROT_WRITE);
	if (!mem)
		return -1;
	ret = create_vm(dev, &a);
	if (ret)
		goto out_map;
	ret = create_vm(dev, &b);
	if (ret)
		goto out_a;
	ret = set_pages(a, 0, AXV_TEST_GPA, 1, mem);
	if (!ret)
		ret = set_pages(b, 0, AXV_TEST_GPA, 1, mem + AXV_TEST_PAGE);
	if (!ret)
		ret = delete_region(a, 0);
	if (!ret)
		ret = delete_region(b, 0);
	close(b);
out_a:
	close(a);
out_map:
	munmap(mem, 2 * AXV_TEST_PAGE);
	return ret;
}

/* Closing a VM frees its regions; a new VM has every slot free. */
static int check_memslot_vm_close(int dev)
{
	int vm, ret;
	char *mem;

	mem = map_pages(1, PROT_READ | PROT_WRITE);
	if (!mem)
		return -1;
	ret = create_vm(dev, &vm);
	if (ret)
		goto out_map;
	ret = set_pages(vm, 0, AXV_TEST_GPA, 1, mem);
	if (close(vm) && !ret)
		ret = sys_fail("close(VM)");
	if (ret)
		goto out_map;
	ret = create_vm(dev, &vm);
	if (ret)
		goto out_map;
	ret = expect_delete_errno(vm, 0, ENOENT);
	if (!ret)
		ret = set_pages(vm, 0, AXV_TEST_GPA, 1, mem);
	if (close(vm) && !ret)
		ret = sys_fail("close(new VM)");
out_map:
	munmap(mem, AXV_TEST_PAGE);
	return ret;
}

/* The region ioctls belong to VM fds: the device and vCPU fds refuse them. */
static int check_memslot_ioctls_elsewhere(int dev)
{
	struct axv_memory_region r;
	int vm, vcpu, ret;
	char *mem;

	mem = map_pages(1, PROT_READ | PROT_WRITE);
	if (!mem)
		return -1;
	region_init(&r, 0, AXV_TEST_GPA, AXV_TEST_PAGE, mem);
	ret = expect_enotty(dev, "device fd AXV_SET_MEMORY_REGION", AXV_SET_MEMORY_REGION,
			    (unsigned long)&r);
	if (!ret)
		ret = expect_enotty(dev, "device fd AXV_DELETE_MEMORY_REGION",
				    AXV_DELETE_MEMORY_REGION, 0);
	if (ret)
		goto out_map;
	ret = create_vm(dev, &vm);
	if (ret)
		goto out_map;
	ret = new_vcpu(vm, 0, 0, AXV_VCPU_ROLE_DEFAULT, &vcpu);
	if (!ret) {
		ret = expect_enotty(vcpu, "vCPU fd AXV_SET_MEMORY_REGION",
				    AXV_SET_MEMORY_REGION, (unsigned long)&r);
		if (!ret)
			ret = expect_enotty(vcpu, "vCPU fd AXV_DELETE_MEMORY_REGION",
					    AXV_DELETE_MEMORY_REGION, 0);
		close(vcpu);
	}
	/* Nothing reached the VM: slot 0 is free. */
	if (!ret)
		ret = expect_delete_errno(vm, 0, ENOENT);
	close(vm);
out_map:
	munmap(mem, AXV_TEST_PAGE);
	return ret;
}

static int check_create_vm_busy(int dev)
{
	int ret = axv_raw_create_vm(dev, 0);
	int err = errno;

	if (ret >= 0) {
		close(ret);
		return fail("AXV_CREATE_VM succeeded, expected EBUSY");
	}
	return expect_errno("AXV_CREATE_VM", ret, err, EBUSY);
}

static const struct check abi_checks[] = {
	{ "api_version",		check_api_version },
	{ "api_version_arg",		check_api_version_arg },
	{ "check_extension_vmx",	check_extension_vmx },
	{ "check_extension_known",	check_extension_known },
	{ "check_extension_unknown",	check_extension_unknown },
	{ "check_extension_max_vcpus",	check_extension_max_vcpus },
	{ "vmx_caps_get",		check_vmx_caps_get },
	{ "vmx_caps_features",		check_vmx_caps_features },
	{ "vmx_caps_vmcs_size",		check_vmx_caps_vmcs_size },
	{ "vmx_caps_decoded",		check_vmx_caps_decoded },
	{ "vmx_caps_reserved",		check_vmx_caps_reserved },
	{ "vmx_caps_efault",		check_vmx_caps_efault },
	{ "ioctl_unknown_nr",		check_ioctl_unknown_nr },
	{ "ioctl_foreign_type",		check_ioctl_foreign_type },
	{ "ioctl_wrong_encoding",	check_ioctl_wrong_encoding },
	{ "create_vm_flags",		check_create_vm_flags },
	{ "create_vm",			check_create_vm },
	{ "vm_unknown_ioctl",		check_vm_unknown_ioctl },
	{ "two_vms",			check_two_vms },
	{ "vm_close_first_first",	check_vm_close_first_first },
	{ "vm_close_last_first",	check_vm_close_last_first },
	{ "vcpu_create_bsp_default",	check_vcpu_create_bsp_default },
	{ "vcpu_create_ap_default",	check_vcpu_create_ap_default },
	{ "vcpu_create_explicit_roles",	check_vcpu_create_explicit_roles },
	{ "vcpu_create_favoured",	check_vcpu_create_favoured },
	{ "vcpu_create_apic_id_max",	check_vcpu_create_apic_id_max },
	{ "vcpu_create_bitmap_max_size", check_vcpu_create_bitmap_max_size },
	{ "vcpu_create_cloexec",	check_vcpu_create_cloexec },
	{ "vcpu_create_arg_read_only",	check_vcpu_create_arg_read_only },
	{ "vcpu_create_efault",		check_vcpu_create_efault },
	{ "vcpu_create_flags",		check_vcpu_create_flags },
	{ "vcpu_create_reserved",	check_vcpu_create_reserved },
	{ "vcpu_create_role_invalid",	check_vcpu_create_role_invalid },
	{ "vcpu_create_id_range",	check_vcpu_create_id_range },
	{ "vcpu_create_apic_id_range",	check_vcpu_create_apic_id_range },
	{ "vcpu_create_favoured_range",	check_vcpu_create_favoured_range },
	{ "vcpu_create_favoured_not_allowed", check_vcpu_create_favoured_not_allowed },
	{ "vcpu_create_bitmap_size",	check_vcpu_create_bitmap_size },
	{ "vcpu_create_bitmap_null",	check_vcpu_create_bitmap_null },
	{ "vcpu_create_bitmap_size_zero", check_vcpu_create_bitmap_size_zero },
	{ "vcpu_create_bitmap_no_cpu",	check_vcpu_create_bitmap_no_cpu },
	{ "vcpu_create_bitmap_efault",	check_vcpu_create_bitmap_efault },
	{ "vcpu_create_id_taken",	check_vcpu_create_id_taken },
	{ "vcpu_create_apic_id_taken",	check_vcpu_create_apic_id_taken },
	{ "vcpu_create_second_bsp",	check_vcpu_create_second_bsp },
	{ "vcpu_create_second_bsp_default", check_vcpu_create_second_bsp_default },
	{ "vcpu_create_failed_keeps_free", check_vcpu_create_failed_keeps_free },
	{ "vcpu_max",			check_vcpu_max },
	{ "vcpu_close_vm_first",	check_vcpu_close_vm_first },
	{ "vcpu_close_recreate",	check_vcpu_close_recreate },
	{ "vcpu_unknown_ioctl",		check_vcpu_unknown_ioctl },
	{ "vcpu_vm_system_ioctls",	check_vcpu_vm_system_ioctls },
	{ "vcpu_ioctl_wrong_encoding",	check_vcpu_ioctl_wrong_encoding },
	{ "vcpu_ioctls_elsewhere",	check_vcpu_ioctls_elsewhere },
	{ "vcpu_state_efault",		check_vcpu_state_efault },
	{ "vcpu_state_reserved",	check_vcpu_state_reserved },
	{ "vcpu_stats_zero",		check_vcpu_stats_zero },
	{ "vcpu_stats_reserved",	check_vcpu_stats_reserved },
	{ "vcpu_stats_efault",		check_vcpu_stats_efault },
	{ "vcpu_op_start_sequence",	check_vcpu_op_start_sequence },
	{ "vcpu_op_start_bsp_ignored",	check_vcpu_op_start_bsp_ignored },
	{ "vcpu_op_start_vector_range",	check_vcpu_op_start_vector_range },
	{ "vcpu_op_init_bsp",		check_vcpu_op_init_bsp },
	{ "vcpu_op_role_to_ap",		check_vcpu_op_role_to_ap },
	{ "vcpu_op_role_to_bsp",	check_vcpu_op_role_to_bsp },
	{ "vcpu_op_role_second_bsp",	check_vcpu_op_role_second_bsp },
	{ "vcpu_op_role_bsp_moves",	check_vcpu_op_role_bsp_moves },
	{ "vcpu_op_role_invalid",	check_vcpu_op_role_invalid },
	{ "vcpu_op_pause_free",		check_vcpu_op_pause_free },
	{ "vcpu_op_pause_wait_start",	check_vcpu_op_pause_wait_start },
	{ "vcpu_op_pause_twice",	check_vcpu_op_pause_twice },
	{ "vcpu_op_resume_not_paused",	check_vcpu_op_resume_not_paused },
	{ "vcpu_op_init_while_paused",	check_vcpu_op_init_while_paused },
	{ "vcpu_op_while_paused",	check_vcpu_op_while_paused },
	{ "vcpu_op_stop_free",		check_vcpu_op_stop_free },
	{ "vcpu_op_stop_wait_start",	check_vcpu_op_stop_wait_start },
	{ "vcpu_op_stop_paused",	check_vcpu_op_stop_paused },
	{ "vcpu_op_after_stop",		check_vcpu_op_after_stop },
	{ "vcpu_op_stopped_bsp_keeps_role", check_vcpu_op_stopped_bsp_keeps_role },
	{ "vcpu_op_unknown",		check_vcpu_op_unknown },
	{ "vcpu_op_reserved",		check_vcpu_op_reserved },
	{ "vcpu_op_arg_not_zero",	check_vcpu_op_arg_not_zero },
	{ "vcpu_op_efault",		check_vcpu_op_efault },
	{ "vcpu_op_arg_read_only",	check_vcpu_op_arg_read_only },
	{ "vcpu_op_elsewhere",		check_vcpu_op_elsewhere },
	{ "check_extension_nr_memslots", check_extension_nr_memslots },
	{ "check_extension_gpa_bits",	check_extension_gpa_bits },
	{ "memslot_set",		check_memslot_set },
	{ "memslot_readonly",		check_memslot_readonly },
	{ "memslot_flags",		check_memslot_flags },
	{ "memslot_reserved",		check_memslot_reserved },
	{ "memslot_slot_range",		check_memslot_slot_range },
	{ "memslot_size_zero",		check_memslot_size_zero },
	{ "memslot_gpa_unaligned",	check_memslot_gpa_unaligned },
	{ "memslot_size_unaligned",	check_memslot_size_unaligned },
	{ "memslot_uaddr_unaligned",	check_memslot_uaddr_unaligned },
	{ "memslot_gpa_wrap",		check_memslot_gpa_wrap },
	{ "memslot_gpa_limit",		check_memslot_gpa_limit },
	{ "memslot_gpa_top",		check_memslot_gpa_top },
	{ "memslot_uaddr_wrap",		check_memslot_uaddr_wrap },
	{ "memslot_arg_efault",		check_memslot_arg_efault },
	{ "memslot_uaddr_kernel",	check_memslot_uaddr_kernel },
	{ "memslot_slot_in_use",	check_memslot_slot_in_use },
	{ "memslot_overlap_same",	check_memslot_overlap_same },
	{ "memslot_overlap_start",	check_memslot_overlap_start },
	{ "memslot_overlap_end",	check_memslot_overlap_end },
	{ "memslot_overlap_containing",	check_memslot_overlap_containing },
	{ "memslot_overlap_contained",	check_memslot_overlap_contained },
	{ "memslot_touching",		check_memslot_touching },
	{ "memslot_failed_keeps_free",	check_memslot_failed_keeps_free },
	{ "memslot_delete_reuse",	check_memslot_delete_reuse },
	{ "memslot_delete_free",	check_memslot_delete_free },
	{ "memslot_delete_range",	check_memslot_delete_range },
	{ "memslot_all",		check_memslot_all },
	{ "memslot_per_vm",		check_memslot_per_vm },
	{ "memslot_vm_close",		check_memslot_vm_close },
	{ "memslot_ioctls_elsewhere",	check_memslot_ioctls_elsewhere },
	{ NULL, NULL }
};

static const struct check busy_checks[] = {
	{ "create_vm_busy",		check_create_vm_busy },
	{ NULL, NULL }
};

static void report(const char *name, int failed)
{
	if (failed)
		printf("AXVTEST fail %s %s\n", name, reason[0] ? reason : "(no reason)");
	else
		printf("AXVTEST ok %s\n", name);
}

/* Run @checks; returns the number that failed. */
static int run_checks(const struct check *checks, int dev)
{
	int failed = 0, ret;

	for (; checks->name; checks++) {
		reason[0] = '\0';
		ret = checks->fn(dev);
		report(checks->name, ret);
		failed += !!ret;
	}
	return failed;
}

static volatile sig_atomic_t release_requested;

static void request_release(int sig __attribute__((unused)))
{
	release_requested = 1;
}

/*
 * Create a VM and keep it for @seconds or until SIGTERM, so that a test
 * script can release it exactly when it wants, however slow the machine;
 * returns the number of failures.
 */
static int hold_vm(int dev, unsigned int seconds)
{
	struct sigaction sa = { .sa_handler = request_release };
	unsigned int left = seconds;
	int vm, ret;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	reason[0] = '\0';
	ret = create_vm(dev, &vm);
	report("create_vm_hold", ret);
	if (ret)
		return 1;
	while (left && !release_requested)
		left = sleep(left);
	ret = close_vm(vm, "close(held VM)");
	report("create_vm_release", ret);
	return !!ret;
}

static int usage(FILE *f, int status)
{
	fprintf(f, "Usage: abi_test [--expect-busy | --create-vm-hold SECONDS]\n");
	return status;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "expect-busy", no_argument, NULL, 'b' },
		{ "create-vm-hold", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned long hold = 0;
	int busy = 0, holding = 0;
	struct axv_err err;
	int opt, dev, failed;
	char *end;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'b':
			busy = 1;
			break;
		case 'H':
			errno = 0;
			hold = strtoul(optarg, &end, 10);
			if (!*optarg || *optarg == '-' || *end || errno || hold > 1000000) {
				fprintf(stderr, "abi_test: bad SECONDS '%s'\n", optarg);
				return usage(stderr, 2);
			}
			holding = 1;
			break;
		case 'h':
			return usage(stdout, 0);
		default:
			return usage(stderr, 2);
		}
	}
	if (optind < argc || (busy && holding))
		return usage(stderr, 2);

	/* The harness may read the console while we sleep: one line at a time. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	dev = axv_open(NULL, &err);
	reason[0] = '\0';
	if (dev < 0)
		snprintf(reason, sizeof(reason), "%s", err.msg);
	report("open", dev < 0);
	if (dev < 0)
		return 1;

	if (holding)
		failed = hold_vm(dev, hold);
	else
		failed = run_checks(busy ? busy_checks : abi_checks, dev);
	close(dev);
	return failed ? 1 : 0;
}
