#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the SMP and local APIC guests under QEMU TCG with -smp N ("make
# qemu-smp-smoke", also part of "make qemu-smoke"), through the same
# Multiboot copies as smoke.sh.  QEMU's local APICs and INIT/start-up
# handling are emulated hardware, so a pass here says the guests are
# right, independently of axvcpu.  Every run must exit 33 (PASS), print
# no "not ok" line, and for the guests that start APs print "cpus N" and
# "ap K up" for each AP.  Logs go to BUILD/qemu/NAME-smpN.log.
#
# What QEMU 7.2's TCG lacks is skipped by the guests themselves (a "# SKIP"
# line): TSC-deadline mode (CPUID.1:ECX[24]) and x2APIC (CPUID.1:ECX[21]).
# The UART's interrupt reaches the CPU through QEMU's I/O APIC, which
# irq_test programs (userctl has none, and the writes go nowhere there).
#
# Usage: smp-smoke.sh BUILD_DIR

set -u
dir=${1:?usage: smp-smoke.sh BUILD_DIR}
failed=0
qemu="qemu-system-x86_64 -M q35 -cpu max -m 64 -nodefaults -display none
	-no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4"

# smp NAME N APS [LINE...]: run NAME with -smp N; want status 33,
# "PASS NAME", every LINE, with APS=aps "cpus N" and "ap K up" for
# K = 1 .. N-1, and no "not ok".
smp() {
	name=$1 n=$2 aps=$3
	shift 3
	log=$dir/qemu/$name-smp$n.log
	# shellcheck disable=SC2086 # $qemu is words
	timeout 60 $qemu -smp "$n" -kernel "$dir/qemu/$name.elf" \
		>"$log" 2>&1 </dev/null
	status=$?
	missing=
	for line in "PASS $name" "$@"; do
		grep -q -x -F "$line" "$log" || missing="$missing '$line'"
	done
	if [ "$aps" = aps ]; then
		grep -q -x -F "cpus $n" "$log" || missing="$missing 'cpus $n'"
		k=1
		while [ $k -lt "$n" ]; do
			grep -q -x -F "ap $k up" "$log" ||
				missing="$missing 'ap $k up'"
			k=$((k + 1))
		done
	fi
	if [ $status -ne 33 ]; then
		echo "smp-smoke FAIL $name -smp $n: status $status, want 33 (see $log)"
		failed=1
	elif [ -n "$missing" ]; then
		echo "smp-smoke FAIL $name -smp $n: missing$missing (see $log)"
		failed=1
	elif grep -q '^not ok ' "$log"; then
		echo "smp-smoke FAIL $name -smp $n:" \
			"$(grep '^not ok ' "$log" | tr '\n' ';')"
		failed=1
	else
		echo "smp-smoke ok   $name -smp $n:" \
			"$(grep -c '^ok ' "$log") ok, $(grep -c '# SKIP' "$log") skipped"
	fi
}

for n in 1 2 4 8; do
	smp smp_boot $n aps
done
for n in 2 4; do
	smp ipi_test $n aps
done
smp lapic_timer 1 -
smp irq_test 1 - "uart irq: hello through THRE interrupts"

exit $failed
