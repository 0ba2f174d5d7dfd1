/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between the architecture-neutral core and one architecture
 * backend.  Exactly one backend is linked into axvcpu.ko, chosen by Kbuild;
 * it defines axv_arch_ops.  KUnit links a fake backend instead.
 *
 * This header must stay free of architecture headers: arm64 and RISC-V
 * backends implement the same table.
 */
#ifndef _AXVCPU_ARCH_H
#define _AXVCPU_ARCH_H

#include <linux/types.h>

/**
 * struct axv_arch_ops - what an architecture backend provides.
 * @name: short backend name for logs and diagnostics, e.g. "vmx".
 * @hardware_setup: probe the virtualization extension once, at module load,
 *	and allocate what every CPU will need to enable it.  Logs one line
 *	saying why when it fails.
 *	Context: process, may sleep.
 *	Return: 0; -ENODEV when the CPU has no virtualization extension;
 *	-EOPNOTSUPP when it is disabled by firmware or lacks a feature the
 *	backend needs; -ENOMEM.
 * @hardware_unsetup: undo @hardware_setup.  No CPU has the extension
 *	enabled by axvcpu when it is called.
 *	Context: process, may sleep.
 * @cpu_enable: turn the virtualization extension on in the current CPU
 *	(VMXON on Intel).  Logs one line saying why when it fails and leaves
 *	the CPU as it found it.
 *	Context: on the CPU concerned, interrupts disabled.
 *	Return: 0; -EBUSY when another hypervisor holds the extension;
 *	-EOPNOTSUPP when this CPU cannot enable it.
 * @cpu_disable: turn the extension off in the current CPU.  Only called
 *	after a successful @cpu_enable on that CPU.
 *	Context: on the CPU concerned, interrupts disabled.
 * @cpu_hw_enabled: read back from the hardware whether the extension is on
 *	in the current CPU, whoever turned it on; for diagnostics and tests.
 *	Context: on the CPU concerned, interrupts disabled.
 * @check_extension: value of an architecture-specific AXV_CAP_* capability.
 *	Context: process.
 *	Return: 0 when absent or unknown, a positive value when present.
 * @dev_ioctl: architecture-specific ioctls on /dev/axvcpu.
 *	Context: process, may sleep.
 *	Return: the ioctl result; -ENOTTY for a command it does not know.
 */
struct axv_arch_ops {
	const char *name;
	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);
	bool (*cpu_hw_enabled)(void);
	int (*check_extension)(unsigned int cap);
	long (*dev_ioctl)(unsigned int cmd, unsigned long arg);
};

/* The backend selected at build time. */
extern const struct axv_arch_ops axv_arch_ops;

#endif /* _AXVCPU_ARCH_H */
