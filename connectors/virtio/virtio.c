// SPDX-License-Identifier: GPL-2.0
/*
 * vbus virtio connector: every device of a bus, served to the kernel's own
 * virtio drivers through a virtio transport.
 *
 * Driver side, each device is a virtio_device whose virtqueues are split
 * rings made by virtio_ring. Device side, the same rings are read through
 * vringh, behind struct vbus_queue (a struct vbus_vringh, vringh_queue.c):
 * the device interface the native connector serves too. The two sides
 * call each other directly: notify() runs the queue's kick callback, the
 * device's signal runs vring_interrupt(), a config change runs
 * virtio_config_changed().
 *
 * Lifetimes: a struct vbus_virtio_dev is made by attach and unregistered
 * by detach, both under the vbus topology mutex; it is the vbus device's
 * connector_priv in between. Its virtio_device refcount owns it; it holds
 * a reference on its vbus device and on this module until released.
 * Status, features and virtqueues are changed only by the virtio core,
 * which serialises its config ops per device.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <linux/vbus_queue.h>
#include <linux/vbus_virtio.h>
#include <linux/vbus_vringh.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#define VBUS_VIRTIO_VQ_SIZE	256
#define VBUS_VIRTIO_TRANSPORT_FEATURES \
	(BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) | \
	 BIT_ULL(VIRTIO_RING_F_EVENT_IDX))

/**
 * struct vbus_virtio_vq - one virtqueue, both sides
 * @vr: device side: the ring as vringh reads it, behind struct vbus_queue;
 *	its call callback runs vring_interrupt() on @vq
 * @vq: driver side, NULL while not set up
 */
struct vbus_virtio_vq {
	struct vbus_vringh vr;
	struct virtqueue *vq;
};

/**
 * struct vbus_virtio_dev - a vbus device on the virtio bus
 * @vdev: the virtio device; its refcount owns this struct
 * @dev: the vbus device, referenced
 * @ops: its class's device interface
 * @status: virtio status byte
 * @queues: the device side of @vqs, handed over at start
 * @vqs: one per device queue
 */
struct vbus_virtio_dev {
	struct virtio_device vdev;
	struct vbus_device *dev;
	const struct vbus_device_ops *ops;
	u8 status;
	struct vbus_queue *queues[VBUS_MAX_QUEUES];
	struct vbus_virtio_vq vqs[VBUS_MAX_QUEUES];
};

static struct vbus_virtio_dev *to_vvd(struct virtio_device *vdev)
{
	return container_of(vdev, struct vbus_virtio_dev, vdev);
}

/* The device completed buffers: the driver's interrupt. */
static void vbus_virtio_call(void *priv)
{
	vring_interrupt(0, priv);
}

/* Driver side: struct virtio_config_ops. */

/**
 * vbus_virtio_device_features() - what a device offers a driver
 * @dev: the vbus device
 *
 * Return: the device's feature bits and the transport's.
 */
u64 vbus_virtio_device_features(const struct vbus_device *dev)
{
	return vbus_device_features(dev) | VBUS_VIRTIO_TRANSPORT_FEATURES;
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
	vbus_device_get_config(to_vvd(vdev)->dev, offset, buf, len);
}

static void vbus_virtio_set(struct virtio_device *vdev, unsigned int offset,
			    const void *buf, unsigned int len)
{
	vbus_device_set_config(to_vvd(vdev)->dev, offset, buf, len);
}

static u8 vbus_virtio_get_status(struct virtio_device *vdev)
{
	return to_vvd(vdev)->status;
}

static void vbus_virtio_set_status(struct virtio_device *vdev, u8 status)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);
	struct vbus_link link = {
		.features = vdev->features,
		.queues = vvd->queues,
	};
	unsigned int i;

	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !vvd->dev->started) {
		for (i = 0; i < vvd->ops->num_queues; i++) {
			if (!vvd->vqs[i].vq) {
				dev_err(&vdev->dev, "DRIVER_OK without queue %u\n",
					i);
				status |= VIRTIO_CONFIG_S_NEEDS_RESET;
				goto out;
			}
		}
		if (vbus_device_start(vvd->dev, &link))
			status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	}
