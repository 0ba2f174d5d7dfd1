// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the virtual local APIC (apic/).  Priority arbitration, the
 * register rules of the xAPIC page and the x2APIC MSRs, IA32_APIC_BASE
 * transitions, ICR decoding and destination matching, timer arithmetic
 * and a real expiry; then, on the fake backend, the routing of messages
 * to the vCPUs of a VM, and the IPI queue under concurrent producers.
 *
 * "SDM" is the Intel SDM Vol. 3A, chapter 10 ("Advanced Programmable
 * Interrupt Controller (APIC)").
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/wait.h>
#include <asm/tsc.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/lapic_route.h>
#include <axvcpu/vcpu.h>

#include "fake_arch.h"

/* The x2APIC MSR of the xAPIC register at @offset (SDM Table 10-6). */
#define X2MSR(offset)		(APIC_BASE_MSR + ((offset) >> 4))
/* IA32_APIC_BASE values: the default address with EN, EXTD and BSP. */
#define BASE_OFF		LAPIC_BASE_DEFAULT
#define BASE_XAPIC		(LAPIC_BASE_DEFAULT | LAPIC_BASE_ENABLE)
#define BASE_X2APIC		(BASE_XAPIC | LAPIC_BASE_EXTD)
/* SVR with the APIC software enabled, spurious vector 0xff. */
#define SVR_ON			(APIC_SPIV_APIC_ENABLED | 0xff)
/* Every LVT entry the version register announces (no CMCI). */
static const u32 lvt_offsets[] = {
	APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC, APIC_LVT0, APIC_LVT1,
	APIC_LVTERR,
};

#define LAPIC_TEST_MAX	8

struct lapic_test {
	struct lapic *apic[LAPIC_TEST_MAX];
	unsigned int nr;
	atomic_t notified;
	wait_queue_head_t wq;
};

/* The owner's wake-up: counts, and wakes a test waiting for the timer. */
static void lapic_test_notify(struct lapic *apic)
{
	struct lapic_test *t = apic->owner;

	atomic_inc(&t->notified);
	wake_up(&t->wq);
}

static int lapic_test_init(struct kunit *test)
{
	struct lapic_test *t;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	init_waitqueue_head(&t->wq);
	test->priv = t;
	return 0;
}

static void lapic_test_exit(struct kunit *test)
{
	struct lapic_test *t = test->priv;
	unsigned int i;

	/* Stops the hrtimers before KUnit frees the memory they live in. */
	for (i = 0; t && i < t->nr; i++)
		lapic_destroy(t->apic[i]);
}

/* A local APIC as at power-on; the suite's exit destroys it. */
static struct lapic *new_apic(struct kunit *test, u32 id, bool bsp)
{
	struct lapic_test *t = test->priv;
	struct lapic *apic;

	KUNIT_ASSERT_LT(test, t->nr, LAPIC_TEST_MAX);
	apic = kunit_kzalloc(test, sizeof(*apic), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, apic);
	KUNIT_ASSERT_EQ(test, lapic_init(apic, NULL, id, bsp,
					 lapic_test_notify, t), 0);
	t->apic[t->nr++] = apic;
	return apic;
}

/* The same, software enabled (SVR bit 8). */
static struct lapic *new_enabled_apic(struct kunit *test, u32 id)
{
	struct lapic *apic = new_apic(test, id, false);

	KUNIT_ASSERT_EQ(test, lapic_write(apic, APIC_SPIV, SVR_ON), 0);
	return apic;
}

static u32 rd(struct lapic *apic, u32 offset)
{
	u32 value;

	lapic_read(apic, offset, &value);
	return value;
}

/* Vector @v's bit in the 256-bit register at @base (ISR, TMR or IRR). */
static bool vec_bit(struct lapic *apic, u32 base, u8 v)
{
	return rd(apic, base + (v / 32) * 0x10) & BIT(v % 32);
}

/* The ESR as software reads it: write first, then read (SDM 10.5.3). */
static u32 esr(struct lapic *apic)
{
	lapic_write(apic, APIC_ESR, 0);
	return rd(apic, APIC_ESR);
}

/*
 * PPR (SDM 10.8.3.1): TPR when TPR[7:4] >= ISRV[7:4], else ISRV[7:4] with
 * a zero sub-class.
 */
static void ppr_from_tpr_and_isr(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 1);

	KUNIT_EXPECT_EQ(test, lapic_ppr(apic), 0);
	lapic_write(apic, APIC_TASKPRI, 0x35);
	KUNIT_EXPECT_EQ(test, lapic_ppr(apic), 0x35);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI), 0x35);

	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x45, false));
	lapic_ack(apic, 0x45);
	/* ISRV class 4 above TPR class 3. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI), 0x40);
	/* Equal classes: TPR wins, its sub-class kept. */
	lapic_write(apic, APIC_TASKPRI, 0x4a);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI), 0x4a);
	lapic_write(apic, APIC_TASKPRI, 0x51);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI), 0x51);
	lapic_write(apic, APIC_TASKPRI, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI), 0x40);
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_PROCPRI), 0);
}

/*
 * An interrupt is delivered only when its class is above the PPR's
 * (SDM 10.8.3.1); the processor's acknowledge moves it from IRR to ISR
 * and EOI retires the highest in-service vector (10.8.4, 10.8.5).
 */
static void pending_ack_and_nested_eoi(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 1);

	KUNIT_EXPECT_EQ(test, lapic_pending(apic), -1);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), -1);
	lapic_write(apic, APIC_TASKPRI, 0x30);
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x3f, false));
	/* Class 3 against PPR class 3: held back. */
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), 0x3f);
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), -1);
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x45, false));
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), 0x45);

	lapic_ack(apic, 0x45);
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_IRR, 0x45));
	KUNIT_EXPECT_TRUE(test, vec_bit(apic, APIC_ISR, 0x45));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x20), BIT(5));
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), -1);

	/* A higher class nests: two in service. */
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x4f, false));
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), -1);
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x62, false));
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), 0x62);
	lapic_ack(apic, 0x62);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x30), BIT(2));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x20), BIT(5));
	KUNIT_EXPECT_EQ(test, lapic_ppr(apic), 0x60);

	/* EOI retires 0x62, the highest; 0x45 stays in service. */
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x30), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x20), BIT(5));
	KUNIT_EXPECT_EQ(test, lapic_ppr(apic), 0x40);
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), -1);
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, lapic_ppr(apic), 0x30);
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), 0x4f);
	/* An EOI with nothing in service changes nothing. */
	lapic_ack(apic, 0x4f);
	lapic_write(apic, APIC_EOI, 0);
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), 0x3f);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x20), 0);
}

/*
 * The TMR records the trigger mode of each accepted interrupt (set for
 * level, cleared for edge: SDM 10.8.4), and the EOI of a level-triggered
 * one is what the APIC broadcasts to the I/O APICs (10.8.5): reported
 * once, lowest vector first, and cleared from TMR.
 */
static void level_triggered_eoi(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 1);

	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x51, true));
	KUNIT_EXPECT_TRUE(test, vec_bit(apic, APIC_TMR, 0x51));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMR + 0x20), BIT(0x51 % 32));
	lapic_ack(apic, 0x51);
	/* Acknowledged, not ended: nothing to report, TMR still set. */
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);
	KUNIT_EXPECT_TRUE(test, vec_bit(apic, APIC_TMR, 0x51));
	KUNIT_EXPECT_FALSE(test, lapic_eoi_pending(apic));
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_TMR, 0x51));
	KUNIT_EXPECT_TRUE(test, lapic_eoi_pending(apic));
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), 0x51);
	KUNIT_EXPECT_FALSE(test, lapic_eoi_pending(apic));
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);

	/* Edge-triggered: TMR clear, its EOI reported to no one. */
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x62, false));
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_TMR, 0x62));
	lapic_ack(apic, 0x62);
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);

	/* The last acceptance sets the trigger mode. */
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x70, true));
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x70, false));
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_TMR, 0x70));
	lapic_ack(apic, 0x70);
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);

	/* Two nested, both ended before the owner looks: lowest first. */
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x90, true));
	lapic_ack(apic, 0x90);
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0xa0, true));
	lapic_ack(apic, 0xa0);
	lapic_write(apic, APIC_EOI, 0);
	lapic_write(apic, APIC_EOI, 0);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), 0x90);
	/* One reported, the other still waits. */
	KUNIT_EXPECT_TRUE(test, lapic_eoi_pending(apic));
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), 0xa0);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);

	/* The processor's own EOI (APIC virtualization) reports the same. */
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x33, true));
	lapic_eoi_level(apic, 0x33);
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_TMR, 0x33));
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), 0x33);
	lapic_eoi_level(apic, 0x34);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);
}

/* In x2APIC mode the EOI MSR ends it the same way; an INIT keeps the report. */
static void level_triggered_eoi_x2apic(struct kunit *test)
{
	struct lapic *apic = new_apic(test, 3, false);

	KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_X2APIC, false), 0);
	KUNIT_ASSERT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_SPIV), SVR_ON), 0);
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0xe0, true));
	lapic_ack(apic, 0xe0);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_EOI), 0), 0);
	lapic_reset(apic);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), 0xe0);
	KUNIT_EXPECT_EQ(test, lapic_eoi_take(apic), -1);
}

