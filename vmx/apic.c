// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel local APIC of a VMX vCPU (apic/ holds the model): where
 * the guest reaches it (the xAPIC page through EPT violations, the x2APIC
 * MSRs, IA32_APIC_BASE, IA32_TSC_DEADLINE, CR8), how its interrupts are
 * injected, the IPIs it sends, and its ioctls.
 *
 * With a TPR shadow the APIC's register page is the virtual-APIC page:
 * MOV to CR8 in 64-bit mode writes the TPR without an exit, and the TPR
 * threshold makes the guest exit when it lowers its TPR under a pending
 * interrupt's class (SDM Vol. 3, 29.1.2).
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/msr-index.h>
#include <asm/vmx.h>

#include <axvcpu/core.h>
#include <axvcpu/lapic.h>
#include <axvcpu/lapic_route.h>
#include <axvcpu/vcpu.h>
#include <axvcpu/vmx.h>

#include "vmcs.h"
#include "vmx_vcpu.h"

static void vmx_apic_notify(struct lapic *apic)
{
	axv_vcpu_notify(apic->owner);
}

int vmx_apic_create(struct vmx_vcpu *vmx)
{
	struct axv_vcpu *vcpu = vmx->vcpu;
	struct lapic *apic;
	int err;

	if (!vcpu->vm->irqchip)
		return 0;
	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	err = lapic_init(apic, vmx->vapic ? page_address(vmx->vapic) : NULL,
			 vcpu->apic_id, vcpu->bsp, vmx_apic_notify, vcpu);
	if (err) {
		kfree(apic);
		return err;
	}
	vmx->lapic = apic;
	vcpu->irqchip = apic;
	return 0;
}

void vmx_apic_destroy(struct vmx_vcpu *vmx)
{
	if (!vmx->lapic)
		return;
	lapic_destroy(vmx->lapic);
	kfree(vmx->lapic);
	vmx->lapic = NULL;
	vmx->vcpu->irqchip = NULL;
}

/* What an INIT leaves of the vCPU besides its APIC: nothing pending. */
static void vmx_apic_init_reset(struct vmx_vcpu *vmx)
{
	lapic_reset(vmx->lapic);
	vmx->halted = false;
	vmx->event.valid = false;
	vmx->pending = VMX_PENDING_NONE;
}

void vmx_vcpu_deliver(struct axv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct lapic *apic = vmx->lapic;
	struct axv_ipi ipi;

	while (axv_ipi_pop(&vcpu->ipis, &ipi)) {
		switch (ipi.kind) {
		case AXV_IPI_FIXED:
			if (apic)
				lapic_accept(apic, ipi.vector,
					     ipi.flags & AXV_IPI_F_LEVEL);
			break;
		case AXV_IPI_NMI:
			vmx->nmi_pending = true;
			break;
		case AXV_IPI_INIT:
			if (!axv_vcpu_init_ipi(vcpu) && apic)
				vmx_apic_init_reset(vmx);
			break;
		case AXV_IPI_START:
			axv_vm_start_vcpu(vcpu, ipi.vector);
			break;
		}
	}
	if (apic)
		lapic_timer_take(apic);
}

int vmx_apic_pending(struct vmx_vcpu *vmx)
{
	if (vmx->lapic)
		return lapic_pending(vmx->lapic);
	return vmx->ext_pending ? vmx->ext_vector : -1;
}

void vmx_apic_taken(struct vmx_vcpu *vmx, u8 vector)
{
	if (vmx->lapic)
		lapic_ack(vmx->lapic, vector);
	else
		vmx->ext_pending = false;
}

/*
 * The TPR threshold: the class of the highest interrupt the TPR holds
 * back, so that lowering the TPR under it exits.  VMCS current.
 */
void vmx_apic_update_tpr_threshold(struct vmx_vcpu *vmx)
{
	u32 tpr, threshold = 0;
	int irr;

	if (!vmx->lapic || !vmx->vapic)
		return;
	/* Virtual-interrupt delivery does not use the threshold. */
	if (!vmx->apicv_on) {
		irr = lapic_highest_irr(vmx->lapic);
		tpr = vmx->lapic->regs[APIC_TASKPRI >> 2] & 0xff;
		if (irr >= 0 && (u32)(irr & 0xf0) <= (tpr & 0xf0))
			threshold = irr >> 4;
	}
	/* The processor never changes the field: write it when it changes. */
	if (threshold != vmx->tpr_threshold) {
		vmcs_write32(TPR_THRESHOLD, threshold);
		vmx->tpr_threshold = threshold;
	}
}

