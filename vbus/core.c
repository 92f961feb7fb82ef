// SPDX-License-Identifier: GPL-2.0
/*
 * vbus core: class and connector registries, devices, buses, attach and
 * detach, connect and disconnect, notifications, and the "vbus" bus_type.
 *
 * Locking: vbus_lock protects every list here and the topology fields of
 * struct vbus and struct vbus_device. It is never held across device_del()
 * (sysfs readers of the "vbus" attribute take it, and device_del() waits
 * for them) nor across configfs group registration.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/dcache.h>
#include <linux/kmod.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vbus_compat.h>
#include "vbus_internal.h"

/* Protects the lists below and all topology fields; see the top comment. */
DEFINE_MUTEX(vbus_lock);
static LIST_HEAD(vbus_classes);
static LIST_HEAD(vbus_connectors);
static LIST_HEAD(vbus_buses);
static LIST_HEAD(vbus_devices);
static BLOCKING_NOTIFIER_HEAD(vbus_notifier);
/* Parent of every vbus device in sysfs: /sys/devices/vbus/. */
static struct device *vbus_root;

static int vbus_uevent(VBUS_UEVENT_DEVICE *dev, struct kobj_uevent_env *env)
{
	const struct vbus_device *vdev = container_of(dev, struct vbus_device,
						      dev);

	return add_uevent_var(env, "MODALIAS=vbus:%s", vdev->class->name);
}

static ssize_t device_class_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", to_vbus_device(dev)->class->name);
}
static DEVICE_ATTR_RO(device_class);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "vbus:%s\n", to_vbus_device(dev)->class->name);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t vbus_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct vbus_device *vdev = to_vbus_device(dev);
	ssize_t len;

	mutex_lock(&vbus_lock);
	len = sysfs_emit(buf, "%s\n", vdev->bus ? vbus_name(vdev->bus) : "");
	mutex_unlock(&vbus_lock);
	return len;
}
static DEVICE_ATTR_RO(vbus);

static struct attribute *vbus_dev_attrs[] = {
	&dev_attr_device_class.attr,
	&dev_attr_modalias.attr,
	&dev_attr_vbus.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vbus_dev);

static vbus_bus_type_t vbus_bus_type = {
	.name = "vbus",
	.uevent = vbus_uevent,
	.dev_groups = vbus_dev_groups,
};

static void vbus_notify(enum vbus_event event, struct vbus *bus,
			struct vbus_device *vdev)
{
	struct vbus_event_info info = {
		.bus = bus,
		.vdev = vdev,
		.connector = vdev ? NULL : bus->connector,
	};

	lockdep_assert_held(&vbus_lock);
	blocking_notifier_call_chain(&vbus_notifier, event, &info);
}

/**
 * vbus_register_notifier() - subscribe to topology events
 * @nb: notifier block; its callback gets an &enum vbus_event and a
 *	&struct vbus_event_info, with the topology mutex held
 *
 * Return: 0 or a negative errno.
 */
int vbus_register_notifier(struct notifier_block *nb)
{
	return blocking_notifier_chain_register(&vbus_notifier, nb);
}
EXPORT_SYMBOL_GPL(vbus_register_notifier);

/**
 * vbus_unregister_notifier() - unsubscribe from topology events
 * @nb: notifier block given to vbus_register_notifier()
 */
void vbus_unregister_notifier(struct notifier_block *nb)
{
	blocking_notifier_chain_unregister(&vbus_notifier, nb);
}
EXPORT_SYMBOL_GPL(vbus_unregister_notifier);

/*
 * Names reach sysfs, the kernel log and line-based tools: 1 to
 * VBUS_NAME_MAX - 1 printable characters, no whitespace, no '/', not
 * starting with '.'. ASCII only: a name is also an interface name.
 */
static bool vbus_name_valid(const char *what, const char *name)
{
	size_t len = strnlen(name, VBUS_NAME_MAX), i;
	bool ok = len && len < VBUS_NAME_MAX && name[0] != '.';

	for (i = 0; ok && i < len; i++)
		ok = name[i] > ' ' && name[i] < 0x7f && name[i] != '/';
	if (!ok)
		pr_err("%s name '%*pE' is not 1 to %d printable characters without whitespace or '/', not starting with '.'\n",
		       what, (int)len, name, VBUS_NAME_MAX - 1);
	return ok;
}

