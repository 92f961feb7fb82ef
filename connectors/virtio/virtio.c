// SPDX-License-Identifier: GPL-2.0
/*
 * vbus virtio connector: every device of a bus, served to the kernel's own
 * virtio drivers through a virtio transport.
 *
 * Driver side, each device is a virtio_device whose virtqueues are split
 * rings made by virtio_ring. Device side, the same rings are read through
 * vringh, behind struct vbus_queue, so the device model is the one the
 * native connector serves. The two sides meet only through eventfds, as a
 * VMM's ioeventfd and irqfd would: notify() signals the queue's kick
 * eventfd, whose wait-queue hook runs the device's kick handler; the device
 * signals the call eventfd, whose hook runs vring_interrupt(); a config
 * change signals the config eventfd, whose hook runs
 * virtio_config_changed().
 *
 * The device side of each queue is a struct vbus_vringh (vringh_queue.c).
 *
 * Lifetimes: a struct vbus_virtio_dev is made on connect/attach and
 * unregistered on detach/disconnect, both under the vbus topology mutex;
 * its virtio_device refcount owns it and it holds a reference on its vbus
 * device and its eventfds until released. Per-bus state is the list of
 * them in bus->connector_priv, under the topology mutex. Status, features
 * and virtqueues are changed only by the virtio core, which serialises
 * its config ops per device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <linux/vbus_eventfd.h>
#include <linux/vbus_queue.h>
#include <linux/vbus_virtio.h>
#include <linux/vbus_vringh.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#define VBUS_VIRTIO_VQ_SIZE	256
#define VBUS_VIRTIO_MAX_QUEUES	8
#define VBUS_VIRTIO_TRANSPORT_FEATURES \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) | \
	 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

/**
 * struct vbus_virtio_vq - one virtqueue, both sides
 * @vr: device side: the ring as vringh reads it, behind struct vbus_queue
 * @vq: driver side, NULL while not set up
 * @vvd: the device it belongs to
 * @kick: signalled by notify(); hooked to the device's @vr.q.kick
 * @call: signalled by the device; hooked to vring_interrupt()
 */
struct vbus_virtio_vq {
	struct vbus_vringh vr;
	struct virtqueue *vq;
	struct vbus_virtio_dev *vvd;
	struct vbus_eventfd *kick, *call;
};

/**
 * struct vbus_virtio_dev - a vbus device on the virtio bus
 * @vdev: the virtio device; its refcount owns this struct
 * @dev: the vbus device, referenced
 * @ops: its class's virtio personality
 * @node: on the bus's list (topology mutex)
 * @status: virtio status byte
 * @started: the device model is serving the queues
 * @link: what the device model got at start
 * @queues: @link.queues
 * @vqs: one per queue of the personality
 * @config: the config eventfd, hooked to virtio_config_changed()
 * @efds: kick and call per queue, then @config
 * @nefds: number of @efds
 */
struct vbus_virtio_dev {
	struct virtio_device vdev;
	struct vbus_device *dev;
	const struct vbus_virtio_ops *ops;
	struct list_head node;
	u8 status;
	bool started;
	struct vbus_virtio_link link;
	struct vbus_queue *queues[VBUS_VIRTIO_MAX_QUEUES];
	struct vbus_virtio_vq *vqs;
	struct vbus_eventfd *config;
	struct vbus_eventfd *efds;
	unsigned int nefds;
};

static struct vbus_virtio_dev *to_vvd(struct virtio_device *vdev)
{
	return container_of(vdev, struct vbus_virtio_dev, vdev);
}

/* Eventfd hooks: the only way each side reaches the other. */

static void *vbus_virtio_woken(wait_queue_entry_t *wait, void *key)
{
	if (!(key_to_poll(key) & EPOLLIN))
		return NULL;
	return container_of(wait, struct vbus_eventfd, wait)->priv;
}

/* Driver kicked: the device's turn (ioeventfd). */
static int vbus_virtio_kick_wake(wait_queue_entry_t *wait, unsigned int mode,
				 int sync, void *key)
{
	struct vbus_virtio_vq *vvq = vbus_virtio_woken(wait, key);

	if (vvq && READ_ONCE(vvq->vvd->started) && vvq->vr.q.kick)
		vvq->vr.q.kick(&vvq->vr.q);
	return 0;
}

