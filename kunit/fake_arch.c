// SPDX-License-Identifier: GPL-2.0
/*
 * The fake backend.  It checks the contract as the real one would see it:
 * enable and disable run on the CPU concerned with interrupts off, enable
 * is never called twice without a disable, disable never without enable.
 */
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

#include "fake_arch.h"

struct fake_cpu {
	bool on;
	unsigned int enables;
	unsigned int contract_errors;
};

static DEFINE_PER_CPU(struct fake_cpu, fake_cpu);
static int fake_fail_cpu = -1;
static int fake_fail_err;
static atomic_t fake_vcpus = ATOMIC_INIT(0);
static int fake_vcpu_err;

void fake_arch_reset(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(&fake_cpu, cpu), 0, sizeof(struct fake_cpu));
	fake_fail_cpu = -1;
	fake_fail_err = 0;
	fake_vcpu_err = 0;
}

void fake_arch_fail_on(int cpu, int err)
{
	WRITE_ONCE(fake_fail_err, err);
	WRITE_ONCE(fake_fail_cpu, cpu);
}

bool fake_arch_cpu_on(unsigned int cpu)
{
	return per_cpu_ptr(&fake_cpu, cpu)->on;
}

unsigned int fake_arch_enables(unsigned int cpu)
{
	return per_cpu_ptr(&fake_cpu, cpu)->enables;
}

static int fake_cpu_enable(void)
{
	struct fake_cpu *c = this_cpu_ptr(&fake_cpu);

	if (!irqs_disabled() || c->on)
		c->contract_errors++;
	if (READ_ONCE(fake_fail_cpu) == smp_processor_id())
		return READ_ONCE(fake_fail_err);
	c->on = true;
	c->enables++;
	return 0;
}

static void fake_cpu_disable(void)
{
	struct fake_cpu *c = this_cpu_ptr(&fake_cpu);

	if (!irqs_disabled() || !c->on)
		c->contract_errors++;
	c->on = false;
}

static bool fake_cpu_hw_enabled(void)
{
	return this_cpu_ptr(&fake_cpu)->on;
}

static int fake_check_extension(unsigned int cap)
{
	return 0;
}

