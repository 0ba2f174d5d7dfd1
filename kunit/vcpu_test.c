// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the architecture-neutral vCPU.  State transitions legal and
 * illegal, BSP/AP roles, INIT and start IPIs, pause/resume/stop, host
 * affinity, accounting, and the IPI queue.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/smp.h>

#include <axvcpu/vcpu.h>

static int vcpu_test_init(struct kunit *test)
{
	struct axv_vcpu *vcpu;

	vcpu = kunit_kzalloc(test, sizeof(*vcpu), GFP_KERNEL);
	if (!vcpu)
		return -ENOMEM;
	KUNIT_ASSERT_EQ(test, axv_vcpu_init(vcpu, 1, 0, 0, true), 0);
	mutex_lock(&vcpu->mutex);
	test->priv = vcpu;
	return 0;
}

static void vcpu_test_exit(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	mutex_unlock(&vcpu->mutex);
	axv_vcpu_destroy(vcpu);
}

static int op_ok(struct axv_vcpu *vcpu, void *arg)
{
	(*(int *)arg)++;
	return 0;
}

static int op_fail(struct axv_vcpu *vcpu, void *arg)
{
	return -EIO;
}

static void state_names(struct kunit *test)
{
	int s;

	for (s = 0; s < AXV_VCPU_NR_STATES; s++)
		KUNIT_EXPECT_STRNEQ(test, axv_vcpu_state_name(s), "?");
	KUNIT_EXPECT_STREQ(test, axv_vcpu_state_name(AXV_VCPU_NR_STATES), "?");
	KUNIT_EXPECT_STREQ(test, axv_vcpu_state_name(-1), "?");
}

