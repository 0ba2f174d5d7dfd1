#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scan a console log from run-qemu.sh or run-bochs.sh for signs of kernel
# trouble and print every offending line as "LOG:LINE: text".
#
# Usage: check-console.sh LOG
#
# Exit status: 0 if the log is clean and the run reached AXVTEST-END,
# 1 otherwise, 2 on bad usage.

set -euo pipefail
. "$(dirname "$0")/common.sh"

[ $# -eq 1 ] || {
	echo "usage: check-console.sh LOG" >&2
	exit 2
}
log=$1
[ -f "$log" ] || testenv_die "no such log: $log"

# What counts as trouble: extended regular expressions, matched anywhere in
# a line, case-sensitive.  Most messages appear twice (console and the kmsg
# copy); both lines are shown.
patterns=(
	# Oopses, BUG()s, WARN()s, panics
	'Oops[:#]'
	'BUG:'
	'kernel BUG at'
	'WARNING:'
	'Kernel panic'
	'general protection fault'
	'[Uu]nable to handle'
	'invalid opcode:'
	'double fault'
	'stack-protector:'
	'Call Trace:'
	'---\[ end trace'
	'AXVTEST-POWEROFF-FAILED'
	# lockdep and RCU lockdep (most also start with "WARNING:")
	'possible circular locking'
	'inconsistent lock state'
	'possible recursive locking'
	'possible irq lock inversion'
	'suspicious RCU usage'
	'DEBUG_LOCKS_WARN'
	'INFO: lockdep'
	'INFO: trying to register non-static key'
	'turning off the locking correctness validator'
	'BUG: sleeping function called from invalid context'
	# memory checkers
	'BUG: KASAN'
	'new suspected memory leaks?'
	'unreferenced object 0x'
	'UBSAN:'
	'ODEBUG:'
	'BUG [^ ]+ \(.*\): ' # SLUB debug: "BUG kmalloc-64 (Tainted: G): Redzone ..."
	'list_(add|del) corruption'
	# hangs and stalls
	'blocked for more than [0-9]+ seconds'
	'soft lockup'
	'hard LOCKUP'
	'rcu: INFO:'
	'detected stalls? on CPU'
	'self-detected stall'
	# a crashed test program
	'segfault at [0-9a-f]+ ip'
	# Bochs: guest triple fault, emulator panic (run-bochs.sh drops the
	# ">>PANIC<<" that stands for the guest's normal ACPI power-off)
	'exception with no resolution'
	'>>PANIC<<'
	'^bochs: stopped by run-bochs.sh'
)

args=()
for p in "${patterns[@]}"; do
	args+=(-e "$p")
done

bad=0
# CRs from the serial line would end up in the output.
if tr -d '\r' <"$log" | LC_ALL=C grep -a -n -E "${args[@]}" | sed "s|^|$log:|"; then
	bad=1
fi
# No pipe here: grep -q stops reading early, and with pipefail the writer's
# SIGPIPE would count as "not found".  CRs end lines, they do not start them.
if ! LC_ALL=C grep -a -q '^AXVTEST-END rc=' "$log"; then
	echo "$log: no AXVTEST-END line: the run timed out or crashed"
	bad=1
fi
exit $bad
