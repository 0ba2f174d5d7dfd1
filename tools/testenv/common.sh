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

	for dir in Kbuild include module vcpu vmx ept apic emul uapi kunit; do
		[ -e "$project_dir/$dir" ] && dirs+=("$dir")
	done
	mkdir -p "$dst"
	(cd "$project_dir" && cp -a --parents "${dirs[@]}" "$dst")
}

# Parse the options shared by run-qemu.sh and run-bochs.sh (see their
# Usage: comment) into kernel, initrd, log, cpus, tmo and cmdline.
testenv_run_args() {
	local opt extra=''

	kernel='' initrd='' log='' cpus=1 tmo=120 megs=512
	while getopts "k:i:l:c:t:a:m:h" opt; do
		case $opt in
		k) kernel=$OPTARG ;;
		i) initrd=$OPTARG ;;
		l) log=$OPTARG ;;
		c) cpus=$OPTARG ;;
		t) tmo=$OPTARG ;;
		a) extra=$OPTARG ;;
		m) megs=$OPTARG ;;
		*) testenv_usage ;;
		esac
	done
	shift $((OPTIND - 1))
	if [ $# -ne 0 ] || [ -z "$kernel" ] || [ -z "$initrd" ] || [ -z "$log" ]; then
		testenv_usage
	fi
	[ -f "$kernel" ] || testenv_die "no such kernel: $kernel"
	[ -f "$initrd" ] || testenv_die "no such initrd: $initrd"
	[[ $cpus =~ ^[1-9][0-9]*$ ]] || testenv_die "bad CPU count: $cpus"
	[[ $tmo =~ ^[1-9][0-9]*$ ]] || testenv_die "bad time-out: $tmo"
	[[ $megs =~ ^[1-9][0-9]*$ ]] || testenv_die "bad memory size: $megs"
	cmdline="console=ttyS0,115200 loglevel=4 panic=-1 oops=panic cryptomgr.notests=1${extra:+ $extra}"
}

# Print the calling script's "# Usage:" comment block and exit 2.
testenv_usage() {
	sed -n '/^# Usage:/,/^#$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

# testenv_reuse_or_lock DIR NAME: when the cache entry DIR is complete,
# print it and end the calling script; otherwise take the lock NAME (held
# until the script ends), check again, and return so the caller builds it.
testenv_reuse_or_lock() {
	local out=$1 name=$2

	if [ -e "$out/done" ]; then
		echo "$out"
		exit 0
	fi
	exec 9>"$AXV_CACHE/$name.lock"
	flock 9
	if [ -e "$out/done" ]; then
		echo "$out"
		exit 0
	fi
}