/* Device called: the driver's interrupt (irqfd). */
static int vbus_virtio_call_wake(wait_queue_entry_t *wait, unsigned int mode,
				 int sync, void *key)
{
	struct vbus_virtio_vq *vvq = vbus_virtio_woken(wait, key);

	if (vvq && vvq->vq)
		vring_interrupt(0, vvq->vq);
	return 0;
}

static int vbus_virtio_config_wake(wait_queue_entry_t *wait,
				   unsigned int mode, int sync, void *key)
{
	struct vbus_virtio_dev *vvd = vbus_virtio_woken(wait, key);

	if (vvd)
		virtio_config_changed(&vvd->vdev);
	return 0;
}

/* Driver side: struct virtio_config_ops. */

/**
 * vbus_virtio_config_read() - read a device's config space
 * @ops: the device's personality
 * @dev: the device
 * @offset: first byte
 * @buf: filled with @len bytes; zeroes when the range is refused
 * @len: bytes
 *
 * Return: 0, or -EINVAL when [@offset, @offset + @len) is not inside the
 * config space.
 */
int vbus_virtio_config_read(const struct vbus_virtio_ops *ops,
			    struct vbus_device *dev, unsigned int offset,
			    void *buf, unsigned int len)
{
	u8 config[VBUS_VIRTIO_CONFIG_MAX];

	memset(buf, 0, len);
	if (ops->config_size > sizeof(config) || offset > ops->config_size ||
	    len > ops->config_size - offset)
		return -EINVAL;
	ops->get_config(dev, config);
	memcpy(buf, config + offset, len);
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_virtio_config_read);

/**
 * vbus_virtio_device_features() - what a device offers a driver
 * @ops: its personality
 *
 * Return: the personality's feature bits and the transport's.
 */
u64 vbus_virtio_device_features(const struct vbus_virtio_ops *ops)
{
	return ops->features | VBUS_VIRTIO_TRANSPORT_FEATURES;
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

static void vbus_virtio_get(struct virtio_device *vdev, unsigned int offset,
			    void *buf, unsigned int len)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);

	if (vbus_virtio_config_read(vvd->ops, vvd->dev, offset, buf, len))
		dev_err(&vdev->dev, "config read [%u, +%u) past %u bytes\n",
			offset, len, vvd->ops->config_size);
}

/* No config field of ours is writable by the driver. */
static void vbus_virtio_set(struct virtio_device *vdev, unsigned int offset,
			    const void *buf, unsigned int len)
{
	dev_err(&vdev->dev, "config write [%u, +%u) ignored\n", offset, len);
}

static u8 vbus_virtio_get_status(struct virtio_device *vdev)
{
	return to_vvd(vdev)->status;
}

static void vbus_virtio_stop(struct vbus_virtio_dev *vvd)
{
	if (!vvd->started)
		return;
	WRITE_ONCE(vvd->started, false);
	vvd->ops->stop(vvd->dev);
}

static void vbus_virtio_set_status(struct virtio_device *vdev, u8 status)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);
	unsigned int i;
	int ret;

	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !vvd->started) {
		for (i = 0; i < vvd->ops->num_queues; i++) {
			if (!vvd->vqs[i].vq) {
				dev_err(&vdev->dev, "DRIVER_OK without queue %u\n",
					i);
				status |= VIRTIO_CONFIG_S_NEEDS_RESET;
				goto out;
			}
		}
		vvd->link.features = vdev->features;
		ret = vvd->ops->start(vvd->dev, &vvd->link);
		if (ret) {
			dev_err(&vdev->dev, "device %s did not start: %d\n",
				vbus_device_name(vvd->dev), ret);
			status |= VIRTIO_CONFIG_S_NEEDS_RESET;
			goto out;
		}
		WRITE_ONCE(vvd->started, true);
	}
out:
	vvd->status = status;
}

static void vbus_virtio_reset(struct virtio_device *vdev)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);

	vbus_virtio_stop(vvd);
	vvd->status = 0;
}

