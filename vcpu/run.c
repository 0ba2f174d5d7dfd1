// SPDX-License-Identifier: GPL-2.0
/*
 * Running a vCPU: the states it passes through around the backend's run
 * loop, kicks, and the halted sleep.
 *
 * Kick protocol: the kicker sets AXV_VCPU_REQ_KICK, then wakes a halted
 * vCPU and asks the backend to interrupt one in the guest.  The backend
 * tests the requests with interrupts off after it has published that it
 * is about to enter, so that either it sees the request or the kicker's
 * interrupt reaches it in the guest and makes it exit.
 */
#include <linux/cpumask.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include <axvcpu/arch.h>
#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

/* Ready means bound to this CPU: the backend's part of it. */
static int axv_vcpu_bind_op(struct axv_vcpu *vcpu, void *unused)
{
	vcpu->vm->virt->ops->vcpu_bind(vcpu);
	return 0;
}

static int axv_vcpu_unbind_op(struct axv_vcpu *vcpu, void *unused)
{
	vcpu->vm->virt->ops->vcpu_unbind(vcpu);
	return 0;
}

int axv_vcpu_run(struct axv_vcpu *vcpu)
{
	const struct axv_arch_ops *ops = vcpu->vm->virt->ops;
	int err;

	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state != AXV_VCPU_FREE)
		return -EINVAL;
	/*
	 * The calling thread runs the vCPU: it is confined to the vCPU's
	 * allowed CPUs (its affinity stays so after AXV_RUN returns).
	 */
	if (!cpumask_subset(current->cpus_ptr, vcpu->allowed_cpus)) {
		err = set_cpus_allowed_ptr(current, vcpu->allowed_cpus);
		if (err)
			return err;
	}
	/* From here the VM-wide set-up that must precede running is closed. */
	mutex_lock(&vcpu->vm->lock);
	vcpu->ran = true;
	mutex_unlock(&vcpu->vm->lock);
	err = axv_vcpu_transition(vcpu, AXV_VCPU_FREE, AXV_VCPU_READY,
				  axv_vcpu_bind_op, NULL);
	if (err)
		return err;
	err = axv_vcpu_transition(vcpu, AXV_VCPU_READY, AXV_VCPU_RUNNING,
				  NULL, NULL);
	if (err)
		return err;

	err = ops->vcpu_run(vcpu);

	/* The backend leaves it running, or invalid after a host failure. */
	if (vcpu->state == AXV_VCPU_RUNNING) {
		axv_vcpu_transition(vcpu, AXV_VCPU_RUNNING, AXV_VCPU_READY,
				    NULL, NULL);
		axv_vcpu_transition(vcpu, AXV_VCPU_READY, AXV_VCPU_FREE,
				    axv_vcpu_unbind_op, NULL);
	}
	return err;
}

int axv_vcpu_inject(struct axv_vcpu *vcpu, u32 vector, bool nmi)
{
	lockdep_assert_held(&vcpu->mutex);
	if (vcpu->state == AXV_VCPU_INVALID || vcpu->state == AXV_VCPU_STOPPED)
		return -EINVAL;
	return vcpu->vm->virt->ops->vcpu_inject(vcpu, vector, nmi);
}

void axv_vcpu_kick(struct axv_vcpu *vcpu)
{
	set_bit(AXV_VCPU_REQ_KICK, &vcpu->requests);
	/* Order the request before the backend's look at the vCPU's mode. */
	smp_mb__after_atomic();
	wake_up_interruptible(&vcpu->wq);
	vcpu->vm->virt->ops->vcpu_kick(vcpu);
}

bool axv_vcpu_take_kick(struct axv_vcpu *vcpu)
{
	return test_and_clear_bit(AXV_VCPU_REQ_KICK, &vcpu->requests);
}

int axv_vcpu_block(struct axv_vcpu *vcpu,
		   bool (*can_wake)(struct axv_vcpu *vcpu))
{
	int err;

	err = axv_vcpu_halt(vcpu);
	if (err)
		return err;
	/* Interrupted by a signal: the caller sees it pending and returns. */
	wait_event_interruptible(vcpu->wq,
				 can_wake(vcpu) ||
				 test_bit(AXV_VCPU_REQ_KICK, &vcpu->requests));
	axv_vcpu_wake(vcpu);
	return axv_vcpu_transition(vcpu, AXV_VCPU_READY, AXV_VCPU_RUNNING,
				   NULL, NULL);
}