/* Vectors 0-15 are illegal: refused, noted in ESR bit 6 (SDM 10.5.3). */
static void illegal_vector_sets_esr(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 1);
	unsigned int v;

	KUNIT_EXPECT_EQ(test, esr(apic), 0);
	for (v = 0; v < LAPIC_FIRST_VECTOR; v++)
		KUNIT_EXPECT_FALSE(test, lapic_accept(apic, v, false));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_IRR), 0);
	/* Not visible until a write to ESR latches it. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ESR), 0);
	lapic_write(apic, APIC_ESR, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ESR), APIC_ESR_RECVILL);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ESR), APIC_ESR_RECVILL);
	/* The next write latches what came since: nothing. */
	KUNIT_EXPECT_EQ(test, esr(apic), 0);
	KUNIT_EXPECT_TRUE(test, lapic_accept(apic, LAPIC_FIRST_VECTOR, false));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_IRR), BIT(16));
	KUNIT_EXPECT_EQ(test, esr(apic), 0);
}

/*
 * Software disabled (SDM 10.4.7.2): no fixed interrupt is accepted, every
 * LVT entry is masked and its mask cannot be cleared, IRR and ISR are
 * held.
 */
static void sw_disabled_refuses_and_masks(struct kunit *test)
{
	struct lapic *apic = new_apic(test, 1, false);
	unsigned int i;

	KUNIT_EXPECT_TRUE(test, lapic_hw_enabled(apic));
	KUNIT_EXPECT_FALSE(test, lapic_sw_enabled(apic));
	KUNIT_EXPECT_FALSE(test, lapic_accept(apic, 0x40, false));
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), -1);
	lapic_write(apic, APIC_LVT0, APIC_DM_EXTINT);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVT0),
			APIC_DM_EXTINT | APIC_LVT_MASKED);

	lapic_write(apic, APIC_SPIV, SVR_ON);
	KUNIT_EXPECT_TRUE(test, lapic_sw_enabled(apic));
	for (i = 0; i < ARRAY_SIZE(lvt_offsets); i++) {
		lapic_write(apic, lvt_offsets[i], 0x30 + i);
		KUNIT_EXPECT_EQ(test, rd(apic, lvt_offsets[i]), 0x30 + i);
	}
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x50, false));
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x60, false));
	lapic_ack(apic, 0x60);

	/* Disabling masks every entry and keeps the rest of each. */
	lapic_write(apic, APIC_SPIV, 0xff);
	KUNIT_EXPECT_FALSE(test, lapic_sw_enabled(apic));
	for (i = 0; i < ARRAY_SIZE(lvt_offsets); i++) {
		KUNIT_EXPECT_EQ(test, rd(apic, lvt_offsets[i]),
				(0x30 + i) | APIC_LVT_MASKED);
		lapic_write(apic, lvt_offsets[i], 0x40 + i);
		KUNIT_EXPECT_EQ(test, rd(apic, lvt_offsets[i]),
				(0x40 + i) | APIC_LVT_MASKED);
	}
	KUNIT_EXPECT_FALSE(test, lapic_accept(apic, 0x70, false));
	KUNIT_EXPECT_TRUE(test, vec_bit(apic, APIC_IRR, 0x50));
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_IRR, 0x70));
	KUNIT_EXPECT_TRUE(test, vec_bit(apic, APIC_ISR, 0x60));

	/* Disabled in IA32_APIC_BASE: not software enabled either. */
	lapic_write(apic, APIC_SPIV, SVR_ON);
	KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_OFF, false), 0);
	KUNIT_EXPECT_FALSE(test, lapic_hw_enabled(apic));
	KUNIT_EXPECT_FALSE(test, lapic_sw_enabled(apic));
	KUNIT_EXPECT_FALSE(test, lapic_accept(apic, 0x80, false));
}

/* The state after power-on and INIT (SDM 10.4.7.1, 10.4.7.3). */
static void reset_values(struct kunit *test)
{
	struct lapic *bsp = new_apic(test, 3, true);
	struct lapic *ap = new_apic(test, 7, false);
	struct lapic *mine;
	unsigned int i;
	u32 off, *page;

	KUNIT_EXPECT_EQ(test, bsp->base, 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, ap->base, 0xfee00800ULL);
	KUNIT_EXPECT_EQ(test, lapic_id(bsp), 3);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_ID), 0x03000000);
	KUNIT_EXPECT_EQ(test, rd(ap, APIC_ID), 0x07000000);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_LVR), 0x00050014);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_DFR), 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_SPIV), 0xff);
	KUNIT_EXPECT_FALSE(test, lapic_x2apic(bsp));
	KUNIT_EXPECT_TRUE(test, lapic_hw_enabled(bsp));
	KUNIT_EXPECT_FALSE(test, lapic_sw_enabled(bsp));
	for (i = 0; i < ARRAY_SIZE(lvt_offsets); i++)
		KUNIT_EXPECT_EQ_MSG(test, rd(bsp, lvt_offsets[i]),
				    APIC_LVT_MASKED, "LVT %#x", lvt_offsets[i]);
	for (off = APIC_ISR; off < APIC_IRR + 0x80; off += 0x10)
		KUNIT_EXPECT_EQ_MSG(test, rd(bsp, off), 0, "reg %#x", off);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_TASKPRI), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_LDR), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_ICR), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_ICR2), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_TMICT), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_TMCCT), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_TDCR), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_ESR), 0);
	KUNIT_EXPECT_FALSE(test, bsp->icr_pending);
	KUNIT_EXPECT_EQ(test, bsp->timer_expires_ns, 0);

	/* INIT: everything but the ID and IA32_APIC_BASE. */
	lapic_write(bsp, APIC_SPIV, SVR_ON);
	lapic_write(bsp, APIC_TASKPRI, 0x20);
	lapic_write(bsp, APIC_LDR, 0x01000000);
	lapic_write(bsp, APIC_LVT0, APIC_DM_EXTINT);
	lapic_accept(bsp, 0x40, false);
	lapic_reset(bsp);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_ID), 0x03000000);
	KUNIT_EXPECT_EQ(test, bsp->base, 0xfee00900ULL);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_SPIV), 0xff);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_TASKPRI), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_LDR), 0);
	KUNIT_EXPECT_EQ(test, rd(bsp, APIC_LVT0), APIC_LVT_MASKED);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(bsp), -1);

	/* A register page from the caller is used, and not freed. */
	page = (u32 *)get_zeroed_page(GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, page);
	mine = kunit_kzalloc(test, sizeof(*mine), GFP_KERNEL);
	if (!mine) {
		free_page((unsigned long)page);
		KUNIT_ASSERT_NOT_NULL(test, mine);
	}
	KUNIT_EXPECT_EQ(test, lapic_init(mine, page, 9, false,
					 lapic_test_notify, test->priv), 0);
	KUNIT_EXPECT_TRUE(test, mine->regs == page);
	KUNIT_EXPECT_FALSE(test, mine->own_regs);
	KUNIT_EXPECT_EQ(test, page[APIC_ID >> 2], 0x09000000);
	KUNIT_EXPECT_EQ(test, page[APIC_LVR >> 2], LAPIC_VERSION);
	lapic_destroy(mine);
	KUNIT_EXPECT_EQ(test, page[APIC_LVR >> 2], LAPIC_VERSION);
	free_page((unsigned long)page);
}

/* ID, version, APR, PPR, RRD, ISR, TMR, IRR and current count (Table 10-1). */
static void read_only_registers(struct kunit *test)
{
	static const u32 ro[] = {
		APIC_ID, APIC_LVR, APIC_ARBPRI, APIC_PROCPRI, APIC_RRR,
		APIC_TMCCT,
	};
	struct lapic *apic = new_enabled_apic(test, 3);
	unsigned int i;
	u32 off, before;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		before = rd(apic, ro[i]);
		KUNIT_EXPECT_EQ(test, lapic_write(apic, ro[i], 0x5a5a5a5a), 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(apic, ro[i]), before,
				    "reg %#x", ro[i]);
	}
	KUNIT_EXPECT_EQ(test, lapic_id(apic), 3);
	KUNIT_ASSERT_TRUE(test, lapic_accept(apic, 0x41, false));
	for (off = APIC_ISR; off < APIC_IRR + 0x80; off += 0x10)
		KUNIT_EXPECT_EQ(test, lapic_write(apic, off, 0xffffffff), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_IRR + 0x20), BIT(1));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ISR + 0x20), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMR + 0x20), 0);
	/* EOI and RRD read as 0. */
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_EOI), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_RRR), 0);
	KUNIT_EXPECT_EQ(test, esr(apic), 0);
}

/* The writable bits of each register (SDM 10.5.1, 10.5.4, 10.6.1, 10.6.2.2, 10.9). */
static void register_write_masks(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);

	/* DFR: bits 27:0 read as ones; only the model, 31:28, is written. */
	lapic_write(apic, APIC_DFR, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_DFR), 0x0fffffff);
	lapic_write(apic, APIC_DFR, 0xf0000000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_DFR), 0xffffffff);
	/* LDR: the logical ID in 31:24. */
	lapic_write(apic, APIC_LDR, 0x12345678);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR), 0x12000000);
	lapic_write(apic, APIC_TASKPRI, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI), 0xff);
	/* SVR: vector, APIC enable, focus checking. */
	lapic_write(apic, APIC_SPIV, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_SPIV), 0x3ff);
	lapic_write(apic, APIC_TDCR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TDCR), 0xb);
	/* LVTs: no delivery status or remote IRR; LINT has polarity and trigger. */
	lapic_write(apic, APIC_LVT0, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVT0), 0x1a7ff);
	lapic_write(apic, APIC_LVT1, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVT1), 0x1a7ff);
	lapic_write(apic, APIC_LVTPC, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTPC), 0x107ff);
	lapic_write(apic, APIC_LVTTHMR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTTHMR), 0x107ff);
	lapic_write(apic, APIC_LVTERR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTERR), 0x100ff);
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0xff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LVTT), 0x200ff);

	/* ICR2: the destination in 31:24; ICR: not the delivery status. */
	KUNIT_EXPECT_FALSE(test, apic->icr_pending);
	lapic_write(apic, APIC_ICR2, 0xab123456);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ICR2), 0xab000000);
	KUNIT_EXPECT_FALSE(test, apic->icr_pending);
	lapic_write(apic, APIC_ICR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ICR), 0x000ccfff);
	KUNIT_EXPECT_TRUE(test, apic->icr_pending);
	KUNIT_EXPECT_EQ(test, esr(apic), 0);
}

