# SPDX-License-Identifier: GPL-2.0
#
# Shared settings for the test environment scripts; sourced, not run.

testenv_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
project_dir=$(cd "$testenv_dir/../.." && pwd)

# Built kernels and downloaded packages live outside the repository so that a
# fresh clone reuses them; each entry is keyed by everything that produced it.
AXV_CACHE=${AXV_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/axvcpu}
mkdir -p "$AXV_CACHE"

testenv_log() {
	echo "testenv: $*" >&2
}

testenv_die() {
	echo "testenv: error: $*" >&2
	exit 1
}

# Print a short hash of the given files and strings.
testenv_key() {
	local item
	for item in "$@"; do
		if [ -f "$item" ]; then
			cat "$item"
		else
			printf '%s\n' "$item"
		fi
	done | sha256sum | cut -c1-16
}

# Copy the module sources to DST, keeping timestamps so that Kbuild only
# rebuilds what changed.  Kbuild writes objects beside the sources, so each
# kernel (and sparse) builds in a copy of its own.
testenv_copy_kernel_sources() {
	local dst=$1 dir dirs=()

	for dir in Kbuild include module vcpu vmx ept apic uapi kunit; do
		[ -e "$project_dir/$dir" ] && dirs+=("$dir")
	done
	mkdir -p "$dst"
	(cd "$project_dir" && cp -a --parents "${dirs[@]}" "$dst")
}
