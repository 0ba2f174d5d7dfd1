#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug test kernel from Debian's linux-source-6.1 with the
# fragment kernel.config, and print the directory that holds it:
#   DIR/bzImage     the kernel image
#   DIR/build       the kernel tree that external modules build against
#
# The result is cached in $AXV_CACHE keyed by the source package version, the
# fragment and the recipe version below, and is rebuilt only when one of them
# changes.  Older entries are removed when a new one is complete.

set -euo pipefail
. "$(dirname "$0")/common.sh"

"$testenv_dir/deps.sh" kernel build >&2

# Bump when the build steps below change what they produce.
recipe=1
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$(testenv_key "$srcver" "$testenv_dir/kernel.config" "recipe $recipe")
out=$AXV_CACHE/kernel-$key

testenv_reuse_or_lock "$out" kernel

testenv_log "building the test kernel ($srcver, key $key); this takes a few minutes"
start=$SECONDS
rm -rf "$out"
mkdir -p "$out"
tar -C "$out" -xf /usr/src/linux-source-6.1.tar.xz
mv "$out/linux-source-6.1" "$out/build"
cd "$out/build"

make -s tinyconfig >"$out/merge_config.log" 2>&1
scripts/kconfig/merge_config.sh -m .config "$testenv_dir/kernel.config" \
	>>"$out/merge_config.log" 2>&1
make -s olddefconfig >&2

# merge_config only warns when Kconfig drops an option; a test kernel without
# lockdep or KUnit would silently weaken every test, so check here.
missing=0
while read -r line; do
	case $line in CONFIG_*=[ym]) ;; *) continue ;; esac
	if ! grep -qx "$line" .config; then
		testenv_log "config option not set after olddefconfig: $line"
		missing=1
	fi
done <"$testenv_dir/kernel.config"
[ $missing -eq 0 ] || testenv_die "the kernel config fragment does not apply"

make -s -j"$(nproc)" bzImage modules >&2
cp arch/x86/boot/bzImage "$out/bzImage"
touch "$out/done"
find "$AXV_CACHE" -maxdepth 1 -name 'kernel-*' ! -name "kernel-$key" \
	-exec rm -rf {} +
testenv_log "test kernel built in $((SECONDS - start)) s"
echo "$out"
