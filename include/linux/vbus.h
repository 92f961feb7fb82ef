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
struct vbus_shm_ring;
struct vbus_virtio_link;

/**
 * struct vbus_class_ops - what a device class implements
 * @create: allocate a device of the class named @name. Return the embedded
 *	&struct vbus_device or an ERR_PTR. Must not register anything: the
 *	core does that.
 * @release: free the device; called once, when its last reference is gone.
 * @open: a client starts using the device with interface @version;
 *	optional
 * @close: the client stopped (also called on hot-unplug if it did not)
 * @call: a synchronous device call from the client: function @func with
 *	@len bytes at @data, in and out; optional. @data is the client's and
 *	must be validated like any other client input.
 * @shm: the client registers a ring in its shared memory; optional.
 *	The device model validates it (ioq_init()), fills @ring->kick, and
 *	stops using it in @close.
 */
struct vbus_class_ops {
	struct vbus_device *(*create)(const char *name);
	void (*release)(struct vbus_device *vdev);
	int (*open)(struct vbus_device *vdev, u32 version);
	void (*close)(struct vbus_device *vdev);
	int (*call)(struct vbus_device *vdev, u32 func, void *data, size_t len);
	int (*shm)(struct vbus_device *vdev, struct vbus_shm_ring *ring);
};

/**
 * struct vbus_virtio_ops - a class's personality on the virtio bus
 * @device_id: virtio device id (VIRTIO_ID_*)
 * @features: device feature bits offered (the connector adds the ring's)
 * @num_queues: virtqueues the device serves
 * @config_size: bytes of its config space
 * @get_config: fill @config (@config_size bytes, little endian)
 * @start: the driver set DRIVER_OK: serve @link->queues with the
 *	negotiated @link->features until @stop. Called in the driver's
 *	context, which may hold the rtnl lock: no rtnl_lock() here
 * @stop: reset: stop touching the queues before returning
 *
 * Devices call vbus_device_config_changed() when their config space
 * changes; the connector raises a config-change interrupt.
 */
struct vbus_virtio_ops {
	u32 device_id;
	u64 features;
	unsigned int num_queues;
	unsigned int config_size;
	void (*get_config)(struct vbus_device *vdev, void *config);
	int (*start)(struct vbus_device *vdev, struct vbus_virtio_link *link);
	void (*stop)(struct vbus_device *vdev);
};

/**
 * struct vbus_virtio_link - what a virtio connector hands a device at start
 * @features: negotiated feature bits
 * @queues: @num_queues queues, ready to pop
 */
struct vbus_virtio_link {
	u64 features;
	struct vbus_queue **queues;
};

/**
 * struct vbus_class - a device class (device model)
 * @name: class name, the directory under devices/ in configfs
 * @owner: module implementing the class (THIS_MODULE)
 * @ops: create and release
 * @virtio: personality on the virtio connector, NULL if it has none
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
	const struct vbus_virtio_ops *virtio;
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
 */
struct vbus_device {
	struct device dev;
	struct config_group group;
	struct vbus_class *class;
	struct vbus *bus;
	struct list_head bus_node;
	struct list_head node;
};

/**
 * struct vbus_connector_ops - what a connector implements
 * @connect: present every device already on @bus to the client
 * @disconnect: remove every device of @bus from the client
 * @attach: hot-plug @vdev, just added to connected @bus
 * @detach: hot-unplug @vdev, about to leave connected @bus
 * @config_changed: optional: tell the client that @vdev's config changed
 *
 * All run with the core's topology mutex held.
 */
struct vbus_connector_ops {
	int (*connect)(struct vbus *bus);
	void (*disconnect)(struct vbus *bus);
	int (*attach)(struct vbus *bus, struct vbus_device *vdev);
	void (*detach)(struct vbus *bus, struct vbus_device *vdev);
	void (*config_changed)(struct vbus *bus, struct vbus_device *vdev);
};

/**
 * struct vbus_connector - a transport between a bus and its client
 * @name: the word written to buses/<bus>/connector
 * @owner: module implementing the connector
 * @ops: connect, disconnect, attach, detach
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
 * @connector_priv: connector's per-bus state, owned by the connector
 *	between its connect and disconnect ops
 * @node: entry in the core's list of buses, same protection
 */
struct vbus {
	struct config_group group;
	struct config_group devices_group;
	struct list_head devices;
	struct list_head node;
	const struct vbus_connector *connector;
	void *connector_priv;
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

int vbus_device_config_lock(struct vbus_device *vdev);
void vbus_device_config_changed(struct vbus_device *vdev);
void vbus_device_config_unlock(struct vbus_device *vdev);

int vbus_register_notifier(struct notifier_block *nb);
void vbus_unregister_notifier(struct notifier_block *nb);

#endif /* _LINUX_VBUS_H */