/**
 * vbus_class_register() - register a device class
 * @class: the class, with name, owner and ops set
 *
 * Makes devices/<name>/ appear in configfs.
 *
 * Return: 0, -EINVAL for an incomplete class, -EEXIST for a taken name.
 */
int vbus_class_register(struct vbus_class *class)
{
	const struct vbus_device_ops *dev = class->device;
	struct vbus_class *c;
	int ret;

	if (!class->name || !class->ops || !class->ops->create ||
	    !class->ops->release || !vbus_name_valid("class", class->name))
		return -EINVAL;
	if (dev && (!dev->get_config || !dev->start || !dev->stop ||
		    dev->num_queues > VBUS_MAX_QUEUES ||
		    dev->config_size > VBUS_CONFIG_MAX)) {
		pr_err("class %s: incomplete device interface\n", class->name);
		return -EINVAL;
	}

	mutex_lock(&vbus_lock);
	list_for_each_entry(c, &vbus_classes, node) {
		if (!strcmp(c->name, class->name)) {
			mutex_unlock(&vbus_lock);
			pr_err("class %s: already registered\n", class->name);
			return -EEXIST;
		}
	}
	list_add_tail(&class->node, &vbus_classes);
	mutex_unlock(&vbus_lock);

	ret = vbus_configfs_add_class(class);
	if (ret) {
		mutex_lock(&vbus_lock);
		list_del(&class->node);
		mutex_unlock(&vbus_lock);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_class_register);

/**
 * vbus_class_unregister() - unregister a device class
 * @class: a registered class without devices (its module is not in use)
 */
void vbus_class_unregister(struct vbus_class *class)
{
	vbus_configfs_remove_class(class);
	mutex_lock(&vbus_lock);
	list_del(&class->node);
	mutex_unlock(&vbus_lock);
}
EXPORT_SYMBOL_GPL(vbus_class_unregister);

/* Take @vdev out of its connected bus's client. */
static void vbus_connector_detach(struct vbus_device *vdev)
{
	vdev->bus->connector->ops->detach(vdev);
	vdev->connector_priv = NULL;
}

/*
 * Take @vdev off its bus, hot-unplugging it from a connected one. Returns
 * the bus, or NULL if it was on none; the caller drops the bus's device
 * reference after unlocking.
 */
static struct vbus *vbus_detach_locked(struct vbus_device *vdev)
{
	struct vbus *bus = vdev->bus;

	lockdep_assert_held(&vbus_lock);
	if (!bus)
		return NULL;
	if (bus->connector)
		vbus_connector_detach(vdev);
	list_del_init(&vdev->bus_node);
	vdev->bus = NULL;
	vbus_notify(VBUS_EVENT_DEVICE_REMOVED, bus, vdev);
	return bus;
}

/*
 * Destroy @vdev; with @force, take it off its bus first instead of
 * refusing. Once off the device list, no attach takes it again.
 */
static int __vbus_device_destroy(struct vbus_device *vdev, bool force)
{
	struct vbus *bus;

	mutex_lock(&vbus_lock);
	if (vdev->bus && !force) {
		pr_err("device %s: on bus %s, detach it first\n",
		       vbus_device_name(vdev), vbus_name(vdev->bus));
		mutex_unlock(&vbus_lock);
		return -EBUSY;
	}
	bus = vbus_detach_locked(vdev);
	list_del_init(&vdev->node);
	mutex_unlock(&vbus_lock);

	if (bus)
		put_device(&vdev->dev);
	device_del(&vdev->dev);
	return 0;
}

/**
 * vbus_device_drop() - configfs removed the device's directory
 * @vdev: the device
 *
 * configfs refuses rmdir of a device with links, so a device still on a
 * bus here is one whose ln -s lost the race with this rmdir: the link is
 * about to fail, and the device leaves the bus now.
 *
 * configfs drops its last reference on the item inside ->rmdir(), before
 * the VFS unhashes the directory's dentry; a concurrent ln -s that looked
 * the directory up meanwhile would take a reference on a freed item
 * through that dentry (configfs_get_config_item() checks only that the
 * dentry is hashed). Unhashing it here, while configfs still holds the
 * item, closes that window: a lookup either got its reference already or
 * finds nothing. A mkdir that fails after make_group (configfs could not
 * create the directory) drops the device too, before it has a dentry.
 */
void vbus_device_drop(struct vbus_device *vdev)
{
	struct dentry *dentry = vdev->group.cg_item.ci_dentry;

	/* A mkdir that failed after make_group drops the item dentry-less. */
	if (dentry)
		d_drop(dentry);
	__vbus_device_destroy(vdev, true);
	config_item_put(&vdev->group.cg_item);
}

static void vbus_device_release(struct device *dev)
{
	struct vbus_device *vdev = to_vbus_device(dev);
	struct module *owner = vdev->class->owner;

	vdev->class->ops->release(vdev);
	module_put(owner);
}

/**
 * vbus_device_create() - create a device of a class
 * @class: a registered class
 * @name: device name, unique across all classes
 *
 * The device is added to the driver model and pins the class module. The
 * caller owns the returned device until vbus_device_destroy().
 *
 * Return: the device, or ERR_PTR(-EINVAL, -EEXIST, -ENODEV, -ENOMEM, ...).
 */
struct vbus_device *vbus_device_create(struct vbus_class *class,
				       const char *name)
{
	struct vbus_device *vdev, *other;
	int ret;

	if (!vbus_name_valid("device", name))
		return ERR_PTR(-EINVAL);
	if (!try_module_get(class->owner))
		return ERR_PTR(-ENODEV);

	vdev = class->ops->create(name);
	if (IS_ERR_OR_NULL(vdev)) {
		module_put(class->owner);
		return vdev ? vdev : ERR_PTR(-ENOMEM);
	}
	vdev->class = class;
	INIT_LIST_HEAD(&vdev->bus_node);
	INIT_LIST_HEAD(&vdev->node);
	config_group_init_type_name(&vdev->group, name, &class->device_type);
	device_initialize(&vdev->dev);
	vdev->dev.bus = &vbus_bus_type;
	vdev->dev.parent = vbus_root;
	vdev->dev.release = vbus_device_release;
	ret = dev_set_name(&vdev->dev, "%s", name);
	if (ret)
		goto err_put;

	/* Reserve the name first: device_add() of a duplicate would WARN. */
	mutex_lock(&vbus_lock);
	list_for_each_entry(other, &vbus_devices, node) {
		if (!strcmp(vbus_device_name(other), name)) {
			mutex_unlock(&vbus_lock);
			pr_err("device %s: name already used by a %s device\n",
			       name, other->class->name);
			ret = -EEXIST;
			goto err_put;
		}
	}
	list_add_tail(&vdev->node, &vbus_devices);
	mutex_unlock(&vbus_lock);

	ret = device_add(&vdev->dev);
	if (ret) {
		pr_err("device %s: device_add failed: %d\n", name, ret);
		mutex_lock(&vbus_lock);
		list_del(&vdev->node);
		mutex_unlock(&vbus_lock);
		goto err_put;
	}
	return vdev;

err_put:
	put_device(&vdev->dev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vbus_device_create);

/**
 * vbus_device_destroy() - destroy a device made by vbus_device_create()
 * @vdev: the device; it must not be on a bus
 *
 * Removes the device from the driver model and drops the creator's
 * reference; memory goes when the last vbus_device_put() is done.
 *
 * Return: 0, or -EBUSY if the device is on a bus.
 */
int vbus_device_destroy(struct vbus_device *vdev)
{
	int ret = __vbus_device_destroy(vdev, false);

	if (!ret)
		config_item_put(&vdev->group.cg_item);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_device_destroy);

/**
 * vbus_device_get() - take a reference on a device
 * @vdev: the device
 *
 * Return: @vdev.
 */
struct vbus_device *vbus_device_get(struct vbus_device *vdev)
{
	get_device(&vdev->dev);
	return vdev;
}
EXPORT_SYMBOL_GPL(vbus_device_get);

/**
 * vbus_device_put() - drop a reference taken by vbus_device_get()
 * @vdev: the device
 */
void vbus_device_put(struct vbus_device *vdev)
{
	put_device(&vdev->dev);
}
EXPORT_SYMBOL_GPL(vbus_device_put);

/**
 * vbus_create() - create a bus
 * @name: bus name, unique among buses
 *
 * Return: the bus, owned by the caller until vbus_destroy(), or
 * ERR_PTR(-EINVAL, -EEXIST, -ENOMEM).
 */
struct vbus *vbus_create(const char *name)
{
	struct vbus *bus, *other;

	if (!vbus_name_valid("bus", name))
		return ERR_PTR(-EINVAL);
	bus = kzalloc(sizeof(*bus), GFP_KERNEL);
	if (!bus)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&bus->devices);
	vbus_bus_init_group(bus, name);

	mutex_lock(&vbus_lock);
	list_for_each_entry(other, &vbus_buses, node) {
		if (!strcmp(vbus_name(other), name)) {
			mutex_unlock(&vbus_lock);
			pr_err("bus %s: already exists\n", name);
			config_item_put(&bus->group.cg_item);
			return ERR_PTR(-EEXIST);
		}
	}
	list_add_tail(&bus->node, &vbus_buses);
	mutex_unlock(&vbus_lock);
	return bus;
}
EXPORT_SYMBOL_GPL(vbus_create);

static void vbus_disconnect_locked(struct vbus *bus)
{
	const struct vbus_connector *conn = bus->connector;
	struct vbus_device *vdev;

	lockdep_assert_held(&vbus_lock);
	list_for_each_entry_reverse(vdev, &bus->devices, bus_node)
		vbus_connector_detach(vdev);
	vbus_notify(VBUS_EVENT_BUS_DISCONNECTED, bus, NULL);
	bus->connector = NULL;
	pr_info("bus %s: disconnected from %s\n", vbus_name(bus), conn->name);
	module_put(conn->owner);
}

/* Can every device of @bus's client let go? */
static int vbus_connector_busy(struct vbus *bus)
{
	struct vbus_device *vdev;
	int ret;

	lockdep_assert_held(&vbus_lock);
	if (!bus->connector->ops->busy)
		return 0;
	list_for_each_entry(vdev, &bus->devices, bus_node) {
		ret = bus->connector->ops->busy(vdev);
		if (ret) {
			pr_err("bus %s: device %s is in use through %s\n",
			       vbus_name(bus), vbus_device_name(vdev),
			       bus->connector->name);
			return ret;
		}
	}
	return 0;
}

/* Present every device of @bus through @conn; all or none. */
static int vbus_connect_locked(struct vbus *bus, struct vbus_connector *conn)
{
	struct vbus_device *vdev;
	int ret;

	lockdep_assert_held(&vbus_lock);
	bus->connector = conn;
	list_for_each_entry(vdev, &bus->devices, bus_node) {
		ret = conn->ops->attach(vdev);
		if (ret) {
			pr_err("bus %s: connector %s refused device %s: %d\n",
			       vbus_name(bus), conn->name,
			       vbus_device_name(vdev), ret);
			list_for_each_entry_continue_reverse(vdev, &bus->devices,
							     bus_node)
				vbus_connector_detach(vdev);
			bus->connector = NULL;
			return ret;
		}
	}
	pr_info("bus %s: connected to %s\n", vbus_name(bus), conn->name);
	return 0;
}

/**
 * vbus_destroy() - destroy a bus made by vbus_create()
 * @bus: the bus; it must hold no device. A connected bus is disconnected.
 *
 * Return: 0, or -EBUSY if devices are still on the bus.
 */
int vbus_destroy(struct vbus *bus)
{
	mutex_lock(&vbus_lock);
	if (!list_empty(&bus->devices)) {
		pr_err("bus %s: still holds devices\n", vbus_name(bus));
		mutex_unlock(&vbus_lock);
		return -EBUSY;
	}
	if (bus->connector)
		vbus_disconnect_locked(bus);
	list_del_init(&bus->node);
	mutex_unlock(&vbus_lock);

	config_item_put(&bus->group.cg_item);
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_destroy);

/**
 * vbus_attach() - put a device on a bus
 * @bus: the bus
 * @vdev: a device that is on no bus
 *
 * On a connected bus the connector hot-plugs the device into the client.
 * The bus holds a device reference while the device is on it.
 *
 * Return: 0, -EBUSY if @vdev is already on a bus, or the connector's error.
 */
int vbus_attach(struct vbus *bus, struct vbus_device *vdev)
{
	int ret = 0;

	mutex_lock(&vbus_lock);
	if (vdev->bus) {
		pr_err("device %s: already on bus %s\n",
		       vbus_device_name(vdev), vbus_name(vdev->bus));
		ret = -EBUSY;
		goto out;
	}
	if (list_empty(&vdev->node)) {
		pr_err("device %s: being destroyed\n", vbus_device_name(vdev));
		ret = -ENODEV;
		goto out;
	}
	vdev->bus = bus;
	list_add_tail(&vdev->bus_node, &bus->devices);
	if (bus->connector) {
		ret = bus->connector->ops->attach(vdev);
		if (ret) {
			pr_err("bus %s: connector %s refused device %s: %d\n",
			       vbus_name(bus), bus->connector->name,
			       vbus_device_name(vdev), ret);
			list_del_init(&vdev->bus_node);
			vdev->bus = NULL;
			goto out;
		}
	}
	get_device(&vdev->dev);
	vbus_notify(VBUS_EVENT_DEVICE_ADDED, bus, vdev);
out:
	mutex_unlock(&vbus_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_attach);

/**
 * vbus_detach() - take a device off its bus
 * @vdev: the device
 *
 * On a connected bus the connector hot-unplugs the device first.
 *
 * Return: 0, or -ENOENT if the device is on no bus.
 */
int vbus_detach(struct vbus_device *vdev)
{
	int ret = vbus_detach_silent(vdev);

	if (ret)
		pr_err("device %s: not on a bus\n", vbus_device_name(vdev));
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_detach);

/* vbus_detach() without a message: configfs's failed links end here. */
int vbus_detach_silent(struct vbus_device *vdev)
{
	struct vbus *bus;

	mutex_lock(&vbus_lock);
	bus = vbus_detach_locked(vdev);
	mutex_unlock(&vbus_lock);
	if (!bus)
		return -ENOENT;
	put_device(&vdev->dev);
	return 0;
}

/**
 * vbus_connector_register() - make a connector available to buses
 * @conn: the connector, with name, owner and complete ops
 *
 * Return: 0, -EINVAL for an incomplete connector or the reserved name
 * "none", -EEXIST for a taken name.
 */
int vbus_connector_register(struct vbus_connector *conn)
{
	const struct vbus_connector_ops *ops = conn->ops;
	struct vbus_connector *c;
	int ret = 0;

	if (!conn->name || !ops || !ops->attach || !ops->detach ||
	    !strcmp(conn->name, "none") ||
	    !vbus_name_valid("connector", conn->name))
		return -EINVAL;

	mutex_lock(&vbus_lock);
	list_for_each_entry(c, &vbus_connectors, node) {
		if (!strcmp(c->name, conn->name)) {
			pr_err("connector %s: already registered\n", c->name);
			ret = -EEXIST;
			goto out;
		}
	}
	list_add_tail(&conn->node, &vbus_connectors);
out:
	mutex_unlock(&vbus_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_connector_register);

/**
 * vbus_connector_unregister() - withdraw a connector
 * @conn: a registered connector that serves no bus
 */
void vbus_connector_unregister(struct vbus_connector *conn)
{
	mutex_lock(&vbus_lock);
	list_del(&conn->node);
	mutex_unlock(&vbus_lock);
}
EXPORT_SYMBOL_GPL(vbus_connector_unregister);

static struct vbus_connector *vbus_connector_find(const char *name)
{
	struct vbus_connector *c;

	list_for_each_entry(c, &vbus_connectors, node)
		if (sysfs_streq(name, c->name))
			return c;
	return NULL;
}

/*
 * Load the module of an unknown connector word, as nvmet loads its
 * transports: connector modules carry MODULE_ALIAS("vbus-connector-<word>").
 * Only words a connector could have reach modprobe. Called without
 * vbus_lock: the module's init registers the connector under it.
 */
static void vbus_connector_load(const char *name)
{
	size_t len = strcspn(name, "\n"), i;
	bool found;

	if (!len || len >= VBUS_NAME_MAX)
		return;
	for (i = 0; i < len; i++)
		if (!islower(name[i]) && !isdigit(name[i]) &&
		    name[i] != '_' && name[i] != '-')
			return;
	mutex_lock(&vbus_lock);
	found = vbus_connector_find(name);
	mutex_unlock(&vbus_lock);
	if (!found)
		request_module("vbus-connector-%.*s", (int)len, name);
}

/**
 * vbus_connect() - connect a bus, switch its connector, or disconnect it
 * @bus: the bus
 * @name: a registered connector's name, or "none" to disconnect; one
 *	trailing newline is ignored
 *
 * Switching from one connector to another disconnects the first. A
 * connector not registered yet is loaded (module vbus-connector-<name>).
 * A connected bus holds a reference on its connector's module.
 *
 * Return: 0, -EINVAL for an unknown connector, -EBUSY when a device of
 * the connected bus is in use (a process holds it open), or the
 * connector's error.
 */
int vbus_connect(struct vbus *bus, const char *name)
{
	struct vbus_connector *conn = NULL;
	int ret = 0;

	if (!sysfs_streq(name, "none"))
		vbus_connector_load(name);
	mutex_lock(&vbus_lock);
	if (!sysfs_streq(name, "none")) {
		conn = vbus_connector_find(name);
		if (!conn) {
			pr_err("bus %s: unknown connector '%.*s'\n",
			       vbus_name(bus), (int)strcspn(name, "\n"), name);
			ret = -EINVAL;
			goto out;
		}
	}
	if (bus->connector == conn)
		goto out;
	if (bus->connector) {
		ret = vbus_connector_busy(bus);
		if (ret)
			goto out;
		vbus_disconnect_locked(bus);
	}
	if (!conn)
		goto out;
	if (!try_module_get(conn->owner)) {
		ret = -ENODEV;
		goto out;
	}
	ret = vbus_connect_locked(bus, conn);
	if (ret) {
		module_put(conn->owner);
		goto out;
	}
	vbus_notify(VBUS_EVENT_BUS_CONNECTED, bus, NULL);
out:
	mutex_unlock(&vbus_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_connect);

/**
 * vbus_device_features() - the feature bits a device offers
 * @vdev: the device
 *
 * Return: its class's device feature bits; 0 for a class without a device
 * interface. Connectors add their transport's own bits.
 */
u64 vbus_device_features(const struct vbus_device *vdev)
{
	return vdev->class->device ? vdev->class->device->features : 0;
}
EXPORT_SYMBOL_GPL(vbus_device_features);

/* Is [@offset, @offset + @len) inside @vdev's config space? */
static bool vbus_config_range_ok(struct vbus_device *vdev,
				 unsigned int offset, unsigned int len)
{
	const struct vbus_device_ops *ops = vdev->class->device;

	if (ops && offset <= ops->config_size &&
	    len <= ops->config_size - offset)
		return true;
	pr_err("device %s: config access [%u, +%u) past its %u bytes\n",
	       vbus_device_name(vdev), offset, len,
	       ops ? ops->config_size : 0);
	return false;
}

/**
 * vbus_device_get_config() - read a device's config space
 * @vdev: the device
 * @offset: first byte; a client's value, checked
 * @buf: filled with @len bytes; zeroes when the range is refused
 * @len: bytes; a client's value, checked
 *
 * Return: 0, or -EINVAL (with a message naming the device) when the range
 * is not inside the config space.
 */
int vbus_device_get_config(struct vbus_device *vdev, unsigned int offset,
			   void *buf, unsigned int len)
{
	u8 config[VBUS_CONFIG_MAX];

	memset(buf, 0, len);
	if (!vbus_config_range_ok(vdev, offset, len))
		return -EINVAL;
	vdev->class->device->get_config(vdev, config);
	memcpy(buf, config + offset, len);
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_device_get_config);

/**
 * vbus_device_set_config() - write a device's config space
 * @vdev: the device
 * @offset: first byte; a client's value, checked
 * @buf: @len bytes to write
 * @len: bytes; a client's value, checked
 *
 * Return: 0, -EINVAL when the range is not inside the config space, -EPERM
 * when the device's config space is read-only, or the device's answer.
 */
int vbus_device_set_config(struct vbus_device *vdev, unsigned int offset,
			   const void *buf, unsigned int len)
{
	if (!vbus_config_range_ok(vdev, offset, len))
		return -EINVAL;
	if (!vdev->class->device->set_config) {
		pr_err("device %s: config space is read-only\n",
		       vbus_device_name(vdev));
		return -EPERM;
	}
	return vdev->class->device->set_config(vdev, offset, buf, len);
}
EXPORT_SYMBOL_GPL(vbus_device_set_config);

/**
 * vbus_device_start() - the client is ready: start the device
 * @vdev: a device whose class has a device interface
 * @link: negotiated features and one queue per device queue
 *
 * Called by connectors, serialised with vbus_device_stop() per device.
 *
 * Return: 0, -EBUSY if already started, or the device's error.
 */
int vbus_device_start(struct vbus_device *vdev, const struct vbus_link *link)
{
	int ret;

	if (vdev->started)
		return -EBUSY;
	ret = vdev->class->device->start(vdev, link);
	if (ret) {
		pr_err("device %s: did not start: %d\n", vbus_device_name(vdev),
		       ret);
		return ret;
	}
	vdev->started = true;
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_device_start);

/**
 * vbus_device_stop() - stop a started device; a no-op otherwise
 * @vdev: the device
 *
 * When it returns, the device no longer touches the queues it was given.
 */
void vbus_device_stop(struct vbus_device *vdev)
{
	if (!vdev->started)
		return;
	vdev->class->device->stop(vdev);
	vdev->started = false;
}
EXPORT_SYMBOL_GPL(vbus_device_stop);

/**
 * vbus_device_config_lock() - begin changing a client-visible attribute
 * @vdev: the device
 *
 * Class attribute stores call this first: attributes a client sees may not
 * change while the device's bus is connected. On success the topology
 * mutex is held until vbus_device_config_unlock().
 *
 * Return: 0, or -EBUSY (with a message naming the device) if connected.
 */
int vbus_device_config_lock(struct vbus_device *vdev)
{
	mutex_lock(&vbus_lock);
	if (vdev->bus && vdev->bus->connector) {
		pr_err("device %s: bus %s is connected (%s); disconnect it to change attributes\n",
		       vbus_device_name(vdev), vbus_name(vdev->bus),
		       vdev->bus->connector->name);
		mutex_unlock(&vbus_lock);
		return -EBUSY;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_device_config_lock);

/**
 * vbus_device_config_unlock() - end an attribute change
 * @vdev: the device passed to a successful vbus_device_config_lock()
 */
void vbus_device_config_unlock(struct vbus_device *vdev)
{
	mutex_unlock(&vbus_lock);
}
EXPORT_SYMBOL_GPL(vbus_device_config_unlock);

/**
 * vbus_device_config_changed() - tell the client the device's config changed
 * @vdev: the device
 *
 * For state the client reads from the device (venet: link state), not for
 * configfs attributes, which are frozen while connected. Passed to the
 * bus's connector, if any, which notifies its client (a config-change
 * interrupt for virtio, the client driver's config_changed for native).
 * Takes the topology mutex: may sleep, and must not be called with locks
 * that a configfs store takes after it (the rtnl lock): use a work item.
 */
void vbus_device_config_changed(struct vbus_device *vdev)
{
	mutex_lock(&vbus_lock);
	if (vdev->bus && vdev->bus->connector &&
	    vdev->bus->connector->ops->config_changed)
		vdev->bus->connector->ops->config_changed(vdev);
	mutex_unlock(&vbus_lock);
}
EXPORT_SYMBOL_GPL(vbus_device_config_changed);

static int __init vbus_init(void)
{
	int ret;

	ret = bus_register(&vbus_bus_type);
	if (ret)
		return ret;
	vbus_root = root_device_register("vbus");
	if (IS_ERR(vbus_root)) {
		ret = PTR_ERR(vbus_root);
		goto err_bus;
	}
	ret = vbus_configfs_init();
	if (ret)
		goto err_root;
	return 0;

err_root:
	root_device_unregister(vbus_root);
err_bus:
	bus_unregister(&vbus_bus_type);
	return ret;
}

static void __exit vbus_exit(void)
{
	vbus_configfs_exit();
	root_device_unregister(vbus_root);
	bus_unregister(&vbus_bus_type);
}

module_init(vbus_init);
module_exit(vbus_exit);
MODULE_DESCRIPTION("vbus: generic in-kernel virtual bus");
MODULE_LICENSE("GPL");
