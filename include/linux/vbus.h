/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbus: a generic in-kernel virtual bus.
 *
 * Objects and their owners:
 *
 * - struct vbus_class: a device model, statically allocated by its module
 *   and registered with vbus_class_register(). Every live device of the
 *   class holds a reference on the class module, so the module cannot be
 *   unloaded while devices exist.
 * - struct vbus_device: an instance of a class. Embedded in the class's own
 *   device struct (container_of). Its lifetime is the driver-model refcount
 *   of @dev: the last put_device() calls the class's release op.
 * - struct vbus: a bus, a container of devices. Its lifetime is the refcount
 *   of its configfs item.
 * - struct vbus_connector: a transport presenting the devices of a bus to a
 *   client. Statically allocated by its module; a connected bus holds a
 *   reference on the connector module.
 *
 * Topology (which device is on which bus, which connector a bus uses) is
 * protected by one mutex inside the core; connector ops and notifier
 * callbacks run with it held and must not call back into the topology API.
 */
#ifndef _LINUX_VBUS_H
#define _LINUX_VBUS_H

#include <linux/configfs.h>
#include <linux/device.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/notifier.h>

#define VBUS_NAME_MAX	32

struct vbus;
struct vbus_device;
struct vbus_queue;

/* Most queues and config-space bytes a device may declare. */
#define VBUS_MAX_QUEUES		8
#define VBUS_CONFIG_MAX		256

/**
 * struct vbus_link - what a connector hands a device when it starts
 * @features: feature bits the client and the device agreed on
 * @queues: one queue per &vbus_device_ops.num_queues, ready to pop
 */
struct vbus_link {
	u64 features;
	struct vbus_queue **queues;
};

/**
 * struct vbus_device_ops - the transport-neutral device interface
 * @device_id: what kind of device this is, as a virtio device id
 *	(VIRTIO_ID_*); connectors and clients match on it
 * @features: device feature bits offered, numbered as virtio numbers
 *	them; each connector adds the bits of its own transport
 * @num_queues: queues the device serves, at most VBUS_MAX_QUEUES
 * @config_size: bytes of its config space, at most VBUS_CONFIG_MAX
 * @get_config: fill @config with the whole config space, little endian
 * @set_config: optional: the client wrote [@offset, @offset + @len) of the
 *	config space (already bounds-checked); return 0 or -EINVAL. Without
 *	it the config space is read-only.
 * @start: the client is ready: serve @link->queues with the negotiated
 *	@link->features until @stop. May run under the client's locks
 *	(a network driver holds the rtnl lock): no rtnl_lock() here.
 * @stop: the client reset the device or went away: stop touching the
 *	queues before returning
 *
 * Modelled on virtio's device model: a connector maps its transport's
 * feature negotiation, config space, status and rings onto these. Start
 * and stop are serialised by the connector and strictly alternate.
 * Devices report a change of their config space (link state) with
 * vbus_device_config_changed().
 */
struct vbus_device_ops {
	u32 device_id;
	u64 features;
	unsigned int num_queues;
	unsigned int config_size;
	void (*get_config)(struct vbus_device *vdev, void *config);
	int (*set_config)(struct vbus_device *vdev, unsigned int offset,
			  const void *buf, unsigned int len);
	int (*start)(struct vbus_device *vdev, const struct vbus_link *link);
	void (*stop)(struct vbus_device *vdev);
};

/**
 * struct vbus_class_ops - lifecycle of a device class's devices
 * @create: allocate a device of the class named @name. Return the embedded
 *	&struct vbus_device or an ERR_PTR. Must not register anything: the
 *	core does that.
 * @release: free the device; called once, when its last reference is gone.
 */
struct vbus_class_ops {
	struct vbus_device *(*create)(const char *name);
	void (*release)(struct vbus_device *vdev);
};

/**
 * struct vbus_class - a device class (device model)
 * @name: class name, the directory under devices/ in configfs
 * @owner: module implementing the class (THIS_MODULE)
 * @ops: create and release
 * @device: the device interface every connector serves; NULL for a class
 *	that no connector can serve (connectors refuse its devices)
 * @attrs: configfs attributes of each device, NULL terminated; their store
 *	methods use vbus_device_config_lock() to refuse changes on a
 *	connected bus
 * @node: private to the core: entry in the class registry
 * @group: private to the core: devices/<name>/ in configfs
 * @group_type: private to the core: type of @group
 * @device_type: private to the core: configfs type of each device
 * @device_attrs: private to the core: core attributes plus @attrs
 */
struct vbus_class {
	const char *name;
	struct module *owner;
	const struct vbus_class_ops *ops;
	const struct vbus_device_ops *device;
	struct configfs_attribute **attrs;

	struct list_head node;
	struct config_group group;
	struct config_item_type group_type;
	struct config_item_type device_type;
	struct configfs_attribute **device_attrs;
};

/**
 * struct vbus_device - a device on the virtual bus
 * @dev: driver-model device on the "vbus" bus_type; owns the lifetime
 * @group: the device's configfs directory; holds one reference on @dev
 * @class: class of the device, pinned (module reference) until release
 * @bus: bus the device is attached to, or NULL; protected by the core's
 *	topology mutex
 * @bus_node: entry in @bus's device list, same protection as @bus
 * @node: entry in the core's list of all devices, which keeps names
 *	unique across classes; protected by the topology mutex
 * @connector_priv: the connector's per-device state, owned by the
 *	connector from its attach to its detach (both under the topology
 *	mutex); NULL while the device's bus is not connected
 * @started: the device interface was started and not stopped yet;
 *	changed only by vbus_device_start() and vbus_device_stop(), which
 *	the connector serialises
 */
