#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn the AXVBENCH lines of a make bench console log (see bench/runner.c)
# into the comparison table (printed, and written to OUTDIR/bench.txt),
# OUTDIR/bench.json and OUTDIR/bench.csv.  LOG2, the console log of the
# 2-CPU boot, adds its results as rows of their own: key KEY_2cpu (only
# the IPI round trip is in the table), and its notes where they differ
# from LOG's.
#
# Usage: report.sh LOG OUTDIR [LOG2]
# Exit status: 1 when a runner reported a failure or a row is missing.

set -euo pipefail

[ $# -eq 2 ] || [ $# -eq 3 ] || {
	echo "usage: report.sh LOG OUTDIR [LOG2]" >&2
	exit 2
}
log=$1
dir=$2
log2=${3:-}
[ -f "$log" ] || {
	echo "report.sh: no such log: $log" >&2
	exit 2
}
# A second boot that left no log shows as missing rows.
if [ -n "$log2" ] && [ ! -f "$log2" ]; then
	echo "report.sh: no such log: $log2" >&2
	log2=/dev/null
fi
mkdir -p "$dir"

# key|unit|title, in table order.
rows='loop|cycles|guest RDTSC loop, no exit (timing overhead)
cpuid|cycles|CPUID leaf 0, exit handled in the kernel
vmcall|cycles|VMCALL null hypercall, handled in the kernel
rdmsr|cycles|RDMSR IA32_EFER, handled in the kernel
pio|cycles|OUT exit to userspace and back
mmio|cycles|MMIO write exit to userspace and back
mmio_read|cycles|MMIO read exit to userspace and back
xapic_mov|cycles|xAPIC register read by MOV, handled in the kernel
xapic_test|cycles|xAPIC register TEST, handled in the kernel
xapic_or|cycles|xAPIC register OR, handled in the kernel
hlt_kick|host cycles|HLT: kick to RUN returning (KVM: signal)
hlt_signal|host cycles|HLT: signal to RUN returning
hlt_timer|cycles|HLT woken by the LAPIC timer: TSC deadline to handler
hlt_timer_pending|cycles|HLT with the LAPIC timer already expired: HLT to handler
self_ipi|cycles|self-IPI: ICR write to the handler, EOI included
ipi|cycles|IPI round trip between 2 vCPUs, NCPU host CPU(s)
ipi_2cpu|cycles|IPI round trip between 2 vCPUs, NCPU2 host CPU(s)
vm_create|host cycles|VM create
region_setup|host cycles|4 MiB memory region set-up (memory already populated)
vcpu_first_entry|host cycles|vCPU create, set-up and first entry to its first exit
vm_teardown|host cycles|VM teardown (munmap, close vCPU and VM)
mem_setup|host cycles/page|MEM MiB region: mmap and set-up
mem_touch|cycles/page|MEM MiB region: guest touches each 4 KiB page
mem_total|host cycles/page|MEM MiB region: set-up to last touch
kmem_vm|KiB|kernel memory per VM (free pages)
kmem_vcpu|KiB|kernel memory per vCPU (free pages)'

