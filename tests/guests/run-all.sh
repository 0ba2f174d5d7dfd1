#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Run every guest program with "userctl run" and check its exit status and
# output (guests.sh), printing lib.sh's "AXVTEST ok|fail NAME" lines.
#
# Usage: run-all.sh USERCTL DIR
#   USERCTL  the userctl binary
#   DIR      the built guests (tests/guests/build, or a copy)
# Exit status: 0 if every check passed, 1 otherwise, 2 on bad usage.
#
# lib.sh is taken from $AXV_TEST_LIB, else beside this script, else
# /tests/lib.sh (the test machines), else ../guest/lib.sh (the source tree).

if [ $# -ne 2 ]; then
	echo "usage: run-all.sh USERCTL DIR" >&2
	exit 2
fi
here=$(dirname "$0")
for lib in "${AXV_TEST_LIB:-}" "$here/lib.sh" /tests/lib.sh \
	   "$here/../guest/lib.sh"; do
	[ -n "$lib" ] && [ -f "$lib" ] && break
done
if [ ! -f "$lib" ]; then
	echo "run-all.sh: lib.sh not found" >&2
	exit 2
fi
. "$lib"
. "$here/guests.sh"
run_guest_tests "$1" "$2" || exit 1
