# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the test scripts that run inside the emulated machines.  Each
# result is one console line, "AXVTEST ok|fail|skip NAME [REASON]", which
# tools/testenv/results.sh collects.

ok() {
	echo "AXVTEST ok $1"
}

fail() {
	local name=$1
	shift
	echo "AXVTEST fail $name $*"
}

skip() {
	local name=$1
	shift
	echo "AXVTEST skip $name $*"
}

# expect NAME CMD...: the command must succeed.
expect() {
	local name=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		fail "$name" "'$*' failed: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}

# expect_fail NAME PATTERN CMD...: the command must fail and print PATTERN.
expect_fail() {
	local name=$1 pattern=$2
	shift 2
	if out=$("$@" 2>&1); then
		fail "$name" "'$*' succeeded"
	elif echo "$out" | grep -q -- "$pattern"; then
		ok "$name"
	else
		fail "$name" "'$*' failed without '$pattern': $(echo "$out" | tr '\n' ' ')"
	fi
}

# dmesg_has NAME PATTERN: the kernel log holds PATTERN.
dmesg_has() {
	if dmesg | grep -q -- "$2"; then
		ok "$1"
	else
		fail "$1" "no '$2' in the kernel log"
	fi
}

virt_state=/sys/kernel/debug/axvcpu/virt

# virt_is NAME USERS ON: debugfs shows USERS users and every online CPU
# with virtualization ON (1) or off (0), as axvcpu and the hardware see it.
virt_is() {
	local name=$1 users=$2 on=$3 state
	state=$(cat $virt_state 2>&1)
	if ! echo "$state" | grep -qx "users $users"; then
		fail "$name" "expected users $users: $(echo "$state" | tr '\n' ' ')"
		return
	fi
	if echo "$state" | grep '^cpu' | grep -qv "enabled $on hw $on\$"; then
		fail "$name" "expected every CPU at $on: $(echo "$state" | tr '\n' ' ')"
		return
	fi
	ok "$name"
}

# kmemleak_clean NAME: no leak reported after two scans.
kmemleak_clean() {
	local f=/sys/kernel/debug/kmemleak leaks
	if [ ! -e $f ]; then
		skip "$1" "kernel without kmemleak"
		return
	fi
	# kmemleak reports only objects older than 5 s.
	sleep 6
	echo scan >$f
	echo scan >$f
	leaks=$(cat $f)
	if [ -z "$leaks" ]; then
		ok "$1"
	else
		echo "$leaks"
		fail "$1" "kmemleak reports unreferenced objects (above)"
	fi
}

# wait_until CMD...: poll CMD until it succeeds, for at most 300 s of guest
# time; the tests wait on state, never on a guess of how long things take
# (a KASAN kernel in Bochs is five times slower).
wait_until() {
	local i=0

	while ! "$@" >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -ge 300 ] && return 1
		sleep 1
	done
}

# virt_users N: debugfs shows N users of virtualization.
virt_users() {
	grep -qx "users $1" $virt_state
}

# hold_vm: start a process holding one VM until release_vm; sets $holder.
hold_vm() {
	/abi_test --create-vm-hold 3600 &
	holder=$!
	wait_until virt_users 1 || fail hold_vm "no VM appeared"
}

# release_vm NAME: end the hold started by hold_vm; it must exit cleanly.
release_vm() {
	kill -TERM $holder
	if wait $holder; then
		ok "$1"
	else
		fail "$1" "VM holder exited with status $?"
	fi
}

# emul_diff_results ARGS...: run /emul_diff (tests/emul: the instruction
# emulator compared, case by case, with the CPU, here the one the machine
# emulates) and report one result per form, emul_FORM.  Its other lines
# (the seed, any failure with the command that reproduces it) go to the
# console as they are.
emul_diff_results() {
	local out
	out=$(timeout 600 /emul_diff "$@" 2>&1)
	echo "$out" | grep -v '^form '
	echo "$out" | sed -n 's/^form \([^:]*\): \(.*\)$/\1 \2/p' |
		while read -r name rest; do
			case $rest in
			skipped*) skip "emul_$name" "$rest" ;;
			*" 0 failed") ok "emul_$name" ;;
			*) fail "emul_$name" "$rest" ;;
			esac
		done
	if ! echo "$out" | tail -n 1 | grep -q '^[0-9]* passed, [0-9]* failed$'; then
		fail emul_diff "no summary line: $(echo "$out" | tail -n 3 | tr '\n' ' ')"
	fi
}
