// SPDX-License-Identifier: GPL-2.0
/* The local APIC model, built into the KUnit module. */
#include "../apic/lapic.c"
#include "../apic/icr.c"
#include "../apic/timer.c"
#include "../apic/route.c"
