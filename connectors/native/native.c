// SPDX-License-Identifier: GPL-2.0
/*
 * vbus native connector: presents the devices of a bus on the "vbus-proxy"
 * bus_type, where in-kernel client drivers bind to them by type.
 *
 * Lifetimes: a proxy device is created on connect/attach and unregistered
 * on disconnect/detach, both under the vbus topology mutex; its driver-model
 * refcount owns it, and it holds a reference on its vbus device until
 * released. Per-bus state is the list of proxy devices, kept in
 * bus->connector_priv, also under the topology mutex. Each registered ring
 * holds two eventfds (kick, interrupt) from registration to close.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vbus_native.h>

/* Kbuild defines VBUS_MATCH_CONST_DRIVER where match takes a const driver. */
#ifdef VBUS_MATCH_CONST_DRIVER
static int vbus_proxy_match(struct device *dev,
			    const struct device_driver *drv)
#else
static int vbus_proxy_match(struct device *dev, struct device_driver *drv)
#endif
{
	const struct vbus_proxy_driver *pdrv =
		container_of(drv, struct vbus_proxy_driver, driver);

	return !strcmp(to_vbus_proxy(dev)->vdev->class->name, pdrv->type);
}

#ifdef VBUS_UEVENT_CONST
static int vbus_proxy_uevent(const struct device *dev,
			     struct kobj_uevent_env *env)
#else
static int vbus_proxy_uevent(struct device *dev, struct kobj_uevent_env *env)
#endif
{
	const struct vbus_proxy_device *pdev =
		container_of(dev, struct vbus_proxy_device, dev);

	return add_uevent_var(env, "MODALIAS=vbus-proxy:%s",
			      pdev->vdev->class->name);
}

static int vbus_proxy_probe(struct device *dev)
{
	struct vbus_proxy_driver *pdrv =
		container_of(dev->driver, struct vbus_proxy_driver, driver);

	return pdrv->probe(to_vbus_proxy(dev));
}

static void vbus_proxy_remove(struct device *dev)
{
	struct vbus_proxy_driver *pdrv =
		container_of(dev->driver, struct vbus_proxy_driver, driver);
	struct vbus_proxy_device *pdev = to_vbus_proxy(dev);

	if (pdrv->remove)
		pdrv->remove(pdev);
	/* A driver that left the device open: close it for the device model. */
	vbus_proxy_close(pdev);
}

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "vbus-proxy:%s\n",
			  to_vbus_proxy(dev)->vdev->class->name);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t type_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_vbus_proxy(dev)->vdev->class->name);
}
static DEVICE_ATTR_RO(type);

static struct attribute *vbus_proxy_attrs[] = {
	&dev_attr_modalias.attr,
	&dev_attr_type.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vbus_proxy);

