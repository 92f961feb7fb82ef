// SPDX-License-Identifier: GPL-2.0
/*
 * vbus virtio connector: every device of a bus, a vDPA device.
 *
 * Each device of a connected bus is registered on the kernel's vDPA bus,
 * its vdpa_config_ops written once from the device interface (struct
 * vbus_device_ops). Two connector words pick the vDPA driver: "virtio"
 * binds virtio_vdpa, and the kernel's own virtio drivers are the clients;
 * "vhost" binds vhost_vdpa, and a process (QEMU for a guest, DPDK) drives
 * the device through /dev/vhost-vdpa-N. The driver's rings are read
 * through vringh behind struct vbus_queue (vringh_queue.c); every address
 * goes through the device's IOTLB: System RAM one to one for virtio_vdpa,
 * what the process mapped (set_map, physical-address mode) for vhost_vdpa,
 * empty until it maps.
 *
 * Notification is direct: kick_vq runs the queue's kick callback (under
 * RCU, so that stop can wait for it), a completion runs the callback the
 * driver set with set_vq_cb, a config change the one of set_config_cb.
 *
 * Lifetimes: attach allocates a struct vbus_vdpa with vdpa_alloc_device()
 * and registers it; detach unregisters it; both under the vbus topology
 * mutex, and it is the vbus device's connector_priv in between, with a
 * reference of its own on the vdpa device. vhost_vdpa's remove waits for
 * the process to close the char device: a detach while a process may hold
 * it open revokes the device (stopped, IOTLB emptied, no further call into
 * the vbus device) and unregisters it from vbus_vdpa_wq instead. The vdpa
 * device's refcount owns the struct; it holds a reference on its vbus
 * device and on this module, dropped by vbus_vdpa_free().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/workqueue.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <linux/vbus_compat.h>
#include <linux/vbus_queue.h>
#include <linux/vbus_virtio.h>
#include <linux/vbus_vringh.h>
#include <linux/vdpa.h>
#include <net/netlink.h>
#include <uapi/linux/vdpa.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>

/* Largest ring a driver may ask for; virtio_vdpa takes exactly this. */
#define VBUS_VDPA_VQ_NUM_MAX	256
#define VBUS_VDPA_TRANSPORT_FEATURES \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_F_ACCESS_PLATFORM) | \
	 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) | \
	 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

/**
 * struct vbus_vdpa_vq - one virtqueue as the driver configured it
 * @vr: the device side, valid while the device is started
 * @desc: descriptor table address, as the driver wrote it
 * @driver: available ring address
 * @device: used ring address
 * @num: ring size the driver asked for
 * @ready: the driver enabled the queue
 * @avail_idx: where the device resumes reading the available ring; kept
 *	across a reset (QEMU reads it after one), set by set_vq_state. A
 *	stop saves the used index: buffers are completed in the order they
 *	were taken, so those taken and not completed are taken again.
 * @cb: what the driver wants run on completions; may be replaced while
 *	the queue runs (set_vq_cb), so vbus_vdpa_call() reads a function
 *	and its data as a pair, never one registration's function with
 *	another's data
 */
struct vbus_vdpa_vq {
	struct vbus_vringh vr;
	u64 desc, driver, device;
	u32 num;
	bool ready;
	u16 avail_idx;
	struct vdpa_callback cb;
};

/**
 * struct vbus_vdpa - a vbus device on the vDPA bus
 * @vdpa: the vDPA device; its refcount owns this struct
 * @dev: the vbus device, referenced
 * @ops: its class's device interface
 * @lock: serialises the config ops (status, features, queue setup, start
 *	and stop); kick_vq, which runs in atomic context, does not take it
 * @status: virtio status byte
 * @features: what the driver accepted
 * @generation: bumped on every config change
 * @config_cb: what the driver wants run on a config change
 * @vhost: bound to vhost_vdpa (connector "vhost"), not virtio_vdpa
 * @suspended: stopped by suspend, DRIVER_OK kept; resume starts again
 * @opened: vhost_vdpa opened the char device (it asks for the IOVA range
 *	then) and has not released it since (reset_map, where the kernel has
 *	it); with the driver's module references, says "maybe held open"
 * @revoked: detached while maybe held open: nothing reaches the vbus
 *	device any more, only the unregistration is left
 * @unregistered: set by whoever unregisters @vdpa first: detach, the
 *	deferred unregistration, or vdpa_dev_del (iproute2's "vdpa dev
 *	del") through the management device
 * @unregister_work: the deferred unregistration, on vbus_vdpa_wq
 * @iotlb: how the driver's addresses translate to physical memory
 * @iotlb_lock: taken by vringh around each lookup in @iotlb
 * @queues: the device side of @vqs, as handed over at start
 * @vqs: one per device queue
 */
