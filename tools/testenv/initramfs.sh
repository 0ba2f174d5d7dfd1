#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the initramfs that every test boot uses: busybox, the test's files,
# the test script as /test.sh and an /init that runs it between two console
# markers and powers the machine off.
#
# Usage: initramfs.sh -o OUT.cpio.gz -s SCRIPT [-f SRC:DEST]...
#   -o OUT      gzip'ed newc cpio archive to write
#   -s SCRIPT   shell script run as "sh /test.sh" with cwd /
#   -f SRC:DEST copy SRC (file or directory) to DEST in the archive; a DEST
#               ending in "/" keeps SRC's base name; may be repeated
#
# Console protocol of the guest (what run-*.sh and results.sh rely on):
#   AXVTEST-BOOT            /init started, about to run /test.sh
#   AXVTEST-END rc=N        /test.sh exited with status N
# Kernel messages are streamed from /proc/kmsg, so they appear prefixed
# "<level>[timestamp] " whatever the console loglevel.
#
# Needs no root: the archive is written by cpio with root ownership forced,
# and the one device node (/dev/console) is written by hand.

set -euo pipefail
. "$(dirname "$0")/common.sh"

out=
script=
files=()
while getopts "o:s:f:h" opt; do
	case $opt in
	o) out=$OPTARG ;;
	s) script=$OPTARG ;;
	f) files+=("$OPTARG") ;;
	*) testenv_usage ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 0 ] || [ -z "$out" ] || [ -z "$script" ]; then
	testenv_usage
fi
[ -f "$script" ] || testenv_die "no such test script: $script"

busybox=$(command -v busybox || true)
[ -n "$busybox" ] || testenv_die "busybox not found (run deps.sh qemu)"
# A dynamically linked busybox would need its libraries in the archive.
if command -v file >/dev/null && file -L "$busybox" | grep -q 'dynamically linked'; then
	testenv_die "$busybox is not static; install busybox-static"
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/axv-initramfs.XXXXXX")
trap 'rm -rf "$stage" "$out.tmp"' EXIT
# bash skips the EXIT trap when a signal kills it: turn signals into exits.
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$stage"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,root,lib/modules}
cp "$busybox" "$stage/bin/busybox"
# Applet links made here rather than by "busybox --install" at boot: that
# costs nothing on the host and saves emulated time in Bochs.
"$busybox" --list-full | while read -r applet; do
	case $applet in bin/busybox | "") continue ;; esac
	[ -e "$stage/$applet" ] || ln -s /bin/busybox "$stage/$applet"
done

for spec in ${files[@]+"${files[@]}"}; do
	src=${spec%%:*}
	dest=${spec#*:}
	if [ "$src" = "$spec" ] || [ -z "$src" ] || [ -z "$dest" ]; then
		testenv_die "-f wants SRC:DEST, got '$spec'"
	fi
	case $dest in
	/*) ;;
	*) testenv_die "-f DEST must be absolute: '$spec'" ;;
	esac
	[ -e "$src" ] || testenv_die "no such file: $src"
	case $dest in */) dest=$dest$(basename "$src") ;; esac
	mkdir -p "$stage$(dirname "$dest")"
	# -L: the guest must get the content, not a link into the host.
	cp -RL --preserve=mode "$src" "$stage$dest"
done

cp "$script" "$stage/test.sh"

cat >"$stage/init" <<'EOF'
#!/bin/sh
# /init of the axvcpu test initramfs, written by tools/testenv/initramfs.sh.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# DEVTMPFS_MOUNT acts on a disk root only, not on an initramfs.
grep -q '^[^ ]* /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
[ -d /sys/kernel/debug ] && mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
# Linux leaves transparent huge pages off with less than 512 MiB of RAM,
# which the test machines are just under; turn them on as the kernel's
# configuration says, so that guest memory takes the huge-page path too.
thp=/sys/kernel/mm/transparent_hugepage/enabled
[ -w $thp ] && echo always >$thp
# The kernel runs with loglevel=4 to keep the boot quiet; this copies every
# message (from the first one on) to the console so the log is complete.
cat /proc/kmsg >/dev/console 2>&1 &
echo AXVTEST-BOOT
cd /
# stdin from /dev/null: a test must never wait for console input.
sh /test.sh </dev/null
echo "AXVTEST-END rc=$?"
# Let the kmsg copy catch up before the power goes.
sleep 1
poweroff -f
# Still here: power-off failed.  Leaving init panics the kernel, which the
# runners notice quickly, instead of idling until the time-out.
echo "AXVTEST-POWEROFF-FAILED"
exit 1
EOF
chmod 755 "$stage/init" "$stage/test.sh"

# One newc header (see Documentation/driver-api/early-userspace/
# buffer-format.rst) for an empty entry: a device node or the trailer.
# Fields: ino mode uid gid nlink mtime filesize devmajor devminor
# rdevmajor rdevminor namesize check; the name is NUL-terminated and
# header+name are padded to a multiple of 4.
newc_entry() {
	local name=$1 mode=$2 major=$3 minor=$4 ino=$5
	local namesize=$((${#name} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		"$ino" "$mode" 0 0 1 0 0 0 0 "$major" "$minor" "$namesize" 0
	printf '%s\0' "$name"
	head -c $(((4 - (110 + namesize) % 4) % 4)) /dev/zero
}

mkdir -p "$(dirname "$out")"
{
	(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet)
	# A second archive after the first: the kernel unpacks concatenated
	# archives.  mknod would need root, so the node is written here.
	newc_entry dev/console $((8#020600)) 5 1 1
	newc_entry TRAILER!!! 0 0 0 0
} | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
