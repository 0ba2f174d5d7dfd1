#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make sure the Debian packages the test environment needs are installed.
# As root: install what is missing.  Otherwise: name what is missing and fail.
#
# Usage: deps.sh GROUP...   (groups: build, kernel, qemu, bochs, distro, lint)

set -euo pipefail

declare -A group_pkgs=(
	[build]="gcc make libc6-dev libfdt-dev device-tree-compiler acpica-tools"
	[kernel]="linux-source-6.1 flex bison bc libelf-dev libssl-dev xz-utils cpio"
	[qemu]="qemu-system-x86 busybox-static cpio"
	[bochs]="bochs bochs-term bochsbios vgabios busybox-static cpio syslinux syslinux-common mtools dosfstools"
	[distro]="linux-image-cloud-amd64:download linux-headers-cloud-amd64"
	[lint]="linux-source-6.1 sparse perl python3"
)

missing=()
for group in "$@"; do
	pkgs=${group_pkgs[$group]:-}
	if [ -z "$pkgs" ]; then
		echo "deps.sh: unknown group '$group'" >&2
		exit 2
	fi
	for pkg in $pkgs; do
		# ":download" marks a package we only unpack, never install.
		case $pkg in *:download) continue ;; esac
		if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed'; then
			missing+=("$pkg")
		fi
	done
done

[ ${#missing[@]} -eq 0 ] && exit 0

# De-duplicate while keeping the order.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk '!seen[$0]++')

if [ "$(id -u)" -ne 0 ]; then
	echo "testenv: missing Debian packages: ${missing[*]}" >&2
	echo "testenv: install them with: sudo apt-get install ${missing[*]}" >&2
	exit 1
fi

echo "testenv: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
