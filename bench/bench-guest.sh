# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# make bench, inside the emulated Intel machine (Debian's kernel): axvcpu's
# benchmarks, then, with axvcpu unloaded so that VMX is free, the same
# guest on Debian's KVM.  tools/testenv/bench.sh reads the AXVBENCH lines.

args=$(cat /bench/args 2>/dev/null)
echo "AXVBENCH-INFO kernel=$(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"
echo "# transparent huge pages: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
# What the host kernel (and KVM) do against CPU vulnerabilities on this CPU.
for f in /sys/devices/system/cpu/vulnerabilities/*; do
	echo "# vulnerability ${f##*/}: $(cat "$f")"
done

# With APIC virtualization, which the figures describe (performance.rst),
# for every row but the xAPIC register ones.
if insmod /axvcpu.ko apicv=1; then
	echo "# axvcpu.apicv=$(cat /sys/module/axvcpu/parameters/apicv) (every row but the xAPIC register ones)"
	# shellcheck disable=SC2086 # the arguments are words
	/bench/axv_bench $args --skip xapic || echo "AXVBENCH-ERROR axv_bench exited with $?"
	rmmod axvcpu || echo "AXVBENCH-ERROR rmmod axvcpu"
else
	echo "AXVBENCH-ERROR insmod axvcpu.ko failed"
fi

# The xAPIC register rows measure the way through the instruction
# emulator, which APIC virtualization would bypass: axvcpu's default,
# apicv=0.  A run of one other benchmark (the 2-CPU boot's --only ipi)
# has none of them.
only=
prev=
for a in $args; do
	[ "$prev" = --only ] && only=$a
	prev=$a
done
if [ -z "$only" ] || [ "$only" = xapic ]; then
	if insmod /axvcpu.ko apicv=0; then
		echo "# axvcpu.apicv=$(cat /sys/module/axvcpu/parameters/apicv) (the xAPIC register rows)"
		# shellcheck disable=SC2086
		/bench/axv_bench $args --only xapic ||
			echo "AXVBENCH-ERROR axv_bench --only xapic exited with $?"
		rmmod axvcpu || echo "AXVBENCH-ERROR rmmod axvcpu"
	else
		echo "AXVBENCH-ERROR insmod axvcpu.ko apicv=0 failed"
	fi
fi

if insmod /kvm/irqbypass.ko && insmod /kvm/kvm.ko && insmod /kvm/kvm-intel.ko; then
	for p in ept unrestricted_guest vpid flexpriority enable_apicv preemption_timer vmentry_l1d_flush; do
		echo "# kvm_intel.$p=$(cat /sys/module/kvm_intel/parameters/$p 2>/dev/null)"
	done
	echo "# kvm.halt_poll_ns=$(cat /sys/module/kvm/parameters/halt_poll_ns 2>/dev/null)"
	echo "# kvm.lapic_timer_advance_ns=$(cat /sys/module/kvm/parameters/lapic_timer_advance_ns 2>/dev/null)"
	# shellcheck disable=SC2086
	/bench/kvm_bench $args || echo "AXVBENCH-ERROR kvm_bench exited with $?"
	rmmod kvm_intel kvm irqbypass || echo "AXVBENCH-ERROR rmmod kvm"
else
	echo "AXVBENCH-ERROR loading Debian's kvm modules failed"
fi
