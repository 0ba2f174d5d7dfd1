/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Glue between the Linux interfaces (misc device, file descriptors,
 * debugfs) and the core.  Private to module/.
 */
#ifndef _AXVCPU_MODULE_H
#define _AXVCPU_MODULE_H

struct axv_vcpu;
struct axv_virt;
struct axv_vm;

/* The one instance that keeps virtualization on while VMs exist. */
extern struct axv_virt axv_virt;

int axv_dev_register(void);
void axv_dev_unregister(void);
int axv_vm_fd_create(struct axv_vm *vm);
int axv_vcpu_fd_create(struct axv_vcpu *vcpu);
void axv_debugfs_init(void);
void axv_debugfs_exit(void);

#endif /* _AXVCPU_MODULE_H */
