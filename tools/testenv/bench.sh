#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the emulated Intel machine (Bochs, 1 CPU) with Debian's
# stock cloud kernel, run the benchmarks of bench/ on axvcpu, then the same
# guest on Debian's KVM in the same boot, and print the comparison.
# Figures are TSC cycles, which inside Bochs count emulated instructions:
# path lengths, the same from run to run, not real-hardware times.  No
# figure is asserted; the run fails only when a benchmark or the boot
# fails, or the console shows a kernel problem (check-console.sh).
#
# Output in out/bench/: console.log, bench.txt (the table), bench.json,
# bench.csv.  Documentation/performance.rst explains each row.
#
# Environment:
#   AXV_BENCH_ARGS     runner arguments (default "--iters 1000 --touch-mib 1024";
#                      see bench/runner.c)
#   AXV_BENCH_TIMEOUT  seconds before the boot is stopped (default 2400)
#
# Usage: bench.sh

set -uo pipefail
. "$(dirname "$0")/common.sh"

[ $# -eq 0 ] || testenv_usage
out=$project_dir/out/bench
args=${AXV_BENCH_ARGS:---iters 1000 --touch-mib 1024}
start=$SECONDS
rm -rf "$out"
mkdir -p "$out"

"$testenv_dir/deps.sh" build bochs distro || exit 1
distro=$("$testenv_dir/distro.sh") || exit 1

# The module as users build it: against the headers of Debian's kernel.
testenv_copy_kernel_sources "$out/src"
make -s -C "$(cat "$distro/kdir")" M="$out/src" W=1 modules >&2 ||
	testenv_die "building axvcpu.ko against $(cat "$distro/abi") failed"
make -s -C "$project_dir/bench" >&2 || testenv_die "building bench/ failed"
echo "$args" >"$out/args"

"$testenv_dir/initramfs.sh" -o "$out/bench.cpio.gz" \
	-s "$project_dir/bench/bench-guest.sh" \
	-f "$out/src/axvcpu.ko:/" -f "$out/args:/bench/args" \
	-f "$project_dir/bench/axv_bench:/bench/" \
	-f "$project_dir/bench/kvm_bench:/bench/" \
	-f "$project_dir/bench/guests/build/bench_guest.bin:/bench/" \
	-f "$distro/modules:/kvm" || exit 1

testenv_log "booting Bochs (1 CPU) with Debian's $(cat "$distro/abi"): axvcpu, then KVM ($args)"
"$testenv_dir/run-bochs.sh" -k "$distro/vmlinuz" -i "$out/bench.cpio.gz" \
	-l "$out/console.log" -c 1 -m 1536 -t "${AXV_BENCH_TIMEOUT:-2400}"
status=$?

failed=0
"$project_dir/bench/report.sh" "$out/console.log" "$out" || failed=1
if ! "$testenv_dir/check-console.sh" "$out/console.log" >"$out/console.check"; then
	cat "$out/console.check"
	failed=1
fi
if [ $status -ne 0 ] || [ $failed -ne 0 ]; then
	echo "bench: FAILED after $((SECONDS - start)) s (see $out/console.log)"
	exit 1
fi
echo "bench: done in $((SECONDS - start)) s; table, JSON and CSV in $out/"
