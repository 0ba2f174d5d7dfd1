// SPDX-License-Identifier: GPL-2.0
/* The VMX backend's pure logic and VMXON, built into the KUnit module. */
#include "../vmx/ctl.c"
#include "../vmx/caps.c"
#include "../vmx/vmxon.c"
#include "../vmx/entry_check.c"
#include "../vmx/exit_info.c"
#include "../vmx/dr7.c"