struct vbus_vdpa {
	struct vdpa_device vdpa;
	struct vbus_device *dev;
	const struct vbus_device_ops *ops;
	struct mutex lock; /* config ops, start and stop; not kick_vq */
	u8 status;
	u64 features;
	u32 generation;
	struct vdpa_callback config_cb;
	bool vhost;
	bool suspended;
	bool opened;
	bool revoked;
	atomic_t unregistered;
	struct work_struct unregister_work;
	struct vhost_iotlb iotlb;
	spinlock_t iotlb_lock; /* vringh's lookups in @iotlb */
	struct vbus_queue *queues[VBUS_MAX_QUEUES];
	struct vbus_vdpa_vq vqs[VBUS_MAX_QUEUES];
};

static struct vbus_vdpa *to_vv(struct vdpa_device *vdpa)
{
	return container_of(vdpa, struct vbus_vdpa, vdpa);
}

static const char *vv_name(struct vbus_vdpa *vv)
{
	return vbus_device_name(vv->dev);
}

/**
 * vbus_virtio_device_features() - what a device offers a driver
 * @dev: the vbus device
 *
 * Return: the device's feature bits and the transport's.
 */
u64 vbus_virtio_device_features(const struct vbus_device *dev)
{
	return vbus_device_features(dev) | VBUS_VDPA_TRANSPORT_FEATURES;
}
EXPORT_SYMBOL_GPL(vbus_virtio_device_features);

/**
 * vbus_virtio_features_ok() - may a driver run with these features
 * @features: what the driver accepted
 *
 * Return: 0, or -ENODEV without VIRTIO_F_VERSION_1: legacy (guest-endian
 * rings and config) is not served.
 */
int vbus_virtio_features_ok(u64 features)
{
	return features & BIT_ULL(VIRTIO_F_VERSION_1) ? 0 : -ENODEV;
}
EXPORT_SYMBOL_GPL(vbus_virtio_features_ok);

/* Data path. */

/*
 * The device completed buffers: the driver's interrupt. The data read is
 * the function's if the function is unchanged after it: set_vq_cb clears
 * the function before it changes the data (pairs with its barriers).
 */
static void vbus_vdpa_call(void *priv)
{
	struct vbus_vdpa_vq *vq = priv;
	irqreturn_t (*fn)(void *data);
	void *data;

	do {
		/* pairs with set_vq_cb's release */
		fn = smp_load_acquire(&vq->cb.callback);
		if (!fn)
			return;
		data = READ_ONCE(vq->cb.private);
		smp_rmb();	/* the data before the function's re-read */
	} while (READ_ONCE(vq->cb.callback) != fn);
	fn(data);
}

static void vbus_vdpa_kick_vq(struct vdpa_device *vdpa, u16 idx)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	if (idx >= vv->ops->num_queues)
		return;
	/* stop waits for this with synchronize_rcu() */
	rcu_read_lock();
	vbus_callback_call(&vv->vqs[idx].vr.q.kick);
	rcu_read_unlock();
}

/* Start and stop, under vv->lock. */

static int vbus_vdpa_check_vq(struct vbus_vdpa *vv, unsigned int i)
{
	struct vbus_vdpa_vq *vq = &vv->vqs[i];

	if (!vq->ready) {
		dev_err(&vv->vdpa.dev, "%s: DRIVER_OK without queue %u\n",
			vv_name(vv), i);
		return -EINVAL;
	}
	if (!is_power_of_2(vq->num) || vq->num > VBUS_VDPA_VQ_NUM_MAX) {
		dev_err(&vv->vdpa.dev, "%s: queue %u: size %u is not a power of 2 up to %u\n",
			vv_name(vv), i, vq->num, VBUS_VDPA_VQ_NUM_MAX);
		return -EINVAL;
	}
	return 0;
}

static int vbus_vdpa_start(struct vbus_vdpa *vv)
{
	struct vbus_link link = {
		.features = vv->features,
		.queues = vv->queues,
	};
	unsigned int i;
	int ret;

	if (vv->revoked)
		return -ENODEV;
	for (i = 0; i < vv->ops->num_queues; i++) {
		ret = vbus_vdpa_check_vq(vv, i);
		if (ret)
			return ret;
	}
	for (i = 0; i < vv->ops->num_queues; i++) {
		struct vbus_vdpa_vq *vq = &vv->vqs[i];

		vbus_vringh_init(&vq->vr, vv->features, vq->num, vq->desc,
				 vq->driver, vq->device, &vv->iotlb,
				 &vv->iotlb_lock);
		/* Buffers before the resume point were all completed. */
		vq->vr.vrh.last_avail_idx = vq->avail_idx;
		vq->vr.vrh.last_used_idx = vq->avail_idx;
		vbus_callback_set(&vq->vr.call, vbus_vdpa_call, vq);
	}
	ret = vbus_device_start(vv->dev, &link);
	if (ret) {
		dev_err(&vv->vdpa.dev, "%s: device failed to start: %d\n",
			vv_name(vv), ret);
		for (i = 0; i < vv->ops->num_queues; i++)
			vbus_vringh_cleanup(&vv->vqs[i].vr);
	}
	return ret;
}

