// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the architecture-neutral core on the fake backend.  Turning
 * virtualization on and off across CPUs, rollback on failure, CPU hotplug,
 * and the VM's hold on it.
 */
#include <kunit/test.h>
#include <linux/cpu.h>
#include <linux/err.h>

#include <axvcpu/core.h>
#include <axvcpu/vcpu.h>

#include "fake_arch.h"

static bool all_online_cpus_are(bool on)
{
	unsigned int cpu;

	for_each_online_cpu(cpu)
		if (fake_arch_cpu_on(cpu) != on)
			return false;
	return true;
}

static int core_test_init(struct kunit *test)
{
	struct axv_virt *virt;

	virt = kunit_kzalloc(test, sizeof(*virt), GFP_KERNEL);
	if (!virt)
		return -ENOMEM;
	fake_arch_reset();
	KUNIT_ASSERT_EQ(test, axv_virt_init(virt, &fake_arch_ops,
					    "axvcpu/kunit:online"), 0);
	test->priv = virt;
	return 0;
}

static void core_test_exit(struct kunit *test)
{
	struct axv_virt *virt = test->priv;

	/* A failed assertion may leave users behind; do not leak them. */
	while (virt->users)
		axv_virt_put(virt);
	axv_virt_destroy(virt);
	KUNIT_EXPECT_EQ(test, fake_arch_contract_errors(), 0);
	KUNIT_EXPECT_EQ(test, fake_arch_live_vcpus(), 0);
	fake_arch_reset();
}

static void virt_get_put_all_cpus(struct kunit *test)
{
	struct axv_virt *virt = test->priv;

	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	KUNIT_EXPECT_EQ(test, virt->users, 1);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(true));
	axv_virt_put(virt);
	KUNIT_EXPECT_EQ(test, virt->users, 0);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static void virt_nested_users(struct kunit *test)
{
	struct axv_virt *virt = test->priv;

	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	/* The second user must not enable again. */
	KUNIT_EXPECT_EQ(test, fake_arch_enables(raw_smp_processor_id()), 1);
	axv_virt_put(virt);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(true));
	axv_virt_put(virt);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static void virt_failure_rolls_back(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	unsigned int victim = cpumask_last(cpu_online_mask);

	fake_arch_fail_on(victim, -EBUSY);
	KUNIT_EXPECT_EQ(test, axv_virt_get(virt), -EBUSY);
	KUNIT_EXPECT_EQ(test, virt->users, 0);
	/* Nothing may stay half-enabled. */
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));

	/* Once the obstacle is gone, the next attempt succeeds. */
	fake_arch_fail_on(-1, 0);
	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(true));
	axv_virt_put(virt);
}

