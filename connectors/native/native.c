// SPDX-License-Identifier: GPL-2.0
/*
 * vbus native connector: presents the devices of a bus on the "vbus-proxy"
 * bus_type, where in-kernel client drivers bind to them by type, and
 * translates the device interface to them: features, config space, one
 * ioq ring per device queue, start and reset.
 *
 * Lifetimes: a proxy device is created by attach and unregistered by
 * detach, both under the vbus topology mutex; it is the vbus device's
 * connector_priv in between. Its driver-model refcount owns it; it holds
 * a reference on its vbus device and on this module until released.
 * Registered rings are the client's memory: the device uses them from
 * start to close, and the client frees them only after close.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vbus_compat.h>
#include <linux/vbus_native.h>

static const char *proxy_type(const struct device *dev)
{
	return container_of(dev, struct vbus_proxy_device, dev)->vdev->class->name;
}

static int vbus_proxy_match(struct device *dev, VBUS_MATCH_DRIVER *drv)
{
	const struct vbus_proxy_driver *pdrv =
		container_of(drv, struct vbus_proxy_driver, driver);

	return !strcmp(proxy_type(dev), pdrv->type);
}

static int vbus_proxy_uevent(VBUS_UEVENT_DEVICE *dev,
			     struct kobj_uevent_env *env)
{
	return add_uevent_var(env, "MODALIAS=vbus-proxy:%s", proxy_type(dev));
}

static struct vbus_proxy_driver *proxy_driver(struct device *dev)
{
	return container_of(dev->driver, struct vbus_proxy_driver, driver);
}

static int vbus_proxy_probe(struct device *dev)
{
	return proxy_driver(dev)->probe(to_vbus_proxy(dev));
}

static void vbus_proxy_remove(struct device *dev)
{
	struct vbus_proxy_driver *pdrv = proxy_driver(dev);
	struct vbus_proxy_device *pdev = to_vbus_proxy(dev);

	if (pdrv->remove)
		pdrv->remove(pdev);
	/* A driver that left the device open: reset it for the device. */
	vbus_proxy_close(pdev);
}

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "vbus-proxy:%s\n", proxy_type(dev));
}
static DEVICE_ATTR_RO(modalias);

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", proxy_type(dev));
}
static DEVICE_ATTR_RO(type);

static struct attribute *vbus_proxy_attrs[] = {
	&dev_attr_modalias.attr,
	&dev_attr_type.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vbus_proxy);

static vbus_bus_type_t vbus_proxy_bus_type = {
	.name = "vbus-proxy",
	.match = vbus_proxy_match,
	.uevent = vbus_proxy_uevent,
	.probe = vbus_proxy_probe,
	.remove = vbus_proxy_remove,
	.dev_groups = vbus_proxy_groups,
};

/**
 * __vbus_proxy_driver_register() - register a client driver
 * @drv: the driver, with type, probe and driver.name set
 * @owner: its module
 *
 * Return: 0 or a negative errno.
 */
int __vbus_proxy_driver_register(struct vbus_proxy_driver *drv,
				 struct module *owner)
{
	if (!drv->type || !drv->probe)
		return -EINVAL;
	drv->driver.bus = &vbus_proxy_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__vbus_proxy_driver_register);

/**
 * vbus_proxy_driver_unregister() - unregister a client driver
 * @drv: a registered driver; its devices are unbound first
 */