static void vbus_vdpa_stop(struct vbus_vdpa *vv)
{
	unsigned int i;

	if (vv->revoked || !vv->dev->started)
		return;
	vbus_device_stop(vv->dev);
	for (i = 0; i < vv->ops->num_queues; i++)
		vbus_callback_set(&vv->vqs[i].vr.q.kick, NULL, NULL);
	/* No kick_vq is still inside a device's kick callback. */
	synchronize_rcu();
	for (i = 0; i < vv->ops->num_queues; i++) {
		struct vbus_vdpa_vq *vq = &vv->vqs[i];

		vq->avail_idx = vbus_vringh_used_idx(&vq->vr);
		vbus_callback_set(&vq->vr.call, NULL, NULL);
		vbus_vringh_cleanup(&vq->vr);
	}
}

static int vbus_vdpa_default_map(struct vbus_vdpa *vv);

/* Config ops. */

static int vbus_vdpa_set_vq_address(struct vdpa_device *vdpa, u16 idx,
				    u64 desc, u64 driver, u64 device)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	if (idx >= vv->ops->num_queues)
		return -EINVAL;
	mutex_lock(&vv->lock);
	vv->vqs[idx].desc = desc;
	vv->vqs[idx].driver = driver;
	vv->vqs[idx].device = device;
	mutex_unlock(&vv->lock);
	return 0;
}

static void vbus_vdpa_set_vq_num(struct vdpa_device *vdpa, u16 idx, u32 num)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	if (idx >= vv->ops->num_queues)
		return;
	mutex_lock(&vv->lock);
	vv->vqs[idx].num = num;
	mutex_unlock(&vv->lock);
}

static void vbus_vdpa_set_vq_cb(struct vdpa_device *vdpa, u16 idx,
				struct vdpa_callback *cb)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	struct vbus_vdpa_vq *vq;

	if (idx >= vv->ops->num_queues)
		return;
	vq = &vv->vqs[idx];
	/* May change under a running queue: see vbus_vdpa_call(). */
	WRITE_ONCE(vq->cb.callback, NULL);
	smp_wmb();	/* no function before the data changes */
	WRITE_ONCE(vq->cb.private, cb->private);
	/* the data before the function that uses it */
	smp_store_release(&vq->cb.callback, cb->callback);
}

static void vbus_vdpa_set_vq_ready(struct vdpa_device *vdpa, u16 idx,
				   bool ready)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	if (idx >= vv->ops->num_queues)
		return;
	mutex_lock(&vv->lock);
	vv->vqs[idx].ready = ready;
	mutex_unlock(&vv->lock);
}

static bool vbus_vdpa_get_vq_ready(struct vdpa_device *vdpa, u16 idx)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	bool ready;

	if (idx >= vv->ops->num_queues)
		return false;
	mutex_lock(&vv->lock);
	ready = vv->vqs[idx].ready;
	mutex_unlock(&vv->lock);
	return ready;
}

static int vbus_vdpa_set_vq_state(struct vdpa_device *vdpa, u16 idx,
				  const struct vdpa_vq_state *state)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	int ret = 0;

	if (idx >= vv->ops->num_queues)
		return -EINVAL;
	mutex_lock(&vv->lock);
	if (vv->dev->started)
		ret = -EBUSY;
	else
		vv->vqs[idx].avail_idx = state->split.avail_index;
	mutex_unlock(&vv->lock);
	return ret;
}

static int vbus_vdpa_get_vq_state(struct vdpa_device *vdpa, u16 idx,
				  struct vdpa_vq_state *state)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	struct vbus_vdpa_vq *vq;

	if (idx >= vv->ops->num_queues)
		return -EINVAL;
	vq = &vv->vqs[idx];
	mutex_lock(&vv->lock);
	state->split.avail_index = vv->dev->started ?
		vbus_vringh_used_idx(&vq->vr) : vq->avail_idx;
	mutex_unlock(&vv->lock);
	return 0;
}

static u32 vbus_vdpa_get_vq_align(struct vdpa_device *vdpa)
{
	return PAGE_SIZE;
}

static u64 vbus_vdpa_get_device_features(struct vdpa_device *vdpa)
{
	return vbus_virtio_device_features(to_vv(vdpa)->dev);
}

static int vbus_vdpa_set_driver_features(struct vdpa_device *vdpa,
					 u64 features)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	int ret = 0;

	mutex_lock(&vv->lock);
	if (vv->status & VIRTIO_CONFIG_S_FEATURES_OK)
		ret = -EBUSY;
	else
		vv->features = features &
			       vbus_virtio_device_features(vv->dev);
	mutex_unlock(&vv->lock);
	return ret;
}

static u64 vbus_vdpa_get_driver_features(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	u64 features;

	mutex_lock(&vv->lock);
	features = vv->features;
	mutex_unlock(&vv->lock);
	return features;
}

