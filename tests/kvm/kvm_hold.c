// SPDX-License-Identifier: GPL-2.0
/*
 * kvm_hold: create a KVM VM and keep it for a while, so that a test can
 * check how axvcpu behaves while KVM holds VMX, and the other way round.
 *
 *   kvm_hold SECONDS           create a VM, hold it SECONDS, exit 0
 *   kvm_hold --expect-fail     exit 0 if KVM_CREATE_VM fails (e.g. EBUSY
 *                              or EIO because axvcpu holds VMX)
 *
 * Prints AXVTEST lines like the other guest test programs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/kvm.h>

int main(int argc, char **argv)
{
	int kvm, vm;

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
	sleep(atoi(argv[1]));
	close(vm);
	close(kvm);
	return 0;
}