void vbus_proxy_driver_unregister(struct vbus_proxy_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(vbus_proxy_driver_unregister);

/* Under pdev->lock: may the client use the device? */
static int proxy_usable(struct vbus_proxy_device *pdev, bool need_open)
{
	lockdep_assert_held(&pdev->lock);
	if (pdev->gone)
		return -ENODEV;
	if (need_open && !pdev->opened)
		return -EBADF;
	return 0;
}

/**
 * vbus_proxy_features() - the feature bits the device offers
 * @pdev: the proxy device
 *
 * Return: the device's features; the native transport adds none.
 */
u64 vbus_proxy_features(struct vbus_proxy_device *pdev)
{
	return vbus_device_features(pdev->vdev);
}
EXPORT_SYMBOL_GPL(vbus_proxy_features);

/**
 * vbus_proxy_get_config() - read the device's config space
 * @pdev: the proxy device
 * @offset: first byte
 * @buf: filled with @len bytes (zeroes on error)
 * @len: bytes
 *
 * Return: 0, -ENODEV once unplugged, -EINVAL for a range outside the
 * config space.
 */
int vbus_proxy_get_config(struct vbus_proxy_device *pdev, unsigned int offset,
			  void *buf, unsigned int len)
{
	int ret;

	memset(buf, 0, len);
	mutex_lock(&pdev->lock);
	ret = proxy_usable(pdev, false);
	if (!ret)
		ret = vbus_device_get_config(pdev->vdev, offset, buf, len);
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_get_config);

/**
 * vbus_proxy_open() - start using a device with the features accepted
 * @pdev: the proxy device
 * @features: a subset of vbus_proxy_features()
 *
 * Return: 0, -EBUSY if already open, -ENODEV once unplugged, -EINVAL
 * for features the device does not offer.
 */
int vbus_proxy_open(struct vbus_proxy_device *pdev, u64 features)
{
	u64 offered = vbus_proxy_features(pdev);
	int ret;

	mutex_lock(&pdev->lock);
	ret = proxy_usable(pdev, false);
	if (!ret && pdev->opened)
		ret = -EBUSY;
	if (!ret && (features & ~offered)) {
		dev_err(&pdev->dev, "features %#llx not offered (offered %#llx)\n",
			features & ~offered, offered);
		ret = -EINVAL;
	}
	if (!ret) {
		pdev->features = features;
		pdev->opened = true;
	}
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_open);

/* The client kicked a ring: the device's turn. Any context. */
static void native_kick(void *priv)
{
	struct vbus_proxy_queue *pq = priv;

	vbus_callback_call(&pq->ioq.q.kick);
}

/**
 * vbus_proxy_set_ring() - register the client's ring for one device queue
 * @pdev: an open proxy device, not started
 * @index: which queue, below the device's number of queues
 * @ring: the ring; the client keeps it and its memory alive until it
 *	closes the device. Sets @ring->kick.
 *
 * The ring is validated here (vbus_ioq_init()); its buffers at every pop.
 *
 * Return: 0, -ENODEV once unplugged, -EBADF if not open, -EBUSY if that
 * queue has a ring already or the device runs, -EINVAL for a bad index or
 * a malformed ring.
 */
int vbus_proxy_set_ring(struct vbus_proxy_device *pdev, unsigned int index,
			struct vbus_shm_ring *ring)
{
	const struct vbus_device_ops *ops = pdev->vdev->class->device;
	struct vbus_proxy_queue *pq;
	int ret;

	mutex_lock(&pdev->lock);
	ret = proxy_usable(pdev, true);
	if (ret)
		goto out;
	if (index >= ops->num_queues || !ring->mem) {
		dev_err(&pdev->dev, "no queue %u (the device has %u)\n", index,
			ops->num_queues);
		ret = -EINVAL;
		goto out;
	}
	pq = &pdev->queues[index];
	if (pq->ring || pdev->vdev->started) {
		dev_err(&pdev->dev, "queue %u: ring registered twice or device running\n",
			index);
		ret = -EBUSY;
		goto out;
	}
	ret = vbus_ioq_init(&pq->ioq, pq->name, ring->mem, ring->offset,
			    ring->len);
	if (ret)
		goto out;
	vbus_callback_set(&pq->ioq.signal.notify, ring->interrupt.fn,
			  ring->interrupt.priv);
	vbus_callback_set(&ring->kick, native_kick, pq);
	pq->ring = ring;
out:
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_set_ring);

/**
 * vbus_proxy_start() - every ring is registered: start the device
 * @pdev: an open proxy device
 *
 * Return: 0, -ENODEV, -EBADF, -EINVAL while a queue has no ring, -EBUSY
 * if already started, or the device's error.
 */
int vbus_proxy_start(struct vbus_proxy_device *pdev)
{
	unsigned int i, n = pdev->vdev->class->device->num_queues;
	struct vbus_link link = { .queues = pdev->vqs };
	int ret;

	mutex_lock(&pdev->lock);
	ret = proxy_usable(pdev, true);
	for (i = 0; !ret && i < n; i++) {
		if (!pdev->queues[i].ring) {
			dev_err(&pdev->dev, "start without a ring for queue %u\n",
				i);
			ret = -EINVAL;
		}
	}
	if (!ret) {
		link.features = pdev->features;
		ret = vbus_device_start(pdev->vdev, &link);
	}
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_start);

/**
 * vbus_proxy_close() - reset the device and forget the rings
 * @pdev: the proxy device; a no-op if it is not open
 *
 * The device stops using the rings before this returns: the client may
 * free them then, and must not kick them any more.
 */
void vbus_proxy_close(struct vbus_proxy_device *pdev)
{
	unsigned int i;

	mutex_lock(&pdev->lock);
	vbus_device_stop(pdev->vdev);
	for (i = 0; i < VBUS_MAX_QUEUES; i++)
		pdev->queues[i].ring = NULL;
	pdev->opened = false;
	mutex_unlock(&pdev->lock);
}
EXPORT_SYMBOL_GPL(vbus_proxy_close);

static void vbus_proxy_release(struct device *dev)
{
	struct vbus_proxy_device *pdev = to_vbus_proxy(dev);

	vbus_device_put(pdev->vdev);
	kfree(pdev);
	module_put(THIS_MODULE);
}

static struct device *native_root;

static int native_attach(struct vbus_device *vdev)
{
	struct vbus_proxy_device *pdev;
	unsigned int i;
	int ret;

	if (!vdev->class->device) {
		pr_err("device %s: class %s has no device interface\n",
		       vbus_device_name(vdev), vdev->class->name);
		return -EINVAL;
	}
	pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);
	if (!pdev)
		return -ENOMEM;
	__module_get(THIS_MODULE);
	pdev->vdev = vbus_device_get(vdev);
	mutex_init(&pdev->lock);
	for (i = 0; i < VBUS_MAX_QUEUES; i++) {
		snprintf(pdev->queues[i].name, sizeof(pdev->queues[i].name),
			 "%s/%u", vbus_device_name(vdev), i);
		pdev->vqs[i] = &pdev->queues[i].ioq.q;
	}
	device_initialize(&pdev->dev);
	pdev->dev.bus = &vbus_proxy_bus_type;
	pdev->dev.parent = native_root;
	pdev->dev.release = vbus_proxy_release;
	ret = dev_set_name(&pdev->dev, "%s", vbus_device_name(vdev));
	if (!ret)
		ret = device_add(&pdev->dev);
	if (ret) {
		pr_err("device %s: proxy device failed: %d\n",
		       vbus_device_name(vdev), ret);
		put_device(&pdev->dev);
		return ret;
	}
	vdev->connector_priv = pdev;
	return 0;
}