static void vbus_vdpa_set_config_cb(struct vdpa_device *vdpa,
				    struct vdpa_callback *cb)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	mutex_lock(&vv->lock);
	vv->config_cb = *cb;
	mutex_unlock(&vv->lock);
}

static u16 vbus_vdpa_get_vq_num_max(struct vdpa_device *vdpa)
{
	return VBUS_VDPA_VQ_NUM_MAX;
}

static u32 vbus_vdpa_get_device_id(struct vdpa_device *vdpa)
{
	return to_vv(vdpa)->ops->device_id;
}

static u32 vbus_vdpa_get_vendor_id(struct vdpa_device *vdpa)
{
	return 0;
}

static u8 vbus_vdpa_get_status(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	u8 status;

	mutex_lock(&vv->lock);
	status = vv->status;
	mutex_unlock(&vv->lock);
	return status;
}

/* Under vv->lock: back to the state after attach, but for @avail_idx. */
static void vbus_vdpa_do_reset(struct vbus_vdpa *vv)
{
	unsigned int i;

	vbus_vdpa_stop(vv);
	for (i = 0; i < vv->ops->num_queues; i++) {
		struct vbus_vdpa_vq *vq = &vv->vqs[i];

		vq->ready = false;
		vq->num = 0;
		vq->desc = 0;
		vq->driver = 0;
		vq->device = 0;
		WRITE_ONCE(vq->cb.callback, NULL);
		WRITE_ONCE(vq->cb.private, NULL);
	}
	vv->config_cb.callback = NULL;
	vv->config_cb.private = NULL;
	vv->features = 0;
	vv->status = 0;
	vv->suspended = false;
#ifndef VBUS_VDPA_RESET_MAP
	/* No reset_map: release unpins without telling us; forget it all. */
	if (vv->vhost)
		vbus_vdpa_default_map(vv);
#endif
}

static void vbus_vdpa_set_status(struct vdpa_device *vdpa, u8 status)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	u8 old;

	mutex_lock(&vv->lock);
	old = vv->status;
	if (!status) {
		vbus_vdpa_do_reset(vv);
		goto out;
	}
	if ((status & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    !(old & VIRTIO_CONFIG_S_FEATURES_OK) &&
	    vbus_virtio_features_ok(vv->features)) {
		dev_err(&vdpa->dev, "%s: driver refused VIRTIO_F_VERSION_1; legacy is not served\n",
			vv_name(vv));
		/* Not kept: the driver reads FEATURES_OK back and gives up. */
		status &= ~VIRTIO_CONFIG_S_FEATURES_OK;
	}
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) &&
	    !(old & VIRTIO_CONFIG_S_DRIVER_OK) && !vv->suspended) {
		if (!(status & VIRTIO_CONFIG_S_FEATURES_OK) ||
		    vbus_vdpa_start(vv))
			status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	}
	vv->status = status;
out:
	mutex_unlock(&vv->lock);
}

static int vbus_vdpa_reset(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	mutex_lock(&vv->lock);
	vbus_vdpa_do_reset(vv);
	mutex_unlock(&vv->lock);
	return 0;
}

static size_t vbus_vdpa_get_config_size(struct vdpa_device *vdpa)
{
	return to_vv(vdpa)->ops->config_size;
}

static void vbus_vdpa_get_config(struct vdpa_device *vdpa,
				 unsigned int offset, void *buf,
				 unsigned int len)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	/* Out of bounds reads as zeros, as on a PCI device. */
	if (READ_ONCE(vv->revoked) ||
	    vbus_device_get_config(vv->dev, offset, buf, len))
		memset(buf, 0, len);
}

static void vbus_vdpa_set_config(struct vdpa_device *vdpa,
				 unsigned int offset, const void *buf,
				 unsigned int len)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	if (!READ_ONCE(vv->revoked))
		vbus_device_set_config(vv->dev, offset, buf, len);
}

/* Maps: vhost_vdpa hands over the process's memory, pinned. */

/* Exchange two IOTLBs' contents; the rbtree nodes do not point at the root. */
static void vbus_vdpa_iotlb_swap(struct vhost_iotlb *a, struct vhost_iotlb *b)
{
	LIST_HEAD(list);

	swap(a->root, b->root);
	list_splice_init(&a->list, &list);
	list_splice_init(&b->list, &a->list);
	list_splice(&list, &b->list);
	swap(a->nmaps, b->nmaps);
}

/*
 * Replace the IOTLB with what @fill builds, with the data path out of it:
 * a started device is stopped around the change and started again where
 * it was. The new map is built beside the old one, so that BHs stay off
 * only for the exchange however many entries a process mapped; a failure
 * leaves the map empty (the old one may name pages already unpinned) and
 * a running device stopped with NEEDS_RESET.
 */