u64 vmx_apic_cr8(struct vmx_vcpu *vmx)
{
	if (vmx->lapic)
		return (vmx->lapic->regs[APIC_TASKPRI >> 2] >> 4) & 0xf;
	return vmx->vapic ? ((u32 *)page_address(vmx->vapic))[0x80 / 4] >> 4 : 0;
}

void vmx_apic_set_cr8(struct vmx_vcpu *vmx, u64 cr8)
{
	if (vmx->lapic)
		vmx->lapic->regs[APIC_TASKPRI >> 2] = (cr8 & 0xf) << 4;
	else if (vmx->vapic)
		((u32 *)page_address(vmx->vapic))[0x80 / 4] = (cr8 & 0xf) << 4;
}

bool vmx_apic_xapic(struct vmx_vcpu *vmx)
{
	return lapic_hw_enabled(vmx->lapic) && !lapic_x2apic(vmx->lapic);
}

/*
 * Registers are 32 bits at 16-byte boundaries (10.4.1); narrower reads
 * see their part of it, other writes are dropped as the SDM leaves them
 * undefined.
 */
u64 vmx_apic_mmio_read(struct vmx_vcpu *vmx, u32 offset, unsigned int size)
{
	u32 value;

	lapic_read(vmx->lapic, offset & ~0xfU, &value);
	if ((offset & 0xf) >= 4)
		return 0;
	value >>= (offset & 3) * 8;
	return size >= 4 ? value : value & (BIT(size * 8) - 1);
}

void vmx_apic_mmio_write(struct vmx_vcpu *vmx, u32 offset, unsigned int size,
			 u64 value)
{
	if (size != 4 || (offset & 0xf)) {
		pr_info_ratelimited("VM %u vCPU %u: APIC write of %u bytes at offset %#x dropped\n",
				    vmx->vcpu->vm_id, vmx->vcpu->id, size, offset);
		return;
	}
	lapic_write(vmx->lapic, offset, value);
}

int vmx_apic_msr_read(struct vmx_vcpu *vmx, u32 index, u64 *data)
{
	struct lapic *apic = vmx->lapic;

	if (index == MSR_IA32_TSC_DEADLINE) {
		*data = apic->tsc_deadline;
		return 0;
	}
	return lapic_rdmsr(apic, index, data);
}

int vmx_apic_msr_write(struct vmx_vcpu *vmx, u32 index, u64 data, bool host)
{
	struct lapic *apic = vmx->lapic;

	if (index == MSR_IA32_TSC_DEADLINE) {
		lapic_timer_set_deadline(apic, data);
		return 0;
	}
	if (index == MSR_IA32_APICBASE)
		return lapic_set_base(apic, data, host);
	/* Userspace sets the registers with AXV_SET_LAPIC, not as the guest. */
	if (host)
		return -EINVAL;
	return lapic_wrmsr(apic, index, data);
}

/*
 * Send what the guest wrote to ICR.  Preemption on, VMCS not held.
 * Returns 1 to go on, 0 with an AXV_EXIT_CPU_UP for userspace.
 */
int vmx_apic_send(struct vmx_vcpu *vmx)
{
	struct lapic *apic = vmx->lapic;
	struct axv_vcpu *vcpu = vmx->vcpu;
	struct lapic_route_result res;
	struct lapic_icr msg;
	struct axv_run *run;
	u64 icr;
	int err;

	apic->icr_pending = false;
	icr = apic->regs[APIC_ICR >> 2] |
	      (u64)apic->regs[APIC_ICR2 >> 2] << 32;
	lapic_icr_decode(icr, lapic_x2apic(apic), &msg);
	err = lapic_route(vcpu->vm, vcpu, &msg, &res);
	if (err == -EINVAL) {
		apic->esr_pending |= APIC_ESR_SENDILL;
		return 1;
	}
	if (err) {
		pr_info_ratelimited("VM %u vCPU %u: IPI with delivery mode %u not supported, dropped\n",
				    vcpu->vm_id, vcpu->id, msg.mode);
		return 1;
	}
	if (!res.started)
		return 1;
	run = vcpu->run;
	vmx_vcpu_get(vmx);
	vmx->exit_reason = 0;
	vmx_user_exit(vmx, AXV_EXIT_CPU_UP);
	vmx_vcpu_put(vmx);
	run->cpu_up.target_apic_id = res.started_id;
	run->cpu_up.pad = 0;
	run->cpu_up.entry = (u64)msg.vector << 12;
	run->cpu_up.arg = res.started;
	vmx_count(vmx, AXV_EXIT_CPU_UP);
	return 0;
}