static void native_detach(struct vbus_device *vdev)
{
	struct vbus_proxy_device *pdev = vdev->connector_priv;

	/* Unbinds the client driver, which closes the device. */
	device_del(&pdev->dev);
	mutex_lock(&pdev->lock);
	pdev->gone = true;
	mutex_unlock(&pdev->lock);
	/* A client that bypassed the driver model: reset all the same. */
	vbus_proxy_close(pdev);
	put_device(&pdev->dev);
}

/* Hand a config change to the bound client driver, if it cares. */
static void native_config_changed(struct vbus_device *vdev)
{
	struct vbus_proxy_device *pdev = vdev->connector_priv;
	struct vbus_proxy_driver *pdrv;

	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		pdrv = proxy_driver(&pdev->dev);
		if (pdrv->config_changed)
			pdrv->config_changed(pdev);
	}
	device_unlock(&pdev->dev);
}

static const struct vbus_connector_ops native_ops = {
	.attach = native_attach,
	.detach = native_detach,
	.config_changed = native_config_changed,
};

static struct vbus_connector native_connector = {
	.name = "native",
	.owner = THIS_MODULE,
	.ops = &native_ops,
};

static int __init native_init(void)
{
	int ret;

	ret = bus_register(&vbus_proxy_bus_type);
	if (ret)
		return ret;
	native_root = root_device_register("vbus-native");
	if (IS_ERR(native_root)) {
		ret = PTR_ERR(native_root);
		goto err_bus;
	}
	ret = vbus_connector_register(&native_connector);
	if (ret)
		goto err_root;
	return 0;

err_root:
	root_device_unregister(native_root);
err_bus:
	bus_unregister(&vbus_proxy_bus_type);
	return ret;
}

static void __exit native_exit(void)
{
	vbus_connector_unregister(&native_connector);
	root_device_unregister(native_root);
	bus_unregister(&vbus_proxy_bus_type);
}

module_init(native_init);
module_exit(native_exit);
MODULE_ALIAS("vbus-connector-native");
MODULE_DESCRIPTION("vbus native connector and proxy bus");
MODULE_LICENSE("GPL");