static int vbus_vdpa_change_map(struct vbus_vdpa *vv,
				int (*fill)(struct vbus_vdpa *vv,
					    struct vhost_iotlb *to, void *arg),
				void *arg)
{
	bool running = vv->dev->started && !vv->revoked;
	struct vhost_iotlb next;
	int ret;

	lockdep_assert_held(&vv->lock);
	if (running)
		vbus_vdpa_stop(vv);
	vhost_iotlb_init(&next, VBUS_VRINGH_IOTLB_UNLIMITED, 0);
	ret = fill(vv, &next, arg);
	if (ret)
		vhost_iotlb_reset(&next);
	spin_lock_bh(&vv->iotlb_lock);
	vbus_vdpa_iotlb_swap(&vv->iotlb, &next);
	spin_unlock_bh(&vv->iotlb_lock);
	vhost_iotlb_reset(&next);
	if (running && (ret || vbus_vdpa_start(vv)))
		vv->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	return ret;
}

static int vbus_vdpa_copy_map(struct vbus_vdpa *vv, struct vhost_iotlb *to,
			      void *arg)
{
	struct vhost_iotlb *from = arg;
	struct vhost_iotlb_map *map;
	int ret;

	for (map = vhost_iotlb_itree_first(from, 0, U64_MAX); map;
	     map = vhost_iotlb_itree_next(map, 0, U64_MAX)) {
		ret = vhost_iotlb_add_range(to, map->start, map->last,
					    map->addr, map->perm);
		if (ret)
			return ret;
	}
	return 0;
}

/* virtio_vdpa: System RAM; vhost_vdpa: nothing until the process maps. */
static int vbus_vdpa_fill_default_map(struct vbus_vdpa *vv,
				      struct vhost_iotlb *to, void *arg)
{
	return vv->vhost ? 0 : vbus_vringh_map_ram(to);
}

static int vbus_vdpa_default_map(struct vbus_vdpa *vv)
{
	return vbus_vdpa_change_map(vv, vbus_vdpa_fill_default_map, NULL);
}

static int vbus_vdpa_set_map(struct vdpa_device *vdpa, unsigned int asid,
			     struct vhost_iotlb *iotlb)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	int ret;

	if (asid)
		return -EINVAL;
	mutex_lock(&vv->lock);
	if (vv->revoked)
		ret = -ENODEV;
	else
		ret = vbus_vdpa_change_map(vv, vbus_vdpa_copy_map, iotlb);
	mutex_unlock(&vv->lock);
	if (ret)
		dev_err(&vdpa->dev, "%s: map refused: %d\n", vv_name(vv), ret);
	return ret;
}

#ifdef VBUS_VDPA_RESET_MAP
static int vbus_vdpa_reset_map(struct vdpa_device *vdpa, unsigned int asid)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	int ret;

	if (asid)
		return -EINVAL;
	mutex_lock(&vv->lock);
	ret = vbus_vdpa_default_map(vv);
	/* Only vhost_vdpa's release gets here. */
	vv->opened = false;
	mutex_unlock(&vv->lock);
	return ret;
}

/* Userspace that does not keep maps across a reset (QEMU 7.2, DPDK 22). */
static int vbus_vdpa_compat_reset(struct vdpa_device *vdpa, u32 flags)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	mutex_lock(&vv->lock);
	vbus_vdpa_do_reset(vv);
	if (flags & VDPA_RESET_F_CLEAN_MAP)
		vbus_vdpa_default_map(vv);
	mutex_unlock(&vv->lock);
	return 0;
}
#endif

static struct vdpa_iova_range vbus_vdpa_get_iova_range(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	struct vdpa_iova_range range = { .first = 0, .last = U64_MAX };

	/* vhost_vdpa asks at open, and only then. */
	mutex_lock(&vv->lock);
	vv->opened = true;
	mutex_unlock(&vv->lock);
	return range;
}

/* Suspend stops the data path and keeps DRIVER_OK; resume restarts it. */
static int vbus_vdpa_suspend(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	mutex_lock(&vv->lock);
	if (vv->status & VIRTIO_CONFIG_S_DRIVER_OK) {
		vbus_vdpa_stop(vv);
		vv->suspended = true;
	}
	mutex_unlock(&vv->lock);
	return 0;
}

#ifdef VBUS_VDPA_RESUME
static int vbus_vdpa_resume(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	int ret = 0;

	mutex_lock(&vv->lock);
	if (vv->suspended) {
		vv->suspended = false;
		ret = vbus_vdpa_start(vv);
		if (ret)
			vv->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	}
	mutex_unlock(&vv->lock);
	return ret;
}
#endif

/* `vdpa dev vstats show DEV qidx N`: counted since the device joined vDPA. */
static int vbus_vdpa_get_vendor_vq_stats(struct vdpa_device *vdpa, u16 idx,
					 struct sk_buff *msg,
					 struct netlink_ext_ack *extack)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	struct vbus_vringh *vr;
	static const char * const names[] = {
		"received_desc", "completed_desc", "driver_notifications",
		"broken",
	};
	u64 values[ARRAY_SIZE(names)];
	unsigned int i;

	if (idx >= vv->ops->num_queues) {
		NL_SET_ERR_MSG_MOD(extack, "no such queue");
		return -EINVAL;
	}
	vr = &vv->vqs[idx].vr;
	vbus_vringh_read_stats(vr, &values[0], &values[1], &values[2]);
	values[3] = READ_ONCE(vr->q.broken);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (nla_put_string(msg, VDPA_ATTR_DEV_VENDOR_ATTR_NAME,
				   names[i]) ||
		    nla_put_u64_64bit(msg, VDPA_ATTR_DEV_VENDOR_ATTR_VALUE,
				      values[i], VDPA_ATTR_PAD))
			return -EMSGSIZE;
	return 0;
}