static void virt_failure_keeps_errno(struct kunit *test)
{
	struct axv_virt *virt = test->priv;

	fake_arch_fail_on(cpumask_first(cpu_online_mask), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, axv_virt_get(virt), -EOPNOTSUPP);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static unsigned int hotplug_victim(struct kunit *test)
{
	unsigned int cpu = cpumask_last(cpu_online_mask);

	if (num_online_cpus() < 2 || !cpu)
		kunit_skip(test, "needs a second online CPU");
	return cpu;
}

static void virt_hotplug_while_on(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	unsigned int cpu = hotplug_victim(test);

	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_EXPECT_FALSE(test, fake_arch_cpu_on(cpu));
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_TRUE(test, fake_arch_cpu_on(cpu));
	KUNIT_EXPECT_EQ(test, fake_arch_enables(cpu), 2);
	axv_virt_put(virt);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static void virt_hotplug_while_off(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	unsigned int cpu = hotplug_victim(test);

	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_FALSE(test, fake_arch_cpu_on(cpu));
	KUNIT_EXPECT_EQ(test, fake_arch_enables(cpu), 0);

	/* Offline when the first user comes, enabled when it comes back. */
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	KUNIT_EXPECT_FALSE(test, fake_arch_cpu_on(cpu));
	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_TRUE(test, fake_arch_cpu_on(cpu));
	axv_virt_put(virt);
}

static void virt_hotplug_enable_fails(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	unsigned int cpu = hotplug_victim(test);

	KUNIT_ASSERT_EQ(test, axv_virt_get(virt), 0);
	KUNIT_ASSERT_EQ(test, remove_cpu(cpu), 0);
	fake_arch_fail_on(cpu, -EBUSY);
	/* The CPU stays offline rather than online without virtualization. */
	KUNIT_EXPECT_NE(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_FALSE(test, cpu_online(cpu));
	fake_arch_fail_on(-1, 0);
	KUNIT_EXPECT_EQ(test, add_cpu(cpu), 0);
	KUNIT_EXPECT_TRUE(test, fake_arch_cpu_on(cpu));
	axv_virt_put(virt);
	if (!cpu_online(cpu))
		add_cpu(cpu);
}

static void vm_holds_virt(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vm *a, *b;

	a = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	b = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_NE(test, a->id, b->id);
	KUNIT_EXPECT_EQ(test, virt->users, 2);
	axv_vm_put(a);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(true));
	axv_vm_put(b);
	KUNIT_EXPECT_EQ(test, virt->users, 0);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static void vm_create_fails_cleanly(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vm *vm;

	fake_arch_fail_on(cpumask_first(cpu_online_mask), -EBUSY);
	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_TRUE(test, IS_ERR(vm));
	KUNIT_EXPECT_EQ(test, PTR_ERR(vm), -EBUSY);
	KUNIT_EXPECT_EQ(test, virt->users, 0);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static struct axv_vcpu *new_vcpu(struct axv_vm *vm, u32 id, u32 apic_id,
				 enum axv_vcpu_role role)
{
	struct axv_vcpu_config cfg = {
		.id = id,
		.apic_id = apic_id,
		.role = role,
		.favoured_cpu = -1,
	};

	return axv_vm_create_vcpu(vm, &cfg);
}

static void vm_vcpu_rules(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu *bsp, *ap, *v;
	struct axv_vm *vm;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	bsp = new_vcpu(vm, 0, 0, AXV_ROLE_DEFAULT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(bsp));
	KUNIT_EXPECT_TRUE(test, bsp->bsp);
	KUNIT_EXPECT_EQ(test, bsp->state, AXV_VCPU_FREE);
	ap = new_vcpu(vm, 1, 4, AXV_ROLE_DEFAULT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ap));
	KUNIT_EXPECT_FALSE(test, ap->bsp);
	KUNIT_EXPECT_EQ(test, ap->state, AXV_VCPU_WAIT_START);

	KUNIT_EXPECT_EQ(test, PTR_ERR(new_vcpu(vm, 0, 9, AXV_ROLE_AP)), -EEXIST);
	KUNIT_EXPECT_EQ(test, PTR_ERR(new_vcpu(vm, 2, 4, AXV_ROLE_AP)), -EEXIST);
	KUNIT_EXPECT_EQ(test, PTR_ERR(new_vcpu(vm, 2, 2, AXV_ROLE_BSP)), -EEXIST);
	KUNIT_EXPECT_EQ(test, PTR_ERR(new_vcpu(vm, AXV_MAX_VCPUS, 2,
					       AXV_ROLE_AP)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(new_vcpu(vm, 2, 2, AXV_ROLE_AP + 1)),
			-EINVAL);

	/* The BSP's id, APIC ID and role are free again once it is gone. */
	axv_vm_destroy_vcpu(bsp);
	v = new_vcpu(vm, 5, 0, AXV_ROLE_BSP);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_EXPECT_TRUE(test, v->bsp);
	bsp = new_vcpu(vm, 0, 1, AXV_ROLE_AP);
	KUNIT_ASSERT_FALSE(test, IS_ERR(bsp));

	axv_vm_destroy_vcpu(bsp);
	axv_vm_destroy_vcpu(v);
	axv_vm_destroy_vcpu(ap);
	axv_vm_put(vm);
	KUNIT_EXPECT_EQ(test, virt->users, 0);
}

static void vm_max_vcpus(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu **vcpus;
	struct axv_vm *vm;
	unsigned int i;

	vcpus = kunit_kcalloc(test, AXV_MAX_VCPUS, sizeof(*vcpus), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, vcpus);
	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	for (i = 0; i < AXV_MAX_VCPUS; i++) {
		vcpus[i] = new_vcpu(vm, i, i, AXV_ROLE_DEFAULT);
		KUNIT_ASSERT_FALSE(test, IS_ERR(vcpus[i]));
	}
	for (i = 0; i < AXV_MAX_VCPUS; i++)
		axv_vm_destroy_vcpu(vcpus[i]);
	axv_vm_put(vm);
}

static void vm_vcpu_affinity_checked(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu_config cfg = { .favoured_cpu = nr_cpu_ids };
	struct axv_vcpu *vcpu;
	struct axv_vm *vm;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	KUNIT_EXPECT_EQ(test, PTR_ERR(axv_vm_create_vcpu(vm, &cfg)), -EINVAL);
	/* A failed creation leaves the id free. */
	cfg.favoured_cpu = cpumask_first(cpu_online_mask);
	vcpu = axv_vm_create_vcpu(vm, &cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vcpu));
	KUNIT_EXPECT_EQ(test, vcpu->favoured_cpu, cfg.favoured_cpu);
	axv_vm_destroy_vcpu(vcpu);
	axv_vm_put(vm);
}

static void vcpu_keeps_vm(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu *vcpu;
	struct axv_vm *vm;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	vcpu = new_vcpu(vm, 0, 0, AXV_ROLE_DEFAULT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vcpu));
	/* The VM file goes first: the vCPU keeps the VM and VMX on. */
	axv_vm_put(vm);
	KUNIT_EXPECT_EQ(test, virt->users, 1);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(true));
	axv_vm_destroy_vcpu(vcpu);
	KUNIT_EXPECT_EQ(test, virt->users, 0);
	KUNIT_EXPECT_TRUE(test, all_online_cpus_are(false));
}

static void vcpu_arch_setup_fails(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu *vcpu;
	struct axv_vm *vm;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	fake_arch_fail_vcpu_setup(-ENOMEM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(new_vcpu(vm, 0, 0, AXV_ROLE_DEFAULT)),
			-ENOMEM);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), 1);

	/* Nothing was kept: the id, APIC ID and BSP role are free. */
	fake_arch_fail_vcpu_setup(0);
	vcpu = new_vcpu(vm, 0, 0, AXV_ROLE_DEFAULT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vcpu));
	KUNIT_EXPECT_NOT_NULL(test, vcpu->arch);
	KUNIT_EXPECT_EQ(test, fake_arch_live_vcpus(), 1);
	KUNIT_EXPECT_EQ(test, kref_read(&vm->ref), 2);
	axv_vm_destroy_vcpu(vcpu);
	KUNIT_EXPECT_EQ(test, fake_arch_live_vcpus(), 0);
	axv_vm_put(vm);
}

