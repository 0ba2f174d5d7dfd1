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
 *	abi_test --create-vm-hold SECS	create a VM, hold it SECS seconds,
 *					close it (CPU hotplug tests)
 *
 * The device is $AXVCPU_DEV or /dev/axvcpu.  Exit status: 0 when every check
 * passed, 1 when one failed, 2 on a usage error.
 */
#define _GNU_SOURCE	/* strerrorname_np() */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
 * Issue @req on @fd and expect ENOTTY.  Should a CREATE_VM-numbered request
 * be wrongly accepted, the VM fd it returned is closed.
 */
static int expect_enotty(int fd, const char *what, unsigned long req, unsigned long arg)
{
	int ret = axv_raw_ioctl(fd, req, arg);
	int err = errno;

	if (ret >= 0 && _IOC_NR(req) == _IOC_NR(AXV_CREATE_VM))
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
	static const unsigned long flags[] = { 1, 1UL << 31, 1UL << 32, ~0UL };
	char what[64];
	size_t i;
	int ret, err;

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

/* Create a VM and keep it for @seconds; returns the number of failures. */
static int hold_vm(int dev, unsigned int seconds)
{
	unsigned int left = seconds;
	int vm, ret;

	reason[0] = '\0';
	ret = create_vm(dev, &vm);
	report("create_vm_hold", ret);
	if (ret)
		return 1;
	while (left)
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