static u32 vbus_vdpa_get_generation(struct vdpa_device *vdpa)
{
	return READ_ONCE(to_vv(vdpa)->generation);
}

static void vbus_vdpa_free(struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);
	unsigned int i;

	/* Stopped already (reset or detach): this only checks. */
	for (i = 0; i < ARRAY_SIZE(vv->vqs); i++)
		vbus_vringh_cleanup(&vv->vqs[i].vr);
	vhost_iotlb_reset(&vv->iotlb);
	mutex_destroy(&vv->lock);
	vbus_device_put(vv->dev);
	module_put(THIS_MODULE);
}

static const struct vdpa_config_ops vbus_vdpa_config_ops = {
	.set_vq_address = vbus_vdpa_set_vq_address,
	.set_vq_num = vbus_vdpa_set_vq_num,
	.kick_vq = vbus_vdpa_kick_vq,
	.set_vq_cb = vbus_vdpa_set_vq_cb,
	.set_vq_ready = vbus_vdpa_set_vq_ready,
	.get_vq_ready = vbus_vdpa_get_vq_ready,
	.set_vq_state = vbus_vdpa_set_vq_state,
	.get_vq_state = vbus_vdpa_get_vq_state,
	.get_vendor_vq_stats = vbus_vdpa_get_vendor_vq_stats,
	.get_vq_align = vbus_vdpa_get_vq_align,
	.get_device_features = vbus_vdpa_get_device_features,
	.set_driver_features = vbus_vdpa_set_driver_features,
	.get_driver_features = vbus_vdpa_get_driver_features,
	.set_config_cb = vbus_vdpa_set_config_cb,
	.get_vq_num_max = vbus_vdpa_get_vq_num_max,
	.get_device_id = vbus_vdpa_get_device_id,
	.get_vendor_id = vbus_vdpa_get_vendor_id,
	.get_status = vbus_vdpa_get_status,
	.set_status = vbus_vdpa_set_status,
	.reset = vbus_vdpa_reset,
	.get_config_size = vbus_vdpa_get_config_size,
	.get_config = vbus_vdpa_get_config,
	.set_config = vbus_vdpa_set_config,
	.get_generation = vbus_vdpa_get_generation,
	.set_map = vbus_vdpa_set_map,
#ifdef VBUS_VDPA_RESET_MAP
	.reset_map = vbus_vdpa_reset_map,
	.compat_reset = vbus_vdpa_compat_reset,
#endif
	.get_iova_range = vbus_vdpa_get_iova_range,
	.suspend = vbus_vdpa_suspend,
#ifdef VBUS_VDPA_RESUME
	.resume = vbus_vdpa_resume,
#endif
	.free = vbus_vdpa_free,
};

/*
 * The management device: "vdpa mgmtdev show" and "vdpa dev show" list vbus
 * devices like any vDPA device. They are made in configfs, not by "vdpa
 * dev add".
 */
static struct device *vbus_vdpa_root;

static int vbus_vdpa_dev_add(struct vdpa_mgmt_dev *mdev, const char *name,
			     const struct vdpa_dev_set_config *config)
{
	pr_err("%s: vbus devices are made in configfs, then connected: see vbusctl(8)\n",
	       name);
	return -EOPNOTSUPP;
}

/* "vdpa dev del", under the vDPA core's device lock. */
static void vbus_vdpa_dev_del(struct vdpa_mgmt_dev *mdev,
			      struct vdpa_device *vdpa)
{
	struct vbus_vdpa *vv = to_vv(vdpa);

	if (atomic_xchg(&vv->unregistered, 1))
		return;
	pr_info("%s: removed from vDPA; it stays on its vbus bus until detached\n",
		vv_name(vv));
	_vdpa_unregister_device(vdpa);
}

static const struct vdpa_mgmtdev_ops vbus_vdpa_mgmt_ops = {
	.dev_add = vbus_vdpa_dev_add,
	.dev_del = vbus_vdpa_dev_del,
};

static struct virtio_device_id vbus_vdpa_id_table[] = {
	{ VIRTIO_ID_NET, VIRTIO_DEV_ANY_ID },
	{ 0 },
};

static struct vdpa_mgmt_dev vbus_vdpa_mgmt = {
	.ops = &vbus_vdpa_mgmt_ops,
	.id_table = vbus_vdpa_id_table,
	.max_supported_vqs = VBUS_MAX_QUEUES,
};

/* Connector. */

