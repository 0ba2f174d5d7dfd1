/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A backend without hardware for KUnit: it records, per CPU, what the core
 * asked of it, and fails on request.
 */
#ifndef _AXVCPU_KUNIT_FAKE_ARCH_H
#define _AXVCPU_KUNIT_FAKE_ARCH_H

#include <axvcpu/arch.h>

extern const struct axv_arch_ops fake_arch_ops;

/**
 * fake_arch_reset() - forget every CPU's state and any failure to inject.
 */
void fake_arch_reset(void);

/**
 * fake_arch_fail_on() - make cpu_enable fail on one CPU.
 * @cpu: the CPU, or -1 for none.
 * @err: the negative errno it returns.
 */
void fake_arch_fail_on(int cpu, int err);

/**
 * fake_arch_cpu_on() - whether the fake extension is on in @cpu.
 * @cpu: the CPU.
 *
 * Return: the state cpu_enable/cpu_disable left there.
 */
bool fake_arch_cpu_on(unsigned int cpu);

/**
 * fake_arch_enables() - how many times cpu_enable succeeded on @cpu.
 * @cpu: the CPU.
 *
 * Return: the count since the last fake_arch_reset().
 */
unsigned int fake_arch_enables(unsigned int cpu);

/**
 * fake_arch_contract_errors() - calls that broke the backend contract:
 *	enable with interrupts on or when already on, disable when off.
 *
 * Return: the sum over all CPUs since the last fake_arch_reset().
 */
unsigned int fake_arch_contract_errors(void);

/**
 * fake_arch_fail_vcpu_setup() - make vcpu_setup fail.
 * @err: the negative errno it returns, or 0 to succeed again.
 */
void fake_arch_fail_vcpu_setup(int err);

/**
 * fake_arch_live_vcpus() - vCPUs set up and not yet destroyed.
 *
 * Return: the count, over every VM.
 */
int fake_arch_live_vcpus(void);

/* Guest time one fake run accounts, nanoseconds. */
#define FAKE_RUN_NS	1000

/* A guest page the fake backend keeps for itself (&axv_arch_ops.check_memory). */
#define FAKE_RESERVED_GPA	0xfee00000ULL

/**
 * fake_arch_live_vms() - VMs whose backend state exists.
 *
 * Return: the count.
 */
int fake_arch_live_vms(void);

/**
 * fake_arch_kicks() - times the core asked the backend to kick a vCPU.
 *
 * Return: the count since the module loaded.
 */
int fake_arch_kicks(void);

/**
 * fake_arch_resets() - times the core asked the backend to reset a vCPU
 *	for a start IPI.
 *
 * Return: the count since the module loaded.
 */
int fake_arch_resets(void);

/**
 * fake_arch_bound() - vCPUs bound to a CPU and not yet unbound.
 *
 * Return: the count.
 */
int fake_arch_bound(void);

/**
 * fake_arch_delivered() - fixed IPIs and NMIs the backend took from
 *	vCPUs' queues.
 *
 * Return: the count since the last fake_arch_reset().
 */
int fake_arch_delivered(void);

#endif /* _AXVCPU_KUNIT_FAKE_ARCH_H */
