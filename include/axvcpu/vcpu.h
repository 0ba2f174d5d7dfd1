/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The architecture-neutral vCPU: its state machine, its role (BSP or AP),
 * its interrupt-controller ID, start vector, pending IPIs, host affinity
 * and accounting.  No architecture header may be included here.
 *
 * Locking: every state change happens in the thread that owns the vCPU,
 * with @mutex held (the vCPU ioctls take it).  Other threads only read
 * @state (READ_ONCE) and use the IPI queue, which has its own spinlock.
 * @bsp changes only with both @mutex and the VM's lock held, in that
 * order, so that the VM can keep one BSP.
 */
#ifndef _AXVCPU_VCPU_H
#define _AXVCPU_VCPU_H

#include <linux/cpumask.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <linux/axvcpu.h>

struct axv_vm;

/**
 * enum axv_run_state - where a vCPU is in its life; the values are the
 *	ABI's AXV_VCPU_STATE_*.
 * @AXV_VCPU_INVALID: an operation failed or was attempted from the wrong
 *	state; the vCPU can only be destroyed.
 * @AXV_VCPU_CREATED: allocated, not set up.
 * @AXV_VCPU_FREE: set up, not bound to a physical CPU.
 * @AXV_VCPU_READY: bound to the current physical CPU, can run.
 * @AXV_VCPU_RUNNING: executing guest code.
 * @AXV_VCPU_BLOCKED: halted by the guest, waits for an interrupt.
 * @AXV_VCPU_WAIT_START: an application processor waiting to be started
 *	(x86: wait-for-SIPI after INIT).
 * @AXV_VCPU_PAUSED: paused by the hypervisor; resumes where it was.
 * @AXV_VCPU_STOPPED: stopped for good.
 * @AXV_VCPU_NR_STATES: number of states.
 */
enum axv_run_state {
	AXV_VCPU_INVALID = AXV_VCPU_STATE_INVALID,
	AXV_VCPU_CREATED = AXV_VCPU_STATE_CREATED,
	AXV_VCPU_FREE = AXV_VCPU_STATE_FREE,
	AXV_VCPU_READY = AXV_VCPU_STATE_READY,
	AXV_VCPU_RUNNING = AXV_VCPU_STATE_RUNNING,
	AXV_VCPU_BLOCKED = AXV_VCPU_STATE_BLOCKED,
	AXV_VCPU_WAIT_START = AXV_VCPU_STATE_WAIT_START,
	AXV_VCPU_PAUSED = AXV_VCPU_STATE_PAUSED,
	AXV_VCPU_STOPPED = AXV_VCPU_STATE_STOPPED,
	AXV_VCPU_NR_STATES,
};

/**
 * enum axv_ipi_kind - what an inter-processor interrupt asks of its target.
 * @AXV_IPI_FIXED: deliver @vector as an interrupt.
 * @AXV_IPI_NMI: a non-maskable interrupt.
 * @AXV_IPI_INIT: reset the target into the wait-for-start state.
 * @AXV_IPI_START: start a waiting target at @vector (x86: SIPI).
 */
enum axv_ipi_kind {
	AXV_IPI_FIXED,
	AXV_IPI_NMI,
	AXV_IPI_INIT,
	AXV_IPI_START,
};

/* struct axv_ipi.flags */
#define AXV_IPI_F_LEVEL		BIT(0)	/* fixed: level-triggered, its end is reported */

/**
 * struct axv_ipi - one pending inter-processor interrupt.
 * @kind: enum axv_ipi_kind.
 * @vector: the vector of a fixed or start IPI, 0 otherwise.
 * @flags: AXV_IPI_F_*.
 * @source: interrupt-controller ID of the sender.
 */
struct axv_ipi {
	u8 kind;
	u8 vector;
	u8 flags;
	u32 source;
};

/*
 * Capacity of a vCPU's IPI queue; a power of two.  With the merging rules
 * of axv_ipi_deliver() at most 256 fixed IPIs, one NMI, one INIT and one
 * start are pending at once, so the queue cannot fill.
 */
#define AXV_IPI_QUEUE_LEN	512

