// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: VMX control adjustment and capability decoding, on capability MSR
 * values recorded on real processors and on synthetic edge cases.
 *
 * Recorded values come from VirtualBox release logs, which print the host's
 * raw VMX MSRs.  IA32_FEATURE_CONTROL is not in those logs; the fixtures use
 * 0x5 (locked, VMX outside SMX), which is what Linux leaves on a host whose
 * firmware allows VMX.
 */
#include <kunit/test.h>
#include <linux/string.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include <linux/axvcpu.h>
#include <axvcpu/vmx.h>

#define FC_VMX_ON	(FEAT_CTL_LOCKED | FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)

/* Core i7-9750H class (Coffee Lake), TRUE control MSRs. */
static const struct vmx_msrs coffee_lake = {
	.feature_control = FC_VMX_ON,
	.basic = 0x00da040000000004ULL,
	.pin = 0x0000007f00000016ULL,
	.proc = 0xfff9fffe04006172ULL,
	.proc2 = 0x005fbcff00000000ULL,
	.exit = 0x01ffffff00036dfbULL,
	.entry = 0x0003ffff000011fbULL,
	.misc = 0x000000007004c1e7ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x3727ffULL,
	.ept_vpid = 0x00000f0106734141ULL,
};

/* Core i3 M 370 (Westmere); only the legacy control MSRs were logged. */
static const struct vmx_msrs westmere = {
	.feature_control = FC_VMX_ON,
	.basic = 0x00da04000000000fULL,
	.pin = 0x0000007f00000016ULL,
	.proc = 0xfff9fffe0401e172ULL,
	.proc2 = 0x000000ff00000000ULL,
	.exit = 0x007fffff00036dffULL,
	.entry = 0x0000ffff000011ffULL,
	.misc = 0x00000000000401e7ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x227ffULL,
	.ept_vpid = 0x00000f0106114141ULL,
};

/*
 * Bochs 2.7, CPU model corei7_haswell_4770: the test machine.  Read by the
 * axvcpu_vmx_hw suite inside it (TRUE control MSRs).
 */
static const struct vmx_msrs bochs_haswell = {
	.feature_control = FC_VMX_ON,
	.basic = 0x00d810000000002bULL,
	.pin = 0x0000007f00000016ULL,
	.proc = 0xf7f9fffe04006172ULL,
	.proc2 = 0x00047fff00000000ULL,
	.exit = 0x007fffff00036dfbULL,
	.entry = 0x0000ffff000011fbULL,
	.misc = 0x00000000200401e0ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x1727ffULL,
	.ept_vpid = 0x00000f0106334141ULL,
};

/* Core 2 Duo E8200: no TRUE MSRs, no EPT, no unrestricted guest. */
static const struct vmx_msrs core2 = {
	.feature_control = FC_VMX_ON,
	.basic = 0x005a08000000000dULL,
	.pin = 0x0000003f00000016ULL,
	.proc = 0xf7f9fffe0401e172ULL,
	.proc2 = 0x0000004100000000ULL,
	.exit = 0x0003ffff00036dffULL,
	.entry = 0x00003fff000011ffULL,
	.misc = 0x00000000000403c0ULL,
	.cr0_fixed0 = 0x80000021ULL,
	.cr0_fixed1 = 0xffffffffULL,
	.cr4_fixed0 = 0x2000ULL,
	.cr4_fixed1 = 0x67ffULL,
};

static const struct vmx_ctl_bit test_names[] = {
	{ .mask = 0x1, .name = "B0" },
	{ .mask = 0x2, .name = "B1" },
	{ .mask = 0x4, .name = "B2" },
	{ .mask = 0x8, .name = "B3" },
	{ }
};

static const struct vmx_ctl_req test_req = {
	.field = "test",
	.required = 0x3,
	.optional = 0xc,
	.names = test_names,
};

static u64 cap(u32 may, u32 must)
{
	return (u64)may << 32 | must;
}