/* Offsets that name no register: -EINVAL and ESR bit 7 (SDM 10.5.3). */
static void illegal_register_address(struct kunit *test)
{
	/* 0x2f0 is CMCI, which the version register does not announce. */
	static const u32 bad[] = { 0x00, 0x10, 0x40, 0x70, 0x290, 0x2e0,
				   0x2f0, 0x3a0, 0x3f0, 0x400, 0xff0 };
	struct lapic *apic = new_enabled_apic(test, 3);
	unsigned int i;
	u32 value;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		value = 0xdead;
		KUNIT_EXPECT_EQ_MSG(test, lapic_read(apic, bad[i], &value),
				    -EINVAL, "read %#x", bad[i]);
		KUNIT_EXPECT_EQ(test, value, 0);
		KUNIT_EXPECT_EQ(test, esr(apic), APIC_ESR_ILLREGA);
		KUNIT_EXPECT_EQ_MSG(test, lapic_write(apic, bad[i], 0x40),
				    -EINVAL, "write %#x", bad[i]);
		KUNIT_EXPECT_EQ(test, esr(apic), APIC_ESR_ILLREGA);
	}
	/* Both error bits together, each cleared by the next ESR write. */
	lapic_accept(apic, 2, false);
	lapic_write(apic, 0x40, 0);
	KUNIT_EXPECT_EQ(test, esr(apic), APIC_ESR_ILLREGA | APIC_ESR_RECVILL);
	KUNIT_EXPECT_EQ(test, esr(apic), 0);
	/* Within a register's 16 bytes the register is meant. */
	KUNIT_EXPECT_EQ(test, lapic_read(apic, APIC_LVR + 4, &value), 0);
	KUNIT_EXPECT_EQ(test, value, LAPIC_VERSION);
}

/* IA32_APIC_BASE transitions a guest may make (SDM 10.12.5). */
static void base_transitions(struct kunit *test)
{
	struct lapic *apic = new_apic(test, 0x25, false);

	/* EXTD without EN is the invalid state, for the host too. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_OFF | LAPIC_BASE_EXTD,
					     false), -EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_OFF | LAPIC_BASE_EXTD,
					     true), -EINVAL);
	/* Reserved: bits 7:0, 9 and above MAXPHYADDR. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC | BIT_ULL(9),
					     false), -EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC | 1, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC | BIT_ULL(52),
					     true), -EINVAL);
	KUNIT_EXPECT_EQ(test, apic->base, BASE_XAPIC);

	/* Disabled -> x2APIC is refused; through xAPIC it is allowed. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_OFF, false), 0);
	KUNIT_EXPECT_FALSE(test, lapic_hw_enabled(apic));
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_X2APIC, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, apic->base, BASE_OFF);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC, false), 0);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_X2APIC, false), 0);
	KUNIT_EXPECT_TRUE(test, lapic_x2apic(apic));

	/* x2APIC -> xAPIC is refused. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, apic->base, BASE_X2APIC);
	/* The guest cannot make itself the BSP. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_X2APIC |
					     LAPIC_BASE_BSP, false), 0);
	KUNIT_EXPECT_EQ(test, apic->base, BASE_X2APIC);

	/* x2APIC -> disabled is allowed and resets the registers. */
	KUNIT_ASSERT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_SPIV), SVR_ON), 0);
	KUNIT_ASSERT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_TASKPRI), 0x20), 0);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_OFF, false), 0);
	KUNIT_EXPECT_FALSE(test, lapic_x2apic(apic));
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_SPIV), 0xff);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID), 0x25000000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR), 0);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC, false), 0);
	KUNIT_EXPECT_EQ(test, lapic_id(apic), 0x25);

	/* The host sets any legal state directly, the BSP flag included. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_OFF, true), 0);
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_X2APIC |
					     LAPIC_BASE_BSP, true), 0);
	KUNIT_EXPECT_EQ(test, apic->base, BASE_X2APIC | LAPIC_BASE_BSP);
	KUNIT_EXPECT_EQ(test, lapic_id(apic), 0x25);
	/* x2APIC -> xAPIC, refused to a guest. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC |
					     LAPIC_BASE_BSP, true), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID), 0x25000000);
	/* A guest write leaves a set BSP flag set. */
	KUNIT_EXPECT_EQ(test, lapic_set_base(apic, BASE_XAPIC, false), 0);
	KUNIT_EXPECT_EQ(test, apic->base, BASE_XAPIC | LAPIC_BASE_BSP);
}

/*
 * In x2APIC mode the ID register holds the 32-bit ID (SDM 10.12.5.1) and
 * the LDR is derived from it: cluster ID[19:4] in 31:16, bit ID[3:0] in
 * 15:0 (10.12.10.2).
 */
static void x2apic_id_and_ldr(struct kunit *test)
{
	static const struct {
		u32 id, ldr;
	} cases[] = {
		{ 0x00, 0x00000001 },
		{ 0x0f, 0x00008000 },
		{ 0x10, 0x00010001 },
		{ 0x25, 0x00020020 },
		{ 0xff, 0x000f8000 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct lapic *apic = new_apic(test, cases[i].id, false);

		KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID), cases[i].id << 24);
		KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_X2APIC, false),
				0);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID), cases[i].id);
		KUNIT_EXPECT_EQ(test, lapic_id(apic), cases[i].id);
		KUNIT_EXPECT_EQ_MSG(test, rd(apic, APIC_LDR), cases[i].ldr,
				    "id %#x", cases[i].id);
		/* INIT keeps the ID and the derived LDR. */
		lapic_reset(apic);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_ID), cases[i].id);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR), cases[i].ldr);
		/* The LDR and DFR are read-only in x2APIC mode. */
		lapic_write(apic, APIC_LDR, 0xff000000);
		lapic_write(apic, APIC_DFR, 0);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_LDR), cases[i].ldr);
		KUNIT_EXPECT_EQ(test, rd(apic, APIC_DFR), 0xffffffff);
	}
}

/* The x2APIC MSR interface (SDM 10.12.1.2, Table 10-6). */
static void x2apic_msrs(struct kunit *test)
{
	static const u32 unreadable[] = {
		X2MSR(APIC_EOI), X2MSR(APIC_SELF_IPI), X2MSR(APIC_DFR),
		X2MSR(APIC_ICR2), X2MSR(APIC_ARBPRI), X2MSR(APIC_RRR),
		X2MSR(0x40), APIC_BASE_MSR - 1, APIC_BASE_MSR + 0x100,
	};
	static const u32 read_only[] = {
		X2MSR(APIC_ID), X2MSR(APIC_LVR), X2MSR(APIC_PROCPRI),
		X2MSR(APIC_LDR), X2MSR(APIC_TMCCT), X2MSR(APIC_ISR),
		X2MSR(APIC_TMR + 0x70), X2MSR(APIC_IRR + 0x10), X2MSR(APIC_DFR),
	};
	struct lapic *apic = new_apic(test, 0x25, false);
	unsigned int i;
	u64 value;

	KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_X2APIC, false), 0);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_ID), &value), 0);
	KUNIT_EXPECT_EQ(test, value, 0x25);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_LVR), &value), 0);
	KUNIT_EXPECT_EQ(test, value, LAPIC_VERSION);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_LDR), &value), 0);
	KUNIT_EXPECT_EQ(test, value, 0x20020);
	for (i = 0; i < ARRAY_SIZE(unreadable); i++)
		KUNIT_EXPECT_EQ_MSG(test, lapic_rdmsr(apic, unreadable[i],
						      &value),
				    -EINVAL, "rdmsr %#x", unreadable[i]);
	for (i = 0; i < ARRAY_SIZE(read_only); i++)
		KUNIT_EXPECT_EQ_MSG(test, lapic_wrmsr(apic, read_only[i], 0),
				    -EINVAL, "wrmsr %#x", read_only[i]);

	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_SPIV), SVR_ON), 0);
	KUNIT_EXPECT_TRUE(test, lapic_sw_enabled(apic));
	/* Reserved bits, the upper half included, are #GP. */
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_TASKPRI), 0x100),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_TASKPRI),
					  BIT_ULL(32)), -EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_TASKPRI), 0x20), 0);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_TASKPRI), &value),
			0);
	KUNIT_EXPECT_EQ(test, value, 0x20);

	/* SELF IPI: a fixed interrupt to this APIC (10.12.11). */
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_SELF_IPI), 0x155),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), -1);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_SELF_IPI), 0x55), 0);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), 0x55);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_IRR + 0x20), &value),
			0);
	KUNIT_EXPECT_EQ(test, value, BIT(0x55 - 64));

	/* EOI: only 0 may be written. */
	lapic_ack(apic, 0x55);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_EOI), 1), -EINVAL);
	KUNIT_EXPECT_TRUE(test, vec_bit(apic, APIC_ISR, 0x55));
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_EOI), 0), 0);
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_ISR, 0x55));

	/* ESR: only 0 may be written, and it latches the errors. */
	lapic_accept(apic, 3, false);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_ESR), 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_ESR), 0), 0);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_ESR), &value), 0);
	KUNIT_EXPECT_EQ(test, value, APIC_ESR_RECVILL);

	/* ICR is one 64-bit MSR: destination in the upper half. */
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_ICR),
					  0x0000000700001030ULL), -EINVAL);
	KUNIT_EXPECT_FALSE(test, apic->icr_pending);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_ICR),
					  0x1234567800004030ULL), 0);
	KUNIT_EXPECT_TRUE(test, apic->icr_pending);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_ICR), &value), 0);
	KUNIT_EXPECT_EQ(test, value, 0x1234567800004030ULL);
}

