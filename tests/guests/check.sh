#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host checks of the built guests ("make check"): what "userctl run" relies
# on when it loads them.
#   - every ELF is ET_EXEC, enters at _start (or the Multiboot entry) inside
#     a loaded segment, and loads from 1 MiB up, below userctl's last MiB of
#     the default 64 MiB;
#   - multiboot_test.elf has a Multiboot v1 header, 4-aligned in its first
#     8192 bytes, with a zero checksum (and grub-file agrees, if installed);
#     no other ELF has the magic there, or userctl would boot it as one;
#   - real_hello.bin fits between 0x1000 and the stack, and its code, as
#     16-bit code, starts with the right instruction and holds no (bad);
#   - include/testdev.h has the numbers of userctl's test device as
#     tools/userctl/devices.h defines them.
#
# Usage: check.sh BUILD_DIR

set -u
dir=${1:?usage: check.sh BUILD_DIR}
failed=0
ram_top=$((64 * 1024 * 1024 - 1024 * 1024))

pass() {
	echo "ok   $*"
}

bad() {
	echo "FAIL $*"
	failed=1
}

# Print "offset flags checksum-ok" for each Multiboot magic found at a
# 4-aligned offset with the whole 12-byte header in the first 8192 bytes.
mb_headers() {
	od -A d -t u4 -N 8192 -v "$1" | awk '
		{ for (i = 2; i <= NF; i++) w[($1 / 4) + i - 2] = $i }
		END {
			for (n = 0; n <= 2045; n++) {
				if (w[n] != 464367618)	# 0x1badb002
					continue
				sum = (w[n] + w[n + 1] + w[n + 2]) % 4294967296
				print n * 4, w[n + 1], (sum == 0 ? "yes" : "no")
			}
		}'
}

check_elf() {
	f=$1 name=$(basename "$1" .elf)
	hdr=$(readelf -hW "$f") || { bad "$name: not an ELF"; return; }
	echo "$hdr" | grep -q 'Type: *EXEC' || bad "$name: not ET_EXEC"
	class=$(echo "$hdr" | sed -n 's/^ *Class: *//p')
	entry=$(($(echo "$hdr" | sed -n 's/^ *Entry point address: *//p')))
	start=$((0x$(nm "$f" | awk '$3 == "_start" { print $1 }')))
	inside=no
	loads=$(readelf -lW "$f" | awk '$1 == "LOAD" { print $4, $6 }')
	[ -n "$loads" ] || bad "$name: no PT_LOAD"
	echo "$loads" | {
		ok=1
		while read -r paddr memsz; do
			lo=$((paddr)) hi=$((paddr + memsz))
			if [ $lo -lt $((0x100000)) ] || [ $hi -gt $ram_top ]; then
				echo "FAIL $name: segment $paddr+$memsz outside [1 MiB, 63 MiB)"
				ok=0
			fi
		done
		[ $ok = 1 ]
	} || failed=1
	for range in $(echo "$loads" | awk '{ printf "%d:%d\n", $1, $1 + $2 }'); do
		[ $entry -ge ${range%:*} ] && [ $entry -lt ${range#*:} ] && inside=yes
	done
	[ $inside = yes ] || bad "$name: entry $entry outside the segments"

	headers=$(mb_headers "$f")
	case $name in
	multiboot_test)
		set -- $headers
		if [ $# -ne 3 ]; then
			bad "$name: want one Multiboot header, found: $headers"
		elif [ $(($1 % 4)) -ne 0 ] || [ "$3" != yes ]; then
			bad "$name: Multiboot header at $1, checksum ok: $3"
		elif [ $(($2 & 0x10000)) -ne 0 ]; then
			bad "$name: Multiboot flags $2 ask for the a.out kludge"
		else
			pass "$name: Multiboot header at file offset $1, flags $2"
		fi
		if command -v grub-file >/dev/null; then
			if grub-file --is-x86-multiboot "$f"; then
				pass "$name: grub-file --is-x86-multiboot"
			else
				bad "$name: grub-file --is-x86-multiboot"
			fi
		fi
		;;
	*)
		[ -z "$headers" ] || bad "$name: has a Multiboot magic: $headers"
		;;
	esac
	[ $entry -eq $start ] || bad "$name: entry $entry is not _start $start"
	pass "$name: $class, entry $(printf '%#x' $entry), loads: $(echo $loads)"
}

check_flat() {
	f=$dir/real_hello.bin elf=$dir/obj32/real_hello.elf
	size=$(wc -c <"$f")
	if [ $((0x1000 + size)) -gt $((0x7000)) ]; then
		bad "real_hello.bin: $size bytes reach the stack"
	fi
	# The code ends where the strings start.
	code_end=$(nm "$elf" | awk '$3 == "s_hello" { print $1 }')
	dis=$(objdump -D -b binary -m i8086 --adjust-vma=0x1000 \
		--stop-address=0x$code_end "$f" | grep '^ *[0-9a-f]*:')
	first=$(echo "$dis" | head -n 1 | cut -f 3)
	if [ "$first" != cld ]; then
		bad "real_hello.bin: first instruction '$first', want cld"
	elif echo "$dis" | grep -q '(bad)'; then
		bad "real_hello.bin: undecodable as 16-bit code"
	elif ! echo "$dis" | grep -q 'out *%al,\$0xf4'; then
		bad "real_hello.bin: no out to port 0xf4 in the 16-bit code"
	else
		pass "real_hello.bin: $size bytes, 16-bit code up to 0x$code_end"
	fi
}

# Print "NAME VALUE" for each "#define TESTDEV_NAME VALUE" of a header,
# the value without its U and L suffixes; TESTDEV_DEFAULT_BASE is the
# guests' TESTDEV_BASE.
testdev_defines() {
	sed -n 's/^#define[[:space:]]\{1,\}\(TESTDEV_[A-Z_]*\)[[:space:]]\{1,\}\(0x[0-9a-fA-F]*\|[0-9]*\)[uUlL]*\([[:space:]].*\)\{0,1\}$/\1 \2/p' "$1" |
		sed 's/^TESTDEV_DEFAULT_BASE /TESTDEV_BASE /'
}

check_testdev() {
	src=$(dirname "$0")
	guest_h=$src/include/testdev.h
	userctl_h=$src/../../tools/userctl/devices.h
	if [ ! -f "$userctl_h" ]; then
		pass "testdev.h: no tools/userctl/devices.h to compare with"
		return
	fi
	want=$(testdev_defines "$userctl_h" | sort)
	got=$(testdev_defines "$guest_h" | sort)
	if [ -z "$got" ] || [ "$got" != "$want" ]; then
		bad "testdev.h has '$(echo "$got" | grep -v -x -F "$want" | tr '\n' ';')'," \
			"tools/userctl/devices.h '$(echo "$want" | grep -v -x -F "$got" | tr '\n' ';')'"
	else
		pass "testdev.h: $(echo "$got" | wc -l) numbers as in tools/userctl/devices.h"
	fi
}

for f in "$dir"/*.elf; do
	check_elf "$f"
done
check_flat
check_testdev
[ $failed = 0 ] && echo "all checks passed"
exit $failed
