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
 *
 * Events (an IPI queued, a timer expiry) follow the same protocol with
 * AXV_VCPU_REQ_EVENT: the sender queues, then sets the bit, wakes and
 * kicks; the owner clears the bit before it looks at its queue, so an
 * event queued after that look sets the bit again and stops the entry.
 *
 * Lock order: the vCPU's mutex, then the VM's lock (a vCPU sending an IPI
 * walks the VM's vCPUs), then a target's IPI-queue spinlock.  Nothing is
 * taken inside the queue lock; the wake-up and the kick need no lock.
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

int axv_vcpu_enter_running(struct axv_vcpu *vcpu)
{
	int err;

	err = axv_vcpu_transition(vcpu, AXV_VCPU_FREE, AXV_VCPU_READY,
				  axv_vcpu_bind_op, NULL);
	if (err)
		return err;
	return axv_vcpu_transition(vcpu, AXV_VCPU_READY, AXV_VCPU_RUNNING,
				   NULL, NULL);
}

/* AXV_RUN returns without entering the guest. */
static void axv_vcpu_exit_idle(struct axv_vcpu *vcpu, u32 reason)
{
	struct axv_run *run = vcpu->run;

	run->exit_reason = reason;
	run->flags = 0;
	run->hw_exit_reason = 0;
	run->rip = 0;
	axv_vcpu_account_exit(vcpu, 0, reason);
}

void axv_vcpu_take_events(struct axv_vcpu *vcpu)
{
	clear_bit(AXV_VCPU_REQ_EVENT, &vcpu->requests);
	/* Pairs with the barrier in axv_vcpu_notify(). */
	smp_mb__after_atomic();
	vcpu->vm->virt->ops->vcpu_deliver(vcpu);
}

int axv_vcpu_await_start(struct axv_vcpu *vcpu)
{
	lockdep_assert_held(&vcpu->mutex);
	for (;;) {
		axv_vcpu_take_events(vcpu);
		if (vcpu->state != AXV_VCPU_WAIT_START)
			return 0;
		if (axv_vcpu_take_kick(vcpu)) {
			axv_vcpu_exit_idle(vcpu, AXV_EXIT_KICKED);
			return 1;
		}
		if (signal_pending(current) || READ_ONCE(vcpu->run->immediate_exit)) {
			axv_vcpu_exit_idle(vcpu, AXV_EXIT_INTR);
			return -EINTR;
		}
		wait_event_interruptible(vcpu->wq,
					 test_bit(AXV_VCPU_REQ_EVENT, &vcpu->requests) ||
					 test_bit(AXV_VCPU_REQ_KICK, &vcpu->requests));
	}
}

int axv_vcpu_run(struct axv_vcpu *vcpu)
{
	const struct axv_arch_ops *ops = vcpu->vm->virt->ops;
	int err;

	lockdep_assert_held(&vcpu->mutex);
	/* With the interrupt controller in the kernel, an AP waits here. */
	if (vcpu->state == AXV_VCPU_WAIT_START && vcpu->vm->irqchip) {
		err = axv_vcpu_await_start(vcpu);
		if (err)
			return err > 0 ? 0 : err;
	}
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
	/*
	 * From here the VM-wide set-up that must precede running is closed:
	 * the first RUN says so under the VM's lock, where set-up looks.
	 */
	if (!vcpu->ran) {
		mutex_lock(&vcpu->vm->lock);
		vcpu->ran = true;
		mutex_unlock(&vcpu->vm->lock);
	}
	err = axv_vcpu_enter_running(vcpu);
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

void axv_vcpu_notify(struct axv_vcpu *vcpu)
{
	set_bit(AXV_VCPU_REQ_EVENT, &vcpu->requests);
	/* Order the request before the backend's look at the vCPU's mode. */
	smp_mb__after_atomic();
	wake_up_interruptible(&vcpu->wq);
	vcpu->vm->virt->ops->vcpu_kick(vcpu);
}

int axv_vcpu_send_ipi(struct axv_vcpu *vcpu, const struct axv_ipi *ipi)
{
	int err = axv_ipi_deliver(&vcpu->ipis, ipi);

	if (!err)
		axv_vcpu_notify(vcpu);
	return err;
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