static u64 vbus_virtio_get_features(struct virtio_device *vdev)
{
	return vbus_virtio_device_features(to_vvd(vdev)->ops);
}

static int vbus_virtio_finalize_features(struct virtio_device *vdev)
{
	int ret;

	vring_transport_features(vdev);
	ret = vbus_virtio_features_ok(vdev->features);
	if (ret)
		dev_err(&vdev->dev, "driver refused VIRTIO_F_VERSION_1; legacy is not served\n");
	return ret;
}

static const char *vbus_virtio_bus_name(struct virtio_device *vdev)
{
	return vbus_device_name(to_vvd(vdev)->dev);
}

static bool vbus_virtio_notify(struct virtqueue *vq)
{
	struct vbus_virtio_vq *vvq = &to_vvd(vq->vdev)->vqs[vq->index];

	vbus_eventfd_signal(vvq->kick);
	return true;
}

static void vbus_virtio_del_vq(struct vbus_virtio_vq *vvq)
{
	if (!vvq->vq)
		return;
	vbus_eventfd_unhook(vvq->kick);
	vbus_eventfd_unhook(vvq->call);
	vbus_vringh_cleanup(&vvq->vr);
	vring_del_virtqueue(vvq->vq);
	vvq->vq = NULL;
}

static void vbus_virtio_del_vqs(struct virtio_device *vdev)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);
	unsigned int i;

	vbus_virtio_stop(vvd);
	vbus_eventfd_unhook(vvd->config);
	for (i = 0; i < vvd->ops->num_queues; i++)
		vbus_virtio_del_vq(&vvd->vqs[i]);
}

static int vbus_virtio_setup_vq(struct vbus_virtio_dev *vvd,
				unsigned int index, const char *name,
				vq_callback_t *callback, bool ctx)
{
	struct vbus_virtio_vq *vvq = &vvd->vqs[index];
	struct virtqueue *vq;

	vq = vring_create_virtqueue(index, VBUS_VIRTIO_VQ_SIZE, PAGE_SIZE,
				    &vvd->vdev, true, false, ctx,
				    vbus_virtio_notify, callback, name);
	if (!vq)
		return -ENOMEM;
	vbus_vringh_init(&vvq->vr, vvd->vdev.features,
			 virtqueue_get_vring_size(vq),
			 virtqueue_get_desc_addr(vq),
			 virtqueue_get_avail_addr(vq),
			 virtqueue_get_used_addr(vq), vvq->call);
	vvq->vq = vq;
	vbus_eventfd_hook(vvq->kick, vbus_virtio_kick_wake, vvq);
	vbus_eventfd_hook(vvq->call, vbus_virtio_call_wake, vvq);
	return 0;
}

static int vbus_virtio_find_vqs_common(struct virtio_device *vdev,
				       unsigned int nvqs,
				       struct virtqueue *vqs[],
				       const char * const names[],
				       vq_callback_t * const callbacks[],
				       const bool *ctx)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);
	unsigned int i, index = 0;
	int ret;

	for (i = 0; i < nvqs; i++) {
		vqs[i] = NULL;
		if (!names[i])
			continue;
		if (index >= vvd->ops->num_queues) {
			dev_err(&vdev->dev, "device %s has %u queues, driver wants more\n",
				vbus_device_name(vvd->dev),
				vvd->ops->num_queues);
			ret = -ENOENT;
			goto fail;
		}
		ret = vbus_virtio_setup_vq(vvd, index, names[i], callbacks[i],
					   ctx && ctx[i]);
		if (ret)
			goto fail;
		vqs[i] = vvd->vqs[index++].vq;
	}
	vbus_eventfd_hook(vvd->config, vbus_virtio_config_wake, vvd);
	return 0;
fail:
	vbus_virtio_del_vqs(vdev);
	return ret;
}

#ifdef VBUS_VIRTQUEUE_INFO
static int vbus_virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
				struct virtqueue *vqs[],
				struct virtqueue_info vqs_info[],
				struct irq_affinity *desc)
{
	const char *names[VBUS_VIRTIO_MAX_QUEUES];
	vq_callback_t *callbacks[VBUS_VIRTIO_MAX_QUEUES];
	bool ctx[VBUS_VIRTIO_MAX_QUEUES];
	unsigned int i;

