# SPDX-License-Identifier: GPL-2.0
#
# Bochs (Intel VMX), Debian's stock cloud kernel: axvcpu as users load it,
# and taking turns with Debian's kvm_intel.
. /tests/lib.sh

expect insmod insmod /axvcpu.ko
expect userctl_info /userctl info
/abi_test

# KVM holds VMX: our VM creation is refused with EBUSY and a reason.
expect insmod_irqbypass insmod /kvm/irqbypass.ko
expect insmod_kvm insmod /kvm/kvm.ko
expect insmod_kvm_intel insmod /kvm/kvm-intel.ko
/kvm_hold 3600 &
holder=$!
wait_until test -e /tmp/kvm_hold.ready || fail kvm_hold_ready "no KVM VM appeared"
/abi_test --expect-busy
dmesg_has busy_reason "another hypervisor holds VMX"
release_vm kvm_holder_exit

# KVM's VM is gone: ours works again; while ours lives, KVM's cannot.
hold_vm
/kvm_hold --expect-fail
release_vm vm_after_kvm
/kvm_hold 0 | sed 's/kvm_create_vm$/kvm_create_vm_after_axvcpu/'

expect rmmod rmmod axvcpu
