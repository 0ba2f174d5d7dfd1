# SPDX-License-Identifier: GPL-2.0
#
# The guest programs of tests/guests/ under "userctl run".  Sourced, after
# tests/guest/lib.sh, by the scripts that run in the test machines, or by
# run-all.sh:
#
#	. /tests/lib.sh
#	. /tests/guests.sh
#	run_guest_tests /userctl /guests
#
# DIR holds what "make -C tests/guests" leaves in build/: the images and
# module1.txt, module2.txt.  Each guest gives lib.sh results named
#   guest_NAME           userctl's exit status (33 for a guest's pass)
#   guest_NAME_output    the lines the guest must print, and no "not ok"
# and its output goes to the console with each line prefixed "NAME| ".
# run_guest_tests returns non-zero if any check failed.

# A guest that hangs is killed after this many seconds, if timeout(1) is
# there; Bochs is slow, so this is generous.  SIGKILL, because userctl may
# catch SIGTERM and exit 0, which is what hlt_test wants, and busybox's
# timeout passes the status on.
guest_timeout=${guest_timeout:-300}

# What "userctl run" exits with: (V << 1) | 1 for the V a guest writes to
# port 0xf4 (AXV_GUEST_PASS 0x10, AXV_GUEST_FAIL 0x11 in guest.h), 0 after
# a HLT with interrupts off, 1 on an error such as a triple fault.
guest_status_pass=33
guest_status_halt=0
guest_status_error=1

guest_failures=0
guest_out=

guest_fail() {
	guest_failures=$((guest_failures + 1))
	fail "$@"
}

# The guest's "not ok" lines, on one line.
guest_not_ok() {
	printf '%s\n' "$guest_out" | grep '^not ok' | tr '\n' ';'
}

# guest_run NAME STATUS ARGS...: "userctl run ARGS"; its exit status must
# be STATUS.  Leaves the output in $guest_out for the checks that follow.
guest_run() {
	guest_name=$1
	guest_want=$2
	shift 2
	if command -v timeout >/dev/null 2>&1; then
		guest_out=$(timeout -s KILL "$guest_timeout" \
			"$guest_userctl" run "$@" 2>&1)
	else
		guest_out=$("$guest_userctl" run "$@" 2>&1)
	fi
	guest_status=$?
	printf '%s\n' "$guest_out" | sed "s/^/$guest_name| /"
	if [ "$guest_status" -eq "$guest_want" ]; then
		ok "guest_$guest_name"
	else
		guest_fail "guest_$guest_name" "userctl run $*: status" \
			"$guest_status, want $guest_want; $(guest_not_ok)" \
			"$(printf '%s\n' "$guest_out" | tail -n 2 | tr '\n' ' ')"
	fi
}

# guest_lines NAME LINE...: the output holds every LINE and no "not ok".
guest_lines() {
	guest_name=$1
	guest_missing=
	shift
	for guest_line in "$@"; do
		printf '%s\n' "$guest_out" | grep -q -F -- "$guest_line" ||
			guest_missing="$guest_missing '$guest_line'"
	done
	if [ -n "$guest_missing" ]; then
		guest_fail "guest_${guest_name}_output" \
			"missing:$guest_missing; $(guest_not_ok)"
	elif printf '%s\n' "$guest_out" | grep -q '^not ok'; then
		guest_fail "guest_${guest_name}_output" "$(guest_not_ok)"
	else
		ok "guest_${guest_name}_output"
	fi
}

# guest_said NAME CHECK PATTERN: the output matches PATTERN, any case.
guest_said() {
	if printf '%s\n' "$guest_out" | grep -q -i -- "$3"; then
		ok "guest_${1}_$2"
	else
		guest_fail "guest_${1}_$2" "no '$3' in the output of userctl run"
	fi
}

# guest_aps NAME N: the output holds "ap K up" for K = 1 .. N-1.
guest_aps() {
	guest_missing=
	guest_k=1
	while [ "$guest_k" -lt "$2" ]; do
		printf '%s\n' "$guest_out" | grep -q -x -F "ap $guest_k up" ||
			guest_missing="$guest_missing 'ap $guest_k up'"
		guest_k=$((guest_k + 1))
	done
	if [ -n "$guest_missing" ]; then
		guest_fail "guest_${1}_aps" "missing:$guest_missing"
	else
		ok "guest_${1}_aps"
	fi
}

