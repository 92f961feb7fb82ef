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

static struct shm_signal_irq *shm_signal_irq(struct vbus_shm_signal *s,
					     bool mine)
{
	return &s->desc->irq[mine ? s->to_me : !s->to_me];
}

/**
 * vbus_shm_signal_init() - attach to a shared descriptor
 * @s: the signal
 * @desc: the descriptor, in memory shared with the other side
 * @to_me: the direction this side receives, SHM_SIGNAL_TO_SOUTH for the host
 *
 * The owner then sets @s->notify with vbus_callback_set(): until then,
 * events are posted without a notification.
 */
void vbus_shm_signal_init(struct vbus_shm_signal *s,
			  struct shm_signal_desc *desc, unsigned int to_me)
{
	s->desc = desc;
	s->to_me = !!to_me;
	s->notify.fn = NULL;
	s->notify.priv = NULL;
}
EXPORT_SYMBOL_GPL(vbus_shm_signal_init);

/**
 * vbus_shm_signal_inject() - post an event to the other side
 * @s: the signal
 *
 * Return: true if a notification was delivered, false if it was coalesced
 * (one is pending) or the other side polls (notifications disabled).
 */
bool vbus_shm_signal_inject(struct vbus_shm_signal *s)
{
	struct shm_signal_irq *irq = shm_signal_irq(s, false);

	WRITE_ONCE(irq->dirty, 1);
	/* dirty before enabled/pending; pairs with vbus_shm_signal_take/enable */
	smp_mb();
	if (!READ_ONCE(irq->enabled) || READ_ONCE(irq->pending))
		return false;
	WRITE_ONCE(irq->pending, 1);
	vbus_callback_call(&s->notify);
	return true;
}
EXPORT_SYMBOL_GPL(vbus_shm_signal_inject);

/**
 * vbus_shm_signal_take() - acknowledge a notification and claim its events
 * @s: the signal
 *
 * Call on every notification, then look for work if it returns true.
 *
 * Return: true if events were posted since the last take.
 */
bool vbus_shm_signal_take(struct vbus_shm_signal *s)
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
EXPORT_SYMBOL_GPL(vbus_shm_signal_take);

/**
 * vbus_shm_signal_enable() - ask the other side for notifications again
 * @s: the signal
 *
 * Return: true if events arrived while notifications were disabled: the
 * caller must look for work again instead of waiting.
 */
bool vbus_shm_signal_enable(struct vbus_shm_signal *s)
{
	struct shm_signal_irq *irq = shm_signal_irq(s, true);

	WRITE_ONCE(irq->enabled, 1);
	/* enabled before dirty is read; pairs with inject */
	smp_mb();
	return READ_ONCE(irq->dirty);
}
EXPORT_SYMBOL_GPL(vbus_shm_signal_enable);

/**
 * vbus_shm_signal_disable() - stop notifications while polling
 * @s: the signal
 */
void vbus_shm_signal_disable(struct vbus_shm_signal *s)
{
	WRITE_ONCE(shm_signal_irq(s, true)->enabled, 0);
}
EXPORT_SYMBOL_GPL(vbus_shm_signal_disable);