static void setup_by_role(struct kunit *test)
{
	struct axv_vcpu *bsp = test->priv, *ap;

	KUNIT_EXPECT_EQ(test, bsp->state, AXV_VCPU_CREATED);
	KUNIT_EXPECT_EQ(test, axv_vcpu_setup(bsp, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, bsp->state, AXV_VCPU_FREE);

	ap = kunit_kzalloc(test, sizeof(*ap), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ap);
	KUNIT_ASSERT_EQ(test, axv_vcpu_init(ap, 1, 1, 1, false), 0);
	/* One vCPU mutex at a time, as the ioctl paths take them. */
	mutex_unlock(&bsp->mutex);
	mutex_lock(&ap->mutex);
	KUNIT_EXPECT_EQ(test, axv_vcpu_setup(ap, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, ap->state, AXV_VCPU_WAIT_START);
	/* Setting up twice is a transition from the wrong state. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_setup(ap, NULL, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, ap->state, AXV_VCPU_INVALID);
	mutex_unlock(&ap->mutex);
	axv_vcpu_destroy(ap);
	mutex_lock(&bsp->mutex);
}

static void run_cycle(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	int calls = 0;

	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_FREE,
						  AXV_VCPU_READY, op_ok, &calls), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_READY,
						  AXV_VCPU_RUNNING, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_RUNNING,
						  AXV_VCPU_READY, op_ok, &calls), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_READY,
						  AXV_VCPU_FREE, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_FREE);
	KUNIT_EXPECT_EQ(test, calls, 2);
}

static void wrong_state_invalidates(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	int calls = 0;

	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	/* Free, not ready: the operation must not run. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_READY,
						  AXV_VCPU_RUNNING, op_ok, &calls),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, calls, 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_INVALID);
	/* Nothing leaves invalid but destruction. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_FREE,
						  AXV_VCPU_READY, NULL, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_stop(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_init_ipi(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_INVALID);
}

static void failed_op_invalidates(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_transition(vcpu, AXV_VCPU_FREE,
						  AXV_VCPU_READY, op_fail, NULL),
			-EIO);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_INVALID);
}

static void halt_and_wake(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_wake(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_FREE);
	axv_vcpu_transition(vcpu, AXV_VCPU_FREE, AXV_VCPU_READY, NULL, NULL);
	axv_vcpu_transition(vcpu, AXV_VCPU_READY, AXV_VCPU_RUNNING, NULL, NULL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_halt(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_BLOCKED);
	KUNIT_EXPECT_EQ(test, axv_vcpu_wake(vcpu), 1);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_READY);
	/* HLT is only possible from the guest. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_halt(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_INVALID);
}

static void pause_resume(struct kunit *test)
{
	static const enum axv_run_state pausable[] = {
		AXV_VCPU_FREE, AXV_VCPU_READY, AXV_VCPU_BLOCKED,
		AXV_VCPU_WAIT_START,
	};
	struct axv_vcpu *vcpu = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pausable); i++) {
		vcpu->state = pausable[i];
		KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), 0);
		KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_PAUSED);
		KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), -EALREADY);
		KUNIT_EXPECT_EQ(test, axv_vcpu_resume(vcpu), 0);
		KUNIT_EXPECT_EQ(test, vcpu->state, pausable[i]);
	}
	vcpu->state = AXV_VCPU_RUNNING;
	KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_RUNNING);
	KUNIT_EXPECT_EQ(test, axv_vcpu_resume(vcpu), -EINVAL);
	vcpu->state = AXV_VCPU_CREATED;
	KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), -EINVAL);
}

static void stop_is_final(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	vcpu->state = AXV_VCPU_RUNNING;
	KUNIT_EXPECT_EQ(test, axv_vcpu_stop(vcpu), -EINVAL);
	vcpu->state = AXV_VCPU_BLOCKED;
	KUNIT_EXPECT_EQ(test, axv_vcpu_stop(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_STOPPED);
	KUNIT_EXPECT_EQ(test, axv_vcpu_stop(vcpu), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_init_ipi(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_start(vcpu, 0x10), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_resume(vcpu), -EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_STOPPED);
}

static void init_and_start(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	KUNIT_ASSERT_EQ(test, axv_vcpu_set_bsp(vcpu, false), 0);
	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_WAIT_START);

	KUNIT_EXPECT_EQ(test, axv_vcpu_start(vcpu, 0x9a), 1);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_FREE);
	KUNIT_EXPECT_EQ(test, axv_vcpu_start_entry(vcpu), 0x9a000);
	/* The second SIPI of INIT-SIPI-SIPI finds it started: ignored. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_start(vcpu, 0x10), 0);
	KUNIT_EXPECT_EQ(test, vcpu->sipi_vector, 0x9a);

	/* INIT puts a running vCPU back to waiting. */
	vcpu->state = AXV_VCPU_RUNNING;
	KUNIT_EXPECT_EQ(test, axv_vcpu_init_ipi(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_WAIT_START);
	KUNIT_EXPECT_EQ(test, axv_vcpu_start(vcpu, 0xff), 1);
	KUNIT_EXPECT_EQ(test, axv_vcpu_start_entry(vcpu), 0xff000);

	/* INIT while paused takes effect on resume. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_pause(vcpu), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_init_ipi(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_PAUSED);
	KUNIT_EXPECT_EQ(test, axv_vcpu_resume(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_WAIT_START);
}

static void start_without_init_ignored(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_start(vcpu, 0x20), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_FREE);
	KUNIT_EXPECT_EQ(test, vcpu->sipi_vector, 0);
}

static void role_changes(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	KUNIT_ASSERT_EQ(test, axv_vcpu_setup(vcpu, NULL, NULL), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_bsp(vcpu, false), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_WAIT_START);
	KUNIT_EXPECT_FALSE(test, vcpu->bsp);
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_bsp(vcpu, true), 0);
	KUNIT_EXPECT_EQ(test, vcpu->state, AXV_VCPU_FREE);

	vcpu->state = AXV_VCPU_RUNNING;
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_bsp(vcpu, false), -EINVAL);
	vcpu->state = AXV_VCPU_FREE;
	/* Fixed once the vCPU has run. */
	axv_vcpu_account_exit(vcpu, 1, 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_bsp(vcpu, false), -EBUSY);
	KUNIT_EXPECT_TRUE(test, vcpu->bsp);
}

static void affinity(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	unsigned int first = cpumask_first(cpu_possible_mask);
	cpumask_var_t mask;

	KUNIT_ASSERT_TRUE(test, zalloc_cpumask_var(&mask, GFP_KERNEL));
	KUNIT_EXPECT_EQ(test, vcpu->favoured_cpu, -1);
	KUNIT_EXPECT_TRUE(test, axv_vcpu_may_run_on(vcpu, first));

	KUNIT_EXPECT_EQ(test, axv_vcpu_set_affinity(vcpu, -1, mask), -EINVAL);
	cpumask_set_cpu(first, mask);
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_affinity(vcpu, first, mask), 0);
	KUNIT_EXPECT_EQ(test, vcpu->favoured_cpu, first);
	KUNIT_EXPECT_FALSE(test, axv_vcpu_may_run_on(vcpu, first + 1));
	KUNIT_EXPECT_FALSE(test, axv_vcpu_may_run_on(vcpu, nr_cpu_ids));
	/* The favoured CPU must be allowed. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_affinity(vcpu, first + 1, mask),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_affinity(vcpu, -2, mask), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_affinity(vcpu, nr_cpu_ids, mask),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vcpu->favoured_cpu, first);
	free_cpumask_var(mask);
}

static void accounting(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;

	axv_vcpu_account_exit(vcpu, 100, 3);
	axv_vcpu_account_exit(vcpu, 250, 3);
	axv_vcpu_account_exit(vcpu, 1, 1000);
	KUNIT_EXPECT_EQ(test, vcpu->exec_ns, 351);
	KUNIT_EXPECT_EQ(test, vcpu->exits[3], 2);
	KUNIT_EXPECT_EQ(test, vcpu->exits[AXV_VCPU_NR_EXIT_COUNTERS - 1], 1);
	KUNIT_EXPECT_TRUE(test, vcpu->ran);
}

static struct axv_ipi ipi(u8 kind, u8 vector)
{
	return (struct axv_ipi){ .kind = kind, .vector = vector, .source = 7 };
}

static void ipi_fifo_and_coalescing(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	struct axv_ipi a = ipi(AXV_IPI_FIXED, 0x30), b = ipi(AXV_IPI_NMI, 0);
	struct axv_ipi c = ipi(AXV_IPI_FIXED, 0x31), got;

	KUNIT_EXPECT_FALSE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &a), 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &b), 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &a), 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &c), 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_count(&vcpu->ipis), 3);
	KUNIT_EXPECT_EQ(test, vcpu->ipis.coalesced, 1);

	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.vector, 0x30);
	KUNIT_EXPECT_EQ(test, got.source, 7);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.kind, AXV_IPI_NMI);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.vector, 0x31);
	KUNIT_EXPECT_FALSE(test, axv_ipi_pop(&vcpu->ipis, &got));

	/* Once taken, the same IPI queues again. */
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &a), 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_count(&vcpu->ipis), 1);

	got = ipi(AXV_IPI_START + 1, 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &got), -EINVAL);
}

