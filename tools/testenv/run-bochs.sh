#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel and a test initramfs in Bochs (Intel CPU with VMX) and record
# the serial console.  Everything that executes VMX instructions runs here.
#
# Usage: run-bochs.sh -k KERNEL -i INITRD -l LOG [-c CPUS] [-t TIMEOUT_S] [-a EXTRA_CMDLINE] [-m MEGS]
#   -k KERNEL   bzImage
#   -i INITRD   initramfs from initramfs.sh
#   -l LOG      console log to write; the Bochs log lines that matter
#               (panics, errors, triple faults) are appended prefixed "bochs:"
#   -c CPUS     1 or 2 (default 1)
#   -t TIMEOUT  hard limit in seconds (default 120)
#   -a EXTRA    appended to the kernel command line
#   -m MEGS     guest RAM in MiB (default 512)
#
# Exit status: 0 if the guest printed AXVTEST-END, 124 on time-out, 1
# otherwise.  Bochs' own exit status says nothing (power-off exits with 1).
#
# AXV_KEEP=1 keeps the work directory (disk image, bochsrc, full Bochs log).
#
# Several runs may overlap: the rfb display has no port option (its options
# are only timeout=, hideIPS and no_gui_console), but Bochs 2.7 tries the
# ports 5900 to 5949 in turn and takes the first free one, so no lock is
# needed.  Note that it listens on all interfaces while a run lasts.

set -euo pipefail
. "$(dirname "$0")/common.sh"

testenv_run_args "$@"
case $cpus in 1 | 2) ;; *) testenv_die "CPUS must be 1 or 2, got '$cpus'" ;; esac