	if (nvqs > VBUS_VIRTIO_MAX_QUEUES)
		return -ENOENT;
	for (i = 0; i < nvqs; i++) {
		names[i] = vqs_info[i].name;
		callbacks[i] = vqs_info[i].callback;
		ctx[i] = vqs_info[i].ctx;
	}
	return vbus_virtio_find_vqs_common(vdev, nvqs, vqs, names, callbacks,
					   ctx);
}
#else
static int vbus_virtio_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
				struct virtqueue *vqs[],
				vq_callback_t *callbacks[],
				const char * const names[], const bool *ctx,
				struct irq_affinity *desc)
{
	if (nvqs > VBUS_VIRTIO_MAX_QUEUES)
		return -ENOENT;
	return vbus_virtio_find_vqs_common(vdev, nvqs, vqs, names, callbacks,
					   ctx);
}
#endif

static const struct virtio_config_ops vbus_virtio_config_ops = {
	.get = vbus_virtio_get,
	.set = vbus_virtio_set,
	.get_status = vbus_virtio_get_status,
	.set_status = vbus_virtio_set_status,
	.reset = vbus_virtio_reset,
	.find_vqs = vbus_virtio_find_vqs,
	.del_vqs = vbus_virtio_del_vqs,
	.get_features = vbus_virtio_get_features,
	.finalize_features = vbus_virtio_finalize_features,
	.bus_name = vbus_virtio_bus_name,
};

/* Connector. */

static void vbus_virtio_release(struct device *dev)
{
	struct vbus_virtio_dev *vvd = to_vvd(dev_to_virtio(dev));

	vbus_eventfd_put(vvd->nefds, vvd->efds);
	kfree(vvd->efds);
	kfree(vvd->vqs);
	vbus_device_put(vvd->dev);
	kfree(vvd);
}

static int vbus_virtio_attach(struct vbus *bus, struct vbus_device *vdev)
{
	const struct vbus_virtio_ops *ops = vdev->class->virtio;
	struct list_head *devs = bus->connector_priv;
	struct vbus_virtio_dev *vvd;
	unsigned int i, nq;
	int ret;

	if (!ops) {
		pr_err("bus %s: device %s: class %s has no virtio personality\n",
		       vbus_name(bus), vbus_device_name(vdev),
		       vdev->class->name);
		return -EINVAL;
	}
	nq = ops->num_queues;
	if (!nq || nq > VBUS_VIRTIO_MAX_QUEUES ||
	    ops->config_size > VBUS_VIRTIO_CONFIG_MAX) {
		pr_err("device %s: class %s: bad virtio personality\n",
		       vbus_device_name(vdev), vdev->class->name);
		return -EINVAL;
	}
	vvd = kzalloc(sizeof(*vvd), GFP_KERNEL);
	if (!vvd)
		return -ENOMEM;
	vvd->dev = vbus_device_get(vdev);
	vvd->ops = ops;
	vvd->nefds = 2 * nq + 1;
	vvd->vqs = kcalloc(nq, sizeof(*vvd->vqs), GFP_KERNEL);
	vvd->efds = kcalloc(vvd->nefds, sizeof(*vvd->efds), GFP_KERNEL);
	if (!vvd->vqs || !vvd->efds) {
		ret = -ENOMEM;
		goto free;
	}
	ret = vbus_eventfd_get(vbus_device_name(vdev), vvd->nefds, vvd->efds);
	if (ret)
		goto free;
	for (i = 0; i < nq; i++) {
		vvd->vqs[i].vvd = vvd;
		vvd->vqs[i].kick = &vvd->efds[2 * i];
		vvd->vqs[i].call = &vvd->efds[2 * i + 1];
		vvd->queues[i] = &vvd->vqs[i].vr.q;
		snprintf(vvd->vqs[i].vr.name, sizeof(vvd->vqs[i].vr.name),
			 "%s/%u", vbus_device_name(vdev), i);
	}
	vvd->config = &vvd->efds[2 * nq];
	vvd->link.queues = vvd->queues;

	vvd->vdev.id.device = ops->device_id;
	vvd->vdev.id.vendor = VIRTIO_DEV_ANY_ID;
	vvd->vdev.config = &vbus_virtio_config_ops;
	vvd->vdev.dev.parent = &vdev->dev;
	vvd->vdev.dev.release = vbus_virtio_release;
	ret = register_virtio_device(&vvd->vdev);
	if (ret) {
		pr_err("bus %s: device %s: virtio device failed: %d\n",
		       vbus_name(bus), vbus_device_name(vdev), ret);
		put_device(&vvd->vdev.dev);
		return ret;
	}
	list_add_tail(&vvd->node, devs);
	return 0;
free:
	kfree(vvd->efds);
	kfree(vvd->vqs);
	vbus_device_put(vvd->dev);
	kfree(vvd);
	return ret;
}