static struct workqueue_struct *vbus_vdpa_wq;
static struct vbus_connector vbus_vdpa_virtio, vbus_vdpa_vhost;
static void vbus_vdpa_unregister_work(struct work_struct *work);

static int vbus_vdpa_attach(struct vbus_device *vdev)
{
	const struct vbus_device_ops *ops = vdev->class->device;
	bool vhost = vdev->bus->connector == &vbus_vdpa_vhost;
	struct vbus_vdpa *vv;
	unsigned int i;
	int ret;

	if (!ops) {
		pr_err("device %s: class %s has no device interface\n",
		       vbus_device_name(vdev), vdev->class->name);
		return -EINVAL;
	}
	/* The management device is the parent: see vbus_vdpa_detach(). */
	vv = vbus_vdpa_alloc_device(struct vbus_vdpa, vdpa, vbus_vdpa_root,
				    &vbus_vdpa_config_ops,
				    vbus_device_name(vdev));
	if (IS_ERR(vv)) {
		pr_err("device %s: vDPA device failed: %ld\n",
		       vbus_device_name(vdev), PTR_ERR(vv));
		return PTR_ERR(vv);
	}
	/* Released by vbus_vdpa_free() from here on. */
	__module_get(THIS_MODULE);
	vv->dev = vbus_device_get(vdev);
	vv->ops = ops;
	vv->vhost = vhost;
	mutex_init(&vv->lock);
	spin_lock_init(&vv->iotlb_lock);
	/*
	 * No limit of our own: vhost_vdpa's IOTLB, which we copy, has its
	 * own (none up to 6.x, max_iotlb_entries since 7.x), its entries
	 * stand for pages pinned within RLIMIT_MEMLOCK, and DPDK without
	 * hugepages maps 4 KiB pages by the ten thousand.
	 */
	vhost_iotlb_init(&vv->iotlb, VBUS_VRINGH_IOTLB_UNLIMITED, 0);
	INIT_WORK(&vv->unregister_work, vbus_vdpa_unregister_work);
	for (i = 0; i < ops->num_queues; i++) {
		vv->queues[i] = &vv->vqs[i].vr.q;
		snprintf(vv->vqs[i].vr.name, sizeof(vv->vqs[i].vr.name),
			 "%s/%u", vbus_device_name(vdev), i);
		u64_stats_init(&vv->vqs[i].vr.stats.syncp);
	}
	vv->vdpa.mdev = &vbus_vdpa_mgmt;
	vv->vdpa.dev.dma_mask = &vv->vdpa.dev.coherent_dma_mask;
	ret = dma_set_mask_and_coherent(&vv->vdpa.dev, DMA_BIT_MASK(64));
	if (!ret && !vhost)
		ret = vbus_vringh_map_ram(&vv->iotlb);
	if (!ret)
		ret = vbus_vdpa_set_driver_override(&vv->vdpa, vhost ?
						    "vhost_vdpa" :
						    "virtio_vdpa");
	if (ret)
		goto fail;
	vbus_vdpa_dma_dev(&vv->vdpa) = &vv->vdpa.dev;
	ret = vdpa_register_device(&vv->vdpa, ops->num_queues);
	if (ret == -EEXIST) {
		pr_err("device %s: a vDPA device of that name exists (held open by a process since an earlier connection?)\n",
		       vbus_device_name(vdev));
		ret = -EBUSY;
		goto fail;
	}
	if (ret) {
		pr_err("device %s: vDPA registration failed: %d\n",
		       vbus_device_name(vdev), ret);
		goto fail;
	}
	/* detach's reference: "vdpa dev del" may unregister it first. */
	get_device(&vv->vdpa.dev);
	vdev->connector_priv = vv;
	return 0;
fail:
	put_device(&vv->vdpa.dev);
	return ret;
}

/* The device's config space changed: a config interrupt. */
static void vbus_vdpa_config_changed(struct vbus_device *vdev)
{
	struct vbus_vdpa *vv = vdev->connector_priv;
	struct vdpa_callback cb;

	mutex_lock(&vv->lock);
	WRITE_ONCE(vv->generation, vv->generation + 1);
	cb = vv->config_cb;
	mutex_unlock(&vv->lock);
	if (cb.callback)
		cb.callback(cb.private);
}

/*
 * May a process hold the device's /dev/vhost-vdpa-N open? It opened it
 * (vbus_vdpa_get_iova_range()) and has not released it (reset_map), and
 * some vhost-vdpa file is open: each holds a reference on vhost_vdpa's
 * module. Errs towards yes: another device's open file, or a kernel
 * without reset_map, answer yes too.
 */
static bool vbus_vdpa_held_open(struct vbus_vdpa *vv)
{
	struct device_driver *drv;
	bool held = false;

	if (!vv->vhost)
		return false;
	device_lock(&vv->vdpa.dev);
	drv = vv->vdpa.dev.driver;
	if (drv && drv->owner) {
		mutex_lock(&vv->lock);
		held = vv->opened && module_refcount(drv->owner) > 0;
		mutex_unlock(&vv->lock);
	}
	device_unlock(&vv->vdpa.dev);
	return held;
}