static int set_role(struct axv_vcpu *vcpu, bool bsp)
{
	int err;

	mutex_lock(&vcpu->mutex);
	err = axv_vm_set_vcpu_role(vcpu, bsp);
	mutex_unlock(&vcpu->mutex);
	return err;
}

static void vm_one_bsp(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu *a, *b;
	struct axv_vm *vm;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	a = new_vcpu(vm, 0, 0, AXV_ROLE_DEFAULT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	b = new_vcpu(vm, 1, 1, AXV_ROLE_DEFAULT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));

	KUNIT_EXPECT_EQ(test, set_role(b, true), -EEXIST);
	KUNIT_EXPECT_EQ(test, set_role(a, true), 0);
	/* Hand the role over: the old BSP waits, the new one is free. */
	KUNIT_EXPECT_EQ(test, set_role(a, false), 0);
	KUNIT_EXPECT_EQ(test, a->state, AXV_VCPU_WAIT_START);
	KUNIT_EXPECT_EQ(test, set_role(b, true), 0);
	KUNIT_EXPECT_EQ(test, b->state, AXV_VCPU_FREE);

	/* A stopped BSP is still the VM's BSP. */
	mutex_lock(&b->mutex);
	KUNIT_EXPECT_EQ(test, axv_vcpu_stop(b), 0);
	mutex_unlock(&b->mutex);
	KUNIT_EXPECT_EQ(test, set_role(a, true), -EEXIST);
	KUNIT_EXPECT_EQ(test, set_role(b, false), -EINVAL);

	axv_vm_destroy_vcpu(b);
	KUNIT_EXPECT_EQ(test, set_role(a, true), 0);
	axv_vm_destroy_vcpu(a);
	axv_vm_put(vm);
}

static struct axv_memslot mem(u64 gpa, u64 size)
{
	return (struct axv_memslot){
		.gpa = gpa,
		.size = size,
		.uaddr = 0x7f0000000000ULL + gpa,
	};
}

static void memslot_ranges(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_memslot m;
	struct axv_vm *vm;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	KUNIT_ASSERT_EQ(test, axv_vm_gpa_bits(vm), 48);

	m = mem(0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, AXV_MAX_MEMSLOTS, &m),
			-EINVAL);
	m = mem(0, 0);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	m = mem(0x800, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	m = mem(0, PAGE_SIZE + 1);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	m = mem(0, PAGE_SIZE);
	m.uaddr += 8;
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	/* The guest range must end within 2^48, and may end exactly there. */
	m = mem(BIT_ULL(48) - PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	m = mem(-PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	m = mem(0, PAGE_SIZE);
	m.uaddr = -PAGE_SIZE;
	m.size = 2 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EINVAL);
	m = mem(BIT_ULL(48) - PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), 0);
	KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, 0), 0);
	axv_vm_put(vm);
}

