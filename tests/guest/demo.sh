# SPDX-License-Identifier: GPL-2.0
#
# make demo, inside the emulated Intel machine running Debian's kernel.
. /tests/lib.sh

say() {
	echo
	echo "### $*"
}

say "uname -r: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
say "insmod axvcpu.ko"
expect insmod insmod /axvcpu.ko
dmesg | grep 'axvcpu:'

say "userctl info"
/userctl info && ok userctl_info || fail userctl_info "status $?"

say "VMX per CPU before any VM"
cat /sys/kernel/debug/axvcpu/virt

say "VMX per CPU while a VM exists"
hold_vm >/dev/null
cat /sys/kernel/debug/axvcpu/virt
virt_is vmx_on_with_vm 1 1
release_vm vm_closed

say "VMX per CPU after the VM is closed"
cat /sys/kernel/debug/axvcpu/virt
virt_is vmx_off_after_vm 0 0

say "userctl run --stats lm_hello.elf: a guest greets from long mode"
/userctl run --stats /guests/lm_hello.elf
status=$?
# The guest reports its checks through port 0xf4: (0x10 << 1) | 1 = 33.
[ "$status" = 33 ] && ok guest_long_mode_hello || fail guest_long_mode_hello "status $status"
virt_is vmx_off_after_guest 0 0

say "rmmod axvcpu"
expect rmmod rmmod axvcpu