out:
	vvd->status = status;
}

static void vbus_virtio_reset(struct virtio_device *vdev)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);

	vbus_device_stop(vvd->dev);
	vvd->status = 0;
}

static u64 vbus_virtio_get_features(struct virtio_device *vdev)
{
	return vbus_virtio_device_features(to_vvd(vdev)->dev);
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

	vbus_callback_call(&vvq->vr.q.kick);
	return true;
}

static void vbus_virtio_del_vq(struct vbus_virtio_vq *vvq)
{
	if (!vvq->vq)
		return;
	vbus_vringh_cleanup(&vvq->vr);
	vring_del_virtqueue(vvq->vq);
	vvq->vq = NULL;
}

static void vbus_virtio_del_vqs(struct virtio_device *vdev)
{
	struct vbus_virtio_dev *vvd = to_vvd(vdev);
	unsigned int i;

	vbus_device_stop(vvd->dev);
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
			 virtqueue_get_used_addr(vq));
	vvq->vq = vq;
	vbus_callback_set(&vvq->vr.call, vbus_virtio_call, vq);
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
	const char *names[VBUS_MAX_QUEUES];
	vq_callback_t *callbacks[VBUS_MAX_QUEUES];
	bool ctx[VBUS_MAX_QUEUES];
	unsigned int i;

	if (nvqs > VBUS_MAX_QUEUES)
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
	if (nvqs > VBUS_MAX_QUEUES)
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

	vbus_device_put(vvd->dev);
	kfree(vvd);
	module_put(THIS_MODULE);
}

static int vbus_virtio_attach(struct vbus_device *vdev)
{
	const struct vbus_device_ops *ops = vdev->class->device;
	struct vbus_virtio_dev *vvd;
	unsigned int i;
	int ret;

	if (!ops) {
		pr_err("device %s: class %s has no device interface\n",
		       vbus_device_name(vdev), vdev->class->name);
		return -EINVAL;
	}
	vvd = kzalloc(sizeof(*vvd), GFP_KERNEL);
	if (!vvd)
		return -ENOMEM;
	__module_get(THIS_MODULE);
	vvd->dev = vbus_device_get(vdev);
	vvd->ops = ops;
	for (i = 0; i < ops->num_queues; i++) {
		vvd->queues[i] = &vvd->vqs[i].vr.q;
		snprintf(vvd->vqs[i].vr.name, sizeof(vvd->vqs[i].vr.name),
			 "%s/%u", vbus_device_name(vdev), i);
	}
	vvd->vdev.id.device = ops->device_id;
	vvd->vdev.id.vendor = VIRTIO_DEV_ANY_ID;
	vvd->vdev.config = &vbus_virtio_config_ops;
	vvd->vdev.dev.parent = &vdev->dev;
	vvd->vdev.dev.release = vbus_virtio_release;
	ret = register_virtio_device(&vvd->vdev);
	if (ret) {
		pr_err("device %s: virtio device failed: %d\n",
		       vbus_device_name(vdev), ret);
		put_device(&vvd->vdev.dev);
		return ret;
	}
	vdev->connector_priv = vvd;
	return 0;
}

/* The device's config space changed: a config interrupt. */
static void vbus_virtio_config_changed(struct vbus_device *vdev)
{
	struct vbus_virtio_dev *vvd = vdev->connector_priv;

	virtio_config_changed(&vvd->vdev);
}

static void vbus_virtio_detach(struct vbus_device *vdev)
{
	struct vbus_virtio_dev *vvd = vdev->connector_priv;

	unregister_virtio_device(&vvd->vdev);
}

static const struct vbus_connector_ops vbus_virtio_ops = {
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