struct vbus_device {
	struct device dev;
	struct config_group group;
	struct vbus_class *class;
	struct vbus *bus;
	struct list_head bus_node;
	struct list_head node;
	void *connector_priv;
	bool started;
};

/**
 * struct vbus_connector_ops - what a connector implements, per device
 * @attach: present @vdev (on @vdev->bus) to the client: on connect for
 *	every device of the bus, on hot-plug for one. May set
 *	@vdev->connector_priv. Return 0 or a negative errno: the core
 *	detaches the devices attached so far.
 * @detach: remove @vdev from the client (hot-unplug, disconnect) and
 *	release what @attach set up; @vdev->connector_priv is cleared by
 *	the core afterwards
 * @config_changed: optional: tell the client that @vdev's config changed
 * @busy: optional: 0 if @vdev's client can let go now, or -EBUSY, with a
 *	message naming the device (a process holds it open). Asked before a
 *	disconnect, which is then refused; a detach (unlinking, which
 *	configfs cannot refuse) goes ahead and @detach must not wait for
 *	the client.
 *
 * All run with the core's topology mutex held.
 */
struct vbus_connector_ops {
	int (*attach)(struct vbus_device *vdev);
	void (*detach)(struct vbus_device *vdev);
	void (*config_changed)(struct vbus_device *vdev);
	int (*busy)(struct vbus_device *vdev);
};

/**
 * struct vbus_connector - a transport between a bus and its client
 * @name: the word written to buses/<bus>/connector
 * @owner: module implementing the connector
 * @ops: attach, detach, config_changed
 * @node: private to the core: entry in the connector registry
 */
struct vbus_connector {
	const char *name;
	struct module *owner;
	const struct vbus_connector_ops *ops;
	struct list_head node;
};

/**
 * struct vbus - a bus: a named set of devices and the connector serving them
 * @group: buses/<name>/ in configfs; its item refcount owns the bus
 * @devices_group: buses/<name>/devices/, where devices are linked in
 * @devices: attached devices, protected by the core's topology mutex
 * @connector: current connector or NULL, same protection
 * @node: entry in the core's list of buses, same protection
 */
struct vbus {
	struct config_group group;
	struct config_group devices_group;
	struct list_head devices;
	struct list_head node;
	const struct vbus_connector *connector;
};

/**
 * enum vbus_event - topology notifications, see vbus_register_notifier()
 * @VBUS_EVENT_DEVICE_ADDED: a device joined a bus
 * @VBUS_EVENT_DEVICE_REMOVED: a device left a bus
 * @VBUS_EVENT_BUS_CONNECTED: a bus was connected
 * @VBUS_EVENT_BUS_DISCONNECTED: a bus was disconnected
 */
enum vbus_event {
	VBUS_EVENT_DEVICE_ADDED,
	VBUS_EVENT_DEVICE_REMOVED,
	VBUS_EVENT_BUS_CONNECTED,
	VBUS_EVENT_BUS_DISCONNECTED,
};

/**
 * struct vbus_event_info - what a notifier callback receives as data
 * @bus: the bus concerned
 * @vdev: the device concerned, NULL for connect/disconnect events
 * @connector: the connector concerned, NULL for device events
 */
struct vbus_event_info {
	struct vbus *bus;
	struct vbus_device *vdev;
	const struct vbus_connector *connector;
};

static inline struct vbus_device *to_vbus_device(struct device *dev)
{
	return container_of(dev, struct vbus_device, dev);
}

static inline const char *vbus_device_name(const struct vbus_device *vdev)
{
	return dev_name(&vdev->dev);
}

static inline const char *vbus_name(struct vbus *bus)
{
	return config_item_name(&bus->group.cg_item);
}

int vbus_class_register(struct vbus_class *class);
void vbus_class_unregister(struct vbus_class *class);

struct vbus_device *vbus_device_create(struct vbus_class *class,
				       const char *name);
int vbus_device_destroy(struct vbus_device *vdev);
struct vbus_device *vbus_device_get(struct vbus_device *vdev);
void vbus_device_put(struct vbus_device *vdev);
struct vbus_device *to_vbus_device_item(struct config_item *item);

struct vbus *vbus_create(const char *name);
int vbus_destroy(struct vbus *bus);

int vbus_attach(struct vbus *bus, struct vbus_device *vdev);
int vbus_detach(struct vbus_device *vdev);

int vbus_connector_register(struct vbus_connector *conn);
void vbus_connector_unregister(struct vbus_connector *conn);
int vbus_connect(struct vbus *bus, const char *name);

u64 vbus_device_features(const struct vbus_device *vdev);
int vbus_device_get_config(struct vbus_device *vdev, unsigned int offset,
			   void *buf, unsigned int len);
int vbus_device_set_config(struct vbus_device *vdev, unsigned int offset,
			   const void *buf, unsigned int len);
int vbus_device_start(struct vbus_device *vdev, const struct vbus_link *link);
void vbus_device_stop(struct vbus_device *vdev);

int vbus_device_config_lock(struct vbus_device *vdev);
void vbus_device_config_changed(struct vbus_device *vdev);
void vbus_device_config_unlock(struct vbus_device *vdev);

int vbus_register_notifier(struct notifier_block *nb);
void vbus_unregister_notifier(struct notifier_block *nb);

#endif /* _LINUX_VBUS_H */