void vmx_apic_eoi_exit(struct vmx_vcpu *vmx)
{
	int vector = lapic_eoi_take(vmx->lapic);

	vmx_exit_without_guest(vmx, AXV_EXIT_EOI);
	vmx->vcpu->run->eoi.vector = vector;
	vmx->vcpu->run->eoi.pad = 0;
}

/* Whether AXV_SEND_IRQ can send @irq. */
static bool vmx_irq_valid(const struct axv_irq *irq)
{
	if ((irq->flags & ~AXV_IRQ_F_ALL) || irq->pad ||
	    memchr_inv(irq->reserved, 0, sizeof(irq->reserved)))
		return false;
	/* An NMI has no vector, no priority to pick a target by, no EOI. */
	if (irq->flags & AXV_IRQ_F_NMI)
		return !irq->vector &&
		       !(irq->flags & (AXV_IRQ_F_LOWEST | AXV_IRQ_F_LEVEL));
	return irq->vector >= 32 && irq->vector <= 255;
}

long vmx_vm_send_irq(struct axv_vm *vm, void __user *argp)
{
	struct lapic_route_result res;
	struct lapic_icr msg = { };
	struct axv_irq irq;
	int err;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (!vm->irqchip) {
		pr_info_ratelimited("VM %u: AXV_SEND_IRQ without AXV_VM_F_LAPIC\n",
				    vm->id);
		return -ENXIO;
	}
	if (!vmx_irq_valid(&irq)) {
		pr_info_ratelimited("VM %u: AXV_SEND_IRQ: bad vector %#x or flags %#x, or non-zero reserved fields\n",
				    vm->id, irq.vector, irq.flags);
		return -EINVAL;
	}
	msg.dest = irq.dest;
	msg.vector = irq.vector;
	msg.logical = irq.flags & AXV_IRQ_F_LOGICAL;
	msg.mode = (irq.flags & AXV_IRQ_F_NMI) ? LAPIC_DM_NMI :
		   (irq.flags & AXV_IRQ_F_LOWEST) ? LAPIC_DM_LOWEST :
		   LAPIC_DM_FIXED;
	msg.level = irq.flags & AXV_IRQ_F_LEVEL;
	/* A 32-bit destination is an x2APIC message; 0xff is xAPIC broadcast. */
	msg.x2apic = irq.dest > 0xff;
	err = lapic_route(vm, NULL, &msg, &res);
	return err ? err : res.accepted;
}

long vmx_apic_get_state(struct vmx_vcpu *vmx, void __user *argp)
{
	struct axv_lapic_state *st;
	long ret = 0;
	u32 off;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	for (off = 0; off < AXV_LAPIC_REGS_SIZE; off += 0x10) {
		u32 v = vmx->lapic->regs[off >> 2];

		if (off == APIC_TMCCT || off == APIC_PROCPRI || off == APIC_ARBPRI)
			lapic_read(vmx->lapic, off, &v);
		memcpy(&st->regs[off], &v, sizeof(v));
	}
	if (copy_to_user(argp, st, sizeof(*st)))
		ret = -EFAULT;
	kfree(st);
	return ret;
}

long vmx_apic_set_state(struct vmx_vcpu *vmx, void __user *argp)
{
	struct lapic *apic = vmx->lapic;
	struct axv_lapic_state *st;
	long ret = 0;
	u32 off;

	st = memdup_user(argp, sizeof(*st));
	if (IS_ERR(st))
		return PTR_ERR(st);
	if (memchr_inv(st->reserved, 0, sizeof(st->reserved))) {
		pr_info_ratelimited("VM %u vCPU %u: AXV_SET_LAPIC: reserved fields must be zero\n",
				    vmx->vcpu->vm_id, vmx->vcpu->id);
		ret = -EINVAL;
		goto out_free;
	}
	/*
	 * The pending and in-service bits, TMR and the values a guest write
	 * would check are copied as they are; ID and version stay the
	 * vCPU's; the timer restarts from the initial count.
	 */
	for (off = 0; off < AXV_LAPIC_REGS_SIZE; off += 0x10) {
		u32 v;

		memcpy(&v, &st->regs[off], sizeof(v));
		if (off == APIC_ID || off == APIC_LVR || off == APIC_TMCCT ||
		    off == APIC_PROCPRI || off == APIC_ARBPRI ||
		    off == APIC_EOI || off == APIC_SELF_IPI)
			continue;
		if (lapic_x2apic(apic) && (off == APIC_LDR || off == APIC_DFR))
			continue;
		apic->regs[off >> 2] = v;
	}
	apic->icr_pending = false;
	lapic_timer_restart(apic);
out_free:
	kfree(st);
	return ret;
}