static void memslot_overlaps(struct kunit *test)
{
	static const struct {
		u64 gpa, pages;
		int err;
	} cases[] = {
		{ 0x10, 4, -EEXIST },	/* the same range */
		{ 0x0e, 4, -EEXIST },	/* overlaps the start */
		{ 0x12, 4, -EEXIST },	/* overlaps the end */
		{ 0x0f, 6, -EEXIST },	/* contains it */
		{ 0x11, 1, -EEXIST },	/* inside it */
		{ 0x0c, 4, 0 },		/* ends where it starts */
		{ 0x14, 4, 0 },		/* starts where it ends */
	};
	struct axv_virt *virt = test->priv;
	struct axv_memslot m;
	struct axv_vm *vm;
	unsigned int i;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	m = mem(0x10 * PAGE_SIZE, 4 * PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, axv_vm_set_memslot(vm, 0, &m), 0);
	/* A used slot is not replaced, even by a disjoint range. */
	m = mem(0x100 * PAGE_SIZE, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EEXIST);

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		m = mem(cases[i].gpa * PAGE_SIZE, cases[i].pages * PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, axv_vm_set_memslot(vm, 1, &m),
				    cases[i].err, "case %u", i);
		if (!cases[i].err)
			KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, 1), 0);
	}

	KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, 0), 0);
	KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, AXV_MAX_MEMSLOTS),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, BIT_ULL(32)), -EINVAL);
	/* Deleted: the same slot and range can be used again. */
	m = mem(0x10 * PAGE_SIZE, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), 0);
	axv_vm_put(vm);
}

/* A page the backend keeps is no place for a region; beside it is. */
static void memslot_backend_page(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vm_stats st;
	struct axv_memslot m;
	struct axv_vm *vm;
	u8 byte;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	m = mem(FAKE_RESERVED_GPA, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EEXIST);
	m = mem(FAKE_RESERVED_GPA - 4 * PAGE_SIZE, 8 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), -EEXIST);
	/* Refused, the slot stayed free. */
	KUNIT_EXPECT_EQ(test, axv_vm_delete_memslot(vm, 0), -ENOENT);
	m = mem(FAKE_RESERVED_GPA - 4 * PAGE_SIZE, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 0, &m), 0);
	m = mem(FAKE_RESERVED_GPA + PAGE_SIZE, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, 1, &m), 0);

	/* Regions without a page array are never guest memory. */
	KUNIT_EXPECT_FALSE(test, axv_vm_memory_missing(vm, FAKE_RESERVED_GPA -
							PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, axv_vm_fault_in(vm, FAKE_RESERVED_GPA -
					      PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, axv_vm_read_guest(vm, FAKE_RESERVED_GPA -
						PAGE_SIZE, &byte, 1), -EFAULT);
	/* Nothing came in: every count, and every reserved field, is 0. */
	memset(&st, 0xff, sizeof(st));
	axv_vm_get_stats(vm, &st);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(&st, 0, sizeof(st)));
	axv_vm_put(vm);
}

static void memslot_all_slots(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_memslot m;
	struct axv_vm *vm;
	unsigned int i;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	for (i = 0; i < AXV_MAX_MEMSLOTS; i++) {
		m = mem((u64)i * PAGE_SIZE, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, axv_vm_set_memslot(vm, i, &m), 0);
	}
	axv_vm_put(vm);
}

