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

int axv_ipi_deliver(struct axv_ipi_queue *q, const struct axv_ipi *ipi)
{
	unsigned long flags;
	int err = 0;
	u32 i;

	if (ipi->kind > AXV_IPI_START)
		return -EINVAL;

	spin_lock_irqsave(&q->lock, flags);
	/* A pending interrupt is a state, not a count: merge repeats. */
	for (i = q->head; i != q->tail; i++) {
		struct axv_ipi *p = axv_ipi_slot(q, i);

		if (p->kind == ipi->kind && p->vector == ipi->vector) {
			q->coalesced++;
			goto out_unlock;
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
