// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's queue of pending inter-processor interrupts.  Senders run on
 * any CPU (other vCPUs' threads, device models); the owner pops.
 */
#include <linux/errno.h>
#include <linux/spinlock.h>

#include <axvcpu/vcpu.h>

void axv_ipi_queue_init(struct axv_ipi_queue *q)
{
	spin_lock_init(&q->lock);
	q->head = 0;
	q->tail = 0;
	q->coalesced = 0;
	q->overflows = 0;
}

static struct axv_ipi *axv_ipi_slot(struct axv_ipi_queue *q, u32 index)
{
	return &q->slots[index % AXV_IPI_QUEUE_LEN];
}

/*
 * An INIT makes what was pending before it moot: it clears the IRR, and
 * an INIT or start-up still queued would be applied before it.  Only an
 * NMI, latched apart from the APIC, survives.  Lock held.
 */
static void axv_ipi_drop_before_init(struct axv_ipi_queue *q)
{
	u32 i, kept = q->head;

	for (i = q->head; i != q->tail; i++) {
		struct axv_ipi *p = axv_ipi_slot(q, i);

		if (p->kind == AXV_IPI_NMI)
			*axv_ipi_slot(q, kept++) = *p;
		else
			q->coalesced++;
	}
	q->tail = kept;
}

/*
 * Whether @ipi merges into @p, already pending; @p takes what @ipi changes.
 * Lock held.
 */
static bool axv_ipi_merges(struct axv_ipi *p, const struct axv_ipi *ipi)
{
	if (p->kind != ipi->kind)
		return false;
	switch (ipi->kind) {
	case AXV_IPI_FIXED:
		/* A pending interrupt is one IRR bit; the last one sets TMR. */
		if (p->vector != ipi->vector)
			return false;
		p->flags = ipi->flags;
		return true;
	case AXV_IPI_NMI:
		return true;
	case AXV_IPI_START:
		/* The first start moves the target on; later ones find it running. */
		return true;
	default:
		return false;
	}
}

int axv_ipi_deliver(struct axv_ipi_queue *q, const struct axv_ipi *ipi)
{
	unsigned long flags;
	int err = 0;
	u32 i;

	if (ipi->kind > AXV_IPI_START)
		return -EINVAL;

	spin_lock_irqsave(&q->lock, flags);
	if (ipi->kind == AXV_IPI_INIT) {
		axv_ipi_drop_before_init(q);
	} else {
		for (i = q->head; i != q->tail; i++) {
			if (axv_ipi_merges(axv_ipi_slot(q, i), ipi)) {
				q->coalesced++;
				goto out_unlock;
			}
		}
	}
	if (q->tail - q->head == AXV_IPI_QUEUE_LEN) {
		q->overflows++;
		err = -ENOSPC;
		goto out_unlock;
	}
	*axv_ipi_slot(q, q->tail) = *ipi;
	q->tail++;
out_unlock:
	spin_unlock_irqrestore(&q->lock, flags);
	return err;
}

bool axv_ipi_pop(struct axv_ipi_queue *q, struct axv_ipi *ipi)
{
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&q->lock, flags);
	if (q->head != q->tail) {
		*ipi = *axv_ipi_slot(q, q->head);
		q->head++;
		found = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return found;
}

unsigned int axv_ipi_count(struct axv_ipi_queue *q)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&q->lock, flags);
	n = q->tail - q->head;
	spin_unlock_irqrestore(&q->lock, flags);
	return n;
}

void axv_ipi_counters(struct axv_ipi_queue *q, u64 *coalesced,
		      u64 *overflows)
{
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	*coalesced = q->coalesced;
	*overflows = q->overflows;
	spin_unlock_irqrestore(&q->lock, flags);
}