static void vbus_virtio_unplug(struct vbus_virtio_dev *vvd)
{
	list_del(&vvd->node);
	unregister_virtio_device(&vvd->vdev);
}

static struct vbus_virtio_dev *vbus_virtio_find(struct vbus *bus,
						struct vbus_device *vdev)
{
	struct list_head *devs = bus->connector_priv;
	struct vbus_virtio_dev *vvd;

	list_for_each_entry(vvd, devs, node)
		if (vvd->dev == vdev)
			return vvd;
	return NULL;
}

/* The device's config space changed: a config interrupt, by eventfd. */
static void vbus_virtio_config_changed(struct vbus *bus,
				       struct vbus_device *vdev)
{
	struct vbus_virtio_dev *vvd = vbus_virtio_find(bus, vdev);

	if (vvd)
		vbus_eventfd_signal(vvd->config);
}

static void vbus_virtio_detach(struct vbus *bus, struct vbus_device *vdev)
{
	struct vbus_virtio_dev *vvd = vbus_virtio_find(bus, vdev);

	if (vvd)
		vbus_virtio_unplug(vvd);
}

static void vbus_virtio_disconnect(struct vbus *bus)
{
	struct list_head *devs = bus->connector_priv;
	struct vbus_virtio_dev *vvd, *next;

	list_for_each_entry_safe(vvd, next, devs, node)
		vbus_virtio_unplug(vvd);
	kfree(devs);
}

static int vbus_virtio_connect(struct vbus *bus)
{
	struct list_head *devs = kmalloc(sizeof(*devs), GFP_KERNEL);
	struct vbus_device *vdev;
	int ret;

	if (!devs)
		return -ENOMEM;
	INIT_LIST_HEAD(devs);
	bus->connector_priv = devs;
	list_for_each_entry(vdev, &bus->devices, bus_node) {
		ret = vbus_virtio_attach(bus, vdev);
		if (ret) {
			vbus_virtio_disconnect(bus);
			bus->connector_priv = NULL;
			return ret;
		}
	}
	pr_info("bus %s: connected\n", vbus_name(bus));
	return 0;
}

static const struct vbus_connector_ops vbus_virtio_ops = {
	.connect = vbus_virtio_connect,
	.disconnect = vbus_virtio_disconnect,
	.attach = vbus_virtio_attach,
	.detach = vbus_virtio_detach,
	.config_changed = vbus_virtio_config_changed,
};

static struct vbus_connector vbus_virtio_connector = {
	.name = "virtio",
	.owner = THIS_MODULE,
	.ops = &vbus_virtio_ops,
};

static int __init vbus_virtio_init(void)
{
	int ret;

	ret = vbus_vringh_ram_init();
	if (ret)
		return ret;
	ret = vbus_connector_register(&vbus_virtio_connector);
	if (ret)
		vbus_vringh_ram_exit();
	return ret;
}

static void __exit vbus_virtio_exit(void)
{
	vbus_connector_unregister(&vbus_virtio_connector);
	vbus_vringh_ram_exit();
}

module_init(vbus_virtio_init);
module_exit(vbus_virtio_exit);
MODULE_DESCRIPTION("vbus virtio connector: vbus devices for virtio drivers");
MODULE_LICENSE("GPL");
