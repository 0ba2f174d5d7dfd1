#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fetch (once) Debian's stock cloud kernel, the kernel users insmod axvcpu
# into, and print the directory that holds it:
#   DIR/vmlinuz        the kernel image
#   DIR/modules/       kvm.ko, kvm-intel.ko, irqbypass.ko (uncompressed)
#   DIR/kdir           path of its headers (the KDIR to build against)
#   DIR/abi            its ABI name, e.g. 6.1.0-56-cloud-amd64
#
# The image package is unpacked, never installed: the host's boot loader
# is not touched.  The headers package is installed (it only adds files
# under /usr/src and /lib/modules/ABI/build).

set -euo pipefail
. "$(dirname "$0")/common.sh"

find_abi() {
	apt-cache depends linux-image-cloud-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\(.*-cloud-amd64\)$/\1/p' | head -n1
}

abi=$(find_abi)
if [ -z "$abi" ] && [ "$(id -u)" -eq 0 ]; then
	apt-get update -q >&2
	abi=$(find_abi)
fi
[ -n "$abi" ] || testenv_die "cannot resolve linux-image-cloud-amd64 (run apt-get update as root)"

out=$AXV_CACHE/distro-$abi
testenv_reuse_or_lock "$out" distro

kdir=/usr/src/linux-headers-$abi
if [ ! -e "$kdir/Makefile" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		testenv_die "missing linux-headers-$abi: sudo apt-get install linux-headers-$abi"
	fi
	testenv_log "installing linux-headers-$abi"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"linux-headers-$abi" >&2
fi

testenv_log "fetching Debian's kernel $abi"
rm -rf "$out"
mkdir -p "$out/pkg" "$out/modules"
(cd "$out/pkg" && apt-get download -q "linux-image-$abi" >&2)
dpkg-deb -x "$out"/pkg/linux-image-*.deb "$out/root"
cp "$out/root/boot/vmlinuz-$abi" "$out/vmlinuz"

moddir=$out/root/lib/modules/$abi/kernel
for m in arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-intel.ko virt/lib/irqbypass.ko; do
	if [ -e "$moddir/$m" ]; then
		cp "$moddir/$m" "$out/modules/"
	elif [ -e "$moddir/$m.xz" ]; then
		xz -dc "$moddir/$m.xz" >"$out/modules/$(basename "$m")"
	else
		testenv_die "$m is not in linux-image-$abi"
	fi
done

rm -rf "$out/root" "$out/pkg"
echo "$kdir" >"$out/kdir"
echo "$abi" >"$out/abi"
touch "$out/done"
echo "$out"
