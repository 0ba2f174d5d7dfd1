// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold: create a KVM VM and keep it for a while, so that a test can
 * check how axvcpu behaves while KVM holds VMX, and the other way round.
 *
 *   kvm_hold SECONDS           create a VM, create /tmp/kvm_hold.ready,
 *                              hold the VM SECONDS or until SIGTERM, exit 0
 *   kvm_hold --expect-fail     exit 0 if KVM_CREATE_VM fails (e.g. EBUSY
 *                              or EIO because axvcpu holds VMX)
 *
 * Prints AXVTEST lines like the other guest test programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

static volatile sig_atomic_t release_requested;

static void request_release(int sig __attribute__((unused)))
{
	release_requested = 1;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = request_release };
	unsigned int left;
	int kvm, vm, marker;

	if (argc != 2) {
		fprintf(stderr, "usage: kvm_hold SECONDS | --expect-fail\n");
		return 2;
	}
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		printf("AXVTEST fail kvm_open %s\n", strerror(errno));
		return 1;
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (!strcmp(argv[1], "--expect-fail")) {
		if (vm >= 0) {
			printf("AXVTEST fail kvm_create_vm_refused KVM created a VM\n");
			return 1;
		}
		printf("AXVTEST ok kvm_create_vm_refused\n");
		return 0;
	}
	if (vm < 0) {
		printf("AXVTEST fail kvm_create_vm %s\n", strerror(errno));
		return 1;
	}
	printf("AXVTEST ok kvm_create_vm\n");
	fflush(stdout);
	/* Tell the script the VM exists; it then ends the hold with SIGTERM. */
	marker = open("/tmp/kvm_hold.ready", O_WRONLY | O_CREAT, 0600);
	if (marker >= 0)
		close(marker);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	for (left = atoi(argv[1]); left && !release_requested;)
		left = sleep(left);
	unlink("/tmp/kvm_hold.ready");
	close(vm);
	close(kvm);
	return 0;
}