# guest_lapic_cap: the value of the capability "lapic" in "userctl info"
# (the in-kernel local APICs, AXV_CAP_LAPIC), 0 when absent;
# guest_max_vcpus, that of "max_vcpus"; and guest_emulator_cap, that of
# "emulator" (AXV_CAP_EMULATOR: MMIO by any memory instruction), 0 when
# absent.
guest_lapic_caps() {
	guest_info=$("$guest_userctl" info 2>/dev/null)
	guest_lapic_cap=$(printf '%s\n' "$guest_info" |
		awk '$1 == "lapic" { print $2; exit }')
	guest_max_vcpus=$(printf '%s\n' "$guest_info" |
		awk '$1 == "max_vcpus" { print $2; exit }')
	guest_emulator_cap=$(printf '%s\n' "$guest_info" |
		awk '$1 == "emulator" { print $2; exit }')
	case $guest_lapic_cap in
	'' | *[!0-9]*) guest_lapic_cap=0 ;;
	esac
	case $guest_max_vcpus in
	'' | *[!0-9]*) guest_max_vcpus=1 ;;
	esac
	case $guest_emulator_cap in
	'' | *[!0-9]*) guest_emulator_cap=0 ;;
	esac
}

# Every kind of memory instruction on userctl's recording test device
# (--test-device at 0xd0000000), and on the local APIC's page when the VM
# has the kernel's: needs the instruction emulator (AXV_CAP_EMULATOR);
# without it only MOV reaches a device and these are skipped.
run_guest_insn_tests() {
	for guest_g in mmio_insn_test mmio_insn_test64; do
		if [ "$guest_emulator_cap" -eq 0 ]; then
			guest_why="no instruction emulator (userctl info: no emulator)"
			skip "guest_$guest_g" "$guest_why"
			skip "guest_${guest_g}_output" "$guest_why"
			continue
		fi
		guest_run $guest_g $guest_status_pass --test-device \
			"$guest_dir/$guest_g.elf"
		guest_lines $guest_g "PASS $guest_g"
	done
}

# guest_smp NAME VCPUS IMAGE: run IMAGE with "userctl run --vcpus VCPUS"
# as NAME, or report NAME's checks as skipped when the kernel has no
# local APIC or fewer vCPUs.  With VCPUS above 1 or for smp_boot, the guest
# must also find that many CPUs ("cpus N") and each AP must come up.
guest_smp() {
	guest_sname=$1
	guest_sn=$2
	guest_simage=$3
	if [ "$guest_lapic_cap" -eq 0 ] ||
	   [ "$guest_max_vcpus" -lt "$guest_sn" ]; then
		if [ "$guest_lapic_cap" -eq 0 ]; then
			guest_why="no in-kernel local APIC (userctl info: no lapic)"
		else
			guest_why="--vcpus $guest_sn above max_vcpus $guest_max_vcpus"
		fi
		skip "guest_$guest_sname" "$guest_why"
		skip "guest_${guest_sname}_output" "$guest_why"
		return
	fi
	guest_run "$guest_sname" $guest_status_pass --vcpus "$guest_sn" \
		"$guest_dir/$guest_simage.elf"
	case $guest_simage in
	smp_boot | ipi_test)
		guest_lines "$guest_sname" "cpus $guest_sn" "PASS $guest_simage"
		guest_aps "$guest_sname" "$guest_sn"
		;;
	irq_test)
		guest_lines "$guest_sname" "PASS $guest_simage" \
			"uart irq: hello through THRE interrupts"
		;;
	*)
		guest_lines "$guest_sname" "PASS $guest_simage"
		;;
	esac
}

# The SMP and local APIC guests (issue 5), skipped without the in-kernel
# local APIC.
run_guest_smp_tests() {
	guest_lapic_caps
	for guest_v in 1 2 4 8; do
		guest_smp smp_boot_$guest_v $guest_v smp_boot
	done
	for guest_v in 2 4; do
		guest_smp ipi_test_$guest_v $guest_v ipi_test
	done
	guest_smp lapic_timer 1 lapic_timer
	guest_smp irq_test 1 irq_test
}

