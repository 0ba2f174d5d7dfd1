// SPDX-License-Identifier: GPL-2.0
/*
 * The Intel VMX backend's operations table and its /dev/axvcpu ioctls.
 */
#include <linux/cache.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/uaccess.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>
#include <asm/vmx.h>

#include <linux/axvcpu.h>
#include <axvcpu/arch.h>
#include <axvcpu/core.h>
#include <axvcpu/vmx.h>

#include "vmx_vcpu.h"

struct vmx_caps vmx_caps __ro_after_init;

static int vmx_hardware_setup(void)
{
	struct vmx_msrs msrs;
	unsigned int cpu;
	char why[192];
	int err;

	/*
	 * Ask CPUID rather than boot_cpu_has(X86_FEATURE_VMX): Linux clears
	 * the latter when firmware disabled VMX, which is a different
	 * refusal with a different remedy.
	 */
	if (!(cpuid_ecx(1) & BIT(X86_FEATURE_VMX & 31))) {
		pr_err("refusing to load: the CPU has no VMX (CPUID.1:ECX.VMX[bit 5] is 0)\n");
		return -ENODEV;
	}
	if (vmx_read_msrs(&msrs)) {
		pr_err("refusing to load: a VMX capability MSR cannot be read\n");
		return -ENODEV;
	}
	err = vmx_caps_decode(&msrs, &vmx_caps, why, sizeof(why));
	if (err) {
		pr_err("refusing to load: %s\n", why);
		return err;
	}
	err = vmx_cpuid_init();
	if (err)
		return err;
	for_each_possible_cpu(cpu)
		vmx_run_init_cpu(cpu);
	vmx_run_init();
	err = vmx_bitmaps_init();
	if (err)
		return err;
	err = vmx_vmxon_setup();
	if (err)
		vmx_bitmaps_free();
	return err;
}

static void vmx_hardware_unsetup(void)
{
	vmx_vmxon_unsetup();
	vmx_bitmaps_free();
}

static int vmx_check_extension(unsigned int cap)
{
	switch (cap) {
	case AXV_CAP_X86_VMX:
		return 1;
	case AXV_CAP_VPID:
		return !!(vmx_caps.proc2 & SECONDARY_EXEC_ENABLE_VPID);
	case AXV_CAP_EPT_2M_PAGES:
		return !!(vmx_caps.features & AXV_VMX_F_EPT_2M);
	case AXV_CAP_EPT_1G_PAGES:
		return !!(vmx_caps.features & AXV_VMX_F_EPT_1G);
	case AXV_CAP_EPT_AD_BITS:
		return !!(vmx_caps.features & AXV_VMX_F_EPT_AD);
	case AXV_CAP_PREEMPTION_TIMER:
		return !!(vmx_caps.pin & PIN_BASED_VMX_PREEMPTION_TIMER);
	case AXV_CAP_XSAVE_SIZE:
		return AXV_XSAVE_AREA_SIZE;
	case AXV_CAP_MAX_CPUID_ENTRIES:
		return VMX_MAX_CPUID_ENTRIES;
	case AXV_CAP_MAX_MSRS:
		return VMX_MAX_MSRS;
	case AXV_CAP_NOP_HYPERCALL:
	case AXV_CAP_LAPIC:
	case AXV_CAP_EMULATOR:
	case AXV_CAP_LEVEL_IRQ:
		return 1;
	case AXV_CAP_TRAPS:
		/* 1: exceptions; 3: exceptions and debug-register accesses. */
		return 1 | (vmx_caps.msrs.proc >> 32 & CPU_BASED_MOV_DR_EXITING ?
			    2 : 0);
	default:
		return 0;
	}
}

static long vmx_get_caps(void __user *argp)
{
	const struct vmx_msrs *m = &vmx_caps.msrs;
	struct axv_vmx_caps out = {
		.features = vmx_caps.features,
		.vmcs_revision = vmx_caps.revision,
		.vmcs_size = vmx_caps.vmcs_size,
		.basic = m->basic,
		.feature_control = m->feature_control,
		.pin_ctls = m->pin,
		.proc_ctls = m->proc,
		.proc_ctls2 = m->proc2,
		.exit_ctls = m->exit,
		.entry_ctls = m->entry,
		.misc = m->misc,
		.ept_vpid_cap = m->ept_vpid,
		.cr0_fixed0 = m->cr0_fixed0,
		.cr0_fixed1 = m->cr0_fixed1,
		.cr4_fixed0 = m->cr4_fixed0,
		.cr4_fixed1 = m->cr4_fixed1,
		.pin_used = vmx_caps.pin,
		.proc_used = vmx_caps.proc,
		/* With the local APIC in xAPIC mode, APIC virtualization too. */
		.proc2_used = vmx_caps.proc2 | vmx_apicv_ctls(),
		.exit_used = vmx_caps.exit,
		.entry_used = vmx_caps.entry,
		.preemption_timer_shift = vmx_caps.preemption_timer_shift,
	};

	if (copy_to_user(argp, &out, sizeof(out)))
		return axv_refuse(-EFAULT, "AXV_GET_VMX_CAPS: bad buffer address");
	return 0;
}

/* VMXOFF leaves active VMCSs in an undefined state (24.11.1): clear them. */
static void vmx_cpu_off(void)
{
	vmx_clear_cpu_vmcss();
	vmx_cpu_disable();
}

static long vmx_vm_ioctl(struct axv_vm *vm, unsigned int cmd,
			 unsigned long arg)
{
	if (cmd == AXV_SEND_IRQ)
		return vmx_vm_send_irq(vm, (void __user *)arg);
	return vmx_cpuid_vm_ioctl(vm, cmd, (void __user *)arg);
}

static long vmx_dev_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case AXV_GET_VMX_CAPS:
		return vmx_get_caps((void __user *)arg);
	case AXV_GET_SUPPORTED_CPUID:
		return vmx_get_supported_cpuid((void __user *)arg);
	default:
		return -ENOTTY;
	}
}

const struct axv_arch_ops axv_arch_ops = {
	.name = "vmx",
	/* 4-level EPT translates 48-bit guest-physical addresses. */
	.gpa_bits = 48,
	.hardware_setup = vmx_hardware_setup,
	.hardware_unsetup = vmx_hardware_unsetup,
	.cpu_enable = vmx_cpu_enable,
	.cpu_disable = vmx_cpu_off,
	.cpu_hw_enabled = vmx_cpu_hw_enabled,
	.check_extension = vmx_check_extension,
	.dev_ioctl = vmx_dev_ioctl,
	.vcpu_setup = vmx_vcpu_setup,
	.vcpu_destroy = vmx_vcpu_destroy,
	.vm_init = vmx_vm_init,
	.vm_destroy = vmx_vm_destroy,
	.check_memory = vmx_check_memory,
	.map_memory = vmx_map_memory,
	.unmap_memory = vmx_unmap_memory,
	.count_mappings = vmx_count_mappings,
	.vcpu_run = vmx_vcpu_run,
	.vcpu_ioctl = vmx_vcpu_ioctl,
	.vm_ioctl = vmx_vm_ioctl,
	.vcpu_kick = vmx_vcpu_kick,
	.vcpu_reset = vmx_vcpu_reset,
	.vcpu_bind = vmx_vcpu_bind,
	.vcpu_unbind = vmx_vcpu_unbind,
	.vcpu_deliver = vmx_vcpu_deliver,
	.vcpu_inject = vmx_vcpu_inject,
};
