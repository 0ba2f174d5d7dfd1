#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build everything a test boot needs into OUT (default out/build):
#   OUT/debug/*.ko    modules for the debug test kernel
#   OUT/distro/*.ko   modules for Debian's cloud kernel
#   OUT/bin/          static userctl, abi_test, run_test, emul_diff, kvm_hold
# Each kernel gets its own copy of the sources, because Kbuild writes
# objects next to them.  Copies keep timestamps, so rebuilds are
# incremental.  With CI set, warnings are errors.
#
# Usage: build.sh [OUT]

set -euo pipefail
. "$(dirname "$0")/common.sh"

out=${1:-$project_dir/out/build}
werror=
[ -n "${CI:-}" ] && werror=KCFLAGS=-Werror

build_modules() {
	local name=$1 kdir=$2 dst=$out/$1/src

	testenv_copy_kernel_sources "$dst"
	make -s -C "$kdir" M="$dst" W=1 $werror modules >&2
	cp "$dst"/*.ko "$out/$name/"
	testenv_log "built $(cd "$out/$name" && echo *.ko) for $name"
}

"$testenv_dir/deps.sh" build kernel distro >&2
mkdir -p "$out/bin"
build_modules debug "$("$testenv_dir/kernel.sh")/build"
build_modules distro "$(cat "$("$testenv_dir/distro.sh")/kdir")"

make -s -C "$project_dir/tools/userctl" static >&2
cp "$project_dir/tools/userctl/userctl-static" "$out/bin/userctl"
make -s -C "$project_dir/tests/abi" >&2
cp "$project_dir/tests/abi/abi_test" "$out/bin/abi_test"
make -s -C "$project_dir/tests/run" >&2
cp "$project_dir/tests/run/run_test" "$out/bin/run_test"
make -s -C "$project_dir/tests/emul" emul_diff-static >&2
cp "$project_dir/tests/emul/emul_diff-static" "$out/bin/emul_diff"
make -s -C "$project_dir/tests/guests" >&2
rm -rf "$out/guests"
mkdir -p "$out/guests"
cp "$project_dir"/tests/guests/build/*.elf "$project_dir"/tests/guests/build/*.bin \
	"$project_dir"/tests/guests/build/*.txt "$out/guests/"
gcc -static -O2 -Wall -Wextra -Werror -o "$out/bin/kvm_hold" \
	"$project_dir/tests/kvm/kvm_hold.c"
echo "$out"