/**
 * struct axv_ipi_queue - bounded FIFO of pending IPIs.
 * @lock: protects everything below; taken by senders on any CPU.
 * @head: index of the oldest entry (free-running).
 * @tail: index of the next free slot (free-running).
 * @coalesced: IPIs merged into one already pending, or made moot by an INIT.
 * @overflows: IPIs refused because the queue was full.
 * @slots: the entries.
 *
 * Merging, as the hardware's state works: a fixed IPI whose vector is
 * pending merges into it (one IRR bit); an NMI into a pending NMI; a start
 * into a pending start.  An INIT drops every pending IPI but NMIs.
 */
struct axv_ipi_queue {
	spinlock_t lock; /* see @lock above */
	u32 head;
	u32 tail;
	u64 coalesced;
	u64 overflows;
	struct axv_ipi slots[AXV_IPI_QUEUE_LEN];
};

/* Number of per-reason exit counters kept by the core. */
#define AXV_VCPU_NR_EXIT_COUNTERS	AXV_VCPU_NR_EXIT_STATS

/**
 * struct axv_vcpu - a virtual CPU.
 * @vm: the VM it belongs to; the vCPU holds a reference on it.
 * @vm_id: the VM's id, for logs.
 * @id: vCPU number within the VM.
 * @apic_id: interrupt-controller ID (x86 LAPIC ID), unique within the VM.
 * @bsp: the bootstrap processor, started at reset; APs wait for a start.
 * @state: enum axv_run_state; written with @mutex held.
 * @paused_from: the state @AXV_VCPU_PAUSED returns to.
 * @ran: has entered the guest once; the role is fixed from then on.
 * @sipi_vector: vector of the last start IPI; entry = vector << 12.
 * @favoured_cpu: physical CPU to run on when allowed, or -1.
 * @allowed_cpus: physical CPUs the vCPU may run on.
 * @exec_ns: guest execution time, nanoseconds.
 * @exits: exits by architecture-neutral reason number.
 * @ipis: pending IPIs.
 * @mutex: serialises the owner's operations.
 * @arch: the backend's state for this vCPU, set by its vcpu_setup.
 * @run: the run structure shared with userspace (one page, mapped by
 *	the vCPU file descriptor).
 * @requests: AXV_VCPU_REQ_* bits, set from any thread.
 * @wq: where a halted vCPU sleeps; woken by a kick or an event.
 * @in_run: set while a thread is in AXV_RUN (the second gets -EBUSY).
 * @irqchip: the in-kernel interrupt controller's state for this vCPU
 *	(x86: struct lapic), set by the backend's vcpu_setup when the VM
 *	has one; NULL otherwise.
 */
struct axv_vcpu {
	struct axv_vm *vm;
	unsigned int vm_id;
	unsigned int id;
	u32 apic_id;
	bool bsp;
	enum axv_run_state state;
	enum axv_run_state paused_from;
	bool ran;
	u8 sipi_vector;
	int favoured_cpu;
	cpumask_var_t allowed_cpus;
	u64 exec_ns;
	u64 exits[AXV_VCPU_NR_EXIT_COUNTERS];
	struct axv_ipi_queue ipis;
	struct mutex mutex; /* see @mutex above */
	void *arch;
	struct axv_run *run;
	unsigned long requests;
	wait_queue_head_t wq;
	atomic_t in_run;
	void *irqchip;
};

/* struct axv_vcpu.requests */
#define AXV_VCPU_REQ_KICK	0	/* leave AXV_RUN with AXV_EXIT_KICKED */
#define AXV_VCPU_REQ_EVENT	1	/* an event arrived: look before entering */

/**
 * axv_vcpu_init() - initialise a vCPU in the created state.
 * @vcpu: zeroed memory for the vCPU.
 * @vm_id: its VM's id.
 * @id: vCPU number.
 * @apic_id: interrupt-controller ID.
 * @bsp: whether it is the bootstrap processor.
 *
 * Every possible physical CPU is allowed and none is favoured.
 *
 * Context: process, may sleep.
 * Return: 0 or -ENOMEM.
 */