/* The type of device.bus: const where the driver core allows it (6.4+). */
static typeof(*((struct device *)NULL)->bus) vbus_proxy_bus_type = {
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

/**
 * vbus_proxy_open() - start using a device
 * @pdev: the proxy device
 * @version: interface version the client speaks
 *
 * Return: 0, -EBUSY if already open, -ENODEV once unplugged, or the device
 * model's error (-EOPNOTSUPP, version refused, ...).
 */
int vbus_proxy_open(struct vbus_proxy_device *pdev, u32 version)
{
	const struct vbus_class_ops *ops = pdev->vdev->class->ops;
	int ret = 0;

	mutex_lock(&pdev->lock);
	if (pdev->gone)
		ret = -ENODEV;
	else if (pdev->opened)
		ret = -EBUSY;
	else if (ops->open)
		ret = ops->open(pdev->vdev, version);
	if (!ret)
		pdev->opened = true;
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_open);

/* Both sides stopped using the ring: no more signals, no more hooks. */
static void native_ring_release(struct vbus_shm_ring *ring)
{
	vbus_eventfd_unhook(&ring->efd[VBUS_SHM_KICK]);
	vbus_eventfd_unhook(&ring->efd[VBUS_SHM_INTERRUPT]);
	vbus_eventfd_put(ARRAY_SIZE(ring->efd), ring->efd);
	list_del(&ring->node);
}

/**
 * vbus_proxy_close() - stop using a device; a no-op if it is not open
 * @pdev: the proxy device
 *
 * The device model stops using the rings before this returns; the client
 * must not kick them afterwards.
 */
void vbus_proxy_close(struct vbus_proxy_device *pdev)
{
	const struct vbus_class_ops *ops = pdev->vdev->class->ops;
	struct vbus_shm_ring *ring, *next;

	mutex_lock(&pdev->lock);
	if (pdev->opened && ops->close)
		ops->close(pdev->vdev);
	pdev->opened = false;
	list_for_each_entry_safe(ring, next, &pdev->rings, node)
		native_ring_release(ring);
	mutex_unlock(&pdev->lock);
}
EXPORT_SYMBOL_GPL(vbus_proxy_close);

/**
 * vbus_proxy_call() - a synchronous call into the device model
 * @pdev: an open proxy device
 * @func: function number, defined by the device type's ABI
 * @data: in/out buffer
 * @len: its length
 *
 * Return: the device model's result, -ENODEV once unplugged, -EBADF if not
 * open, -EOPNOTSUPP if the device model takes no calls.
 */
int vbus_proxy_call(struct vbus_proxy_device *pdev, u32 func, void *data,
		    size_t len)
{
	const struct vbus_class_ops *ops = pdev->vdev->class->ops;
	int ret;

	mutex_lock(&pdev->lock);
	if (pdev->gone)
		ret = -ENODEV;
	else if (!pdev->opened)
		ret = -EBADF;
	else if (!ops->call)
		ret = -EOPNOTSUPP;
	else
		ret = ops->call(pdev->vdev, func, data, len);
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_call);

/* The client kicked a ring: the device's turn. */
static int native_kick_wake(wait_queue_entry_t *wait, unsigned int mode,
			    int sync, void *key)
{
	struct vbus_shm_ring *ring = container_of(wait, struct vbus_eventfd,
						  wait)->priv;
	void (*kick)(struct vbus_shm_ring *ring) = READ_ONCE(ring->kick);

	if ((key_to_poll(key) & EPOLLIN) && kick)
		kick(ring);
	return 0;
}

/* The device signalled a ring: the client's turn. */
static int native_interrupt_wake(wait_queue_entry_t *wait, unsigned int mode,
				 int sync, void *key)
{
	struct vbus_shm_ring *ring = container_of(wait, struct vbus_eventfd,
						  wait)->priv;

	if (key_to_poll(key) & EPOLLIN)
		ring->interrupt(ring);
	return 0;
}

/**
 * vbus_proxy_shm() - register a shared-memory ring with the device
 * @pdev: an open proxy device
 * @ring: the ring; the client keeps it and its memory alive until it
 *	closes the device
 *
 * The connector gives the ring a kick and an interrupt eventfd (made by
 * the vbus eventfd helper) and hooks them to @ring->kick and
 * @ring->interrupt: from then on the two sides notify each other only
 * with vbus_shm_ring_kick() and vbus_shm_ring_interrupt(). Sleeps.
 *
 * Return: 0, -ENODEV once unplugged, -EBADF if not open, -EOPNOTSUPP,
 * -ENOENT without the eventfd helper, or the device model's validation
 * error.
 */
int vbus_proxy_shm(struct vbus_proxy_device *pdev, struct vbus_shm_ring *ring)
{
	const struct vbus_class_ops *ops = pdev->vdev->class->ops;
	int ret;

	if (!ring->mem || !ring->interrupt)
		return -EINVAL;
	mutex_lock(&pdev->lock);
	if (pdev->gone)
		ret = -ENODEV;
	else if (!pdev->opened)
		ret = -EBADF;
	else if (!ops->shm)
		ret = -EOPNOTSUPP;
	else
		ret = vbus_eventfd_get(dev_name(&pdev->dev),
				       ARRAY_SIZE(ring->efd), ring->efd);
	if (ret)
		goto out;
	/* Hooked first: the device may signal as soon as it has the ring. */
	ring->kick = NULL;
	vbus_eventfd_hook(&ring->efd[VBUS_SHM_KICK], native_kick_wake, ring);
	vbus_eventfd_hook(&ring->efd[VBUS_SHM_INTERRUPT], native_interrupt_wake,
			  ring);
	list_add(&ring->node, &pdev->rings);
	ret = ops->shm(pdev->vdev, ring);
	if (ret)
		native_ring_release(ring);
out:
	mutex_unlock(&pdev->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_proxy_shm);

static void vbus_proxy_release(struct device *dev)
{
	struct vbus_proxy_device *pdev = to_vbus_proxy(dev);

	vbus_device_put(pdev->vdev);
	kfree(pdev);
}

static struct device *native_root;

static int native_attach(struct vbus *bus, struct vbus_device *vdev)
{
	struct list_head *proxies = bus->connector_priv;
	struct vbus_proxy_device *pdev;
	int ret;

	pdev = kzalloc(sizeof(*pdev), GFP_KERNEL);
	if (!pdev)
		return -ENOMEM;
	pdev->vdev = vbus_device_get(vdev);
	mutex_init(&pdev->lock);
	INIT_LIST_HEAD(&pdev->rings);
	device_initialize(&pdev->dev);
	pdev->dev.bus = &vbus_proxy_bus_type;
	pdev->dev.parent = native_root;
	pdev->dev.release = vbus_proxy_release;
	ret = dev_set_name(&pdev->dev, "%s", vbus_device_name(vdev));
	if (!ret)
		ret = device_add(&pdev->dev);
	if (ret) {
		pr_err("bus %s: device %s: proxy device failed: %d\n",
		       vbus_name(bus), vbus_device_name(vdev), ret);
		put_device(&pdev->dev);
		return ret;
	}
	list_add_tail(&pdev->node, proxies);
	return 0;
}

static void native_unplug(struct vbus_proxy_device *pdev)
{
	list_del(&pdev->node);
	/* Unbinds the client driver, which stops using the device. */
	device_del(&pdev->dev);
	mutex_lock(&pdev->lock);
	pdev->gone = true;
	mutex_unlock(&pdev->lock);
	put_device(&pdev->dev);
}

static struct vbus_proxy_device *native_find(struct vbus *bus,
					     struct vbus_device *vdev)
{
	struct list_head *proxies = bus->connector_priv;
	struct vbus_proxy_device *pdev;

	list_for_each_entry(pdev, proxies, node)
		if (pdev->vdev == vdev)
			return pdev;
	return NULL;
}

static void native_detach(struct vbus *bus, struct vbus_device *vdev)
{
	struct vbus_proxy_device *pdev = native_find(bus, vdev);

	if (pdev)
		native_unplug(pdev);
}

/* Hand a config change to the bound client driver, if it cares. */
static void native_config_changed(struct vbus *bus, struct vbus_device *vdev)
{
	struct vbus_proxy_device *pdev = native_find(bus, vdev);
	struct vbus_proxy_driver *pdrv;

	if (!pdev)
		return;
	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		pdrv = container_of(pdev->dev.driver, struct vbus_proxy_driver,
				    driver);
		if (pdrv->config_changed)
			pdrv->config_changed(pdev);
	}
	device_unlock(&pdev->dev);
}

static void native_disconnect(struct vbus *bus)
{
	struct list_head *proxies = bus->connector_priv;
	struct vbus_proxy_device *pdev, *next;

	list_for_each_entry_safe(pdev, next, proxies, node)
		native_unplug(pdev);
	kfree(proxies);
}

static int native_connect(struct vbus *bus)
{
	struct list_head *proxies = kmalloc(sizeof(*proxies), GFP_KERNEL);
	struct vbus_device *vdev;
	int ret;

	if (!proxies)
		return -ENOMEM;
	INIT_LIST_HEAD(proxies);
	bus->connector_priv = proxies;
	list_for_each_entry(vdev, &bus->devices, bus_node) {
		ret = native_attach(bus, vdev);
		if (ret) {
			native_disconnect(bus);
			bus->connector_priv = NULL;
			return ret;
		}
	}
	pr_info("bus %s: connected\n", vbus_name(bus));
	return 0;
}

static const struct vbus_connector_ops native_ops = {
	.connect = native_connect,
	.disconnect = native_disconnect,
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
MODULE_DESCRIPTION("vbus native connector and proxy bus");
MODULE_LICENSE("GPL");