work=$(mktemp -d "${TMPDIR:-/tmp}/axv-bochs.XXXXXX")
bochs_pid=
# shellcheck disable=SC2317 # called by the trap
cleanup() {
	[ -z "$bochs_pid" ] || kill "$bochs_pid" 2>/dev/null || true
	if [ "${AXV_KEEP:-0}" = 1 ]; then
		testenv_log "bochs: work directory kept: $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
# bash skips the EXIT trap when a signal kills it: turn signals into exits.
trap 'exit 130' INT
trap 'exit 143' TERM

# --- Boot disk.  Bochs cannot load a kernel directly; syslinux on an
# unpartitioned FAT16 image can, and building it needs neither root nor
# loop mounts.  The geometry must match the ata0-master line below.
cyls=64 heads=16 spt=63
disk=$work/disk.img
t0=$(date +%s%N)
truncate -s $((cyls * heads * spt * 512)) "$disk"
mkfs.vfat -F 16 -g $heads/$spt -h 0 --mbr=n -n AXVTEST "$disk" >/dev/null
syslinux --install "$disk"
cat >"$work/syslinux.cfg" <<EOF
SERIAL 0 115200
DEFAULT test
PROMPT 0
TIMEOUT 0
LABEL test
  KERNEL bzimage
  INITRD initrd.gz
  APPEND $cmdline
EOF
export MTOOLS_SKIP_CHECK=1
mcopy -i "$disk" "$kernel" ::bzimage
mcopy -i "$disk" "$initrd" ::initrd.gz
mcopy -i "$disk" "$work/syslinux.cfg" ::syslinux.cfg
t1=$(date +%s%N)
testenv_log "bochs: boot disk built in $(((t1 - t0) / 1000000)) ms"

# --- Bochs configuration (see /work/shared/notes/test-rig.md).  Haswell:
# its CPUID does not claim a TSC frequency, so Linux calibrates the TSC
# against the PIT, which matches Bochs' instruction-counting TSC.
# reset_on_triple_fault=0: a triple fault ends Bochs at once instead of
# looping through reboots until the time-out.
serial=$work/serial.log
blog=$work/bochs.log
cat >"$work/bochsrc" <<EOF
config_interface: textconfig
display_library: rfb, options="timeout=0"
megs: $megs
cpu: model=corei7_haswell_4770, count=$cpus, ips=50000000, reset_on_triple_fault=0, ignore_bad_msrs=1
romimage: file=/usr/share/bochs/BIOS-bochs-latest, options=fastboot
vgaromimage: file=/usr/share/vgabios/vgabios.bin
pci: enabled=1, chipset=i440fx
ata0: enabled=1, ioaddr1=0x1f0, ioaddr2=0x3f0, irq=14
ata0-master: type=disk, path=$disk, mode=flat, cylinders=$cyls, heads=$heads, spt=$spt
boot: disk
clock: sync=none, time0=local
com1: enabled=1, mode=file, dev=$serial
log: $blog
panic: action=fatal
error: action=report
info: action=report
debug: action=ignore
EOF
# The debugger is compiled into Debian's Bochs: without "c" it would stop
# at its prompt.
echo c >"$work/cont.rc"
: >"$serial"

start=$SECONDS
# -unlock: a killed run leaves a lock on the disk image.
timeout -k 5 "$tmo" bochs -q -unlock -f "$work/bochsrc" -rc "$work/cont.rc" \
	</dev/null >"$work/bochs.out" 2>&1 &
bochs_pid=$!

# Bochs has no "no reboot" switch.  A guest reboot (panic=-1) does end
# Bochs today, with a triple fault in its BIOS (see below), but should a
# reboot ever boot again, or power-off fail, the run would last until the
# time-out.  Stop it when the boot loader shows up a second time, or when
# the test has ended but the machine is still on 10 s later.
stopped=
end_at=
while kill -0 "$bochs_pid" 2>/dev/null; do
	sleep 0.5
	# Lines end in CR LF, so "^" still anchors.
	if [ -z "$end_at" ] && LC_ALL=C grep -a -q '^AXVTEST-END rc=' "$serial"; then
		end_at=$SECONDS
	fi
	if [ -n "$end_at" ] && [ $((SECONDS - end_at)) -ge 10 ]; then
		stopped="the guest did not power off after the test"
	elif [ "$(LC_ALL=C grep -a -c '^SYSLINUX ' "$serial")" -ge 2 ]; then
		stopped="the guest rebooted"
	else
		continue
	fi
	kill "$bochs_pid" 2>/dev/null || true
	break
done
status=0
wait "$bochs_pid" || status=$?
bochs_pid=
elapsed=$((SECONDS - start))

mkdir -p "$(dirname "$log")"
cp "$serial" "$log"
# A power-off can cut the last console line short: start the appended
# lines on a line of their own.
[ ! -s "$log" ] || [ -z "$(tail -c1 "$log")" ] || echo >>"$log"
# The Bochs log lines that matter: panics (p), errors (e), and the triple
# fault message; then the reason Bochs gave for exiting.  A repeated message
# is shown once with a count: Linux reads APERF/MPERF, which Bochs does not
# implement, on every tick, which gives thousands of identical lines.  Bochs
# reports the guest's ACPI power-off as a panic; that one is the normal end.
# A guest reboot (panic=-1) is shown too: Bochs' reset keeps
# IA32_FEATURE_CONTROL locked, its BIOS then faults writing it, and Bochs
# ends with a triple fault that is a consequence, not a VMX bug.
{
	LC_ALL=C awk '
		/^0*[1-9][0-9]*i\[SYS +\] bx_pc_system_c::Reset/ {
			$0 = $0 " (guest reboot)"
		}
		/>>PANIC<< ACPI control: soft power off/ { next }
		/^[0-9]+[pe]\[/ || /exception with no resolution/ || /guest reboot/ {
			key = $0
			sub(/^[0-9]+/, "", key)
			if (!(key in count)) {
				order[++n] = key
				first[key] = $0
			}
			count[key]++
		}
		END {
			for (i = 1; i <= n; i++) {
				key = order[i]
				more = count[key] > 1 ? " (" count[key] " times)" : ""
				print first[key] more
			}
		}' "$blog" 2>/dev/null || true
	LC_ALL=C grep -a -A1 'Bochs is exiting with the following message' "$work/bochs.out" |
		LC_ALL=C grep -a -v -e 'Bochs is exiting' -e '^--$' | sed 's/^/exit: /' || true
} | sed 's/^/bochs: /' >>"$log"

if [ -n "$stopped" ]; then
	testenv_log "bochs: stopped: $stopped"
	echo "bochs: stopped by run-bochs.sh: $stopped" >>"$log"
fi
# grep reads the file itself: grep -m1 at the end of a pipe would make the
# writer die of SIGPIPE, which pipefail turns into "not found".
end=$(LC_ALL=C grep -a -m1 '^AXVTEST-END rc=' "$log" | tr -d '\r' || true)
if [ -n "$end" ]; then
	testenv_log "bochs: $end after ${elapsed} s ($cpus CPU)"
	exit 0
fi
# 137: timeout had to resort to SIGKILL.
if [ $status -eq 124 ] || [ $status -eq 137 ]; then
	testenv_log "bochs: time-out after ${tmo} s"
	exit 124
fi
testenv_log "bochs: ended (status $status) after ${elapsed} s without AXVTEST-END"
exit 1