int axv_vcpu_init(struct axv_vcpu *vcpu, unsigned int vm_id, unsigned int id,
		  u32 apic_id, bool bsp);

/**
 * axv_vcpu_destroy() - release what axv_vcpu_init() allocated.
 * @vcpu: the vCPU.
 */
void axv_vcpu_destroy(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_state_name() - printable name of a state.
 * @state: the state.
 *
 * Return: a constant string, "?" for an out-of-range value.
 */
const char *axv_vcpu_state_name(enum axv_run_state state);

/**
 * axv_vcpu_transition() - run an operation under a state transition.
 * @vcpu: the vCPU; its @mutex must be held.
 * @from: the state the vCPU must be in.
 * @to: the state it moves to when @op succeeds.
 * @op: the operation, or NULL for none.
 * @arg: passed to @op.
 *
 * When the vCPU is not in @from, or @op fails, the vCPU moves to
 * AXV_VCPU_INVALID: a vCPU whose state is no longer known must not run.
 *
 * Return: 0; -EINVAL when the vCPU was not in @from; @op's error.
 */
int axv_vcpu_transition(struct axv_vcpu *vcpu, enum axv_run_state from,
			enum axv_run_state to,
			int (*op)(struct axv_vcpu *vcpu, void *arg), void *arg);

/**
 * axv_vcpu_set_bsp() - change the vCPU's role before it first runs.
 * @vcpu: the vCPU; @mutex held.
 * @bsp: true for the bootstrap processor.
 *
 * A BSP that was set up becomes an AP waiting for a start, and the
 * other way round.  The caller keeps one BSP per VM.
 *
 * Return: 0; -EBUSY once the vCPU has run; -EINVAL when the vCPU is in
 * a state other than created, free or waiting for a start.
 */
int axv_vcpu_set_bsp(struct axv_vcpu *vcpu, bool bsp);

/**
 * axv_vcpu_setup() - finish setting up: the BSP becomes free to run, an
 *	AP waits for a start.
 * @vcpu: the vCPU; @mutex held.
 * @op: the backend's part, run under the transition, or NULL.
 * @arg: passed to @op.
 *
 * Return: 0; -EINVAL when not created; @op's error.  On error the vCPU is
 * invalid.
 */
int axv_vcpu_setup(struct axv_vcpu *vcpu,
		   int (*op)(struct axv_vcpu *vcpu, void *arg), void *arg);

/**
 * axv_vcpu_init_ipi() - apply an INIT: back to waiting for a start.
 * @vcpu: the vCPU; @mutex held.
 *
 * Allowed from every state but invalid and stopped.  A BSP is reset too
 * (the caller resets its registers); it then also waits for a start.
 *
 * Return: 0, or -EINVAL when invalid or stopped (state unchanged).
 */
int axv_vcpu_init_ipi(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_start() - apply a start IPI: record the vector, become free.
 * @vcpu: the vCPU; @mutex held.
 * @vector: the start vector; real-mode entry at @vector << 12.
 *
 * A start IPI to a vCPU that is not waiting is ignored, as the SDM says
 * of a SIPI outside wait-for-SIPI.
 *
 * Return: 1 when started, 0 when ignored.
 */
int axv_vcpu_start(struct axv_vcpu *vcpu, u8 vector);

/**
 * axv_vcpu_start_entry() - guest-physical entry of the last start IPI.
 * @vcpu: the vCPU.
 *
 * Return: @sipi_vector << 12.
 */
u64 axv_vcpu_start_entry(const struct axv_vcpu *vcpu);

/**
 * axv_vcpu_halt() - the guest halted: running -> blocked.
 * @vcpu: the vCPU; @mutex held.
 *
 * Return: 0, or -EINVAL (and the vCPU is invalid) when not running.
 */
int axv_vcpu_halt(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_wake() - an interrupt arrived for a blocked vCPU: -> ready.
 * @vcpu: the vCPU; @mutex held.
 *
 * Return: 1 when woken, 0 when it was not blocked (nothing changes).
 */
int axv_vcpu_wake(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_pause() - pause on the hypervisor's request.
 * @vcpu: the vCPU; @mutex held.
 *
 * Allowed from free, ready, blocked and waiting for a start; the state is
 * remembered for axv_vcpu_resume().  A running vCPU is paused by its
 * owner after it exits.
 *
 * Return: 0; -EALREADY when paused; -EINVAL from other states (state
 * unchanged).
 */
int axv_vcpu_pause(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_resume() - undo axv_vcpu_pause().
 * @vcpu: the vCPU; @mutex held.
 *
 * Return: 0, or -EINVAL when not paused (state unchanged).
 */
int axv_vcpu_resume(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_stop() - stop for good; only destruction follows.
 * @vcpu: the vCPU; @mutex held.
 *
 * Return: 0, or -EINVAL when running (exit first) or invalid.
 */
int axv_vcpu_stop(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_set_affinity() - set the favoured and allowed physical CPUs.
 * @vcpu: the vCPU; @mutex held.
 * @favoured: a CPU in @allowed, or -1 for none.
 * @allowed: CPUs the vCPU may run on; must hold a possible CPU.
 *
 * Return: 0; -EINVAL when @allowed has no possible CPU or @favoured is
 * not in it.
 */
int axv_vcpu_set_affinity(struct axv_vcpu *vcpu, int favoured,
			  const struct cpumask *allowed);

/**
 * axv_vcpu_may_run_on() - whether the vCPU may run on a physical CPU.
 * @vcpu: the vCPU.
 * @cpu: the physical CPU.
 *
 * Return: true when @cpu is in the allowed set.
 */
bool axv_vcpu_may_run_on(const struct axv_vcpu *vcpu, unsigned int cpu);

/**
 * axv_vcpu_account_exit() - account one guest run ending with an exit.
 * @vcpu: the vCPU; @mutex held.
 * @guest_ns: nanoseconds spent in the guest.
 * @reason: architecture-neutral exit reason number; reasons beyond the
 *	counters are counted in the last one.
 */
void axv_vcpu_account_exit(struct axv_vcpu *vcpu, u64 guest_ns,
			   unsigned int reason);

/**
 * axv_ipi_queue_init() - initialise an empty queue.
 * @q: the queue.
 */
void axv_ipi_queue_init(struct axv_ipi_queue *q);

/**
 * axv_ipi_deliver() - queue an IPI for the owner of @q.
 * @q: the target's queue.
 * @ipi: the IPI.
 *
 * Context: any, including interrupts disabled.
 * Return: 0 when queued or merged into a pending one; -ENOSPC when full;
 * -EINVAL for an unknown kind.
 */
int axv_ipi_deliver(struct axv_ipi_queue *q, const struct axv_ipi *ipi);

/**
 * axv_ipi_pop() - take the oldest pending IPI.
 * @q: the queue.
 * @ipi: filled with it.
 *
 * Context: any.
 * Return: true when one was taken, false when the queue was empty.
 */
bool axv_ipi_pop(struct axv_ipi_queue *q, struct axv_ipi *ipi);

/**
 * axv_ipi_count() - number of pending IPIs.
 * @q: the queue.
 *
 * Context: any.
 * Return: the count at the time of the call.
 */
unsigned int axv_ipi_count(struct axv_ipi_queue *q);

/**
 * axv_ipi_counters() - the queue's coalesced and overflow counts.
 * @q: the queue.
 * @coalesced: filled with the number of IPIs merged into pending ones.
 * @overflows: filled with the number of IPIs refused for lack of room.
 *
 * Context: any.
 */
void axv_ipi_counters(struct axv_ipi_queue *q, u64 *coalesced,
		      u64 *overflows);

/**
 * axv_vcpu_run() - run a vCPU until an exit for userspace (AXV_RUN).
 * @vcpu: the vCPU.
 *
 * Moves the vCPU from free to ready (bound to this thread's CPU) and
 * running, lets the backend run it, and back to free.  The calling thread
 * is first confined to the vCPU's allowed CPUs.
 *
 * Context: process, may sleep; the vCPU's mutex held.
 * Return: as &axv_arch_ops.vcpu_run; -EINVAL when the vCPU is not free to
 * run (waiting for a start, paused, stopped or invalid), or none of its
 * allowed CPUs is online.
 */
int axv_vcpu_run(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_inject() - make an interrupt pending (AXV_INTERRUPT).
 * @vcpu: the vCPU.
 * @vector: the vector: 32-255, or 2 for an NMI.
 * @nmi: an NMI rather than an external interrupt.
 *
 * Context: process, may sleep; the vCPU's mutex held.
 * Return: 0; -EINVAL for a bad vector or a stopped or invalid vCPU;
 * -EBUSY when an external interrupt is already pending.
 */
int axv_vcpu_inject(struct axv_vcpu *vcpu, u32 vector, bool nmi);

/**
 * axv_vcpu_kick() - ask a vCPU to leave AXV_RUN (hv_vcpus_exit).
 * @vcpu: the vCPU.
 *
 * It leaves the guest or its halt soon and returns AXV_EXIT_KICKED; if it
 * is not in AXV_RUN, its next AXV_RUN returns so at once.
 *
 * Context: any thread; does not sleep.
 */
void axv_vcpu_kick(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_take_kick() - consume a pending kick.
 * @vcpu: the vCPU.
 *
 * Context: the vCPU's mutex held.
 * Return: true when a kick was pending (it is cleared).
 */
bool axv_vcpu_take_kick(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_block() - sleep in the halted state until woken.
 * @vcpu: the vCPU, running; blocked while it sleeps, ready after.
 * @can_wake: the backend's test for an event that ends the halt.
 *
 * Returns when @can_wake is true, a kick is pending or a signal arrives;
 * the time asleep is not execution time.
 *
 * Context: process, may sleep; the vCPU's mutex held.
 * Return: 0; -EINVAL when the vCPU was not running.
 */
int axv_vcpu_block(struct axv_vcpu *vcpu,
		   bool (*can_wake)(struct axv_vcpu *vcpu));

/**
 * axv_vcpu_notify() - tell a vCPU an event arrived for it.
 * @vcpu: the vCPU.
 *
 * Sets AXV_VCPU_REQ_EVENT, wakes it from a halt or from waiting for a
 * start, and makes it leave the guest if it is in it, so that it looks at
 * its IPI queue and interrupt controller before it enters again.
 *
 * Context: any, including hard interrupts.
 */
void axv_vcpu_notify(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_send_ipi() - queue an IPI for a vCPU and notify it.
 * @vcpu: the target.
 * @ipi: the IPI.
 *
 * Context: any; does not sleep.
 * Return: as axv_ipi_deliver().
 */
int axv_vcpu_send_ipi(struct axv_vcpu *vcpu, const struct axv_ipi *ipi);

/**
 * axv_vcpu_take_events() - clear the event request, then apply what the
 *	IPI queue holds (&axv_arch_ops.vcpu_deliver).
 * @vcpu: the vCPU, in a VM whose interrupt controller is in the kernel;
 *	its mutex held.
 *
 * An event queued after the look sets the request again (see
 * axv_vcpu_notify()), so the caller does not enter the guest past it.
 *
 * Context: process, may sleep.
 */
void axv_vcpu_take_events(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_await_start() - in AXV_RUN, wait for a start IPI.
 * @vcpu: the vCPU, waiting for a start; its mutex held.
 *
 * For VMs whose interrupt controller is in the kernel: applies the IPIs
 * that arrive (&axv_arch_ops.vcpu_deliver) until one starts the vCPU.
 *
 * Context: process, may sleep.
 * Return: 0 when started (free to run); 1 when a kick ended the wait
 * (the run structure says AXV_EXIT_KICKED); -EINTR for a signal
 * (AXV_EXIT_INTR).
 */
int axv_vcpu_await_start(struct axv_vcpu *vcpu);

/**
 * axv_vcpu_enter_running() - free to running, bound to this CPU.
 * @vcpu: the vCPU, free; its mutex held.
 *
 * Return: 0, or -EINVAL (the vCPU is then invalid).
 */
int axv_vcpu_enter_running(struct axv_vcpu *vcpu);

#endif /* _AXVCPU_VCPU_H */
