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
};

unsigned int fake_arch_contract_errors(void)
{
	unsigned int cpu, n = 0;

	for_each_possible_cpu(cpu)
		n += per_cpu_ptr(&fake_cpu, cpu)->contract_errors;
	return n;
}
