#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run mmio_insn_test and mmio_insn_test64 under QEMU TCG ("make
# qemu-insn-smoke", part of "make qemu-smoke").  QEMU has no recording test
# device: these copies are built with the "device" in RAM at 32 MiB
# (TESTDEV_IN_RAM), so they check what each instruction gives back (values,
# flags, registers) and what lands in memory, against QEMU's CPU, and skip
# the record.  The local APIC cases run on QEMU's APIC.  Logs go to
# BUILD/qemu/NAME.log.
#
# Usage: insn-smoke.sh BUILD_DIR

set -u
dir=${1:?usage: insn-smoke.sh BUILD_DIR}
failed=0
qemu="qemu-system-x86_64 -M q35 -cpu max -m 64 -nodefaults -display none
	-no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4"

for g in mmio_insn_test mmio_insn_test64; do
	log=$dir/qemu/$g.log
	# shellcheck disable=SC2086 # $qemu is words
	timeout 60 $qemu -kernel "$dir/qemu/$g.elf" >"$log" 2>&1 </dev/null
	status=$?
	if [ $status -ne 33 ]; then
		echo "smoke FAIL $g: status $status, want 33 (see $log)"
		failed=1
	elif ! grep -q -x -F "PASS $g" "$log" || grep -q '^not ok' "$log"; then
		echo "smoke FAIL $g: $(grep '^not ok' "$log" | tr '\n' ';') (see $log)"
		failed=1
	else
		echo "smoke ok   $g: status $status ($(grep -c '^ok ' "$log") ok)"
	fi
done
exit $failed
