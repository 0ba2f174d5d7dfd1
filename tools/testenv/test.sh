#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make test: every test tier, one summary.
#
#   host          userctl's unit tests, and the emulator's differential
#                 test against the CPU (tests/emul), on the build machine
#   qemu          QEMU TCG (no VMX), debug kernel, 2 CPUs: KUnit; insmod
#                 refused with -ENODEV
#   bochs-1cpu    Bochs (Intel VMX), debug kernel, 1 CPU: KUnit with VMX,
#                 life cycle, VMX on/off per CPU, the ABI, kmemleak
#   bochs-2cpu    the same on 2 CPUs, plus CPU hotplug
#   distro        Bochs, Debian's cloud kernel, 2 CPUs: smoke test and
#                 taking turns with Debian's kvm_intel
#
# With two host CPUs or more, bochs-2cpu runs beside the other tiers,
# which run one after the other; each tier's output is printed once it is
# done.
#
# A boot tier fails on any failed test, and also on any Oops, BUG,
# WARNING, lockdep/KASAN/kmemleak report, panic or time-out seen on its
# console (check-console.sh).  Logs are kept in out/test/.
#
# Usage: test.sh [TIER...]   (default: all tiers)
# The last line is "N passed, N failed, N skipped"; the status is non-zero
# on any failure.

set -uo pipefail
. "$(dirname "$0")/common.sh"

