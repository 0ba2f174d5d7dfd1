#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: boot the emulated Intel machine (Bochs, 2 CPUs) with Debian's
# stock cloud kernel, load axvcpu.ko and run userctl in it, printing what
# the guest prints.  Exits non-zero when a step fails or the console shows
# a kernel problem.

set -uo pipefail
. "$(dirname "$0")/common.sh"

out=$project_dir/out/demo
rm -rf "$out"
mkdir -p "$out"

"$testenv_dir/deps.sh" build kernel bochs distro || exit 1
build=$("$testenv_dir/build.sh" "$out/build") || exit 1
distro=$("$testenv_dir/distro.sh") || exit 1

"$testenv_dir/initramfs.sh" -o "$out/demo.cpio.gz" -s "$project_dir/tests/guest/demo.sh" \
	-f "$project_dir/tests/guest/lib.sh:/tests/lib.sh" \
	-f "$build/distro/axvcpu.ko:/" -f "$build/bin/userctl:/userctl" \
	-f "$build/bin/abi_test:/abi_test" \
	-f "$build/guests/lm_hello.elf:/guests/lm_hello.elf" || exit 1

testenv_log "booting Bochs (Intel Haswell model, 2 CPUs) with Debian's $(cat "$distro/abi"); about a minute"
"$testenv_dir/run-bochs.sh" -k "$distro/vmlinuz" -i "$out/demo.cpio.gz" \
	-l "$out/console.log" -c 2 -t 300
status=$?

# The guest's own output, without the copy of the kernel log.
grep -av -e '^<[0-9]>\[' -e '^\[ *[0-9.]*\]' "$out/console.log" |
	sed -n '/^AXVTEST-BOOT/,/^AXVTEST-END/p'

failed=$("$testenv_dir/results.sh" "$out/console.log" | grep -c '^FAIL')
if ! "$testenv_dir/check-console.sh" "$out/console.log"; then
	failed=$((failed + 1))
fi
if [ $status -ne 0 ] || [ "$failed" -ne 0 ]; then
	echo "demo: FAILED (see $out/console.log)"
	exit 1
fi
echo "demo: OK (console log: $out/console.log)"
