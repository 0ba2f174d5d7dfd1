#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the emulated Intel machine (Bochs, 1 CPU) with Debian's
# stock cloud kernel, run the benchmarks of bench/ on axvcpu, then the same
# guest on Debian's KVM in the same boot, and print the comparison.  A
# second boot, with 2 CPUs and at the same time as the first (Bochs counts
# emulated instructions, so the host's load does not change the figures),
# runs only the IPI round trip, each vCPU thread on its own CPU.
# Figures are TSC cycles, which inside Bochs count emulated instructions:
# path lengths, the same from run to run, not real-hardware times.  No
# figure is asserted; the run fails only when a benchmark or the boot
# fails, or the console shows a kernel problem (check-console.sh).
#
# Output in out/bench/: console.log, console-2cpu.log (the second boot),
# bench.txt (the table), bench.json, bench.csv.  Documentation/performance.rst explains each row.
#
# Environment:
#   AXV_BENCH_ARGS     runner arguments (default "--iters 1000 --touch-mib 1024";
#                      see bench/runner.c)
#                      and, followed by "--only ipi --ipi-cpus 0,1", of the
#                      2-CPU boot's
#   AXV_BENCH_TIMEOUT  seconds before a boot is stopped (default 2400)
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
args2="$args --only ipi --ipi-cpus 0,1"
echo "$args" >"$out/args"
echo "$args2" >"$out/args-2cpu"

# The same initramfs for both boots but for the runners' arguments.
for boot in "" -2cpu; do
	"$testenv_dir/initramfs.sh" -o "$out/bench$boot.cpio.gz" \
		-s "$project_dir/bench/bench-guest.sh" \
		-f "$out/src/axvcpu.ko:/" -f "$out/args$boot:/bench/args" \
		-f "$project_dir/bench/axv_bench:/bench/" \
		-f "$project_dir/bench/kvm_bench:/bench/" \
		-f "$project_dir/bench/guests/build/bench_guest.bin:/bench/" \
		-f "$distro/modules:/kvm" || exit 1
done

# The 2-CPU boot needs no big region: the default 512 MiB.
testenv_log "booting Bochs (2 CPUs) with Debian's $(cat "$distro/abi"): IPI only, axvcpu, then KVM ($args2)"
"$testenv_dir/run-bochs.sh" -k "$distro/vmlinuz" -i "$out/bench-2cpu.cpio.gz" \
	-l "$out/console-2cpu.log" -c 2 -t "${AXV_BENCH_TIMEOUT:-2400}" &
pid2=$!
testenv_log "booting Bochs (1 CPU) with Debian's $(cat "$distro/abi"): axvcpu, then KVM ($args)"
"$testenv_dir/run-bochs.sh" -k "$distro/vmlinuz" -i "$out/bench.cpio.gz" \
	-l "$out/console.log" -c 1 -m 1536 -t "${AXV_BENCH_TIMEOUT:-2400}"
status=$?
wait "$pid2" || status=1

failed=0
"$project_dir/bench/report.sh" "$out/console.log" "$out" "$out/console-2cpu.log" || failed=1
for log in "$out/console.log" "$out/console-2cpu.log"; do
	if ! "$testenv_dir/check-console.sh" "$log" >"${log%.log}.check"; then
		cat "${log%.log}.check"
		failed=1
	fi
done
if [ $status -ne 0 ] || [ $failed -ne 0 ]; then
	echo "bench: FAILED after $((SECONDS - start)) s (see $out/console.log, $out/console-2cpu.log)"
	exit 1
fi
echo "bench: done in $((SECONDS - start)) s; table, JSON and CSV in $out/"