tiers=("$@")
[ ${#tiers[@]} -gt 0 ] || tiers=(host qemu bochs-1cpu bochs-2cpu distro)
out=$project_dir/out/test
results=$out/results
start=$SECONDS

rm -rf "$out"
mkdir -p "$out"
: >"$results"

"$testenv_dir/deps.sh" build kernel qemu bochs distro || exit 1
build=$("$testenv_dir/build.sh" "$out/build") || {
	echo "FAIL build" | tee -a "$results"
	echo "0 passed, 1 failed"
	exit 1
}
debug_kernel=$("$testenv_dir/kernel.sh")/bzImage
distro_kernel=$("$testenv_dir/distro.sh")/vmlinuz

record() {
	echo "$1 $2" >>"$results"
	[ "$1" = FAIL ] && echo "  FAIL $2"
	return 0
}

run_host() {
	local log=$out/host.log line
	make -s -C "$project_dir/tools/userctl" check >"$log" 2>&1
	line=$(tail -n1 "$log")
	if [[ $line =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
		for _ in $(seq "${BASH_REMATCH[1]}"); do echo "PASS host:unit" >>"$results"; done
		for _ in $(seq "${BASH_REMATCH[2]}"); do echo "FAIL host:unit" >>"$results"; done
		grep -i fail "$log" | grep -v ' 0 failed' | sed 's/^/  /'
	else
		record FAIL "host:unit (no summary line; see $log)"
	fi
}

# The instruction emulator against this CPU: one result per form of
# tests/emul, "host:emul_FORM".  The seed is random; a failure's line in
# the log names the seed and case that reproduce it.
run_emul_diff() {
	local log=$out/host-emul.log line
	if ! make -s -C "$project_dir/tests/emul" >"$log" 2>&1; then
		record FAIL "host:emul_diff:build (see $log)"
		return
	fi
	"$project_dir/tests/emul/emul_diff" --cases 5000 >>"$log" 2>&1
	while read -r line; do
		if [[ $line =~ ^form\ ([^:]+):\ skipped ]]; then
			echo "SKIP host:emul_${BASH_REMATCH[1]}" >>"$results"
		elif [[ $line =~ ^form\ ([^:]+):\ [0-9]+\ cases,\ 0\ failed$ ]]; then
			echo "PASS host:emul_${BASH_REMATCH[1]}" >>"$results"
		elif [[ $line =~ ^form\ ([^:]+):\ (.*)$ ]]; then
			record FAIL "host:emul_${BASH_REMATCH[1]} ${BASH_REMATCH[2]} (see $log)"
		fi
	done <"$log"
	if ! tail -n1 "$log" | grep -Eq '^[0-9]+ passed, [0-9]+ failed$'; then
		record FAIL "host:emul_diff (no summary line; see $log)"
	fi
	# mmio_insn_test64's device cases, the emulator behind a fault handler.
	log=$out/host-insn.log
	if make -s -C "$project_dir/tests/guests" host-insn >"$log" 2>&1 &&
	   grep -q '^PASS mmio_insn_test64' "$log"; then
		record PASS host:guest_mmio_insn_native
	else
		record FAIL "host:guest_mmio_insn_native (see $log)"
	fi
}

# boot TIER RUNNER KERNEL CPUS SCRIPT MODDIR [EXTRA FILES...]
boot() {
	local tier=$1 runner=$2 kernel=$3 cpus=$4 script=$5 moddir=$6
	shift 6
	local log=$out/$tier.log initrd=$out/$tier.cpio.gz status ko files=()

	for ko in "$moddir"/*.ko; do
		files+=(-f "$ko:/")
	done
	for f in "$@"; do
		files+=(-f "$f")
	done
	"$testenv_dir/initramfs.sh" -o "$initrd" -s "$project_dir/tests/guest/$script" \
		-f "$project_dir/tests/guest/lib.sh:/tests/lib.sh" \
		-f "$build/bin/userctl:/userctl" -f "$build/bin/abi_test:/abi_test" \
		-f "$build/bin/run_test:/run_test" -f "$build/guests:/guests" \
		-f "$build/bin/emul_diff:/emul_diff" \
		-f "$project_dir/tests/guests/guests.sh:/tests/guests.sh" \
		"${files[@]}" || { record FAIL "$tier:initramfs"; return; }

	local t0=$SECONDS
	# A hang is caught by this time-out, not by a timed test: it leaves
	# room for the slowest tier (2 emulated CPUs: ~300 s on 2 host cores).
	"$testenv_dir/$runner" -k "$kernel" -i "$initrd" -l "$log" -c "$cpus" -t 900
	status=$?
	echo "  $tier: boot finished in $((SECONDS - t0)) s (status $status)"

	"$testenv_dir/results.sh" "$log" | sed "s/^\(PASS\|FAIL\|SKIP\) /\1 $tier:/" >>"$results"
	grep "^FAIL $tier:" "$results" | sed 's/^/  /'
	if [ $status -ne 0 ]; then
		record FAIL "$tier:boot (status $status; see $log)"
	fi
	if "$testenv_dir/check-console.sh" "$log" >"$out/$tier.console" 2>&1; then
		record PASS "$tier:console"
	else
		record FAIL "$tier:console (see $out/$tier.console)"
		sed 's/^/    /' "$out/$tier.console" | head -n 20
	fi
}

run_tier() {
	case $1 in
	host)
		run_host
		run_emul_diff ;;
	qemu)
		boot qemu run-qemu.sh "$debug_kernel" 2 qemu-novmx.sh "$build/debug" ;;
	bochs-1cpu)
		boot bochs-1cpu run-bochs.sh "$debug_kernel" 1 bochs-debug.sh "$build/debug" ;;
	bochs-2cpu)
		boot bochs-2cpu run-bochs.sh "$debug_kernel" 2 bochs-debug.sh "$build/debug" ;;
	distro)
		boot distro run-bochs.sh "$distro_kernel" 2 bochs-distro.sh "$build/distro" \
			"$build/bin/kvm_hold:/kvm_hold" \
			"$("$testenv_dir/distro.sh")/modules:/kvm" ;;
	*)
		record FAIL "unknown-tier:$1" ;;
	esac
}

# run_lane TIER...: the tiers one after the other, each one's output
# printed whole once it is done, so that two lanes do not interleave.
run_lane() {
	local tier
	for tier in "$@"; do
		{ echo "== $tier"; run_tier "$tier"; } >"$out/$tier.out" 2>&1
		cat "$out/$tier.out"
	done
}

# Bochs emulates every CPU of a machine on one host thread: with two host
# CPUs, bochs-2cpu, the longest tier, runs beside the others.
lane1=() lane2=()
for tier in "${tiers[@]}"; do
	if [ "$tier" = bochs-2cpu ] && [ ${#tiers[@]} -gt 1 ] &&
	   [ "$(nproc)" -ge 2 ]; then
		lane1+=("$tier")
	else
		lane2+=("$tier")
	fi
done
if [ ${#lane1[@]} -gt 0 ]; then
	echo "== running ${lane1[*]} beside ${lane2[*]}"
	run_lane "${lane1[@]}" &
	run_lane "${lane2[@]}"
	wait
else
	run_lane "${lane2[@]}"
fi

passed=$(grep -c '^PASS' "$results")
failed=$(grep -c '^FAIL' "$results")
skipped=$(grep -c '^SKIP' "$results")
echo "== done in $((SECONDS - start)) s; results in $results"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
