/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A struct vbus_queue over a split virtqueue, read through vringh and an
 * IOTLB: the device side of the virtio connector.
 */
#ifndef _LINUX_VBUS_VRINGH_H
#define _LINUX_VBUS_VRINGH_H

#include <linux/bitops.h>
#include <linux/u64_stats_sync.h>
#include <linux/vbus.h>
#include <linux/vbus_queue.h>
#include <linux/vhost_iotlb.h>
#include <linux/vringh.h>

/*
 * No limit on an IOTLB's entries: 0 meant that up to 6.x, but means "none"
 * since 7.x (vhost_iotlb_add_range() refuses every range); the largest
 * count is read the same way by both.
 */
#define VBUS_VRINGH_IOTLB_UNLIMITED	UINT_MAX

/* Buffers a device may hold popped and not yet pushed, per queue. */
#define VBUS_VRINGH_SLOTS	64

/**
 * struct vbus_vringh_iter - where a popped buffer is read or written
 * @riov: device-readable segments
 * @wiov: device-writable segments
 * @rstack: inline storage for @riov; vringh allocates beyond it
 * @wstack: inline storage for @wiov
 */
struct vbus_vringh_iter {
	struct vringh_kiov riov, wiov;
	struct kvec rstack[4], wstack[4];
};

/**
 * struct vbus_vringh_stats - what one queue did, for `vdpa dev vstats`
 * @syncp: lets 32-bit readers see each counter whole
 * @received: chains taken from the available ring
 * @completed: chains put on the used ring
 * @calls: times the driver was notified of completions
 *
 * Written by the queue's user, serialised like the rest of the queue;
 * its owner zeroes them and calls u64_stats_init() once, before the first
 * vbus_vringh_init(); they count on across stops, starts and resets.
 */
struct vbus_vringh_stats {
	struct u64_stats_sync syncp;
	u64_stats_t received, completed, calls;
};

/**
 * struct vbus_vringh - device side of one virtqueue
 * @q: what the device model sees
 * @vrh: the ring as vringh reads it
 * @avail: the available ring in the kernel's address space, NULL if the
 *	IOTLB does not map both rings; read for its index (which vringh
 *	does not bound), flags and used event
 * @used: the used ring there, NULL with @avail; its elements, index and
 *	notification fields are written here, not through the IOTLB
 * @vmapped: vmap()s behind @avail and @used where memory is not
 *	contiguous, NULL where they are in the direct map
 * @call: called when the driver wants to hear of completions; set by the
 *	connector
 * @iters: iterator per popped buffer
 * @busy: which @iters are taken; serialised, like all of @q, by the
 *	device model
 * @name: "<device>/<index>", for messages
 * @stats: counters; untouched by vbus_vringh_init()
 *
 * Owned by whoever embeds it, zeroed before its first vbus_vringh_init();
 * valid from vbus_vringh_init() to vbus_vringh_cleanup(), while the
 * ring's memory is (the vmap()s take no page references).
 */
struct vbus_vringh {
	struct vbus_queue q;
	struct vringh vrh;
	struct vring_avail *avail;
	struct vring_used *used;
	void *vmapped[2];
	struct vbus_callback call;
	struct vbus_vringh_iter iters[VBUS_VRINGH_SLOTS];
	DECLARE_BITMAP(busy, VBUS_VRINGH_SLOTS);
	char name[VBUS_NAME_MAX + 8];
	struct vbus_vringh_stats stats;
};

void vbus_vringh_init(struct vbus_vringh *vr, u64 features, unsigned int num,
		      u64 desc, u64 avail, u64 used,
		      struct vhost_iotlb *iotlb, spinlock_t *iotlb_lock);
void vbus_vringh_cleanup(struct vbus_vringh *vr);
u16 vbus_vringh_used_idx(const struct vbus_vringh *vr);
void vbus_vringh_read_stats(struct vbus_vringh *vr, u64 *received,
			    u64 *completed, u64 *calls);
int vbus_vringh_map_ram(struct vhost_iotlb *iotlb);

#endif /* _LINUX_VBUS_VRINGH_H */
