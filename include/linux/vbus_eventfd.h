/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Eventfds for in-kernel vbus connectors.
 *
 * Linux lets a module look up an eventfd that a process made, never make
 * one. vbus_eventfd_get() therefore runs a small helper program (the vbus
 * module parameter eventfd_helper, in the manner of modprobe_path) that
 * creates the eventfds and hands them to vbus through /dev/vbus-eventfd.
 * The contexts are real eventfds: what a connector signals here, a VMM
 * could be handed instead. A connector hooks a wait-queue entry on an
 * eventfd, as KVM's irqfd does, to run code when the other side signals.
 */
#ifndef _LINUX_VBUS_EVENTFD_H
#define _LINUX_VBUS_EVENTFD_H

#include <linux/eventfd.h>
#include <linux/poll.h>
#include <linux/wait.h>

/* Most eventfds one helper run hands over. */
#define VBUS_EVENTFD_MAX	64

/**
 * struct vbus_eventfd - one eventfd held by a connector
 * @file: the eventfd's file; the reference is ours until vbus_eventfd_put()
 * @ctx: its context, for signalling; same lifetime
 * @wait: our entry on its wait queue while hooked
 * @pt: used once, to find that wait queue through vfs_poll()
 * @hooked: @wait is on the queue
 * @priv: for the hooked function
 */
struct vbus_eventfd {
	struct file *file;
	struct eventfd_ctx *ctx;
	wait_queue_entry_t wait;
	poll_table pt;
	bool hooked;
	void *priv;
};

int vbus_eventfd_get(const char *owner, unsigned int n,
		     struct vbus_eventfd *efds);
void vbus_eventfd_put(unsigned int n, struct vbus_eventfd *efds);
void vbus_eventfd_hook(struct vbus_eventfd *efd, wait_queue_func_t func,
		       void *priv);
void vbus_eventfd_unhook(struct vbus_eventfd *efd);

/**
 * vbus_eventfd_signal() - signal an eventfd; any context
 * @efd: the eventfd
 *
 * Must not be called from a wait-queue function of another eventfd: the
 * eventfd core refuses (and warns about) such nesting.
 */
static inline void vbus_eventfd_signal(struct vbus_eventfd *efd)
{
#ifdef VBUS_EVENTFD_SIGNAL_N
	eventfd_signal(efd->ctx, 1);
#else
	eventfd_signal(efd->ctx);
#endif
}

#endif /* _LINUX_VBUS_EVENTFD_H */
