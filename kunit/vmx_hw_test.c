// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: VMX on the processor the tests run on.  Skipped without VMX (QEMU
 * TCG); run in the emulated Intel machine.  Must run while no axvcpu VM
 * and no KVM VM exists, since it enters VMX operation itself.
 */
#include <kunit/test.h>
#include <linux/irqflags.h>
#include <asm/processor.h>

#include <linux/axvcpu.h>
#include <axvcpu/vmx.h>

/* The KUnit module's own copy; axvcpu.ko's is separate. */
struct vmx_caps vmx_caps;

static void skip_without_vmx(struct kunit *test)
{
	if (!(cpuid_ecx(1) & BIT(5)))
		kunit_skip(test, "the CPU has no VMX");
}

static void vmx_hw_decode(struct kunit *test)
{
	struct vmx_msrs msrs;
	char why[192] = "";

	skip_without_vmx(test);
	KUNIT_ASSERT_EQ(test, vmx_read_msrs(&msrs), 0);
	KUNIT_ASSERT_EQ_MSG(test, vmx_caps_decode(&msrs, &vmx_caps, why,
						  sizeof(why)), 0, "%s", why);
	KUNIT_EXPECT_TRUE(test, vmx_caps.features & AXV_VMX_F_EPT);
	KUNIT_EXPECT_TRUE(test, vmx_caps.features & AXV_VMX_F_UNRESTRICTED_GUEST);
	kunit_info(test, "basic %#llx pin %#llx proc %#llx proc2 %#llx\n",
		   msrs.basic, msrs.pin, msrs.proc, msrs.proc2);
	kunit_info(test, "exit %#llx entry %#llx misc %#llx ept_vpid %#llx\n",
		   msrs.exit, msrs.entry, msrs.misc, msrs.ept_vpid);
	kunit_info(test, "cr0 %#llx/%#llx cr4 %#llx/%#llx\n",
		   msrs.cr0_fixed0, msrs.cr0_fixed1, msrs.cr4_fixed0,
		   msrs.cr4_fixed1);
}

static void vmx_hw_vmxon_vmxoff(struct kunit *test)
{
	struct vmx_msrs msrs;
	char why[192] = "";
	bool before, on, after;
	int first, second;
	unsigned long flags;

	skip_without_vmx(test);
	KUNIT_ASSERT_EQ(test, vmx_read_msrs(&msrs), 0);
	KUNIT_ASSERT_EQ(test, vmx_caps_decode(&msrs, &vmx_caps, why,
					      sizeof(why)), 0);
	KUNIT_ASSERT_EQ(test, vmx_vmxon_setup(), 0);

	local_irq_save(flags);
	before = vmx_cpu_hw_enabled();
	first = before ? -EBUSY : vmx_cpu_enable();
	on = vmx_cpu_hw_enabled();
	/* A second VMXON must see VMX held and refuse, touching nothing. */
	second = vmx_cpu_enable();
	if (!first)
		vmx_cpu_disable();
	after = vmx_cpu_hw_enabled();
	local_irq_restore(flags);

	vmx_vmxon_unsetup();
	KUNIT_ASSERT_FALSE_MSG(test, before, "CR4.VMXE was set before the test");
	KUNIT_EXPECT_EQ(test, first, 0);
	KUNIT_EXPECT_TRUE(test, on);
	KUNIT_EXPECT_EQ(test, second, -EBUSY);
	KUNIT_EXPECT_FALSE(test, after);
}

static struct kunit_case vmx_hw_test_cases[] = {
	KUNIT_CASE(vmx_hw_decode),
	KUNIT_CASE(vmx_hw_vmxon_vmxoff),
	{ }
};

static struct kunit_suite vmx_hw_test_suite = {
	.name = "axvcpu_vmx_hw",
	.test_cases = vmx_hw_test_cases,
};

kunit_test_suites(&vmx_hw_test_suite);