# Serial lines end in CR LF.  The first boot comes in on the standard input.
tr -d '\r' <"$log" | LC_ALL=C awk -v rows="$rows" -v dir="$dir" -v two="${log2:+1}" '
function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}
function jnum(s) { return s == "" || s == "na" ? "null" : s }
function side(hv, k,    p) {
	p = hv SUBSEP k
	if (!(p SUBSEP "avg" in v))
		return "null"
	return "{\"avg\": " v[p, "avg"] ", \"min\": " jnum(v[p, "min"]) \
	       ", \"max\": " jnum(v[p, "max"]) ", \"total\": " jnum(v[p, "total"]) \
	       ", \"n\": " v[p, "n"] \
	       ", \"uexits_per_iter\": " jnum(v[p, "uexits"]) \
	       ", \"kexits_per_iter\": " jnum(v[p, "kexits"]) "}"
}
# The ratio comes from total / n, not from the averages the table shows
# rounded to 0.1 (0.1 against 0.1 would read as 1.00).
function mean(hv, k) {
	if ((hv, k, "total") in v && v[hv, k, "n"] > 0)
		return v[hv, k, "total"] / v[hv, k, "n"]
	return v[hv, k, "avg"]
}
function shown(hv, k) {
	if ((hv, k, "avg") in v)
		return sprintf("%.1f", v[hv, k, "avg"])
	if ((hv, k, "status") in v)
		return v[hv, k, "status"]
	return "missing"
}
# The 2-CPU boot: its lines from the second file, on which the CRs are
# removed here.
FILENAME != "-" {
	second = 1
	sub(/\r$/, "")
}
/^AXVBENCH-INFO / {
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		if (second)
			info2[kv[1]] = kv[2]
		else
			info[kv[1]] = kv[2]
	}
	next
}
/^AXVBENCH-ERROR/ {
	errors[++nerr] = (second ? "2-CPU boot: " : "") $0
	next
}
/^# axvcpu: [0-9]+ MiB at/ && !second { mib = $3 }
/^# / && !second { notes[++nnotes] = $0; seen[$0] = 1 }
/^# / && second && !($0 in seen) {
	notes[++nnotes] = "# 2-CPU boot: " substr($0, 3)
}
/^AXVBENCH hv=/ {
	delete f
	for (i = 2; i <= NF; i++) {
		eq = index($i, "=")
		f[substr($i, 1, eq - 1)] = substr($i, eq + 1)
	}
	if (second)
		f["key"] = f["key"] "_2cpu"
	if (f["status"] != "") {
		v[f["hv"], f["key"], "status"] = f["status"] == "na" ? "n/a" : "FAILED"
		if (f["status"] == "fail") {
			r = $0
			sub(/.*reason=/, "", r)
			errors[++nerr] = f["hv"] " " f["key"] ": " r
		}
		next
	}
	for (n in f)
		v[f["hv"], f["key"], n] = f[n]
}
END {
	if (mib == "")
		mib = "?"
	txt = dir "/bench.txt"
	csv = dir "/bench.csv"
	json = dir "/bench.json"
	hdr = sprintf("axvcpu and KVM on Debian %s in Bochs (corei7_haswell_4770, %s CPU", \
		      info["kernel"], info["cpus"])
	if (two)
		hdr = hdr sprintf(";\nthe row with %s host CPU(s) from a second boot with %s CPUs", \
				  info2["cpus"], info2["cpus"])
	print hdr ")." > txt
	print "Cycles are TSC ticks, which in Bochs count emulated instructions;" > txt
	print "per iteration, per 4 KiB page or per object as the unit says." > txt
	print "" > txt
	fmt = "%-64s %-16s %10s %10s %10s\n"
	printf fmt, "benchmark", "unit", "axvcpu", "KVM", "axvcpu/KVM" > txt
	print "key,unit,title,axvcpu,kvm,ratio" > csv
	printf "{\n  \"kernel\": %s,\n  \"cpus\": %s,\n  \"cpus_2cpu_boot\": %s,\n  \"touch_mib\": %s,\n  \"results\": [\n", \
	       jstr(info["kernel"]), jnum(info["cpus"]), two ? jnum(info2["cpus"]) : "null", \
	       jnum(mib) > json
	n = split(rows, lines, "\n")
	# Without the second boot its rows are left out.
	if (!two)
		for (i = j = 1; i <= n; i++)
			if (lines[i] !~ /^[a-z_]*_2cpu\|/)
				lines[j++] = lines[i]
	if (!two)
		n = j - 1
	for (i = 1; i <= n; i++) {
		split(lines[i], c, "|")
		key = c[1]; unit = c[2]; title = c[3]
		sub(/MEM/, mib, title)
		sub(/NCPU2/, info2["cpus"] == "" ? "?" : info2["cpus"], title)
		sub(/NCPU/, info["cpus"], title)
		sep = i < n ? "," : ""
		a = shown("axvcpu", key)
		k = shown("kvm", key)
		if (a == "missing" || k == "missing")
			errors[++nerr] = key ": no result from " (a == "missing" ? "axv_bench" : "kvm_bench")
		ratio = "-"
		if (("axvcpu", key, "avg") in v && ("kvm", key, "avg") in v && mean("kvm", key) > 0)
			ratio = sprintf("%.2f", mean("axvcpu", key) / mean("kvm", key))
		printf fmt, title, unit, a, k, ratio > txt
		printf "%s,%s,%s,%s,%s,%s\n", key, unit, title, a, k, ratio > csv
		printf "    {\"key\": %s, \"title\": %s, \"unit\": %s, \"axvcpu\": %s, \"kvm\": %s, \"ratio\": %s}%s\n", \
		       jstr(key), jstr(title), jstr(unit), side("axvcpu", key), side("kvm", key), \
		       ratio == "-" ? "null" : ratio, sep > json
	}
	printf "  ]\n}\n" > json
	print "" > txt
	for (i = 1; i <= nnotes; i++)
		print notes[i] > txt
	for (i = 1; i <= nerr; i++)
		print "ERROR: " errors[i] > txt
	close(txt)
	exit nerr > 0
}' - ${log2:+"$log2"} || status=1
cat "$dir/bench.txt"
exit "${status:-0}"
