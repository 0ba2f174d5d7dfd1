/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture-neutral core: turning virtualization on while VMs exist,
 * and the VM object.  No architecture header may be included here.
 */
#ifndef _AXVCPU_CORE_H
#define _AXVCPU_CORE_H

#include <linux/cpuhotplug.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/ratelimit.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/types.h>

#include <linux/axvcpu.h>

struct axv_arch_ops;

/**
 * axv_refuse() - log why a request is refused and evaluate to its errno.
 * @err: the negative errno returned to the caller.
 * @fmt: printf-style reason, without a trailing newline.
 *
 * Every refusal of a userspace request leaves one rate-limited line in the
 * kernel log naming the task, so that an errno never has to be guessed at.
 */
#define axv_refuse(err, fmt, ...)					\
({									\
	pr_info_ratelimited("%s[%d]: " fmt "\n", current->comm,	\
			    task_pid_nr(current), ##__VA_ARGS__);	\
	(err);								\
})

/**
 * struct axv_virt - virtualization turned on in every online CPU while it
 *	has users.
 * @ops: the backend that turns it on and off in one CPU.
 * @lock: serialises changes of @users; taken inside cpus_read_lock().
 * @users: VMs (or tests) that need virtualization on.  Written under
 *	cpus_read_lock() and @lock, so hotplug callbacks, which run under
 *	the hotplug write lock, may read it without @lock.
 * @enabled: per CPU, whether axvcpu turned the extension on there.
 * @failed: CPUs that failed to enable during the current attempt.
 * @err: the first error of the current attempt.
 * @hp_state: the dynamic CPU hotplug state the instance is added to.
 * @hp_node: this instance in @hp_state's list.
 * @reboot_nb: turns virtualization off before a reboot.
 */
struct axv_virt {
	const struct axv_arch_ops *ops;
	struct mutex lock; /* see @lock above */
	unsigned int users;
	bool __percpu *enabled;
	atomic_t failed;
	int err;
	int hp_state;
	struct hlist_node hp_node;
	struct notifier_block reboot_nb;
};

/**
 * axv_virt_init() - set up an instance; virtualization stays off.
 * @virt: the instance.
 * @ops: the backend.
 * @name: name of the CPU hotplug state, e.g. "axvcpu/virt:online".
 *
 * Context: process, may sleep.
 * Return: 0, or a negative errno from allocation or hotplug registration.
 */
int axv_virt_init(struct axv_virt *virt, const struct axv_arch_ops *ops,
		  const char *name);

/**
 * axv_virt_destroy() - tear down an instance that has no users.
 * @virt: the instance.
 *
 * Context: process, may sleep.
 */
void axv_virt_destroy(struct axv_virt *virt);

/**
 * axv_virt_get() - take a user, turning virtualization on in every online
 *	CPU if it is the first.
 * @virt: the instance.
 *
 * Either every online CPU has it on afterwards, or none that axvcpu turned
 * on keeps it: a failure on one CPU rolls back the others.  CPUs that come
 * online later are enabled by the hotplug callback.
 *
 * Context: process, may sleep; takes cpus_read_lock().
 * Return: 0, or the backend's error from the first CPU that failed
 * (-EBUSY when another hypervisor holds the extension).
 */
int axv_virt_get(struct axv_virt *virt);

/**
 * axv_virt_put() - drop a user; the last one turns virtualization off in
 *	every CPU.
 * @virt: the instance.
 *
 * Context: process, may sleep; takes cpus_read_lock().
 */
void axv_virt_put(struct axv_virt *virt);

/**
 * axv_virt_show() - print the instance's state for debugfs: the user count
 *	and, per online CPU, whether axvcpu enabled it and what the hardware
 *	says.
 * @virt: the instance.
 * @m: the seq_file.
 *
 * Context: process, may sleep.
 */
void axv_virt_show(struct axv_virt *virt, struct seq_file *m);

/* Most vCPUs in one VM (AXV_CAP_MAX_VCPUS). */
#define AXV_MAX_VCPUS	64

/* Memory slots per VM (AXV_CAP_NR_MEMSLOTS). */
#define AXV_MAX_MEMSLOTS	32

/**
 * struct axv_memslot - a region of the VMM's memory given to the guest.
 * @gpa: guest-physical start, page aligned.
 * @size: bytes, a non-zero multiple of the page size; 0 for a free slot.
 * @uaddr: the VMM's virtual address backing it, page aligned.
 * @flags: AXV_MEM_* (uapi/linux/axvcpu.h).
 * @chunks: the VMM's pinned pages, one entry per 2 MiB-aligned chunk of
 *	the region, empty until axv_vm_fault_in() brings the chunk in; this
 *	array is made by axv_memslot_prepare(), and is NULL only in regions
 *	KUnit makes, which the guest cannot use.
 */
struct axv_memslot {
	u64 gpa;
	u64 size;
	u64 uaddr;
	u32 flags;
	struct axv_chunk *chunks;
};

/**
 * struct axv_chunk - the pinned pages behind one chunk of a region: the
 *	2 MiB-aligned stretch of guest-physical space around an access,
 *	clipped to the region.  At most one of the members is set; neither
 *	while the chunk is not in.
 * @pages: the chunk's pages in guest order, each pinned once.
 * @huge: the chunk's first page, when one huge page of the VMM maps the
 *	whole chunk: the others follow it physically, and the pin on this
 *	one holds the huge page, so all of them.
 */
struct axv_chunk {
	struct page **pages;
	struct page *huge;
};

/**
 * struct axv_mem_stats - a VM's guest memory, counted as it comes in
 *	and goes; the core's share of struct axv_vm_stats.
 * @pinned_pages: 4 KiB pages the chunks brought in hold pinned.
 * @chunks: chunks brought in, in the regions there are now.
 * @huge_chunks: of @chunks, those with &axv_chunk.huge set.
 * @faults: chunks brought in since the VM was made.
 */
struct axv_mem_stats {
	u64 pinned_pages;
	u64 chunks;
	u64 huge_chunks;
	u64 faults;
};

struct axv_vcpu;

/**
 * struct axv_vm - a virtual machine.
 * @ref: references: the VM file and each vCPU.
 * @virt: the instance kept on while the VM exists.
 * @id: VM number, unique while the module is loaded; for logs.
 * @lock: serialises changes to the VM's configuration and @vcpus.
 * @vcpus: the vCPUs, indexed by vCPU id.
 * @memslots: guest memory, indexed by slot number; guarded by
 *	@mem_mutex.
 * @mm: the address space of the process that created the VM; its pages
 *	back guest memory and are charged to its locked-memory limit.
 *	NULL for VMs made by KUnit.
 * @arch: the backend's state (&axv_arch_ops.vm_init).
 * @mem_mutex: serialises changes to guest memory: @memslots, their
 *	pages coming in, the backend's mappings.  Nests inside @lock.
 * @mem_lock: also guards @memslots, @used_slots and the regions' @chunks
 *	entries, for readers of guest memory that cannot sleep; writers
 *	hold @mem_mutex too.
 * @used_slots: bit N set: @memslots[N] holds a region.
 * @mem_stats: what guest memory holds and has brought in, for
 *	AXV_GET_VM_STATS; guarded by @mem_mutex.
 * @irqchip: the interrupt controllers are in the kernel (x86: a local
 *	APIC per vCPU): IPIs between vCPUs, starts included, never leave
 *	it.  Fixed at creation.
 */
struct axv_vm {
	struct kref ref;
	struct axv_virt *virt;
	unsigned int id;
	struct mutex lock; /* see @lock above */
	struct axv_vcpu *vcpus[AXV_MAX_VCPUS];
	struct axv_memslot memslots[AXV_MAX_MEMSLOTS];
	struct mm_struct *mm;
	void *arch;
	struct mutex mem_mutex; /* see @mem_mutex above */
	spinlock_t mem_lock; /* see @mem_lock above */
	unsigned long used_slots;
	struct axv_mem_stats mem_stats;
	bool irqchip;
};

/**
 * enum axv_vcpu_role - the role asked for at vCPU creation; the values
 *	are the ABI's AXV_VCPU_ROLE_*.
 * @AXV_ROLE_DEFAULT: the BSP when the id is 0, an AP otherwise.
 * @AXV_ROLE_BSP: the bootstrap processor.
 * @AXV_ROLE_AP: an application processor.
 */
enum axv_vcpu_role {
	AXV_ROLE_DEFAULT = AXV_VCPU_ROLE_DEFAULT,
	AXV_ROLE_BSP = AXV_VCPU_ROLE_BSP,
	AXV_ROLE_AP = AXV_VCPU_ROLE_AP,
};

/**
 * struct axv_vcpu_config - what a new vCPU is made of.
 * @id: vCPU number, below AXV_MAX_VCPUS.
 * @apic_id: interrupt-controller ID.
 * @role: enum axv_vcpu_role.
 * @favoured_cpu: host CPU to favour, or -1.
 * @allowed: host CPUs it may run on, or NULL for all.
 */
struct axv_vcpu_config {
	u32 id;
	u32 apic_id;
	enum axv_vcpu_role role;
	int favoured_cpu;
	const struct cpumask *allowed;
};

/**
 * axv_vm_create() - create a VM, turning virtualization on if needed.
 * @virt: the instance that must stay on while the VM exists.
 * @irqchip: give it in-kernel interrupt controllers (&struct axv_vm).
 *
 * Context: process, may sleep.
 * Return: the VM with one reference, or an ERR_PTR(): -ENOMEM, or the
 * error of axv_virt_get() or of the backend's vm_init.
 */
struct axv_vm *axv_vm_create(struct axv_virt *virt, bool irqchip);

/**
 * axv_vm_create_vcpu() - add a vCPU to a VM.
 * @vm: the VM; the vCPU takes a reference on it.
 * @cfg: the vCPU's id, interrupt-controller ID, role and affinity.
 *
 * The vCPU is set up at once: a BSP is free to run, an AP waits for a
 * start.  Its id and interrupt-controller ID are unique in the VM, and
 * the VM has at most one BSP.
 *
 * Context: process, may sleep.
 * Return: the vCPU, or an ERR_PTR(): -EINVAL for an id or affinity out of
 * range, -EEXIST for an id or ID in use or a second BSP, -ENOMEM.
 */
struct axv_vcpu *axv_vm_create_vcpu(struct axv_vm *vm,
				    const struct axv_vcpu_config *cfg);

/**
 * axv_vm_destroy_vcpu() - remove a vCPU from its VM and free it, dropping
 *	its reference on the VM.
 * @vcpu: the vCPU; no one else may use it any more.
 *
 * Context: process, may sleep.
 */
void axv_vm_destroy_vcpu(struct axv_vcpu *vcpu);

/**
 * axv_vm_start_vcpu() - apply a start IPI to a vCPU of a VM.
 * @vcpu: the vCPU; its mutex held.
 * @vector: the start vector.
 *
 * As axv_vcpu_start(); a vCPU that starts is also reset by the backend
 * to the state the start IPI gives.
 *
 * Context: process, may sleep.
 * Return: 1 when it started, 0 when it was not waiting for a start.
 */
int axv_vm_start_vcpu(struct axv_vcpu *vcpu, u8 vector);

/**
 * axv_vm_set_vcpu_role() - make a vCPU the VM's BSP or an AP before it
 *	first runs.
 * @vcpu: the vCPU; its mutex held (taken before the VM's lock).
 * @bsp: true for the bootstrap processor.
 *
 * Context: process, may sleep.
 * Return: 0; -EEXIST when another vCPU of the VM is the BSP; the errors
 * of axv_vcpu_set_bsp().
 */
int axv_vm_set_vcpu_role(struct axv_vcpu *vcpu, bool bsp);

/**
 * axv_vm_gpa_bits() - width of the VM's guest-physical address space.
 * @vm: the VM.
 *
 * Return: the backend's address width.
 */
unsigned int axv_vm_gpa_bits(const struct axv_vm *vm);

/**
 * axv_vm_check_memslot() - check a region's slot number and addresses.
 * @vm: the VM.
 * @slot: slot number.
 * @mem: the region.
 *
 * Return: 0; -EINVAL for a slot out of range, a zero or unaligned size or
 * address, or a range that wraps or ends beyond the guest-physical space.
 */
int axv_vm_check_memslot(const struct axv_vm *vm, unsigned int slot,
			 const struct axv_memslot *mem);

/**
 * axv_vm_set_memslot() - give the guest a region in a free slot.
 * @vm: the VM.
 * @slot: slot number.
 * @mem: the region; its addresses are checked here (as by
 *	axv_vm_check_memslot()), its flags and the VMM's access to
 *	@mem->uaddr by the caller.
 *
 * Context: process, may sleep.
 * Return: 0; -EINVAL as axv_vm_check_memslot(); -EEXIST when the slot is
 * in use, the guest range overlaps another region, or the backend keeps
 * a page of its own there (&axv_arch_ops.check_memory).
 */
int axv_vm_set_memslot(struct axv_vm *vm, unsigned int slot,
		       const struct axv_memslot *mem);

/**
 * axv_vm_delete_memslot() - take a region away from the guest.
 * @vm: the VM.
 * @slot: slot number.
 *
 * Context: process, may sleep.
 * Return: 0; -EINVAL for a slot out of range; -ENOENT for a free slot.
 */
int axv_vm_delete_memslot(struct axv_vm *vm, unsigned long slot);

/**
 * axv_memslot_prepare() - make ready to bring a region's pages in.
 * @vm: the VM; the caller runs in its address space.
 * @mem: the region, checked by axv_vm_check_memslot(); @mem->chunks is
 *	set on success, every entry NULL.
 *
 * Nothing is pinned yet: axv_vm_fault_in() pins and maps a chunk when the
 * guest (or the kernel for it) first touches it.  The whole region counts
 * against the caller's RLIMIT_MEMLOCK (unless it has CAP_IPC_LOCK) from
 * now until axv_memslot_release(), so that a chunk never fails on it.
 *
 * Context: process, may sleep.
 * Return: 0; -ENOMEM over the locked-memory limit or out of memory; -EIO
 * when the caller is not in the VM's address space.  Nothing stays
 * charged on failure.
 */
int axv_memslot_prepare(struct axv_vm *vm, struct axv_memslot *mem);

/**
 * axv_memslot_release() - unpin what came in of a region, and uncharge it.
 * @vm: the VM.
 * @mem: the region, no longer in @vm's slots; @mem->chunks is NULL
 *	afterwards.
 *
 * Context: process, may sleep.
 */
void axv_memslot_release(struct axv_vm *vm, struct axv_memslot *mem);

/**
 * axv_vm_memory_missing() - whether a guest-physical address is in a
 *	region but not brought in yet.
 * @vm: the VM.
 * @gpa: guest-physical address.
 *
 * The backend asks on an access its page tables refused.
 *
 * Context: any; does not sleep.
 * Return: true when the access is to be retried after axv_vm_fault_in();
 * false for a hole (or a write to a read-only region).
 */
bool axv_vm_memory_missing(struct axv_vm *vm, u64 gpa);

/**
 * axv_vm_fault_in() - bring the guest memory at @gpa in.
 * @vm: the VM; the caller runs in its address space.
 * @gpa: guest-physical address.
 *
 * Pins the VMM's pages of the chunk holding @gpa (its 2 MiB-aligned
 * stretch, within the region) and has the backend map them.  Nothing
 * happens when @gpa is in no region, or already in.
 *
 * Context: process, may sleep.
 * Return: 0, after which the access can be tried again; -EFAULT when the
 * VMM's memory behind the chunk is not mapped any more (or, for a
 * writable region, not writable); -ENOMEM; -EIO when the caller is not in
 * the VM's address space; -EINVAL when the backend cannot map a page.
 */
int axv_vm_fault_in(struct axv_vm *vm, u64 gpa);

/**
 * axv_vm_get_stats() - what a VM's guest memory holds now.
 * @vm: the VM.
 * @stats: filled whole: the core's counters, and the backend's mappings
 *	(&axv_arch_ops.count_mappings); reserved fields zero.
 *
 * Context: process, may sleep (waits for a chunk being brought in).
 */
void axv_vm_get_stats(struct axv_vm *vm, struct axv_vm_stats *stats);

/**
 * axv_vm_read_guest() - copy guest memory out.
 * @vm: the VM.
 * @gpa: guest-physical address.
 * @buf: where to copy.
 * @len: bytes.
 *
 * Context: any; does not sleep.
 * Return: 0; -EFAULT when part of the range is not guest memory;
 * -EAGAIN when part of it is guest memory not brought in yet: call
 * axv_vm_fault_in() for the address where it can sleep, and try again.
 */
int axv_vm_read_guest(struct axv_vm *vm, u64 gpa, void *buf, size_t len);

/**
 * axv_vm_write_guest() - copy into guest memory.
 * @vm: the VM.
 * @gpa: guest-physical address.
 * @buf: what to copy.
 * @len: bytes.
 *
 * Context: any; does not sleep.
 * Return: 0; -EFAULT when part of the range is not guest memory or is
 * read-only to the guest; -EAGAIN as axv_vm_read_guest().
 */
int axv_vm_write_guest(struct axv_vm *vm, u64 gpa, const void *buf,
		       size_t len);

/**
 * axv_vm_put() - drop a reference; the last frees the VM and its hold on
 *	virtualization.
 * @vm: the VM.
 *
 * Context: process, may sleep.
 */
void axv_vm_put(struct axv_vm *vm);

#endif /* _AXVCPU_CORE_H */
