// SPDX-License-Identifier: GPL-2.0
/*
 * The architecture-neutral vCPU: state machine, role, start vector,
 * affinity and accounting.  See include/axvcpu/vcpu.h for the states and
 * Documentation/design.rst for the diagram.
 */
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/gfp.h>
#include <linux/lockdep.h>
#include <linux/slab.h>

#include <axvcpu/vcpu.h>

static const char *const axv_vcpu_state_names[AXV_VCPU_NR_STATES] = {
	[AXV_VCPU_INVALID] = "invalid",
	[AXV_VCPU_CREATED] = "created",
	[AXV_VCPU_FREE] = "free",
	[AXV_VCPU_READY] = "ready",
	[AXV_VCPU_RUNNING] = "running",
	[AXV_VCPU_BLOCKED] = "blocked",
	[AXV_VCPU_WAIT_START] = "wait-start",
	[AXV_VCPU_PAUSED] = "paused",
	[AXV_VCPU_STOPPED] = "stopped",
};

const char *axv_vcpu_state_name(enum axv_run_state state)
{
	if ((unsigned int)state >= AXV_VCPU_NR_STATES)
		return "?";
	return axv_vcpu_state_names[state];
}

int axv_vcpu_init(struct axv_vcpu *vcpu, unsigned int vm_id, unsigned int id,
		  u32 apic_id, bool bsp)
{
	if (!zalloc_cpumask_var(&vcpu->allowed_cpus, GFP_KERNEL_ACCOUNT))
		return -ENOMEM;
	BUILD_BUG_ON(sizeof(*vcpu->run) > PAGE_SIZE);
	vcpu->run = (struct axv_run *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		free_cpumask_var(vcpu->allowed_cpus);
		return -ENOMEM;
	}
	init_waitqueue_head(&vcpu->wq);
	cpumask_copy(vcpu->allowed_cpus, cpu_possible_mask);
	vcpu->vm_id = vm_id;
	vcpu->id = id;
	vcpu->apic_id = apic_id;
	vcpu->bsp = bsp;
	vcpu->state = AXV_VCPU_CREATED;
	vcpu->favoured_cpu = -1;
	axv_ipi_queue_init(&vcpu->ipis);
	mutex_init(&vcpu->mutex);
	return 0;
}

void axv_vcpu_destroy(struct axv_vcpu *vcpu)
{
	mutex_destroy(&vcpu->mutex);
	free_page((unsigned long)vcpu->run);
	free_cpumask_var(vcpu->allowed_cpus);
}

static void axv_vcpu_set_state(struct axv_vcpu *vcpu, enum axv_run_state to)
{
	lockdep_assert_held(&vcpu->mutex);
	WRITE_ONCE(vcpu->state, to);
}

int axv_vcpu_transition(struct axv_vcpu *vcpu, enum axv_run_state from,
			enum axv_run_state to,
			int (*op)(struct axv_vcpu *vcpu, void *arg), void *arg)
{
	int err = 0;

	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state != from) {
		pr_info_ratelimited("VM %u vCPU %u: %s -> %s attempted in state %s; vCPU is now invalid\n",
				    vcpu->vm_id, vcpu->id,
				    axv_vcpu_state_name(from),
				    axv_vcpu_state_name(to),
				    axv_vcpu_state_name(vcpu->state));
		axv_vcpu_set_state(vcpu, AXV_VCPU_INVALID);
		return -EINVAL;
	}
	if (op)
		err = op(vcpu, arg);
	axv_vcpu_set_state(vcpu, err ? AXV_VCPU_INVALID : to);
	return err;
}

/* Where a vCPU of this role stands once set up, or after a role change. */
static enum axv_run_state axv_vcpu_initial_state(bool bsp)
{
	return bsp ? AXV_VCPU_FREE : AXV_VCPU_WAIT_START;
}

int axv_vcpu_set_bsp(struct axv_vcpu *vcpu, bool bsp)
{
	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->ran)
		return -EBUSY;
	switch (vcpu->state) {
	case AXV_VCPU_CREATED:
		break;
	case AXV_VCPU_FREE:
	case AXV_VCPU_WAIT_START:
		axv_vcpu_set_state(vcpu, axv_vcpu_initial_state(bsp));
		break;
	default:
		return -EINVAL;
	}
	vcpu->bsp = bsp;
	return 0;
}