/* Without EXTD every x2APIC MSR is #GP (SDM 10.12.1.2). */
static void msrs_need_x2apic(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	u64 value = 0;

	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_ID), &value),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_TASKPRI), &value),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_TASKPRI), 0x20),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_SELF_IPI), 0x40),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lapic_wrmsr(apic, X2MSR(APIC_EOI), 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TASKPRI), 0);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), -1);
	/* Nor with the APIC disabled. */
	KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_OFF, false), 0);
	KUNIT_EXPECT_EQ(test, lapic_rdmsr(apic, X2MSR(APIC_ID), &value),
			-EINVAL);
}

/* Delivery mode, destination mode, shorthand (SDM 10.6.1, Figure 10-12). */
static void icr_decode_fields(struct kunit *test)
{
	static const u8 modes[] = {
		LAPIC_DM_FIXED, LAPIC_DM_LOWEST, LAPIC_DM_SMI, 3,
		LAPIC_DM_NMI, LAPIC_DM_INIT, LAPIC_DM_STARTUP, 7,
	};
	struct lapic_icr m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		lapic_icr_decode(((u64)0x05000000 << 32) | APIC_INT_ASSERT |
				 (modes[i] << 8) | 0x31, false, &m);
		KUNIT_EXPECT_EQ(test, m.mode, modes[i]);
		KUNIT_EXPECT_EQ(test, m.vector, 0x31);
		KUNIT_EXPECT_EQ(test, m.dest, 5);
		KUNIT_EXPECT_EQ(test, m.shorthand, LAPIC_SH_NONE);
		KUNIT_EXPECT_FALSE(test, m.logical);
		KUNIT_EXPECT_FALSE(test, m.level_deassert);
		KUNIT_EXPECT_FALSE(test, m.x2apic);
	}
	for (i = 0; i < 4; i++) {
		lapic_icr_decode((i << 18) | 0x40, false, &m);
		KUNIT_EXPECT_EQ(test, m.shorthand, i);
		KUNIT_EXPECT_EQ(test, m.mode, LAPIC_DM_FIXED);
	}
	KUNIT_EXPECT_EQ(test, LAPIC_SH_SELF, 1);
	KUNIT_EXPECT_EQ(test, LAPIC_SH_ALL, 2);
	KUNIT_EXPECT_EQ(test, LAPIC_SH_OTHERS, 3);
	lapic_icr_decode(APIC_DEST_LOGICAL | 0x40, false, &m);
	KUNIT_EXPECT_TRUE(test, m.logical);
	/* Neither the delivery status nor bit 13 means anything. */
	lapic_icr_decode(0xfff33040, false, &m);
	KUNIT_EXPECT_EQ(test, m.vector, 0x40);
	KUNIT_EXPECT_EQ(test, m.mode, LAPIC_DM_FIXED);
	KUNIT_EXPECT_EQ(test, m.shorthand, LAPIC_SH_NONE);
	KUNIT_EXPECT_FALSE(test, m.logical);
}

/*
 * INIT level de-assert: INIT with level 0 and the level trigger
 * (SDM 10.6.1); any other INIT is an INIT.
 */
static void icr_decode_init_deassert(struct kunit *test)
{
	static const struct {
		u32 lo;
		bool deassert;
	} cases[] = {
		{ APIC_DM_INIT | APIC_INT_LEVELTRIG, true },
		{ APIC_DM_INIT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT, false },
		{ APIC_DM_INIT | APIC_INT_ASSERT, false },
		{ APIC_DM_INIT, false },
		{ APIC_DM_FIXED | APIC_INT_LEVELTRIG | 0x40, false },
		{ APIC_DM_NMI | APIC_INT_LEVELTRIG, false },
	};
	struct lapic_icr m;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		lapic_icr_decode(cases[i].lo, false, &m);
		KUNIT_EXPECT_EQ_MSG(test, m.level_deassert, cases[i].deassert,
				    "ICR %#x", cases[i].lo);
		lapic_icr_decode(cases[i].lo, true, &m);
		KUNIT_EXPECT_EQ_MSG(test, m.level_deassert, cases[i].deassert,
				    "x2APIC ICR %#x", cases[i].lo);
	}
}

/* xAPIC: ICR2[31:24]; x2APIC: ICR[63:32] (SDM 10.6.1, 10.12.9). */
static void icr_decode_destination(struct kunit *test)
{
	struct lapic_icr m;

	lapic_icr_decode(((u64)0xab123456 << 32) | 0x40, false, &m);
	KUNIT_EXPECT_EQ(test, m.dest, 0xab);
	KUNIT_EXPECT_FALSE(test, m.x2apic);
	lapic_icr_decode(((u64)0xab123456 << 32) | 0x40, true, &m);
	KUNIT_EXPECT_EQ(test, m.dest, 0xab123456);
	KUNIT_EXPECT_TRUE(test, m.x2apic);
	lapic_icr_decode(((u64)0xffffffff << 32) | APIC_DEST_LOGICAL |
			 APIC_DM_STARTUP | 0x9a, true, &m);
	KUNIT_EXPECT_EQ(test, m.dest, 0xffffffff);
	KUNIT_EXPECT_EQ(test, m.mode, LAPIC_DM_STARTUP);
	KUNIT_EXPECT_EQ(test, m.vector, 0x9a);
	KUNIT_EXPECT_TRUE(test, m.logical);
}

static struct lapic_icr dest_msg(u32 dest, bool logical, bool x2apic)
{
	return (struct lapic_icr){
		.dest = dest, .logical = logical, .x2apic = x2apic,
	};
}

/* Physical destinations and broadcast (SDM 10.6.2.1). */
static void match_physical(struct kunit *test)
{
	struct lapic *apic = new_apic(test, 3, false);
	struct lapic *x2 = new_apic(test, 0x25, false);
	struct lapic_icr m;

	m = dest_msg(3, false, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(apic, &m));
	m = dest_msg(4, false, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0xff, false, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(apic, &m));
	/* Software disabled still matches: INIT and NMI reach it. */
	KUNIT_EXPECT_FALSE(test, lapic_sw_enabled(apic));

	KUNIT_ASSERT_EQ(test, lapic_set_base(x2, BASE_X2APIC, false), 0);
	m = dest_msg(0x25, false, true);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(x2, &m));
	m = dest_msg(0x125, false, true);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(x2, &m));
	/* In x2APIC mode 0xff is an ID like any other; 0xffffffff broadcasts. */
	m = dest_msg(0xff, false, true);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(x2, &m));
	m = dest_msg(0xffffffff, false, true);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(x2, &m));
}

/* Logical destinations: flat and cluster models (SDM 10.6.2.2). */
static void match_xapic_logical(struct kunit *test)
{
	struct lapic *flat = new_apic(test, 1, false);
	struct lapic *cl = new_apic(test, 2, false);
	struct lapic_icr m;

	lapic_write(flat, APIC_LDR, 0x04000000);
	m = dest_msg(0x04, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(flat, &m));
	m = dest_msg(0x0c, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(flat, &m));
	m = dest_msg(0x03, true, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(flat, &m));
	m = dest_msg(0, true, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(flat, &m));
	m = dest_msg(0xff, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(flat, &m));
	/* Logical ID 0: only the broadcast reaches it. */
	lapic_write(flat, APIC_LDR, 0);
	m = dest_msg(0x7f, true, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(flat, &m));

	/* Cluster: cluster 2, member bit 0. */
	lapic_write(cl, APIC_DFR, APIC_DFR_CLUSTER);
	lapic_write(cl, APIC_LDR, 0x21000000);
	m = dest_msg(0x21, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(cl, &m));
	m = dest_msg(0x2f, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(cl, &m));
	m = dest_msg(0x22, true, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(cl, &m));
	m = dest_msg(0x11, true, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(cl, &m));
	m = dest_msg(0xff, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(cl, &m));
	/* The same LDR in the flat model: bit 0 and bit 5 both name it. */
	lapic_write(cl, APIC_DFR, APIC_DFR_FLAT);
	m = dest_msg(0x20, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(cl, &m));
	m = dest_msg(0x11, true, false);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(cl, &m));
	/* A physical message does not look at the LDR. */
	m = dest_msg(0x21, false, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(cl, &m));
}