static long fake_dev_ioctl(unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

/* The arch state of a fake vCPU: something to allocate and free. */
static int fake_vcpu_setup(struct axv_vcpu *vcpu)
{
	if (READ_ONCE(fake_vcpu_err))
		return READ_ONCE(fake_vcpu_err);
	vcpu->arch = kzalloc(sizeof(int), GFP_KERNEL);
	if (!vcpu->arch)
		return -ENOMEM;
	atomic_inc(&fake_vcpus);
	return 0;
}

static void fake_vcpu_destroy(struct axv_vcpu *vcpu)
{
	kfree(vcpu->arch);
	vcpu->arch = NULL;
	atomic_dec(&fake_vcpus);
}

void fake_arch_fail_vcpu_setup(int err)
{
	WRITE_ONCE(fake_vcpu_err, err);
}

int fake_arch_live_vcpus(void)
{
	return atomic_read(&fake_vcpus);
}

static atomic_t fake_vms = ATOMIC_INIT(0);
static atomic_t fake_kicks = ATOMIC_INIT(0);

static int fake_vm_init(struct axv_vm *vm)
{
	atomic_inc(&fake_vms);
	return 0;
}

static void fake_vm_destroy(struct axv_vm *vm)
{
	atomic_dec(&fake_vms);
}

int fake_arch_live_vms(void)
{
	return atomic_read(&fake_vms);
}

static int fake_check_memory(struct axv_vm *vm, u64 gpa, u64 size)
{
	return gpa <= FAKE_RESERVED_GPA && FAKE_RESERVED_GPA - gpa < size ?
	       -EEXIST : 0;
}

/* KUnit regions have no page array: no chunk ever comes in to map. */
static int fake_map_memory(struct axv_vm *vm, u64 gpa,
			   const struct axv_chunk *chunk, unsigned long npages,
			   bool readonly)
{
	return -EINVAL;
}

static void fake_unmap_memory(struct axv_vm *vm, u64 gpa,
			      unsigned long npages)
{
}

/*
 * One "guest run": a pending kick ends it as the real backend does;
 * otherwise the guest runs for FAKE_RUN_NS and halts with interrupts off.
 */
static int fake_vcpu_run(struct axv_vcpu *vcpu)
{
	/* Running, and bound to a CPU by the core beforehand. */
	if (vcpu->state != AXV_VCPU_RUNNING || fake_arch_bound() < 1)
		return -EIO;
	if (axv_vcpu_take_kick(vcpu)) {
		vcpu->run->exit_reason = AXV_EXIT_KICKED;
		axv_vcpu_account_exit(vcpu, 0, AXV_EXIT_KICKED);
		return 0;
	}
	vcpu->run->exit_reason = AXV_EXIT_HALT;
	axv_vcpu_account_exit(vcpu, FAKE_RUN_NS, AXV_EXIT_HALT);
	return 0;
}

static long fake_vcpu_ioctl(struct axv_vcpu *vcpu, unsigned int cmd,
			    unsigned long arg)
{
	return -ENOTTY;
}

static long fake_vm_ioctl(struct axv_vm *vm, unsigned int cmd,
			  unsigned long arg)
{
	return -ENOTTY;
}

static void fake_vcpu_kick(struct axv_vcpu *vcpu)
{
	atomic_inc(&fake_kicks);
}

static atomic_t fake_resets = ATOMIC_INIT(0);
static atomic_t fake_delivered = ATOMIC_INIT(0);
static atomic_t fake_bound = ATOMIC_INIT(0);

/* Binding and unbinding alternate: the count is 1 only inside a run. */
static void fake_vcpu_bind(struct axv_vcpu *vcpu)
{
	atomic_inc(&fake_bound);
}

static void fake_vcpu_unbind(struct axv_vcpu *vcpu)
{
	atomic_dec(&fake_bound);
}

int fake_arch_bound(void)
{
	return atomic_read(&fake_bound);
}

/* Vectors as the real backends check them; no pending state kept. */
static int fake_vcpu_inject(struct axv_vcpu *vcpu, u32 vector, bool nmi)
{
	if (nmi ? vector != 2 : vector < 32 || vector > 255)
		return -EINVAL;
	return 0;
}

static void fake_vcpu_reset(struct axv_vcpu *vcpu, u8 sipi_vector)
{
	atomic_inc(&fake_resets);
}

/* Applies starts and INITs as a real backend; fixed IPIs and NMIs are counted. */
static void fake_vcpu_deliver(struct axv_vcpu *vcpu)
{
	struct axv_ipi ipi;

	while (axv_ipi_pop(&vcpu->ipis, &ipi)) {
		switch (ipi.kind) {
		case AXV_IPI_INIT:
			axv_vcpu_init_ipi(vcpu);
			break;
		case AXV_IPI_START:
			axv_vm_start_vcpu(vcpu, ipi.vector);
			break;
		default:
			atomic_inc(&fake_delivered);
			break;
		}
	}
}

int fake_arch_delivered(void)
{
	return atomic_read(&fake_delivered);
}

int fake_arch_resets(void)
{
	return atomic_read(&fake_resets);
}

int fake_arch_kicks(void)
{
	return atomic_read(&fake_kicks);
}

static int fake_hardware_setup(void)
{
	return 0;
}

static void fake_hardware_unsetup(void)
{
}

const struct axv_arch_ops fake_arch_ops = {
	.name = "fake",
	.gpa_bits = 48,
	.hardware_setup = fake_hardware_setup,
	.hardware_unsetup = fake_hardware_unsetup,
	.cpu_enable = fake_cpu_enable,
	.cpu_disable = fake_cpu_disable,
	.cpu_hw_enabled = fake_cpu_hw_enabled,
	.check_extension = fake_check_extension,
	.dev_ioctl = fake_dev_ioctl,
	.vcpu_setup = fake_vcpu_setup,
	.vcpu_destroy = fake_vcpu_destroy,
	.vm_init = fake_vm_init,
	.vm_destroy = fake_vm_destroy,
	.check_memory = fake_check_memory,
	.map_memory = fake_map_memory,
	.unmap_memory = fake_unmap_memory,
	.vcpu_run = fake_vcpu_run,
	.vcpu_ioctl = fake_vcpu_ioctl,
	.vm_ioctl = fake_vm_ioctl,
	.vcpu_kick = fake_vcpu_kick,
	.vcpu_reset = fake_vcpu_reset,
	.vcpu_bind = fake_vcpu_bind,
	.vcpu_unbind = fake_vcpu_unbind,
	.vcpu_inject = fake_vcpu_inject,
	.vcpu_deliver = fake_vcpu_deliver,
};

unsigned int fake_arch_contract_errors(void)
{
	unsigned int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(&fake_cpu, cpu)->contract_errors;
	return n;
}