static void adjust_optional_dropped(struct kunit *test)
{
	char why[128] = "";
	u32 out = 0;

	/* B3 may not be 1: dropped; bit 4 must be 1: added. */
	KUNIT_EXPECT_EQ(test, vmx_adjust_ctl(&test_req, cap(0x17, 0x10), &out,
					     why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, out, 0x17);
	KUNIT_EXPECT_EQ(test, vmx_adjust_ctl(&test_req, cap(0xff, 0), &out,
					     why, sizeof(why)), 0);
	KUNIT_EXPECT_EQ(test, out, 0xf);
}

static void adjust_required_missing(struct kunit *test)
{
	char why[128] = "";
	u32 out = 0xdead;

	KUNIT_EXPECT_EQ(test, vmx_adjust_ctl(&test_req, cap(0xd, 0), &out,
					     why, sizeof(why)), -EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, why, "test controls lack B1");
	KUNIT_EXPECT_EQ(test, out, 0xdead);

	KUNIT_EXPECT_EQ(test, vmx_adjust_ctl(&test_req, cap(0xc, 0), &out,
					     why, sizeof(why)), -EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, why, "test controls lack B0 B1");
}

static void adjust_unnamed_bit(struct kunit *test)
{
	static const struct vmx_ctl_req req = {
		.field = "odd",
		.required = 0x101,
		.names = test_names,
	};
	char why[128] = "";
	u32 out;

	KUNIT_EXPECT_EQ(test, vmx_adjust_ctl(&req, cap(0, 0), &out, why,
					     sizeof(why)), -EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, why, "odd controls lack B0 bits 0x100");
}

static void adjust_inconsistent_msr(struct kunit *test)
{
	char why[128] = "";
	u32 out;

	KUNIT_EXPECT_EQ(test, vmx_adjust_ctl(&test_req, cap(0xf, 0x20), &out,
					     why, sizeof(why)), -EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, strstr(why, "inconsistent"));
}

static void decode_coffee_lake(struct kunit *test)
{
	struct vmx_caps caps;
	char why[192] = "";

	KUNIT_ASSERT_EQ_MSG(test, vmx_caps_decode(&coffee_lake, &caps, why,
						  sizeof(why)), 0, "%s", why);
	KUNIT_EXPECT_EQ(test, caps.revision, 4);
	KUNIT_EXPECT_EQ(test, caps.vmcs_size, 1024);
	KUNIT_EXPECT_EQ(test, caps.pin, 0x7f);
	KUNIT_EXPECT_TRUE(test, caps.proc & CPU_BASED_HLT_EXITING);
	KUNIT_EXPECT_TRUE(test, caps.proc & CPU_BASED_USE_IO_BITMAPS);
	KUNIT_EXPECT_TRUE(test, caps.proc & CPU_BASED_USE_MSR_BITMAPS);
	/* The TRUE MSR lets the CR3 exits go: EPT makes them useless. */
	KUNIT_EXPECT_FALSE(test, caps.proc & CPU_BASED_CR3_LOAD_EXITING);
	KUNIT_EXPECT_EQ(test, caps.proc2,
			SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_RDTSCP |
			SECONDARY_EXEC_ENABLE_VPID |
			SECONDARY_EXEC_UNRESTRICTED_GUEST |
			SECONDARY_EXEC_ENABLE_INVPCID | SECONDARY_EXEC_XSAVES);
	KUNIT_EXPECT_TRUE(test, caps.exit & VM_EXIT_LOAD_IA32_EFER);
	KUNIT_EXPECT_TRUE(test, caps.exit & VM_EXIT_SAVE_VMX_PREEMPTION_TIMER);
	KUNIT_EXPECT_TRUE(test, caps.entry & VM_ENTRY_LOAD_IA32_EFER);
	KUNIT_EXPECT_FALSE(test, caps.entry & VM_ENTRY_IA32E_MODE);
	KUNIT_EXPECT_EQ(test, caps.preemption_timer_shift, 7);
	KUNIT_EXPECT_EQ(test, caps.features & (AXV_VMX_F_TRUE_CTLS |
					       AXV_VMX_F_EPT_2M |
					       AXV_VMX_F_EPT_1G |
					       AXV_VMX_F_EPT_AD |
					       AXV_VMX_F_INVVPID_SINGLE),
			AXV_VMX_F_TRUE_CTLS | AXV_VMX_F_EPT_2M |
			AXV_VMX_F_EPT_1G | AXV_VMX_F_EPT_AD |
			AXV_VMX_F_INVVPID_SINGLE);
}

static void decode_westmere(struct kunit *test)
{
	struct vmx_caps caps;
	char why[192] = "";

	KUNIT_ASSERT_EQ_MSG(test, vmx_caps_decode(&westmere, &caps, why,
						  sizeof(why)), 0, "%s", why);
	KUNIT_EXPECT_EQ(test, caps.revision, 0xf);
	KUNIT_EXPECT_TRUE(test, caps.features & AXV_VMX_F_EPT_2M);
	KUNIT_EXPECT_FALSE(test, caps.features & AXV_VMX_F_EPT_1G);
	KUNIT_EXPECT_FALSE(test, caps.features & AXV_VMX_F_EPT_AD);
	/* Legacy MSRs: default-1 CR3 exits cannot be cleared. */
	KUNIT_EXPECT_TRUE(test, caps.proc & CPU_BASED_CR3_LOAD_EXITING);
	KUNIT_EXPECT_TRUE(test, caps.proc2 & SECONDARY_EXEC_ENABLE_VPID);
	KUNIT_EXPECT_FALSE(test, caps.proc2 & SECONDARY_EXEC_XSAVES);
}

static void decode_bochs_haswell(struct kunit *test)
{
	struct vmx_caps caps;
	char why[192] = "";

	KUNIT_ASSERT_EQ_MSG(test, vmx_caps_decode(&bochs_haswell, &caps, why,
						  sizeof(why)), 0, "%s", why);
	KUNIT_EXPECT_EQ(test, caps.revision, 0x2b);
	KUNIT_EXPECT_EQ(test, caps.vmcs_size, 4096);
	KUNIT_EXPECT_EQ(test, caps.pin, 0x7f);
	/* No XSAVES enable in this model: requested, not used. */
	KUNIT_EXPECT_EQ(test, caps.proc2,
			SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_RDTSCP |
			SECONDARY_EXEC_ENABLE_VPID |
			SECONDARY_EXEC_UNRESTRICTED_GUEST |
			SECONDARY_EXEC_ENABLE_INVPCID);
	KUNIT_EXPECT_EQ(test, caps.preemption_timer_shift, 0);
	KUNIT_EXPECT_EQ(test, caps.features & (AXV_VMX_F_EPT_2M |
					       AXV_VMX_F_EPT_1G |
					       AXV_VMX_F_EPT_AD |
					       AXV_VMX_F_SHADOW_VMCS |
					       AXV_VMX_F_VIRT_INTR_DELIVERY),
			AXV_VMX_F_EPT_2M | AXV_VMX_F_EPT_1G | AXV_VMX_F_EPT_AD |
			AXV_VMX_F_SHADOW_VMCS | AXV_VMX_F_VIRT_INTR_DELIVERY);
}

static void decode_core2_refused(struct kunit *test)
{
	struct vmx_caps caps;
	char why[192] = "";

	KUNIT_EXPECT_EQ(test, vmx_caps_decode(&core2, &caps, why, sizeof(why)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_STREQ(test, why,
			   "secondary processor-based controls lack SECONDARY_EXEC_ENABLE_EPT SECONDARY_EXEC_UNRESTRICTED_GUEST");
	KUNIT_EXPECT_FALSE(test, caps.features & AXV_VMX_F_EPT);
	KUNIT_EXPECT_FALSE(test, caps.features & AXV_VMX_F_TRUE_CTLS);
}

static void expect_refused(struct kunit *test, const struct vmx_msrs *m,
			   const char *needle)
{
	struct vmx_caps caps;
	char why[192] = "";

	KUNIT_EXPECT_EQ(test, vmx_caps_decode(m, &caps, why, sizeof(why)),
			-EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(why, needle),
				  "reason \"%s\" lacks \"%s\"", why, needle);
}

static void decode_refusals(struct kunit *test)
{
	struct vmx_msrs m = coffee_lake;

	m.feature_control = FEAT_CTL_LOCKED;
	expect_refused(test, &m, "disabled by firmware");
	m.feature_control = 0;
	expect_refused(test, &m, "locked 0");

	m = coffee_lake;
	m.basic |= BIT_ULL(48);
	expect_refused(test, &m, "32-bit addresses");

	m = coffee_lake;
	m.basic &= ~GENMASK_ULL(53, 50);
	expect_refused(test, &m, "not write-back");

	m = coffee_lake;
	m.basic &= ~GENMASK_ULL(44, 32);
	expect_refused(test, &m, "VMCS size 0");

	m = coffee_lake;
	m.ept_vpid &= ~VMX_EPT_PAGE_WALK_4_BIT;
	expect_refused(test, &m, "4-level");

	m = coffee_lake;
	m.ept_vpid &= ~VMX_EPTP_WB_BIT;
	expect_refused(test, &m, "write-back paging structures");

	m = coffee_lake;
	m.ept_vpid &= ~VMX_EPT_INVEPT_BIT;
	expect_refused(test, &m, "INVEPT");

	m = coffee_lake;
	m.exit &= ~((u64)VM_EXIT_LOAD_IA32_EFER << 32);
	expect_refused(test, &m, "VM-exit controls lack VM_EXIT_LOAD_IA32_EFER");

	m = coffee_lake;
	m.pin &= ~((u64)PIN_BASED_NMI_EXITING << 32);
	m.pin &= ~(u64)PIN_BASED_NMI_EXITING;
	expect_refused(test, &m, "pin-based controls lack PIN_BASED_NMI_EXITING");
}

static void decode_vpid_without_invvpid(struct kunit *test)
{
	struct vmx_msrs m = coffee_lake;
	struct vmx_caps caps;
	char why[192] = "";

	m.ept_vpid &= ~((u64)VMX_VPID_INVVPID_BIT << 32);
	KUNIT_ASSERT_EQ(test, vmx_caps_decode(&m, &caps, why, sizeof(why)), 0);
	KUNIT_EXPECT_FALSE(test, caps.proc2 & SECONDARY_EXEC_ENABLE_VPID);
	KUNIT_EXPECT_FALSE(test, caps.features & (AXV_VMX_F_INVVPID_ADDR |
						  AXV_VMX_F_INVVPID_SINGLE |
						  AXV_VMX_F_INVVPID_GLOBAL |
						  AXV_VMX_F_INVVPID_SINGLE_NG));
}

static void decode_no_preemption_timer(struct kunit *test)
{
	struct vmx_msrs m = coffee_lake;
	struct vmx_caps caps;
	char why[192] = "";

	m.pin &= ~((u64)PIN_BASED_VMX_PREEMPTION_TIMER << 32);
	KUNIT_ASSERT_EQ(test, vmx_caps_decode(&m, &caps, why, sizeof(why)), 0);
	KUNIT_EXPECT_FALSE(test, caps.pin & PIN_BASED_VMX_PREEMPTION_TIMER);
	KUNIT_EXPECT_FALSE(test, caps.exit & VM_EXIT_SAVE_VMX_PREEMPTION_TIMER);
	KUNIT_EXPECT_FALSE(test, caps.features & AXV_VMX_F_PREEMPTION_TIMER);
}

struct ept_vpid_case {
	const char *name;
	u64 msr;
	u64 features;
};

static const struct ept_vpid_case ept_vpid_cases[] = {
	{ "none", 0, 0 },
	{ "walk+wb", BIT_ULL(6) | BIT_ULL(14),
	  AXV_VMX_F_EPT_4LEVEL | AXV_VMX_F_EPT_WB },
	{ "pages", BIT_ULL(16) | BIT_ULL(17) | BIT_ULL(21),
	  AXV_VMX_F_EPT_2M | AXV_VMX_F_EPT_1G | AXV_VMX_F_EPT_AD },
	{ "invept types without invept", BIT_ULL(25) | BIT_ULL(26), 0 },
	{ "invept single", BIT_ULL(20) | BIT_ULL(25), AXV_VMX_F_INVEPT_SINGLE },
	{ "invept global", BIT_ULL(20) | BIT_ULL(26), AXV_VMX_F_INVEPT_GLOBAL },
	{ "invvpid types without invvpid", GENMASK_ULL(43, 40), 0 },
	{ "invvpid all types", BIT_ULL(32) | GENMASK_ULL(43, 40),
	  AXV_VMX_F_INVVPID_ADDR | AXV_VMX_F_INVVPID_SINGLE |
	  AXV_VMX_F_INVVPID_GLOBAL | AXV_VMX_F_INVVPID_SINGLE_NG },
	{ "exec only", BIT_ULL(0), AXV_VMX_F_EPT_EXEC_ONLY },
	{ "coffee lake", 0x00000f0106734141ULL,
	  AXV_VMX_F_EPT_EXEC_ONLY | AXV_VMX_F_EPT_4LEVEL | AXV_VMX_F_EPT_WB |
	  AXV_VMX_F_EPT_2M | AXV_VMX_F_EPT_1G | AXV_VMX_F_EPT_AD |
	  AXV_VMX_F_INVEPT_SINGLE | AXV_VMX_F_INVEPT_GLOBAL |
	  AXV_VMX_F_INVVPID_ADDR | AXV_VMX_F_INVVPID_SINGLE |
	  AXV_VMX_F_INVVPID_GLOBAL | AXV_VMX_F_INVVPID_SINGLE_NG },
};

static void ept_vpid_case_desc(const struct ept_vpid_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ept_vpid, ept_vpid_cases, ept_vpid_case_desc);

static void decode_ept_vpid(struct kunit *test)
{
	const struct ept_vpid_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, vmx_decode_ept_vpid(c->msr), c->features);
}

static struct kunit_case vmx_ctl_test_cases[] = {
	KUNIT_CASE(adjust_optional_dropped),
	KUNIT_CASE(adjust_required_missing),
	KUNIT_CASE(adjust_unnamed_bit),
	KUNIT_CASE(adjust_inconsistent_msr),
	KUNIT_CASE(decode_coffee_lake),
	KUNIT_CASE(decode_westmere),
	KUNIT_CASE(decode_bochs_haswell),
	KUNIT_CASE(decode_core2_refused),
	KUNIT_CASE(decode_refusals),
	KUNIT_CASE(decode_vpid_without_invvpid),
	KUNIT_CASE(decode_no_preemption_timer),
	KUNIT_CASE_PARAM(decode_ept_vpid, ept_vpid_gen_params),
	{ }
};

static struct kunit_suite vmx_ctl_test_suite = {
	.name = "axvcpu_vmx_ctl",
	.test_cases = vmx_ctl_test_cases,
};

kunit_test_suites(&vmx_ctl_test_suite);
