// SPDX-License-Identifier: GPL-2.0
/*
 * shm-signal: notification through a shared descriptor.
 *
 * The sender sets "dirty" for every event and notifies only when the
 * receiver has notifications enabled and none is pending, so a burst costs
 * one notification. The receiver clears "pending", then "dirty", then looks
 * for work; re-enabling returns whether events arrived meanwhile, so no
 * event is lost across a disabled window. Full barriers order each side's
 * write of one flag against its read of the other's.
 */
#include <asm/barrier.h>
#include <linux/export.h>
#include <linux/vbus_queue.h>

static struct shm_signal_irq *shm_signal_irq(struct shm_signal *s, bool mine)
{
	return &s->desc->irq[mine ? s->to_me : !s->to_me];
}

/**
 * shm_signal_init() - attach to a shared descriptor
 * @s: the signal
 * @desc: the descriptor, in memory shared with the other side
 * @to_me: the direction this side receives, SHM_SIGNAL_TO_SOUTH for the host
 * @ops: delivery of notifications to the other side
 */
void shm_signal_init(struct shm_signal *s, struct shm_signal_desc *desc,
		     unsigned int to_me, const struct shm_signal_ops *ops)
{
	s->desc = desc;
	s->to_me = !!to_me;
	s->ops = ops;
}
EXPORT_SYMBOL_GPL(shm_signal_init);

/**
 * shm_signal_inject() - post an event to the other side
 * @s: the signal
 *
 * Return: true if a notification was delivered, false if it was coalesced
 * (one is pending) or the other side polls (notifications disabled).
 */
bool shm_signal_inject(struct shm_signal *s)
{
	struct shm_signal_irq *irq = shm_signal_irq(s, false);

	WRITE_ONCE(irq->dirty, 1);
	/* dirty before enabled/pending; pairs with shm_signal_take/enable */
	smp_mb();
	if (!READ_ONCE(irq->enabled) || READ_ONCE(irq->pending))
		return false;
	WRITE_ONCE(irq->pending, 1);
	s->ops->notify(s);
	return true;
}
EXPORT_SYMBOL_GPL(shm_signal_inject);

/**
 * shm_signal_take() - acknowledge a notification and claim its events
 * @s: the signal
 *
 * Call on every notification, then look for work if it returns true.
 *
 * Return: true if events were posted since the last take.
 */
bool shm_signal_take(struct shm_signal *s)
{
	struct shm_signal_irq *irq = shm_signal_irq(s, true);

	WRITE_ONCE(irq->pending, 0);
	/* pending cleared before dirty is read; pairs with inject */
	smp_mb();
	if (!READ_ONCE(irq->dirty))
		return false;
	WRITE_ONCE(irq->dirty, 0);
	/* dirty cleared before the caller reads the ring */
	smp_mb();
	return true;
}
EXPORT_SYMBOL_GPL(shm_signal_take);

/**
 * shm_signal_enable() - ask the other side for notifications again
 * @s: the signal
 *
 * Return: true if events arrived while notifications were disabled: the
 * caller must look for work again instead of waiting.
 */
bool shm_signal_enable(struct shm_signal *s)
{
	struct shm_signal_irq *irq = shm_signal_irq(s, true);

	WRITE_ONCE(irq->enabled, 1);
	/* enabled before dirty is read; pairs with inject */
	smp_mb();
	return READ_ONCE(irq->dirty);
}
EXPORT_SYMBOL_GPL(shm_signal_enable);

/**
 * shm_signal_disable() - stop notifications while polling
 * @s: the signal
 */
void shm_signal_disable(struct shm_signal *s)
{
	WRITE_ONCE(shm_signal_irq(s, true)->enabled, 0);
}
EXPORT_SYMBOL_GPL(shm_signal_disable);
