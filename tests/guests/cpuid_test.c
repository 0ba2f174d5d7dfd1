// SPDX-License-Identifier: GPL-2.0
/*
 * cpuid_test: the CPU model the kernel presents: a vendor, the hypervisor
 * bit set, no VMX or PMU, and the APIC, x2APIC and TSC deadline timer
 * exactly when the VM has the in-kernel local APIC (printed, for the
 * test script to compare with how it ran the guest).
 */
#include "guest.h"

#define CPUID_1_ECX_VMX		BIT(5)
#define CPUID_1_ECX_X2APIC	BIT(21)
#define CPUID_1_ECX_TSC_DEADLINE BIT(24)
#define CPUID_1_ECX_HYPERVISOR	BIT(31)
#define CPUID_1_EDX_APIC	BIT(9)

void guest_main(void)
{
	u32 max, a, b, c, d, vendor[4];
	bool printable = true, apic;
	const char *v = (const char *)vendor;
	int i;

	cpuid(0, 0, &max, &vendor[0], &vendor[2], &vendor[1]);
	vendor[3] = 0;
	guest_puts("# vendor \"");
	guest_puts(v);
	guest_puts("\", max leaf ");
	guest_put_hex(max);
	guest_putc('\n');
	guest_check(max >= 1, "leaf 0: max leaf >= 1");
	for (i = 0; i < 12; i++)
		if (v[i] < 0x20 || v[i] > 0x7e)
			printable = false;
	guest_check(printable, "leaf 0: 12 printable vendor characters");

	cpuid(1, 0, &a, &b, &c, &d);
	guest_check(c & CPUID_1_ECX_HYPERVISOR, "leaf 1: hypervisor bit set");
	guest_check(!(c & CPUID_1_ECX_VMX), "leaf 1: VMX clear");
	apic = d & CPUID_1_EDX_APIC;
	guest_puts(apic ? "# local APIC: yes\n" : "# local APIC: no\n");
	guest_check(!(c & CPUID_1_ECX_X2APIC) == !apic,
		    "leaf 1: x2APIC as the APIC");
	guest_check(!(c & CPUID_1_ECX_TSC_DEADLINE) == !apic,
		    "leaf 1: TSC deadline as the APIC");
	guest_check_eq("leaf 1: initial APIC ID of the BSP", b >> 24, 0);

	if (max >= 0xa) {
		cpuid(0xa, 0, &a, &b, &c, &d);
		guest_check_eq("leaf 0xa: no PMU (EAX)", a, 0);
	} else {
		guest_skip("leaf 0xa: no PMU (EAX)", "max leaf below 0xa");
	}
	guest_done("cpuid_test");
}
