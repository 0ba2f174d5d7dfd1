/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Delivering local-APIC interrupt messages to the vCPUs of a VM
 * (apic/route.c).
 */
#ifndef _AXVCPU_LAPIC_ROUTE_H
#define _AXVCPU_LAPIC_ROUTE_H

#include <linux/types.h>

struct axv_vm;
struct axv_vcpu;
struct lapic_icr;

/**
 * struct lapic_route_result - what a message reached.
 * @accepted: local APICs it was queued for.
 * @started: of those, vCPUs a start-up message found waiting for one.
 * @started_id: the APIC ID of the one started, U32_MAX when several.
 */
struct lapic_route_result {
	unsigned int accepted;
	unsigned int started;
	u32 started_id;
};

/**
 * lapic_route() - deliver a message to the local APICs it names.
 * @vm: the VM, whose vCPUs have local APICs (&struct axv_vm.irqchip).
 * @src: the sending vCPU, or NULL for a message from userspace (no
 *	shorthand then names a sender).
 * @msg: the message.
 * @res: filled with what it reached.
 *
 * Fixed and lowest-priority messages reach software-enabled APICs only;
 * lowest priority picks the one with the lowest task priority.  An INIT
 * level de-assert does nothing.
 *
 * Context: process, may sleep; takes the VM's lock (a caller may hold
 * its vCPU's mutex, never the VM's lock).
 * Return: 0; -EINVAL for a fixed or lowest-priority vector below 16;
 * -EOPNOTSUPP for SMI, remote-read and ExtINT messages.
 */
int lapic_route(struct axv_vm *vm, struct axv_vcpu *src,
		const struct lapic_icr *msg, struct lapic_route_result *res);

#endif /* _AXVCPU_LAPIC_ROUTE_H */