/*
 * The merging rules bound the queue: every fixed vector, an NMI, an INIT
 * and starts, sent over and over, never fill it.
 */
static void ipi_never_fills(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	struct axv_ipi one;
	unsigned int round, v;

	one = ipi(AXV_IPI_INIT, 0);
	KUNIT_ASSERT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &one), 0);
	for (round = 0; round < 3; round++) {
		for (v = 0; v < 256; v++) {
			one = ipi(AXV_IPI_FIXED, v);
			KUNIT_ASSERT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &one), 0);
			one = ipi(AXV_IPI_START, v);
			KUNIT_ASSERT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &one), 0);
			one = ipi(AXV_IPI_NMI, 0);
			KUNIT_ASSERT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &one), 0);
		}
	}
	/* INIT, 256 fixed, one start, one NMI. */
	KUNIT_EXPECT_EQ(test, axv_ipi_count(&vcpu->ipis), 259);
	KUNIT_EXPECT_LE(test, axv_ipi_count(&vcpu->ipis), AXV_IPI_QUEUE_LEN);
	KUNIT_EXPECT_EQ(test, vcpu->ipis.overflows, 0);
}

/* An INIT drops what was pending but NMIs; what follows it queues again. */
static void ipi_init_drops_pending(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	struct axv_ipi one, got;

	one = ipi(AXV_IPI_FIXED, 0x40);
	axv_ipi_deliver(&vcpu->ipis, &one);
	one = ipi(AXV_IPI_NMI, 0);
	axv_ipi_deliver(&vcpu->ipis, &one);
	one = ipi(AXV_IPI_START, 0x10);
	axv_ipi_deliver(&vcpu->ipis, &one);
	one = ipi(AXV_IPI_INIT, 0);
	KUNIT_EXPECT_EQ(test, axv_ipi_deliver(&vcpu->ipis, &one), 0);
	one = ipi(AXV_IPI_START, 0x20);
	axv_ipi_deliver(&vcpu->ipis, &one);
	/* A second start while one is pending is the one the SDM ignores. */
	one = ipi(AXV_IPI_START, 0x30);
	axv_ipi_deliver(&vcpu->ipis, &one);
	one = ipi(AXV_IPI_FIXED, 0x40);
	axv_ipi_deliver(&vcpu->ipis, &one);

	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.kind, AXV_IPI_NMI);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.kind, AXV_IPI_INIT);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.kind, AXV_IPI_START);
	KUNIT_EXPECT_EQ(test, got.vector, 0x20);
	KUNIT_ASSERT_TRUE(test, axv_ipi_pop(&vcpu->ipis, &got));
	KUNIT_EXPECT_EQ(test, got.kind, AXV_IPI_FIXED);
	KUNIT_EXPECT_FALSE(test, axv_ipi_pop(&vcpu->ipis, &got));
	/* The fixed IPI, the start and the earlier INIT's victims. */
	KUNIT_EXPECT_EQ(test, vcpu->ipis.coalesced, 3);
}

