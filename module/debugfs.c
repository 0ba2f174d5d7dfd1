// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/debug/axvcpu/: diagnostics, not ABI.  "virt" shows whether
 * virtualization is on, per CPU, as axvcpu and as the hardware see it.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <axvcpu/core.h>

#include "axvcpu.h"

static struct dentry *axv_debugfs_dir;

static int axv_debugfs_virt_show(struct seq_file *m, void *unused)
{
	axv_virt_show(&axv_virt, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(axv_debugfs_virt);

void axv_debugfs_init(void)
{
	/* debugfs failures are not fatal and need no checking. */
	axv_debugfs_dir = debugfs_create_dir("axvcpu", NULL);
	debugfs_create_file("virt", 0400, axv_debugfs_dir, NULL,
			    &axv_debugfs_virt_fops);
}

void axv_debugfs_exit(void)
{
	debugfs_remove_recursive(axv_debugfs_dir);
}
