#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: checkpatch --strict, sparse (C=2) and kernel-doc over all
# project code.  checkpatch.pl and kernel-doc come from Debian's
# linux-source-6.1 (the test kernel's tree); nothing is committed.

set -uo pipefail
. "$(dirname "$0")/common.sh"

"$testenv_dir/deps.sh" lint kernel build || exit 1
ktree=$("$testenv_dir/kernel.sh")/build || exit 1
cd "$project_dir" || exit 1
status=0

# checkpatch reads spelling.txt and const_structs.checkpatch beside itself.
cp "$ktree/scripts/checkpatch.pl" "$ktree/scripts/spelling.txt" \
	"$ktree/scripts/const_structs.checkpatch" "$AXV_CACHE/"

mapfile -t csrc < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^out/')
mapfile -t ksrc < <(printf '%s\n' "${csrc[@]}" | grep -E '^(module|vcpu|vmx|ept|apic|emul|kunit|include|uapi)/')

# Userspace code follows kernel style too, but cannot use the kernel's
# ARRAY_SIZE() or __printf(), and C requires volatile sig_atomic_t for
# flags set by signal handlers, so those suggestions are off for it.
echo "== checkpatch --strict (${#csrc[@]} files)"
mapfile -t usrc < <(printf '%s\n' "${csrc[@]}" | grep -E '^(tools|tests|bench)/')
report=$(
	perl "$AXV_CACHE/checkpatch.pl" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES -f "${ksrc[@]}"
	perl "$AXV_CACHE/checkpatch.pl" --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,ARRAY_SIZE,PREFER_DEFINED_ATTRIBUTE_MACRO,VOLATILE \
		-f "${usrc[@]}"
)
report=$(echo "$report" | grep -E 'ERROR|WARNING|CHECK')
if [ -n "$report" ]; then
	echo "$report"
	status=1
else
	echo "clean"
fi

# -v also reports functions whose kernel-doc lacks a Return: section.
echo "== kernel-doc (${#ksrc[@]} files)"
report=$("$ktree/scripts/kernel-doc" -none -v "${ksrc[@]}" 2>&1 | grep -v -e '^Info' -e ': info: ')
if [ -n "$report" ]; then
	echo "$report"
	status=1
else
	echo "clean"
fi

echo "== sparse (C=2)"
if ! command -v sparse >/dev/null; then
	echo "sparse is not installed"
	status=1
else
	dst=$project_dir/out/lint/src
	testenv_copy_kernel_sources "$dst"
	report=$(make -s -C "$ktree" M="$dst" C=2 W=1 modules 2>&1 |
		 grep -E 'warning|error')
	if [ -n "$report" ]; then
		echo "$report"
		status=1
	else
		echo "clean"
	fi
fi
exit $status