/* RUN moves a free vCPU through ready and running and back to free. */
static void run_cycle_and_accounting(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu *bsp, *ap;
	struct axv_vm *vm;
	int resets;

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	KUNIT_EXPECT_EQ(test, fake_arch_live_vms(), 1);
	bsp = new_vcpu(vm, 0, 0, AXV_ROLE_BSP);
	KUNIT_ASSERT_FALSE(test, IS_ERR(bsp));
	ap = new_vcpu(vm, 1, 1, AXV_ROLE_AP);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ap));

	mutex_lock(&bsp->mutex);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(bsp), 0);
	KUNIT_EXPECT_EQ(test, bsp->run->exit_reason, AXV_EXIT_HALT);
	KUNIT_EXPECT_EQ(test, bsp->state, AXV_VCPU_FREE);
	KUNIT_EXPECT_TRUE(test, bsp->ran);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(bsp), 0);
	KUNIT_EXPECT_EQ(test, bsp->exec_ns, 2 * FAKE_RUN_NS);
	KUNIT_EXPECT_EQ(test, bsp->exits[AXV_EXIT_HALT], 2);
	/* Bound for the run only. */
	KUNIT_EXPECT_EQ(test, fake_arch_bound(), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_inject(bsp, 0x30, false), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_inject(bsp, 0x10, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_inject(bsp, 2, true), 0);
	/* The role is fixed once it has run. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_set_bsp(bsp, false), -EBUSY);
	mutex_unlock(&bsp->mutex);

	/* An AP waiting for its start does not run, and is left as it was. */
	mutex_lock(&ap->mutex);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(ap), -EINVAL);
	KUNIT_EXPECT_EQ(test, ap->state, AXV_VCPU_WAIT_START);
	KUNIT_EXPECT_FALSE(test, ap->ran);
	resets = fake_arch_resets();
	KUNIT_EXPECT_EQ(test, axv_vm_start_vcpu(ap, 0x10), 1);
	KUNIT_EXPECT_EQ(test, fake_arch_resets(), resets + 1);
	/* A second start IPI is ignored, and resets nothing. */
	KUNIT_EXPECT_EQ(test, axv_vm_start_vcpu(ap, 0x20), 0);
	KUNIT_EXPECT_EQ(test, fake_arch_resets(), resets + 1);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(ap), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_pause(ap), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(ap), -EINVAL);
	KUNIT_EXPECT_EQ(test, ap->state, AXV_VCPU_PAUSED);
	KUNIT_EXPECT_EQ(test, axv_vcpu_stop(ap), 0);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(ap), -EINVAL);
	KUNIT_EXPECT_EQ(test, axv_vcpu_inject(ap, 0x30, false), -EINVAL);
	mutex_unlock(&ap->mutex);

	axv_vm_destroy_vcpu(ap);
	axv_vm_destroy_vcpu(bsp);
	axv_vm_put(vm);
	KUNIT_EXPECT_EQ(test, fake_arch_live_vms(), 0);
}

/* A kick reaches the backend and makes the next RUN return at once. */
static void run_kick(struct kunit *test)
{
	struct axv_virt *virt = test->priv;
	struct axv_vcpu *vcpu;
	struct axv_vm *vm;
	int kicks = fake_arch_kicks();

	vm = axv_vm_create(virt, false);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vm));
	vcpu = new_vcpu(vm, 0, 0, AXV_ROLE_BSP);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vcpu));

	axv_vcpu_kick(vcpu);
	KUNIT_EXPECT_EQ(test, fake_arch_kicks(), kicks + 1);
	mutex_lock(&vcpu->mutex);
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXV_EXIT_KICKED);
	KUNIT_EXPECT_EQ(test, vcpu->exec_ns, 0);
	/* One kick, one early return: the next run enters the guest. */
	KUNIT_EXPECT_EQ(test, axv_vcpu_run(vcpu), 0);
	KUNIT_EXPECT_EQ(test, vcpu->run->exit_reason, AXV_EXIT_HALT);
	KUNIT_EXPECT_FALSE(test, axv_vcpu_take_kick(vcpu));
	mutex_unlock(&vcpu->mutex);

	axv_vm_destroy_vcpu(vcpu);
	axv_vm_put(vm);
}

static struct kunit_case core_test_cases[] = {
	KUNIT_CASE(virt_get_put_all_cpus),
	KUNIT_CASE(virt_nested_users),
	KUNIT_CASE(virt_failure_rolls_back),
	KUNIT_CASE(virt_failure_keeps_errno),
	KUNIT_CASE(virt_hotplug_while_on),
	KUNIT_CASE(virt_hotplug_while_off),
	KUNIT_CASE(virt_hotplug_enable_fails),
	KUNIT_CASE(vm_holds_virt),
	KUNIT_CASE(vm_create_fails_cleanly),
	KUNIT_CASE(vm_vcpu_rules),
	KUNIT_CASE(vm_max_vcpus),
	KUNIT_CASE(vm_vcpu_affinity_checked),
	KUNIT_CASE(vcpu_keeps_vm),
	KUNIT_CASE(vm_one_bsp),
	KUNIT_CASE(vcpu_arch_setup_fails),
	KUNIT_CASE(memslot_ranges),
	KUNIT_CASE(memslot_backend_page),
	KUNIT_CASE(memslot_overlaps),
	KUNIT_CASE(memslot_all_slots),
	KUNIT_CASE(run_cycle_and_accounting),
	KUNIT_CASE(run_kick),
	{ }
};

static struct kunit_suite core_test_suite = {
	.name = "axvcpu_core",
	.init = core_test_init,
	.exit = core_test_exit,
	.test_cases = core_test_cases,
};

kunit_test_suites(&core_test_suite);