int axv_vcpu_setup(struct axv_vcpu *vcpu,
		   int (*op)(struct axv_vcpu *vcpu, void *arg), void *arg)
{
	return axv_vcpu_transition(vcpu, AXV_VCPU_CREATED,
				   axv_vcpu_initial_state(vcpu->bsp), op, arg);
}

int axv_vcpu_init_ipi(struct axv_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	switch (vcpu->state) {
	case AXV_VCPU_INVALID:
	case AXV_VCPU_STOPPED:
	case AXV_VCPU_CREATED:
		return -EINVAL;
	case AXV_VCPU_PAUSED:
		/* Takes effect on resume. */
		vcpu->paused_from = AXV_VCPU_WAIT_START;
		return 0;
	default:
		axv_vcpu_set_state(vcpu, AXV_VCPU_WAIT_START);
		return 0;
	}
}

int axv_vcpu_start(struct axv_vcpu *vcpu, u8 vector)
{
	lockdep_assert_held(&vcpu->mutex);
	/* SDM Vol. 3, 10.4.7.3: a SIPI outside wait-for-SIPI is ignored. */
	if (vcpu->state != AXV_VCPU_WAIT_START)
		return 0;
	vcpu->sipi_vector = vector;
	axv_vcpu_set_state(vcpu, AXV_VCPU_FREE);
	return 1;
}

u64 axv_vcpu_start_entry(const struct axv_vcpu *vcpu)
{
	return (u64)vcpu->sipi_vector << 12;
}

int axv_vcpu_halt(struct axv_vcpu *vcpu)
{
	return axv_vcpu_transition(vcpu, AXV_VCPU_RUNNING, AXV_VCPU_BLOCKED,
				   NULL, NULL);
}

int axv_vcpu_wake(struct axv_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state != AXV_VCPU_BLOCKED)
		return 0;
	axv_vcpu_set_state(vcpu, AXV_VCPU_READY);
	return 1;
}

int axv_vcpu_pause(struct axv_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	switch (vcpu->state) {
	case AXV_VCPU_FREE:
	case AXV_VCPU_READY:
	case AXV_VCPU_BLOCKED:
	case AXV_VCPU_WAIT_START:
		vcpu->paused_from = vcpu->state;
		axv_vcpu_set_state(vcpu, AXV_VCPU_PAUSED);
		return 0;
	case AXV_VCPU_PAUSED:
		return -EALREADY;
	default:
		return -EINVAL;
	}
}

int axv_vcpu_resume(struct axv_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state != AXV_VCPU_PAUSED)
		return -EINVAL;
	axv_vcpu_set_state(vcpu, vcpu->paused_from);
	return 0;
}

int axv_vcpu_stop(struct axv_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state == AXV_VCPU_RUNNING || vcpu->state == AXV_VCPU_INVALID)
		return -EINVAL;
	axv_vcpu_set_state(vcpu, AXV_VCPU_STOPPED);
	return 0;
}

int axv_vcpu_set_affinity(struct axv_vcpu *vcpu, int favoured,
			  const struct cpumask *allowed)
{
	lockdep_assert_held(&vcpu->mutex);
	if (!cpumask_intersects(allowed, cpu_possible_mask))
		return -EINVAL;
	if (favoured != -1 &&
	    (favoured < 0 || favoured >= nr_cpu_ids ||
	     !cpumask_test_cpu(favoured, allowed)))
		return -EINVAL;
	cpumask_and(vcpu->allowed_cpus, allowed, cpu_possible_mask);
	vcpu->favoured_cpu = favoured;
	return 0;
}

bool axv_vcpu_may_run_on(const struct axv_vcpu *vcpu, unsigned int cpu)
{
	return cpu < nr_cpu_ids && cpumask_test_cpu(cpu, vcpu->allowed_cpus);
}

void axv_vcpu_account_exit(struct axv_vcpu *vcpu, u64 guest_ns,
			   unsigned int reason)
{
	lockdep_assert_held(&vcpu->mutex);
	vcpu->exec_ns += guest_ns;
	vcpu->exits[min_t(unsigned int, reason,
			  AXV_VCPU_NR_EXIT_COUNTERS - 1)]++;
	vcpu->ran = true;
}
