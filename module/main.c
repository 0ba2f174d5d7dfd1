// SPDX-License-Identifier: GPL-2.0
/*
 * axvcpu: a VMX hypervisor as a loadable module.  Load order: probe the
 * hardware (refusing to load with a one-line reason), prepare the per-CPU
 * enable machinery (virtualization itself stays off until the first VM),
 * then expose /dev/axvcpu.
 */
#include <linux/init.h>
#include <linux/module.h>

#include <linux/axvcpu.h>
#include <axvcpu/arch.h>
#include <axvcpu/core.h>

#include "axvcpu.h"

struct axv_virt axv_virt;

static int __init axv_init(void)
{
	int err;

	err = axv_arch_ops.hardware_setup();
	if (err)
		return err;

	err = axv_virt_init(&axv_virt, &axv_arch_ops, "axvcpu/virt:online");
	if (err) {
		pr_err("refusing to load: CPU hotplug registration failed (%d)\n",
		       err);
		goto err_unsetup;
	}

	err = axv_dev_register();
	if (err) {
		pr_err("refusing to load: /dev/axvcpu registration failed (%d)\n",
		       err);
		goto err_destroy_virt;
	}

	axv_debugfs_init();
	pr_info("loaded: %s backend, API version %d\n", axv_arch_ops.name,
		AXV_API_VERSION);
	return 0;

err_destroy_virt:
	axv_virt_destroy(&axv_virt);
err_unsetup:
	axv_arch_ops.hardware_unsetup();
	return err;
}

static void __exit axv_exit(void)
{
	axv_debugfs_exit();
	axv_dev_unregister();
	axv_virt_destroy(&axv_virt);
	axv_arch_ops.hardware_unsetup();
}

module_init(axv_init);
module_exit(axv_exit);

MODULE_DESCRIPTION("axvcpu: a hypervisor with an architecture-neutral vCPU core");
MODULE_LICENSE("GPL");