# run_guest_tests USERCTL DIR
# (Plain sh: no "local", so every variable here starts with "guest_".)
run_guest_tests() {
	guest_userctl=$1
	guest_dir=$2
	guest_failures=0

	guest_run real_hello $guest_status_pass "$guest_dir/real_hello.bin"
	guest_lines real_hello "hello from real mode" "PASS real_hello"
	guest_run pm_hello $guest_status_pass "$guest_dir/pm_hello.elf"
	guest_lines pm_hello "hello from protected mode" "PASS pm_hello"
	guest_run lm_hello $guest_status_pass "$guest_dir/lm_hello.elf"
	guest_lines lm_hello "hello from long mode" "PASS lm_hello"
	guest_run io_test $guest_status_pass "$guest_dir/io_test.elf"
	guest_lines io_test "rep outsb: hello through the UART" "PASS io_test"
	for guest_g in mmio_test mmio_test64 hypercall_test \
		 hypercall_test64 fpu_test; do
		guest_run $guest_g $guest_status_pass "$guest_dir/$guest_g.elf"
		guest_lines $guest_g "PASS $guest_g"
	done
	# The CPU model shows the local APIC exactly when the VM has it.
	guest_run cpuid_test_nolapic $guest_status_pass --no-lapic \
		"$guest_dir/cpuid_test.elf"
	guest_lines cpuid_test_nolapic "# local APIC: no" "PASS cpuid_test"
	guest_lapic_caps
	if [ "$guest_lapic_cap" -ne 0 ]; then
		guest_run cpuid_test $guest_status_pass "$guest_dir/cpuid_test.elf"
		guest_lines cpuid_test "# local APIC: yes" "PASS cpuid_test"
	else
		skip guest_cpuid_test "no in-kernel local APIC (userctl info: no lapic)"
	fi
	run_guest_insn_tests

	guest_run multiboot_test $guest_status_pass \
		--module "$guest_dir/module1.txt,mod-one 1" \
		--module "$guest_dir/module2.txt" \
		"$guest_dir/multiboot_test.elf" alpha beta
	guest_lines multiboot_test "PASS multiboot_test"

	# Without the local APIC a HLT with interrupts off ends the run; with
	# it, the HLT sleeps until an NMI or INIT, which nothing sends here.
	guest_run hlt_test $guest_status_halt --no-lapic "$guest_dir/hlt_test.elf"
	guest_lines hlt_test "halting"

	guest_run triple_fault $guest_status_error \
		"$guest_dir/triple_fault.elf"
	guest_lines triple_fault "loading an IDT of limit 0, then int3"
	guest_said triple_fault message "triple fault"

	run_guest_smp_tests

	[ $guest_failures -eq 0 ]
}

# run_guest_apicv_tests USERCTL DIR: the guests that use the local APIC
# again, with "_apicv" after their names, for a module loaded with
# apicv=1: APIC virtualization, and behind its APIC-access exits the
# instruction emulator (mmio_insn_test64's cases on the APIC's page).
run_guest_apicv_tests() {
	guest_userctl=$1
	guest_dir=$2
	guest_failures=0

	guest_lapic_caps
	if [ "$guest_emulator_cap" -ne 0 ]; then
		guest_run mmio_insn_test64_apicv $guest_status_pass \
			--test-device "$guest_dir/mmio_insn_test64.elf"
		guest_lines mmio_insn_test64_apicv "PASS mmio_insn_test64"
	else
		skip guest_mmio_insn_test64_apicv "no instruction emulator"
	fi
	guest_smp ipi_test_2_apicv 2 ipi_test
	guest_smp lapic_timer_apicv 1 lapic_timer
	# Not irq_test: in Bochs its self-IPI with IF=0 is taken at once
	# (Documentation/vmx.rst, "Known limits").
	skip guest_irq_test_apicv "self-IPI taken with IF=0 under apicv in Bochs"

	[ $guest_failures -eq 0 ]
}
