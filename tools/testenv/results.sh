#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extract test results from a console log, one per line on stdout:
#   PASS name | FAIL name | SKIP name
#
# Usage: results.sh LOG
#
# Sources:
#  - lines "AXVTEST ok NAME", "AXVTEST fail NAME REASON...",
#    "AXVTEST skip NAME REASON..." printed by test programs (at the start of
#    a line, or after a printk prefix when a module prints them);
#  - KUnit KTAP output (Linux 6.1) from the kmsg copy, named
#    kunit:SUITE.CASE.  Cases are the lines indented by 4 spaces;
#    parameterised subcases (8 spaces) are summed up by their case line.
#    6.1 prints "ok 1 name" with no " - ", later kernels "ok 1 - name": both
#    are read.  A suite that ends "not ok" without a failed case (suite_init
#    failed, or suite_exit) gives "FAIL kunit:SUITE", one skipped as a whole
#    "SKIP kunit:SUITE", and one that started but never ended (the kernel
#    died in it) "FAIL kunit:SUITE".
#
# Exit status: always 0 (bad usage: 2); the caller counts.

set -euo pipefail

[ $# -eq 1 ] || {
	echo "usage: results.sh LOG" >&2
	exit 2
}
log=$1
[ -f "$log" ] || {
	echo "results.sh: no such log: $log" >&2
	exit 2
}

tr -d '\r' <"$log" | LC_ALL=C awk '
# The kernel console (messages above loglevel, oopses) and the /proc/kmsg
# copy share the serial port.  On a slow UART (Bochs) the console writes a
# whole record in the middle of a line of the copy:
#     <6>[    1.5] ok 1 fo[    9.1] some error
#     o
# feed() cuts such a record out and glues the two halves back together.
function feed(l,    own, rest) {
	if (pending != "") {
		# More console records of the same burst come whole.
		if (l ~ /^\[ *[0-9]+\.[0-9]+\] /) {
			handle(l)
			return
		}
		l = pending l
		pending = ""
	}
	own = ""
	if (match(l, /^(<[0-9]+>)?\[ *[0-9]+\.[0-9]+\] /))
		own = substr(l, 1, RLENGTH)
	rest = substr(l, length(own) + 1)
	if (match(rest, /\[ *[0-9]+\.[0-9]+\] /)) {
		pending = own substr(rest, 1, RSTART - 1)
		handle(substr(rest, RSTART))
		return
	}
	handle(l)
}

function handle(line,    stamp, w, verdict, is_case, name, more) {
	# A kernel message can be in the log twice: once from the console
	# (when its level passes loglevel) and once from the kmsg copy.  Both
	# carry the same timestamp, so timestamp + text identifies the record.
	stamp = ""
	if (match(line, /^(<[0-9]+>)?\[ *[0-9]+\.[0-9]+\] /)) {
		stamp = substr(line, 1, RLENGTH)
		sub(/^<[0-9]+>/, "", stamp)
		line = substr(line, RLENGTH + 1)
		if ((stamp line) in seen)
			return
		seen[stamp line] = 1
	}

	# Test programs.
	if (line ~ /^AXVTEST (ok|fail|skip) [^ ]/) {
		split(line, w, " ")
		verdict = w[2] == "ok" ? "PASS" : w[2] == "fail" ? "FAIL" : "SKIP"
		print verdict, w[3]
		return
	}

	# KUnit.  Only timestamped lines: KTAP comes from printk.
	if (stamp == "")
		return

	if (line ~ /^    # Subtest: /) {
		suite = substr(line, 16)
		started = 1
		failed_cases = 0
		return
	}

	# A case result (4 spaces) or a suite result (no indentation).
	if (line !~ /^(    )?(not )?ok [0-9]+ /)
		return
	is_case = line ~ /^    /
	sub(/^ +/, "", line)
	verdict = line ~ /^not ok/ ? "FAIL" : "PASS"
	sub(/^(not )?ok [0-9]+ (- )?/, "", line)
	name = line
	if (match(name, / # SKIP( |$)/)) {
		verdict = "SKIP"
		name = substr(name, 1, RSTART - 1)
	} else if (match(name, / # /)) {
		name = substr(name, 1, RSTART - 1)
	}
	if (is_case) {
		print verdict, "kunit:" (suite != "" ? suite : "?") "." name
		if (verdict == "FAIL")
			failed_cases++
		return
	}
	# Suite result: report it only when no case told the story.
	if (verdict == "FAIL" && !(started && suite == name && failed_cases))
		print "FAIL", "kunit:" name
	else if (verdict == "SKIP" && !(started && suite == name))
		print "SKIP", "kunit:" name
	started = 0
	suite = ""
}

{ feed($0) }

END {
	if (pending != "")
		handle(pending)
	# A suite that started and never ended: the kernel died in it.
	if (started)
		print "FAIL", "kunit:" suite
}
'
exit 0