/* x2APIC logical: cluster in 31:16, member bits in 15:0 (SDM 10.12.10.2). */
static void match_x2apic_logical(struct kunit *test)
{
	struct lapic *apic = new_apic(test, 0x25, false);
	struct lapic_icr m;

	KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_X2APIC, false), 0);
	KUNIT_ASSERT_EQ(test, rd(apic, APIC_LDR), 0x00020020);
	m = dest_msg(0x00020020, true, true);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0x000200f0, true, true);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0x00020010, true, true);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0x00010020, true, true);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0xffffffff, true, true);
	KUNIT_EXPECT_TRUE(test, lapic_match_dest(apic, &m));
}

/* A hardware-disabled APIC takes no message (SDM 10.4.3). */
static void match_disabled_never(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	struct lapic_icr m;

	lapic_write(apic, APIC_LDR, 0x01000000);
	KUNIT_ASSERT_EQ(test, lapic_set_base(apic, BASE_OFF, false), 0);
	m = dest_msg(3, false, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0xff, false, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0xff, true, false);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
	m = dest_msg(0xffffffff, false, true);
	KUNIT_EXPECT_FALSE(test, lapic_match_dest(apic, &m));
}

/* Divide configuration: bits 0, 1 and 3 (SDM Figure 10-10). */
static void timer_divisors(struct kunit *test)
{
	static const struct {
		u32 tdcr, divisor;
	} cases[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 },
		/* Bit 2 and bits 31:4 are reserved. */
		{ 0x4, 2 }, { 0xfffffff4, 2 }, { 0xffffffff, 1 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		KUNIT_EXPECT_EQ_MSG(test, lapic_timer_divisor(cases[i].tdcr),
				    cases[i].divisor, "TDCR %#x", cases[i].tdcr);
}

/* Counts at 1 GHz / divisor; current count from the expiry time. */
static void timer_count_and_current(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);

	KUNIT_EXPECT_EQ(test, lapic_timer_count_ns(5, 0xb), 5);
	KUNIT_EXPECT_EQ(test, lapic_timer_count_ns(1000, 0x0), 2000);
	KUNIT_EXPECT_EQ(test, lapic_timer_count_ns(1000, 0x9), 64000);
	KUNIT_EXPECT_EQ(test, lapic_timer_count_ns(0, 0xa), 0);
	/* No 32-bit overflow: 2^32 - 1 ticks at 1/128. */
	KUNIT_EXPECT_EQ(test, lapic_timer_count_ns(0xffffffff, 0xa),
			0xffffffffULL * 128);

	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 1000), 0);
	lapic_write(apic, APIC_TDCR, 0x2);
	apic->timer_expires_ns = 10000000;
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 9000000), 125000);
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 9999993), 0);
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 9999992), 1);
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 10000000), 0);
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 20000000), 0);
	lapic_write(apic, APIC_TDCR, 0xb);
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 9000000), 1000000);
	/* TSC-deadline mode: the current count reads 0 (10.5.4.1). */
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE |
		    APIC_LVT_MASKED);
	apic->timer_expires_ns = 10000000;
	KUNIT_EXPECT_EQ(test, lapic_timer_current(apic, 9000000), 0);
	apic->timer_expires_ns = 0;
}

/* A new divider applies to the count left, not to the time left (10.5.4). */
static void timer_divide_change_keeps_count(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	u64 before, expires;
	u32 cur;

	lapic_write(apic, APIC_LVTT, APIC_LVT_MASKED | 0x40);
	lapic_write(apic, APIC_TDCR, 0xb);
	lapic_write(apic, APIC_TMICT, 1000000000);
	before = ktime_get_ns();
	lapic_write(apic, APIC_TDCR, 0xa);
	expires = apic->timer_expires_ns;
	cur = rd(apic, APIC_TMCCT);
	/* About 1e9 ticks were left; at 1/128 they last 128 times longer. */
	KUNIT_EXPECT_GT(test, cur, 900000000U);
	KUNIT_EXPECT_GE(test, expires, before + 900000000ULL * 128);
	lapic_write(apic, APIC_TMICT, 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);
}

/* One-shot: armed by a non-zero initial count, stopped by zero. */
static void timer_oneshot_arm_and_stop(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	u64 before, after, ns = 100000000ULL * 128;
	u32 cur;

	lapic_write(apic, APIC_LVTT, APIC_LVT_MASKED | 0x40);
	lapic_write(apic, APIC_TDCR, 0xa);
	before = ktime_get_ns();
	lapic_write(apic, APIC_TMICT, 100000000);
	after = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 100000000);
	KUNIT_EXPECT_GE(test, apic->timer_expires_ns, before + ns);
	KUNIT_EXPECT_LE(test, apic->timer_expires_ns, after + ns);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 0);
	cur = rd(apic, APIC_TMCCT);
	KUNIT_EXPECT_GT(test, cur, 0);
	KUNIT_EXPECT_LE(test, cur, 100000000);
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&apic->timer));

	lapic_write(apic, APIC_TMICT, 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT), 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&apic->timer));

	lapic_write(apic, APIC_TMICT, 100000000);
	KUNIT_EXPECT_NE(test, apic->timer_expires_ns, 0);
	lapic_timer_stop(apic);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&apic->timer));
	KUNIT_EXPECT_EQ(test, atomic_read(&apic->timer_fired), 0);
}

/* Periodic: the period, never below LAPIC_MIN_PERIOD_NS. */
static void timer_periodic_min_period(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);

	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC |
		    APIC_LVT_MASKED | 0x40);
	lapic_write(apic, APIC_TDCR, 0xb);
	lapic_write(apic, APIC_TMICT, 10);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, LAPIC_MIN_PERIOD_NS);
	lapic_write(apic, APIC_TMICT, 0);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);

	/* Just below and just above the floor, then well above it. */
	lapic_write(apic, APIC_TMICT, LAPIC_MIN_PERIOD_NS - 1);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, LAPIC_MIN_PERIOD_NS);
	lapic_write(apic, APIC_TMICT, LAPIC_MIN_PERIOD_NS + 1);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, LAPIC_MIN_PERIOD_NS + 1);
	lapic_write(apic, APIC_TDCR, 0x0);
	lapic_write(apic, APIC_TMICT, 1000000);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 2000000);
	/* The floor applies to the divided period: 700 and 1000 ticks at 1/128. */
	lapic_write(apic, APIC_TDCR, 0xa);
	lapic_write(apic, APIC_TMICT, 700);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, LAPIC_MIN_PERIOD_NS);
	lapic_write(apic, APIC_TMICT, 1000);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 128000);
	lapic_timer_stop(apic);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 0);
}

/*
 * TSC-deadline mode ignores the initial count; a change to or from it
 * disarms the timer (SDM 10.5.4.1).  Between one-shot and periodic mode
 * the count goes on, the initial count kept.
 */
static void timer_modes(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	u64 expires;

	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE |
		    APIC_LVT_MASKED | 0x40);
	lapic_write(apic, APIC_TMICT, 1000);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);

	/* TSC-deadline -> one-shot, then a count of 12.8 s (1/128). */
	lapic_write(apic, APIC_LVTT, APIC_LVT_MASKED | 0x40);
	lapic_write(apic, APIC_TDCR, 0xa);
	lapic_write(apic, APIC_TMICT, 100000000);
	KUNIT_ASSERT_NE(test, apic->timer_expires_ns, 0);
	expires = apic->timer_expires_ns;
	/* The same mode: the count runs on. */
	lapic_write(apic, APIC_LVTT, 0x41);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 100000000);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, expires);
	/* One-shot -> periodic: the count runs on, and will reload. */
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC | 0x41);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 100000000);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, expires);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 12800000000ULL);
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&apic->timer));
	KUNIT_EXPECT_NE(test, rd(apic, APIC_TMCCT), 0);
	/* Periodic -> one-shot: the count runs on, and will stop. */
	lapic_write(apic, APIC_LVTT, 0x41);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 100000000);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, expires);
	KUNIT_EXPECT_EQ(test, apic->timer_period_ns, 0);
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&apic->timer));
	/* One-shot -> TSC-deadline: disarmed, the initial count 0. */
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x41);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&apic->timer));
	lapic_write(apic, APIC_LVTT, 0x41);

	/* IA32_TSC_DEADLINE is ignored outside TSC-deadline mode. */
	lapic_timer_set_deadline(apic, rdtsc() + 1000000000000ULL);
	KUNIT_EXPECT_EQ(test, apic->tsc_deadline, 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);

	/* TSC-deadline -> one-shot disarms a deadline. */
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x41);
	lapic_timer_set_deadline(apic, rdtsc() + 1000000000000ULL);
	KUNIT_EXPECT_NE(test, apic->tsc_deadline, 0);
	if (tsc_khz)
		KUNIT_EXPECT_NE(test, apic->timer_expires_ns, 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT), 0);
	lapic_write(apic, APIC_LVTT, 0x41);
	KUNIT_EXPECT_EQ(test, apic->tsc_deadline, 0);
	KUNIT_EXPECT_EQ(test, apic->timer_expires_ns, 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&apic->timer));
}

/*
 * A one-shot count switched to periodic mode before it ends reloads the
 * initial count when it reaches 0, and keeps doing so; switched back, it
 * stops after the current period.
 */
