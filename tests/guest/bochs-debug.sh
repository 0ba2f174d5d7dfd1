# SPDX-License-Identifier: GPL-2.0
#
# Bochs (Intel VMX), debug test kernel: KUnit with VMX, the module's life
# cycle, virtualization on/off per CPU, CPU hotplug, the ABI.
. /tests/lib.sh

ncpus=$(grep -c ^processor /proc/cpuinfo)
echo "AXVTEST-INFO cpus $ncpus"

# The hardware suite enters VMX itself: run it before any VM exists.
expect kunit_module_load insmod /axvcpu_kunit.ko
expect kunit_module_unload rmmod axvcpu_kunit

expect insmod insmod /axvcpu.ko
dmesg_has load_message "axvcpu: loaded: vmx backend, API version 1"
mode=$(stat -c %a /dev/axvcpu 2>&1)
[ "$mode" = 600 ] && ok dev_mode_0600 || fail dev_mode_0600 "mode $mode"
virt_is virt_off_after_load 0 0

# One VM turns VMX on everywhere; closing it turns it off everywhere.
hold_vm
virt_is virt_on_with_vm 1 1
if rmmod axvcpu 2>/dev/null || [ ! -e /sys/module/axvcpu ]; then
	fail rmmod_refused_with_vm "axvcpu unloaded while a VM fd was open"
else
	ok rmmod_refused_with_vm
fi
release_vm vm_holder_exit
virt_is virt_off_after_last_vm 0 0

/abi_test
virt_is virt_off_after_abi_test 0 0

/run_test
virt_is virt_off_after_run_test 0 0

# The guest programs of tests/guests/ under "userctl run".
. /tests/guests.sh
run_guest_tests /userctl /guests
virt_is virt_off_after_guests 0 0

if [ "$ncpus" -ge 2 ]; then
	cpu1=/sys/devices/system/cpu/cpu1/online
	hold_vm
	expect cpu1_offline_with_vm sh -c "echo 0 > $cpu1"
	virt_is virt_on_cpu1_offline 1 1
	expect cpu1_online_with_vm sh -c "echo 1 > $cpu1"
	virt_is virt_on_cpu1_back 1 1
	release_vm vm_holder_exit_hotplug
	virt_is virt_off_after_hotplug 0 0

	# Offline when the first VM comes, enabled when it comes back.
	expect cpu1_offline_no_vm sh -c "echo 0 > $cpu1"
	hold_vm
	expect cpu1_online_late sh -c "echo 1 > $cpu1"
	virt_is virt_on_cpu1_late 1 1
	release_vm vm_holder_exit_late
	virt_is virt_off_after_late_online 0 0
else
	skip cpu_hotplug "one CPU"
fi

expect rmmod rmmod axvcpu
expect insmod_again insmod /axvcpu.ko
virt_is virt_off_after_reload 0 0
expect userctl_info /userctl info
expect rmmod_again rmmod axvcpu

# APIC virtualization (apicv=1; Bochs's CPU offers it): the run checks and
# the guests that use the local APIC, and the emulator behind its
# APIC-access exits, again; on the 2-CPU boot, which runs beside the
# other tiers (test.sh).
if [ "$ncpus" -ge 2 ]; then
	expect insmod_apicv insmod /axvcpu.ko apicv=1
	/run_test --apicv emul_ lapic_ run_hlt_kick_interrupt run_ap_start
	run_guest_apicv_tests /userctl /guests
	virt_is virt_off_after_apicv 0 0
	expect rmmod_apicv rmmod axvcpu
fi

# Bochs's CPU (corei7_haswell_4770: AVX, MOVBE, no CLFLUSHOPT) is another
# to compare the instruction emulator with: once, on the 1-CPU boot; a
# case costs about 2 ms of emulated time here.
if [ "$ncpus" -eq 1 ]; then
	emul_diff_results --cases 50
fi
kmemleak_clean kmemleak_bochs
