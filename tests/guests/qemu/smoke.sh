#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run the guests under QEMU TCG ("make qemu-smoke"), which checks the
# guests themselves, the UART and the debug-exit contract where no VMX and
# no userctl are at hand.  QEMU is not userctl: what differs is listed
# below per guest, and a run passes when the guest does what QEMU makes
# it do.  Logs go to BUILD/qemu/NAME.log.
#
# Usage: smoke.sh BUILD_DIR

set -u
dir=${1:?usage: smoke.sh BUILD_DIR}
failed=0
qemu="qemu-system-x86_64 -M q35 -cpu max -m 64 -nodefaults -display none
	-no-reboot -serial stdio -device isa-debug-exit,iobase=0xf4,iosize=4"

# smoke NAME STATUS NOT_OK_ALLOWED LINE [QEMU_ARGS...]: run QEMU, want exit
# STATUS, the output LINE, and no "not ok" line whose check is not in the
# |-separated list NOT_OK_ALLOWED.
smoke() {
	name=$1 want=$2 allowed=$3 line=$4
	shift 4
	log=$dir/qemu/$name.log
	# shellcheck disable=SC2086 # $qemu is words
	timeout 60 $qemu "$@" >"$log" 2>&1 </dev/null
	status=$?
	unexpected=$(grep '^not ok ' "$log" |
		sed -e 's/^not ok [0-9]* - //' -e 's/: got .*//' |
		grep -v -x -F "$(echo "$allowed" | tr '|' '\n')")
	if [ $status -ne "$want" ]; then
		echo "smoke FAIL $name: status $status, want $want (see $log)"
		failed=1
	elif ! grep -q -x -F "$line" "$log"; then
		echo "smoke FAIL $name: no line '$line' (see $log)"
		failed=1
	elif [ -n "$unexpected" ]; then
		echo "smoke FAIL $name: $(echo "$unexpected" | tr '\n' ';')"
		failed=1
	else
		echo "smoke ok   $name: status $status, '$line'" \
			"($(grep -c '^ok ' "$log") ok, $(grep -c '^not ok ' "$log") not ok)"
	fi
}

# Contract-exact guests that QEMU runs as userctl would.
smoke real_hello 33 "" "PASS real_hello" -bios "$dir/qemu/bios.bin" \
	-device loader,file="$dir/real_hello.bin",addr=0x1000,force-raw=on
for g in pm_hello io_test mmio_test cpuid_test lm_hello mmio_test64 fpu_test; do
	smoke $g 33 "" "PASS $g" -kernel "$dir/qemu/$g.elf"
done

# No VMX: VMCALL raises #UD, no IDT, the CPU shuts down and -no-reboot
# makes QEMU exit 0 after the first line.
for g in hypercall_test hypercall_test64; do
	smoke $g 0 "" "# ping 0x0" -kernel "$dir/qemu/$g.elf"
done

# A shutdown also ends triple_fault with status 0 (userctl: 1).
smoke triple_fault 0 "" "loading an IDT of limit 0, then int3" \
	-kernel "$dir/qemu/triple_fault.elf"

# QEMU stays halted: timeout(1) ends it (userctl: status 0).
timeout_status=124
smoke hlt_test $timeout_status "" "halting" -kernel "$dir/qemu/hlt_test.elf"

# QEMU's Multiboot information differs from userctl's: flags add
# boot_device, mem_lower is 639, the memory map is SeaBIOS's E820 (more
# entries, a reserved one second, the top 128 KiB reserved, so mem_upper
# ends below the end of RAM) and the loader is "qemu".
qemu_mb="flags|mem_lower|no RAM where mem_upper ends|mmap_length: two entries"
qemu_mb="$qemu_mb|mmap entry type|mmap entry 1 base"
qemu_mb="$qemu_mb|mmap entry 1 length is mem_upper KiB|boot_loader_name"
smoke multiboot_test 35 "$qemu_mb" "FAIL multiboot_test" \
	-kernel "$dir/multiboot_test.elf" \
	-append "alpha beta" \
	-initrd "$dir/module1.txt mod-one 1,$dir/module2.txt"

exit $failed