static void timer_oneshot_to_periodic(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	int fired, i;

	lapic_write(apic, APIC_LVTT, APIC_LVT_MASKED | 0x40);
	lapic_write(apic, APIC_TDCR, 0xb);		/* divide by 1: 1 ns */
	lapic_write(apic, APIC_TMICT, 2000000);		/* 2 ms */
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_PERIODIC |
		    APIC_LVT_MASKED | 0x40);
	/* Three expiries: a one-shot count gives one. */
	for (i = 0; i < 400 && atomic_read(&apic->timer_fired) < 3; i++)
		usleep_range(5000, 6000);
	KUNIT_EXPECT_GE(test, atomic_read(&apic->timer_fired), 3);
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&apic->timer));
	/* Back to one-shot: the period under way is the last. */
	lapic_write(apic, APIC_LVTT, APIC_LVT_MASKED | 0x40);
	for (i = 0; i < 400 && hrtimer_active(&apic->timer); i++)
		usleep_range(5000, 6000);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&apic->timer));
	fired = atomic_read(&apic->timer_fired);
	usleep_range(10000, 11000);
	KUNIT_EXPECT_EQ(test, atomic_read(&apic->timer_fired), fired);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT), 0);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMICT), 2000000);
	lapic_timer_stop(apic);
}

/*
 * A deadline at the end of time is armed for a bounded while, not
 * converted with an overflowing division; an expiry before the deadline
 * arms it again and gives no interrupt.
 */
static void timer_far_deadline(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);
	u64 before = ktime_get_ns();

	if (!tsc_khz)
		kunit_skip(test, "no TSC frequency");
	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x41);
	lapic_timer_set_deadline(apic, U64_MAX);
	KUNIT_EXPECT_EQ(test, apic->tsc_deadline, U64_MAX);
	KUNIT_EXPECT_GT(test, apic->timer_expires_ns, before);
	/* An expiry that comes early (as the bounded arm's does). */
	atomic_inc(&apic->timer_fired);
	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));
	KUNIT_EXPECT_EQ(test, apic->tsc_deadline, U64_MAX);
	KUNIT_EXPECT_TRUE(test, hrtimer_active(&apic->timer));
	lapic_timer_set_deadline(apic, 0);
	KUNIT_EXPECT_FALSE(test, hrtimer_active(&apic->timer));
}

/* An expiry becomes the LVT timer's vector unless the entry is masked. */
static void timer_take(struct kunit *test)
{
	struct lapic *apic = new_enabled_apic(test, 3);

	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));
	lapic_write(apic, APIC_LVTT, APIC_LVT_MASKED | 0x42);
	atomic_set(&apic->timer_fired, 1);
	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));
	KUNIT_EXPECT_EQ(test, atomic_read(&apic->timer_fired), 0);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), -1);

	lapic_write(apic, APIC_LVTT, 0x42);
	/* Two expiries not yet taken are one interrupt. */
	atomic_set(&apic->timer_fired, 2);
	KUNIT_EXPECT_TRUE(test, lapic_timer_take(apic));
	KUNIT_EXPECT_EQ(test, atomic_read(&apic->timer_fired), 0);
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), 0x42);
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), 0x42);
	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));

	/* Software disabled: the entry is masked whatever was written. */
	lapic_write(apic, APIC_SPIV, 0xff);
	lapic_write(apic, APIC_LVTT, 0x43);
	atomic_set(&apic->timer_fired, 1);
	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));
	KUNIT_EXPECT_FALSE(test, vec_bit(apic, APIC_IRR, 0x43));
}

/* A deadline already passed fires at once, and only once. */
static void timer_deadline_passed(struct kunit *test)
{
	struct lapic_test *t = test->priv;
	struct lapic *apic = new_enabled_apic(test, 3);

	lapic_write(apic, APIC_LVTT, APIC_LVT_TIMER_TSCDEADLINE | 0x44);
	atomic_set(&t->notified, 0);
	lapic_timer_set_deadline(apic, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->notified), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&apic->timer_fired), 1);
	KUNIT_EXPECT_TRUE(test, lapic_timer_take(apic));
	KUNIT_EXPECT_EQ(test, lapic_highest_irr(apic), 0x44);
	KUNIT_EXPECT_EQ(test, apic->tsc_deadline, 0);
	/* Disarming with 0 fires nothing. */
	lapic_timer_set_deadline(apic, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->notified), 1);
	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));
}

/* A real 1 ms one-shot: the hrtimer fires, notifies once, and is taken. */
static void timer_oneshot_fires(struct kunit *test)
{
	struct lapic_test *t = test->priv;
	struct lapic *apic = new_enabled_apic(test, 3);
	long left;

	lapic_write(apic, APIC_LVTT, 0x45);
	lapic_write(apic, APIC_TDCR, 0xb);
	atomic_set(&t->notified, 0);
	lapic_write(apic, APIC_TMICT, 1000000);
	left = wait_event_timeout(t->wq, atomic_read(&t->notified) > 0,
				  10 * HZ);
	KUNIT_ASSERT_GT_MSG(test, left, 0, "no expiry within 10 s");
	/* A one-shot fires once. */
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&t->notified), 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&apic->timer_fired), 1);
	KUNIT_EXPECT_EQ(test, rd(apic, APIC_TMCCT), 0);
	KUNIT_EXPECT_TRUE(test, lapic_timer_take(apic));
	KUNIT_EXPECT_EQ(test, lapic_pending(apic), 0x45);
	KUNIT_EXPECT_FALSE(test, lapic_timer_take(apic));
}

static struct kunit_case lapic_test_cases[] = {
	KUNIT_CASE(ppr_from_tpr_and_isr),
	KUNIT_CASE(pending_ack_and_nested_eoi),
	KUNIT_CASE(level_triggered_eoi),
	KUNIT_CASE(level_triggered_eoi_x2apic),
	KUNIT_CASE(illegal_vector_sets_esr),
	KUNIT_CASE(sw_disabled_refuses_and_masks),
	KUNIT_CASE(reset_values),
	KUNIT_CASE(read_only_registers),
	KUNIT_CASE(register_write_masks),
	KUNIT_CASE(illegal_register_address),
	KUNIT_CASE(base_transitions),
	KUNIT_CASE(x2apic_id_and_ldr),
	KUNIT_CASE(x2apic_msrs),
	KUNIT_CASE(msrs_need_x2apic),
	KUNIT_CASE(icr_decode_fields),
	KUNIT_CASE(icr_decode_init_deassert),
	KUNIT_CASE(icr_decode_destination),
	KUNIT_CASE(match_physical),
	KUNIT_CASE(match_xapic_logical),
	KUNIT_CASE(match_x2apic_logical),
	KUNIT_CASE(match_disabled_never),
	KUNIT_CASE(timer_divisors),
	KUNIT_CASE(timer_count_and_current),
	KUNIT_CASE(timer_oneshot_arm_and_stop),
	KUNIT_CASE(timer_divide_change_keeps_count),
	KUNIT_CASE(timer_periodic_min_period),
	KUNIT_CASE(timer_modes),
	KUNIT_CASE(timer_oneshot_to_periodic),
	KUNIT_CASE(timer_far_deadline),
	KUNIT_CASE(timer_take),
	KUNIT_CASE(timer_deadline_passed),
	KUNIT_CASE(timer_oneshot_fires),
	{ }
};

static struct kunit_suite lapic_test_suite = {
	.name = "axvcpu_lapic",
	.init = lapic_test_init,
	.exit = lapic_test_exit,
	.test_cases = lapic_test_cases,
};

/* Routing: four vCPUs with APIC IDs 0, 2, 4, 6; vCPU 0 is the BSP. */
#define ROUTE_VCPUS	4

struct route_test {
	struct axv_virt *virt;
	struct axv_vm *vm;
	struct axv_vcpu *vcpu[ROUTE_VCPUS];
	struct lapic *apic[ROUTE_VCPUS];
};

static u32 route_apic_id(unsigned int i)
{
	return 2 * i;
}

static void route_notify(struct lapic *apic)
{
}

static int route_test_init(struct kunit *test)
{
	struct route_test *t;
	struct axv_virt *virt;
	unsigned int i;

	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	virt = kunit_kzalloc(test, sizeof(*virt), GFP_KERNEL);
	if (!t || !virt)
		return -ENOMEM;
	test->priv = t;
	fake_arch_reset();
	KUNIT_ASSERT_EQ(test, axv_virt_init(virt, &fake_arch_ops,
					    "axvcpu/kunit:online"), 0);
	t->virt = virt;
	t->vm = axv_vm_create(virt, true);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->vm));

	for (i = 0; i < ROUTE_VCPUS; i++) {
		struct axv_vcpu_config cfg = {
			.id = i,
			.apic_id = route_apic_id(i),
			.role = AXV_ROLE_DEFAULT,
			.favoured_cpu = -1,
		};
		struct axv_vcpu *vcpu;
		struct lapic *apic;

		vcpu = axv_vm_create_vcpu(t->vm, &cfg);
		KUNIT_ASSERT_FALSE(test, IS_ERR(vcpu));
		t->vcpu[i] = vcpu;
		apic = kunit_kzalloc(test, sizeof(*apic), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, apic);
		KUNIT_ASSERT_EQ(test, lapic_init(apic, NULL, cfg.apic_id, !i,
						 route_notify, vcpu), 0);
		t->apic[i] = apic;
		lapic_write(apic, APIC_SPIV, SVR_ON);
		vcpu->irqchip = apic;
	}
	return 0;
}

static void route_test_exit(struct kunit *test)
{
	struct route_test *t = test->priv;
	unsigned int i;

	if (!t)
		return;
	for (i = 0; i < ROUTE_VCPUS; i++) {
		if (t->vcpu[i]) {
			t->vcpu[i]->irqchip = NULL;
			axv_vm_destroy_vcpu(t->vcpu[i]);
		}
		if (t->apic[i])
			lapic_destroy(t->apic[i]);
	}
	if (!IS_ERR_OR_NULL(t->vm))
		axv_vm_put(t->vm);
	if (t->virt) {
		while (t->virt->users)
			axv_virt_put(t->virt);
		axv_virt_destroy(t->virt);
		KUNIT_EXPECT_EQ(test, fake_arch_contract_errors(), 0);
		KUNIT_EXPECT_EQ(test, fake_arch_live_vcpus(), 0);
		KUNIT_EXPECT_EQ(test, fake_arch_live_vms(), 0);
	}
	fake_arch_reset();
}