static int vbus_vdpa_busy(struct vbus_device *vdev)
{
	struct vbus_vdpa *vv = vdev->connector_priv;

	if (!vbus_vdpa_held_open(vv))
		return 0;
	pr_err("device %s: its vhost-vdpa char device is held open by a process\n",
	       vbus_device_name(vdev));
	return -EBUSY;
}

static void vbus_vdpa_unregister_work(struct work_struct *work)
{
	struct vbus_vdpa *vv = container_of(work, struct vbus_vdpa,
					    unregister_work);

	/* Returns when the process closes the char device. */
	vdpa_unregister_device(&vv->vdpa);
	pr_info("%s: released by its process, off vDPA\n", vv_name(vv));
	put_device(&vv->vdpa.dev);
}

static void vbus_vdpa_detach(struct vbus_device *vdev)
{
	struct vbus_vdpa *vv = vdev->connector_priv;

	if (atomic_xchg(&vv->unregistered, 1))
		goto out;
	if (!vbus_vdpa_held_open(vv)) {
		vdpa_unregister_device(&vv->vdpa);
		goto out;
	}
	/* Cut the process off the vbus device; unregister once it closes. */
	mutex_lock(&vv->lock);
	vbus_vdpa_stop(vv);
	vv->revoked = true;
	vv->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	spin_lock_bh(&vv->iotlb_lock);
	vhost_iotlb_reset(&vv->iotlb);
	spin_unlock_bh(&vv->iotlb_lock);
	mutex_unlock(&vv->lock);
	pr_warn("device %s: detached while a process may hold its vhost-vdpa char device open; it leaves vDPA when that closes\n",
		vbus_device_name(vdev));
	queue_work(vbus_vdpa_wq, &vv->unregister_work);
	return;
out:
	put_device(&vv->vdpa.dev);
}

static const struct vbus_connector_ops vbus_vdpa_ops = {
	.attach = vbus_vdpa_attach,
	.detach = vbus_vdpa_detach,
	.config_changed = vbus_vdpa_config_changed,
	.busy = vbus_vdpa_busy,
};

/* Both words serve the same device; they differ in the vDPA driver. */
static struct vbus_connector vbus_vdpa_virtio = {
	.name = "virtio",
	.owner = THIS_MODULE,
	.ops = &vbus_vdpa_ops,
};

static struct vbus_connector vbus_vdpa_vhost = {
	.name = "vhost",
	.owner = THIS_MODULE,
	.ops = &vbus_vdpa_ops,
};

static int __init vbus_vdpa_init(void)
{
	int ret;

	/* Unbound: 7.x warns on a workqueue that names neither kind. */
	vbus_vdpa_wq = alloc_workqueue("vbus_virtio", WQ_UNBOUND, 0);
	if (!vbus_vdpa_wq)
		return -ENOMEM;
	vbus_vdpa_root = root_device_register("vbus_virtio");
	if (IS_ERR(vbus_vdpa_root)) {
		ret = PTR_ERR(vbus_vdpa_root);
		goto err_wq;
	}
	vbus_vdpa_mgmt.device = vbus_vdpa_root;
	ret = vdpa_mgmtdev_register(&vbus_vdpa_mgmt);
	if (ret)
		goto err_root;
	ret = vbus_connector_register(&vbus_vdpa_virtio);
	if (ret)
		goto err_mgmt;
	ret = vbus_connector_register(&vbus_vdpa_vhost);
	if (ret)
		goto err_virtio;
	return 0;
err_virtio:
	vbus_connector_unregister(&vbus_vdpa_virtio);
err_mgmt:
	vdpa_mgmtdev_unregister(&vbus_vdpa_mgmt);
err_root:
	root_device_unregister(vbus_vdpa_root);
err_wq:
	destroy_workqueue(vbus_vdpa_wq);
	return ret;
}

static void __exit vbus_vdpa_exit(void)
{
	vbus_connector_unregister(&vbus_vdpa_vhost);
	vbus_connector_unregister(&vbus_vdpa_virtio);
	/* Deferred unregistrations hold module references: none is left. */
	destroy_workqueue(vbus_vdpa_wq);
	vdpa_mgmtdev_unregister(&vbus_vdpa_mgmt);
	root_device_unregister(vbus_vdpa_root);
}

module_init(vbus_vdpa_init);
module_exit(vbus_vdpa_exit);
MODULE_SOFTDEP("pre: virtio_vdpa vhost_vdpa");
/* The core loads vbus-connector-<word> for an unknown connector word. */
MODULE_ALIAS("vbus-connector-virtio");
MODULE_ALIAS("vbus-connector-vhost");
MODULE_DESCRIPTION("vbus virtio connector: vbus devices on the vDPA bus, for virtio_vdpa and vhost_vdpa");
MODULE_LICENSE("GPL");
