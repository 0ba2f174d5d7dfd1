#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel and a test initramfs in QEMU (TCG) and record the serial
# console.  "-cpu max" under TCG hides VMX on purpose: this runner is for
# tests that need no VMX and for the "no VMX here" refusal path.
#
# Usage: run-qemu.sh -k KERNEL -i INITRD -l LOG [-c CPUS] [-t TIMEOUT_S] [-a EXTRA_CMDLINE]
#   -k KERNEL   bzImage
#   -i INITRD   initramfs from initramfs.sh
#   -l LOG      console log to write (QEMU's own messages are appended
#               prefixed "qemu:")
#   -c CPUS     number of CPUs (default 1)
#   -t TIMEOUT  hard limit in seconds (default 120)
#   -a EXTRA    appended to the kernel command line
#
# Exit status: 0 if the guest printed AXVTEST-END, 124 on time-out, 1
# otherwise.  QEMU's own exit status says nothing about the test.

set -euo pipefail
. "$(dirname "$0")/common.sh"

testenv_run_args "$@"

errf=$(mktemp "${TMPDIR:-/tmp}/axv-qemu.XXXXXX")
qemu_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$qemu_pid" ] || kill "$qemu_pid" 2>/dev/null || true
	rm -f "$errf"
}
trap cleanup EXIT
# bash skips the EXIT trap when a signal kills it: turn signals into exits.
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$(dirname "$log")"
: >"$log"
# QEMU option values escape "," as ",,".
logopt=${log//,/,,}

start=$SECONDS
status=0
# -no-reboot turns the reboot that panic=-1 asks for into an exit;
# -k: QEMU normally dies on SIGTERM, KILL is the fallback.  In the
# background so that a signal to this script reaches the trap at once
# (timeout puts itself into its own process group, away from Ctrl-C).
timeout -k 5 "$tmo" qemu-system-x86_64 \
	-accel tcg -cpu max -smp "$cpus" -m 512 \
	-nodefaults -display none -monitor none -no-reboot \
	-chardev "file,id=con,path=$logopt" -serial chardev:con \
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline" \
	</dev/null 2>"$errf" &
qemu_pid=$!
wait "$qemu_pid" || status=$?
qemu_pid=
elapsed=$((SECONDS - start))

# A power-off can cut the last console line short: start the appended
# lines on a line of their own.
[ ! -s "$log" ] || [ -z "$(tail -c1 "$log")" ] || echo >>"$log"
sed 's/^/qemu: /' "$errf" >>"$log"

# Judge by the console markers, not by QEMU's status.
# grep reads the file itself: grep -m1 at the end of a pipe would make the
# writer die of SIGPIPE, which pipefail turns into "not found".
end=$(LC_ALL=C grep -a -m1 '^AXVTEST-END rc=' "$log" | tr -d '\r' || true)
if [ -n "$end" ]; then
	case $status in 124 | 137) testenv_log "qemu: the guest did not power off after the test" ;; esac
	testenv_log "qemu: $end after ${elapsed} s"
	exit 0
fi
# 137: timeout had to resort to SIGKILL.
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	testenv_log "qemu: time-out after ${tmo} s"
	exit 124
fi
testenv_log "qemu: ended (status $status) after ${elapsed} s without AXVTEST-END"
exit 1