/* Sends ICR2:ICR as written in xAPIC mode (destination in ICR2[31:24]). */
static int route(struct kunit *test, struct axv_vcpu *src, u32 icr, u8 dest,
		 struct lapic_route_result *res)
{
	struct route_test *t = test->priv;
	struct lapic_icr msg;

	lapic_icr_decode(((u64)dest << 56) | icr, false, &msg);
	return lapic_route(t->vm, src, &msg, res);
}

static void expect_ipi(struct kunit *test, unsigned int i, u8 kind, u8 vector,
		       u32 source)
{
	struct route_test *t = test->priv;
	struct axv_ipi got;

	KUNIT_ASSERT_TRUE_MSG(test, axv_ipi_pop(&t->vcpu[i]->ipis, &got),
			      "vCPU %u has no IPI", i);
	KUNIT_EXPECT_EQ_MSG(test, got.kind, kind, "vCPU %u", i);
	KUNIT_EXPECT_EQ_MSG(test, got.vector, vector, "vCPU %u", i);
	KUNIT_EXPECT_EQ_MSG(test, got.source, source, "vCPU %u", i);
}

/* Every queue empty: each expected IPI was popped, nothing else came. */
static void expect_no_ipis(struct kunit *test)
{
	struct route_test *t = test->priv;
	unsigned int i;

	for (i = 0; i < ROUTE_VCPUS; i++)
		KUNIT_EXPECT_EQ_MSG(test, axv_ipi_count(&t->vcpu[i]->ipis), 0,
				    "vCPU %u", i);
}

static void route_fixed_physical(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	int kicks = fake_arch_kicks();

	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], 0x40, 4, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	KUNIT_EXPECT_EQ(test, res.started, 0);
	KUNIT_EXPECT_EQ(test, fake_arch_kicks(), kicks + 1);
	expect_ipi(test, 2, AXV_IPI_FIXED, 0x40, 0);
	expect_no_ipis(test);

	/* From userspace: no sender. */
	KUNIT_EXPECT_EQ(test, route(test, NULL, 0x41, 6, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 3, AXV_IPI_FIXED, 0x41, U32_MAX);
	/* An ID no vCPU has reaches none. */
	kicks = fake_arch_kicks();
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], 0x42, 1, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);
	KUNIT_EXPECT_EQ(test, fake_arch_kicks(), kicks);
	expect_no_ipis(test);
}

/*
 * A level-triggered message (AXV_SEND_IRQ from an I/O APIC model) carries
 * its trigger mode to the target; one merged into a pending IPI of the
 * same vector gives it its own.  The ICR never sends one.
 */
static void route_level_triggered(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	struct lapic_icr msg = {
		.dest = 4, .vector = 0x48, .mode = LAPIC_DM_FIXED, .level = true,
	};
	struct axv_ipi got;

	KUNIT_EXPECT_EQ(test, lapic_route(t->vm, NULL, &msg, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	msg.level = false;
	KUNIT_EXPECT_EQ(test, lapic_route(t->vm, NULL, &msg, &res), 0);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&t->vcpu[2]->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.vector, 0x48);
	KUNIT_EXPECT_EQ(test, got.flags, 0);
	expect_no_ipis(test);

	msg.level = true;
	KUNIT_EXPECT_EQ(test, lapic_route(t->vm, NULL, &msg, &res), 0);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&t->vcpu[2]->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.flags, AXV_IPI_F_LEVEL);

	/* ICR: fixed, trigger mode bit 15 set, destination 4. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], 0xc049, 4, &res), 0);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&t->vcpu[2]->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.vector, 0x49);
	KUNIT_EXPECT_EQ(test, got.flags, 0);
	expect_no_ipis(test);
}

/* Broadcast ID and the shorthands (SDM 10.6.1, Table 10-3). */
static void route_broadcast_and_shorthands(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	int kicks = fake_arch_kicks();
	unsigned int i;

	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[1], 0x50, 0xff, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 4);
	KUNIT_EXPECT_EQ(test, fake_arch_kicks(), kicks + 4);
	for (i = 0; i < ROUTE_VCPUS; i++)
		expect_ipi(test, i, AXV_IPI_FIXED, 0x50, 2);

	/* All including self: the destination field is ignored. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[1], (2 << 18) | 0x51, 3,
				    &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 4);
	for (i = 0; i < ROUTE_VCPUS; i++)
		expect_ipi(test, i, AXV_IPI_FIXED, 0x51, 2);

	kicks = fake_arch_kicks();
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[1], (3 << 18) | 0x52, 2,
				    &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 3);
	KUNIT_EXPECT_EQ(test, fake_arch_kicks(), kicks + 3);
	expect_ipi(test, 0, AXV_IPI_FIXED, 0x52, 2);
	expect_ipi(test, 2, AXV_IPI_FIXED, 0x52, 2);
	expect_ipi(test, 3, AXV_IPI_FIXED, 0x52, 2);
	expect_no_ipis(test);

	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[3], (1 << 18) | 0x53, 0,
				    &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 3, AXV_IPI_FIXED, 0x53, 6);
	expect_no_ipis(test);
	/* Self from userspace names no one. */
	KUNIT_EXPECT_EQ(test, route(test, NULL, (1 << 18) | 0x53, 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);
	/* All excluding self from userspace is everyone. */
	KUNIT_EXPECT_EQ(test, route(test, NULL, (3 << 18) | 0x54, 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 4);
	for (i = 0; i < ROUTE_VCPUS; i++)
		expect_ipi(test, i, AXV_IPI_FIXED, 0x54, U32_MAX);
	expect_no_ipis(test);
}

/* Logical flat model: each vCPU's LDR holds bit i. */
static void route_logical_flat(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	unsigned int i;

	for (i = 0; i < ROUTE_VCPUS; i++)
		lapic_write(t->apic[i], APIC_LDR, BIT(24 + i));
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0],
				    APIC_DEST_LOGICAL | 0x60, 0x05, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 2);
	expect_ipi(test, 0, AXV_IPI_FIXED, 0x60, 0);
	expect_ipi(test, 2, AXV_IPI_FIXED, 0x60, 0);
	expect_no_ipis(test);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0],
				    APIC_DEST_LOGICAL | 0x61, 0xf0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0],
				    APIC_DEST_LOGICAL | 0x62, 0xff, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 4);
	for (i = 0; i < ROUTE_VCPUS; i++)
		expect_ipi(test, i, AXV_IPI_FIXED, 0x62, 0);
	expect_no_ipis(test);
}

/* Lowest priority: one target, the lowest TPR, the first on a tie. */
static void route_lowest_priority(struct kunit *test)
{
	static const u32 tpr[ROUTE_VCPUS] = { 0x30, 0x20, 0x10, 0x10 };
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	unsigned int i;

	for (i = 0; i < ROUTE_VCPUS; i++) {
		lapic_write(t->apic[i], APIC_TASKPRI, tpr[i]);
		lapic_write(t->apic[i], APIC_LDR, BIT(24 + i));
	}
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_LOWEST | 0x70,
				    0xff, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 2, AXV_IPI_FIXED, 0x70, 0);
	expect_no_ipis(test);

	/* Among the destination's members only. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DEST_LOGICAL |
				    APIC_DM_LOWEST | 0x71, 0x03, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 1, AXV_IPI_FIXED, 0x71, 0);
	expect_no_ipis(test);

	/* A software-disabled APIC is not a candidate. */
	lapic_write(t->apic[2], APIC_SPIV, 0xff);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_LOWEST | 0x72,
				    0xff, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 3, AXV_IPI_FIXED, 0x72, 0);
	expect_no_ipis(test);
	/* Physical: the one named, whatever its priority. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[1], APIC_DM_LOWEST | 0x73,
				    0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 0, AXV_IPI_FIXED, 0x73, 2);
	expect_no_ipis(test);
}

/* What is refused or does nothing: nothing queued, no one kicked. */
static void route_refused(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	int kicks = fake_arch_kicks();

	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], 0x0f, 0xff, &res),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_LOWEST | 0x00,
				    0xff, &res), -EINVAL);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_SMI, 0xff, &res),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_REMRD, 2, &res),
			-EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_EXTINT, 2, &res),
			-EOPNOTSUPP);
	/* INIT level de-assert (SDM 10.6.1): accepted, and nothing happens. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_INIT |
				    APIC_INT_LEVELTRIG, 0xff, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);
	KUNIT_EXPECT_EQ(test, res.started, 0);
	KUNIT_EXPECT_EQ(test, fake_arch_kicks(), kicks);
	expect_no_ipis(test);

	/* An INIT that asserts reaches its target. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_INIT |
				    APIC_INT_LEVELTRIG | APIC_INT_ASSERT, 2,
				    &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	expect_ipi(test, 1, AXV_IPI_INIT, 0, 0);
	expect_no_ipis(test);
}

/*
 * A software-disabled APIC accepts NMI, INIT and start-up but no fixed
 * interrupt (SDM 10.4.7.2); a hardware-disabled one takes nothing.
 */
