// SPDX-License-Identifier: GPL-2.0
/*
 * Virtualization is on in every online CPU while at least one VM exists,
 * and off otherwise, so that axvcpu and another hypervisor (kvm_intel) can
 * be used in turn on one host.
 *
 * Locking: users changes under cpus_read_lock() and virt->lock; the hotplug
 * callbacks run under the hotplug write lock and so see a stable count.
 * Per-CPU enabled flags are only touched on their own CPU with interrupts
 * disabled (IPI or hotplug callback).
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include <axvcpu/arch.h>
#include <axvcpu/core.h>

static int axv_virt_enable_this_cpu(struct axv_virt *virt)
{
	bool *on = this_cpu_ptr(virt->enabled);
	int err;

	lockdep_assert_irqs_disabled();
	if (*on)
		return 0;
	err = virt->ops->cpu_enable();
	if (!err)
		*on = true;
	return err;
}

static void axv_virt_disable_this_cpu(struct axv_virt *virt)
{
	bool *on = this_cpu_ptr(virt->enabled);

	lockdep_assert_irqs_disabled();
	if (!*on)
		return;
	virt->ops->cpu_disable();
	*on = false;
}

static void axv_virt_enable_ipi(void *data)
{
	struct axv_virt *virt = data;
	int err;

	err = axv_virt_enable_this_cpu(virt);
	if (err && atomic_inc_return(&virt->failed) == 1)
		WRITE_ONCE(virt->err, err);
}

static void axv_virt_disable_ipi(void *data)
{
	axv_virt_disable_this_cpu(data);
}

static int axv_virt_cpu_online(unsigned int cpu, struct hlist_node *node)
{
	struct axv_virt *virt = hlist_entry(node, struct axv_virt, hp_node);
	int err;

	if (!READ_ONCE(virt->users))
		return 0;
	/* A failure here keeps the CPU offline rather than half-enabled. */
	local_irq_disable();
	err = axv_virt_enable_this_cpu(virt);
	local_irq_enable();
	return err;
}

static int axv_virt_cpu_offline(unsigned int cpu, struct hlist_node *node)
{
	struct axv_virt *virt = hlist_entry(node, struct axv_virt, hp_node);

	local_irq_disable();
	axv_virt_disable_this_cpu(virt);
	local_irq_enable();
	return 0;
}

static int axv_virt_reboot(struct notifier_block *nb, unsigned long action,
			   void *unused)
{
	struct axv_virt *virt = container_of(nb, struct axv_virt, reboot_nb);

	/*
	 * VMX blocks INIT, so a CPU left in VMX operation would not come
	 * back after a warm reset; leave it off whatever the users.
	 */
	on_each_cpu(axv_virt_disable_ipi, virt, 1);
	return NOTIFY_OK;
}

int axv_virt_init(struct axv_virt *virt, const struct axv_arch_ops *ops,
		  const char *name)
{
	int err;

	virt->ops = ops;
	mutex_init(&virt->lock);
	virt->users = 0;
	atomic_set(&virt->failed, 0);
	virt->enabled = alloc_percpu(bool);
	if (!virt->enabled)
		return -ENOMEM;

	err = cpuhp_setup_state_multi(CPUHP_AP_ONLINE_DYN, name,
				      axv_virt_cpu_online,
				      axv_virt_cpu_offline);
	if (err < 0)
		goto err_free_percpu;
	virt->hp_state = err;

	err = cpuhp_state_add_instance_nocalls(virt->hp_state, &virt->hp_node);
	if (err)
		goto err_remove_state;

	virt->reboot_nb.notifier_call = axv_virt_reboot;
	err = register_reboot_notifier(&virt->reboot_nb);
	if (err)
		goto err_remove_instance;
	return 0;

err_remove_instance:
	cpuhp_state_remove_instance_nocalls(virt->hp_state, &virt->hp_node);
err_remove_state:
	cpuhp_remove_multi_state(virt->hp_state);
err_free_percpu:
	free_percpu(virt->enabled);
	return err;
}

void axv_virt_destroy(struct axv_virt *virt)
{
	WARN_ON_ONCE(virt->users);
	unregister_reboot_notifier(&virt->reboot_nb);
	cpuhp_state_remove_instance_nocalls(virt->hp_state, &virt->hp_node);
	cpuhp_remove_multi_state(virt->hp_state);
	free_percpu(virt->enabled);
	mutex_destroy(&virt->lock);
}

int axv_virt_get(struct axv_virt *virt)
{
	int err = 0;

	cpus_read_lock();
	mutex_lock(&virt->lock);
	if (!virt->users) {
		atomic_set(&virt->failed, 0);
		virt->err = 0;
		on_each_cpu(axv_virt_enable_ipi, virt, 1);
		if (atomic_read(&virt->failed)) {
			/* Roll back the CPUs that did enable. */
			on_each_cpu(axv_virt_disable_ipi, virt, 1);
			err = READ_ONCE(virt->err);
			goto out_unlock;
		}
	}
	WRITE_ONCE(virt->users, virt->users + 1);
out_unlock:
	mutex_unlock(&virt->lock);
	cpus_read_unlock();
	return err;
}

void axv_virt_put(struct axv_virt *virt)
{
	cpus_read_lock();
	mutex_lock(&virt->lock);
	if (!WARN_ON_ONCE(!virt->users)) {
		WRITE_ONCE(virt->users, virt->users - 1);
		if (!virt->users)
			on_each_cpu(axv_virt_disable_ipi, virt, 1);
	}
	mutex_unlock(&virt->lock);
	cpus_read_unlock();
}

struct axv_virt_hw_query {
	struct axv_virt *virt;
	bool on;
};

static void axv_virt_read_hw(void *data)
{
	struct axv_virt_hw_query *q = data;
	unsigned long flags;

	local_irq_save(flags);
	q->on = q->virt->ops->cpu_hw_enabled();
	local_irq_restore(flags);
}

void axv_virt_show(struct axv_virt *virt, struct seq_file *m)
{
	unsigned int cpu;

	cpus_read_lock();
	mutex_lock(&virt->lock);
	seq_printf(m, "backend %s\nusers %u\n", virt->ops->name, virt->users);
	for_each_online_cpu(cpu) {
		struct axv_virt_hw_query q = { .virt = virt };

		smp_call_function_single(cpu, axv_virt_read_hw, &q, 1);
		seq_printf(m, "cpu%u enabled %d hw %d\n", cpu,
			   *per_cpu_ptr(virt->enabled, cpu), q.on);
	}
	mutex_unlock(&virt->lock);
	cpus_read_unlock();
}
