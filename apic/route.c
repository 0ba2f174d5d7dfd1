// SPDX-License-Identifier: GPL-2.0
/*
 * Delivering an interrupt message to the local APICs of a VM's vCPUs:
 * the guest's ICR writes and AXV_SEND_IRQ from userspace.  The message
 * goes into each target's IPI queue, and the target is notified
 * (axv_vcpu_send_ipi()); the target's own thread applies it.
 *
 * Locking: the VM's lock is held across the walk, so that no vCPU goes
 * away under it; a sender holding its own vCPU mutex takes it after,
 * which is the documented order (vcpu/run.c).  The targets' registers
 * are read without their owners' locks (include/axvcpu/lapic.h).
 */
#include <linux/kernel.h>
#include <linux/mutex.h>
#include <linux/printk.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/lapic_route.h>
#include <axvcpu/vcpu.h>

static bool lapic_route_names(const struct axv_vcpu *vcpu,
			      const struct axv_vcpu *src,
			      const struct lapic_icr *msg)
{
	const struct lapic *apic = vcpu->irqchip;

	switch (msg->shorthand) {
	case LAPIC_SH_SELF:
		return vcpu == src;
	case LAPIC_SH_ALL:
		return lapic_hw_enabled(apic);
	case LAPIC_SH_OTHERS:
		return vcpu != src && lapic_hw_enabled(apic);
	default:
		return lapic_match_dest(apic, msg);
	}
}

/* Lowest priority: the target with the lowest task priority, the first on a tie. */
static struct axv_vcpu *lapic_route_lowest(struct axv_vm *vm,
					   struct axv_vcpu *src,
					   const struct lapic_icr *msg)
{
	struct axv_vcpu *best = NULL;
	u32 best_tpr = U32_MAX;
	unsigned int i;

	for (i = 0; i < AXV_MAX_VCPUS; i++) {
		struct axv_vcpu *vcpu = vm->vcpus[i];
		u32 tpr;

		if (!vcpu || !vcpu->irqchip ||
		    !lapic_route_names(vcpu, src, msg) ||
		    !lapic_sw_enabled(vcpu->irqchip))
			continue;
		tpr = READ_ONCE(((struct lapic *)vcpu->irqchip)->regs[APIC_TASKPRI >> 2]) & 0xff;
		if (tpr < best_tpr) {
			best = vcpu;
			best_tpr = tpr;
		}
	}
	return best;
}

/* Queue @ipi for @vcpu and count what it reached.  VM lock held. */
static void lapic_route_one(struct axv_vcpu *vcpu, const struct axv_ipi *ipi,
			    struct lapic_route_result *res)
{
	bool waiting = READ_ONCE(vcpu->state) == AXV_VCPU_WAIT_START;

	/* A software-disabled APIC accepts no fixed interrupt (10.4.7.2). */
	if (ipi->kind == AXV_IPI_FIXED && !lapic_sw_enabled(vcpu->irqchip))
		return;
	if (axv_vcpu_send_ipi(vcpu, ipi)) {
		pr_warn_ratelimited("VM %u vCPU %u: IPI queue full, IPI kind %u vector %#x lost\n",
				    vcpu->vm_id, vcpu->id, ipi->kind, ipi->vector);
		return;
	}
	res->accepted++;
	if (ipi->kind == AXV_IPI_START && waiting) {
		res->started++;
		res->started_id = res->started == 1 ? vcpu->apic_id : U32_MAX;
	}
}

int lapic_route(struct axv_vm *vm, struct axv_vcpu *src,
		const struct lapic_icr *msg, struct lapic_route_result *res)
{
	struct axv_ipi ipi = {
		.vector = msg->vector,
		.source = src ? src->apic_id : U32_MAX,
	};
	unsigned int i;

	memset(res, 0, sizeof(*res));
	switch (msg->mode) {
	case LAPIC_DM_FIXED:
	case LAPIC_DM_LOWEST:
		if (msg->vector < LAPIC_FIRST_VECTOR)
			return -EINVAL;
		ipi.kind = AXV_IPI_FIXED;
		ipi.flags = msg->level ? AXV_IPI_F_LEVEL : 0;
		break;
	case LAPIC_DM_NMI:
		ipi.kind = AXV_IPI_NMI;
		ipi.vector = 0;
		break;
	case LAPIC_DM_INIT:
		if (msg->level_deassert)
			return 0;
		ipi.kind = AXV_IPI_INIT;
		ipi.vector = 0;
		break;
	case LAPIC_DM_STARTUP:
		ipi.kind = AXV_IPI_START;
		break;
	default:
		/* SMI, remote read, ExtINT: there is nothing to model them with. */
		return -EOPNOTSUPP;
	}

	mutex_lock(&vm->lock);
	if (msg->mode == LAPIC_DM_LOWEST && msg->shorthand != LAPIC_SH_SELF) {
		struct axv_vcpu *vcpu = lapic_route_lowest(vm, src, msg);

		if (vcpu)
			lapic_route_one(vcpu, &ipi, res);
		goto out_unlock;
	}
	for (i = 0; i < AXV_MAX_VCPUS; i++) {
		struct axv_vcpu *vcpu = vm->vcpus[i];

		if (vcpu && vcpu->irqchip && lapic_route_names(vcpu, src, msg))
			lapic_route_one(vcpu, &ipi, res);
	}
out_unlock:
	mutex_unlock(&vm->lock);
	return 0;
}