static void route_disabled_targets(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;
	unsigned int i;

	lapic_write(t->apic[3], APIC_SPIV, 0xff);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], 0x80, 0xff, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 3);
	for (i = 0; i < 3; i++)
		expect_ipi(test, i, AXV_IPI_FIXED, 0x80, 0);
	expect_no_ipis(test);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], 0x81, 6, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);

	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_NMI, 0xff, &res),
			0);
	KUNIT_EXPECT_EQ(test, res.accepted, 4);
	for (i = 0; i < ROUTE_VCPUS; i++)
		expect_ipi(test, i, AXV_IPI_NMI, 0, 0);
	expect_no_ipis(test);

	KUNIT_ASSERT_EQ(test, lapic_set_base(t->apic[2], BASE_OFF, false), 0);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], (2 << 18) | APIC_DM_NMI,
				    0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 3);
	expect_ipi(test, 0, AXV_IPI_NMI, 0, 0);
	expect_ipi(test, 1, AXV_IPI_NMI, 0, 0);
	expect_ipi(test, 3, AXV_IPI_NMI, 0, 0);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_INIT |
				    APIC_INT_ASSERT, 4, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 0);
	expect_no_ipis(test);
}

/* Start-up: counted as started for vCPUs waiting for one. */
static void route_startup(struct kunit *test)
{
	struct route_test *t = test->priv;
	struct lapic_route_result res;

	KUNIT_ASSERT_EQ(test, t->vcpu[0]->state, AXV_VCPU_FREE);
	KUNIT_ASSERT_EQ(test, t->vcpu[2]->state, AXV_VCPU_WAIT_START);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], APIC_DM_STARTUP | 0x9a, 4,
				    &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	KUNIT_EXPECT_EQ(test, res.started, 1);
	KUNIT_EXPECT_EQ(test, res.started_id, 4);
	expect_ipi(test, 2, AXV_IPI_START, 0x9a, 0);
	expect_no_ipis(test);
	/* Routing applies nothing: the target still waits. */
	KUNIT_EXPECT_EQ(test, t->vcpu[2]->state, AXV_VCPU_WAIT_START);

	/* The BSP is not waiting: reached, not started. */
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[1], APIC_DM_STARTUP | 0x10, 0,
				    &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 1);
	KUNIT_EXPECT_EQ(test, res.started, 0);
	expect_ipi(test, 0, AXV_IPI_START, 0x10, 2);

	/* Software disabled does not stop a start-up; several started. */
	lapic_write(t->apic[1], APIC_SPIV, 0xff);
	KUNIT_EXPECT_EQ(test, route(test, t->vcpu[0], (3 << 18) |
				    APIC_DM_STARTUP | 0x20, 0, &res), 0);
	KUNIT_EXPECT_EQ(test, res.accepted, 3);
	KUNIT_EXPECT_EQ(test, res.started, 3);
	KUNIT_EXPECT_EQ(test, res.started_id, U32_MAX);
	expect_ipi(test, 1, AXV_IPI_START, 0x20, 0);
	expect_ipi(test, 2, AXV_IPI_START, 0x20, 0);
	expect_ipi(test, 3, AXV_IPI_START, 0x20, 0);
	expect_no_ipis(test);
}

/*
 * Producers on kthreads each send their own fixed vectors into one queue
 * while a consumer pops: nothing is lost, nothing overflows, and every
 * send was either popped or merged into a pending one.
 */
#define IPI_PRODUCERS		4
#define IPI_VECTORS_EACH	60	/* 4 x 60: vectors 16-255 */
#define IPI_SENDS_EACH		10000

struct ipi_stress {
	struct axv_ipi_queue q;
	atomic_t producing;
	bool produced;
	atomic_t send_errors;
	struct completion consumed;
	u64 popped;
	unsigned int bad;
	unsigned int received[256];
};

struct ipi_producer {
	struct ipi_stress *s;
	unsigned int index;
	unsigned int sent;
};

static int ipi_produce(void *data)
{
	struct ipi_producer *p = data;
	struct ipi_stress *s = p->s;
	unsigned int i;

	for (i = 0; i < IPI_SENDS_EACH && !kthread_should_stop(); i++) {
		struct axv_ipi ipi = {
			.kind = AXV_IPI_FIXED,
			.vector = LAPIC_FIRST_VECTOR +
				  p->index * IPI_VECTORS_EACH +
				  i % IPI_VECTORS_EACH,
			.source = p->index,
		};

		if (axv_ipi_deliver(&s->q, &ipi))
			atomic_inc(&s->send_errors);
		else
			p->sent++;
		cond_resched();
	}
	if (atomic_dec_and_test(&s->producing))
		/* Every send before it; pairs with ipi_consume(). */
		smp_store_release(&s->produced, true);
	return 0;
}

static int ipi_consume(void *data)
{
	struct ipi_stress *s = data;
	struct axv_ipi got;
	bool produced;

	for (;;) {
		/* Read before the pop: an empty queue after it is final. */
		produced = smp_load_acquire(&s->produced);
		if (axv_ipi_pop(&s->q, &got)) {
			s->popped++;
			s->received[got.vector]++;
			if (got.kind != AXV_IPI_FIXED ||
			    got.vector < LAPIC_FIRST_VECTOR ||
			    got.source != (got.vector - LAPIC_FIRST_VECTOR) /
					  IPI_VECTORS_EACH)
				s->bad++;
		} else if (produced || kthread_should_stop()) {
			break;
		}
		cond_resched();
	}
	complete(&s->consumed);
	return 0;
}

static struct task_struct *ipi_thread(struct kunit *test,
				      int (*fn)(void *data), void *data,
				      const char *name, unsigned int i)
{
	struct task_struct *task;

	task = kthread_create(fn, data, "%s/%u", name, i);
	KUNIT_ASSERT_FALSE(test, IS_ERR(task));
	/* Held so that kthread_stop() works on a thread that returned. */
	get_task_struct(task);
	return task;
}

static void ipi_queue_concurrent_producers(struct kunit *test)
{
	struct task_struct *producers[IPI_PRODUCERS] = { }, *consumer;
	struct ipi_producer *p;
	struct ipi_stress *s;
	u64 coalesced, overflows, sent = 0;
	unsigned int i, v, missing = 0;
	bool finished;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	p = kunit_kcalloc(test, IPI_PRODUCERS, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, p);
	axv_ipi_queue_init(&s->q);
	atomic_set(&s->producing, IPI_PRODUCERS);
	init_completion(&s->consumed);

	consumer = ipi_thread(test, ipi_consume, s, "axv-ipi-pop", 0);
	for (i = 0; i < IPI_PRODUCERS; i++) {
		p[i].s = s;
		p[i].index = i;
		producers[i] = kthread_create(ipi_produce, &p[i],
					      "axv-ipi-send/%u", i);
		if (IS_ERR(producers[i])) {
			producers[i] = NULL;
			break;
		}
		get_task_struct(producers[i]);
	}
	if (i == IPI_PRODUCERS) {
		wake_up_process(consumer);
		for (i = 0; i < IPI_PRODUCERS; i++)
			wake_up_process(producers[i]);
	}
	finished = i == IPI_PRODUCERS &&
		   wait_for_completion_timeout(&s->consumed, 120 * HZ);
	/* Threads that never ran are stopped before they start. */
	for (i = 0; i < IPI_PRODUCERS && producers[i]; i++) {
		kthread_stop(producers[i]);
		put_task_struct(producers[i]);
	}
	kthread_stop(consumer);
	put_task_struct(consumer);
	KUNIT_ASSERT_TRUE_MSG(test, finished,
			      "threads not created, or not done in 120 s");

	for (i = 0; i < IPI_PRODUCERS; i++) {
		KUNIT_EXPECT_EQ(test, p[i].sent, IPI_SENDS_EACH);
		sent += p[i].sent;
	}
	axv_ipi_counters(&s->q, &coalesced, &overflows);
	kunit_info(test, "%llu sent, %llu popped, %llu merged\n", sent,
		   s->popped, coalesced);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->send_errors), 0);
	KUNIT_EXPECT_EQ(test, overflows, 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_count(&s->q), 0);
	KUNIT_EXPECT_EQ(test, s->popped + coalesced, sent);
	KUNIT_EXPECT_EQ(test, s->bad, 0);
	for (v = 0; v < 256; v++) {
		bool used = v >= LAPIC_FIRST_VECTOR &&
			    v < LAPIC_FIRST_VECTOR +
				IPI_PRODUCERS * IPI_VECTORS_EACH;

		if (used ? !s->received[v] : s->received[v])
			missing++;
	}
	KUNIT_EXPECT_EQ_MSG(test, missing, 0,
			    "vectors never received, or received unsent");
}

static struct kunit_case route_test_cases[] = {
	KUNIT_CASE(route_fixed_physical),
	KUNIT_CASE(route_level_triggered),
	KUNIT_CASE(route_broadcast_and_shorthands),
	KUNIT_CASE(route_logical_flat),
	KUNIT_CASE(route_lowest_priority),
	KUNIT_CASE(route_refused),
	KUNIT_CASE(route_disabled_targets),
	KUNIT_CASE(route_startup),
	KUNIT_CASE(ipi_queue_concurrent_producers),
	{ }
};

static struct kunit_suite route_test_suite = {
	.name = "axvcpu_lapic_route",
	.init = route_test_init,
	.exit = route_test_exit,
	.test_cases = route_test_cases,
};

kunit_test_suites(&lapic_test_suite, &route_test_suite);