/* Each CPU sends its own vectors with interrupts off, all at once. */
#define IPIS_PER_CPU	8

static void ipi_send_from_this_cpu(void *data)
{
	struct axv_ipi_queue *q = data;
	unsigned int cpu = smp_processor_id(), i;
	struct axv_ipi one;

	for (i = 0; i < IPIS_PER_CPU; i++) {
		one = ipi(AXV_IPI_FIXED, cpu * IPIS_PER_CPU + i);
		one.source = cpu;
		axv_ipi_deliver(q, &one);
	}
}

static void ipi_concurrent_senders(struct kunit *test)
{
	struct axv_vcpu *vcpu = test->priv;
	DECLARE_BITMAP(seen, 256) = { };
	unsigned int senders = 0, cpu;
	struct axv_ipi got;

	for_each_online_cpu(cpu)
		if (cpu < 256 / IPIS_PER_CPU)
			senders++;
	if (senders != num_online_cpus())
		kunit_skip(test, "more CPUs than the queue has room for");

	on_each_cpu(ipi_send_from_this_cpu, &vcpu->ipis, 1);
	KUNIT_EXPECT_EQ(test, axv_ipi_count(&vcpu->ipis),
			senders * IPIS_PER_CPU);
	while (axv_ipi_pop(&vcpu->ipis, &got)) {
		KUNIT_EXPECT_FALSE(test, test_and_set_bit(got.vector, seen));
		KUNIT_EXPECT_EQ(test, got.source, got.vector / IPIS_PER_CPU);
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, 256),
			senders * IPIS_PER_CPU);
	KUNIT_EXPECT_EQ(test, vcpu->ipis.overflows, 0);
}

static struct kunit_case vcpu_test_cases[] = {
	KUNIT_CASE(state_names),
	KUNIT_CASE(setup_by_role),
	KUNIT_CASE(run_cycle),
	KUNIT_CASE(wrong_state_invalidates),
	KUNIT_CASE(failed_op_invalidates),
	KUNIT_CASE(halt_and_wake),
	KUNIT_CASE(pause_resume),
	KUNIT_CASE(stop_is_final),
	KUNIT_CASE(init_and_start),
	KUNIT_CASE(start_without_init_ignored),
	KUNIT_CASE(role_changes),
	KUNIT_CASE(affinity),
	KUNIT_CASE(accounting),
	KUNIT_CASE(ipi_fifo_and_coalescing),
	KUNIT_CASE(ipi_never_fills),
	KUNIT_CASE(ipi_init_drops_pending),
	KUNIT_CASE(ipi_concurrent_senders),
	{ }
};

static struct kunit_suite vcpu_test_suite = {
	.name = "axvcpu_vcpu",
	.init = vcpu_test_init,
	.exit = vcpu_test_exit,
	.test_cases = vcpu_test_cases,
};

kunit_test_suites(&vcpu_test_suite);
