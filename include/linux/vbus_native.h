/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbus native connector: the proxy bus on which in-kernel client drivers
 * find the devices of natively connected vbus buses.
 *
 * Writing "native" to buses/<bus>/connector adds one struct
 * vbus_proxy_device per device on the bus to the "vbus-proxy" bus_type;
 * drivers match on the device's type (its class name) and udev/modprobe
 * load them through MODALIAS=vbus-proxy:<type>. Detach or disconnect
 * removes the proxy device, which unbinds its driver first.
 *
 * A client driver speaks the device interface of include/linux/vbus.h
 * through it, the way a virtio driver speaks to its device: read the
 * offered features and the config space, open with the features it
 * accepts, register one ioq ring per device queue in its own memory,
 * start; close resets. Notifications are direct calls both ways: the
 * client kicks a ring through the callback the connector gives it, the
 * device signals the client through the callback the client gave.
 */
#ifndef _LINUX_VBUS_NATIVE_H
#define _LINUX_VBUS_NATIVE_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/vbus.h>
#include <linux/vbus_queue.h>

/**
 * struct vbus_shm_ring - a ring the client registers for one device queue
 * @mem: the client's shared region (a kernel memory context); the client
 *	keeps it alive until it closed the device
 * @offset: where the struct ioq_ring starts in @mem
 * @len: bytes of @mem the ring may use
 * @interrupt: set by the client: the device signalled this ring. Atomic
 *	context.
 * @kick: set by the connector at registration: the client calls it (as
 *	its ioq's shm-signal notify) when it posted buffers. Any context.
 */
struct vbus_shm_ring {
	struct vbus_memctx *mem;
	u64 offset;
	size_t len;
	struct vbus_callback interrupt;
	struct vbus_callback kick;
};

/**
 * struct vbus_proxy_queue - the host side of one registered ring
 * @ioq: the validated ring, as the device's struct vbus_queue
 * @ring: the client's registration, NULL until registered
 * @name: "<device>/<index>", for messages
 */
struct vbus_proxy_queue {
	struct vbus_ioq ioq;
	struct vbus_shm_ring *ring;
	char name[VBUS_NAME_MAX + 4];
};

/**
 * struct vbus_proxy_device - a vbus device as a client driver sees it
 * @dev: on the "vbus-proxy" bus; its refcount owns this struct, which
 *	pins the connector module until released
 * @vdev: the vbus device, referenced until @dev is released; its
 *	connector_priv points here from attach to detach
 * @lock: serialises the client's calls against each other and against
 *	hot-unplug; guards every field below
 * @gone: set once the device left the bus: calls fail with -ENODEV
 * @opened: the client opened the device and has not closed it
 * @features: what the client accepted at open
 * @queues: one per device queue
 * @vqs: the device's view of @queues, handed over at start
 */
struct vbus_proxy_device {
	struct device dev;
	struct vbus_device *vdev;
	struct mutex lock;	/* client calls vs. each other and unplug */
	bool gone;
	bool opened;
	u64 features;
	struct vbus_proxy_queue queues[VBUS_MAX_QUEUES];
	struct vbus_queue *vqs[VBUS_MAX_QUEUES];
};

/**
 * struct vbus_proxy_driver - a client driver for one device type
 * @type: the class name it drives, e.g. "ref" or "venet"
 * @probe: bind to a device
 * @remove: unbind: stop using the device (hot-unplug ends here)
 * @config_changed: optional: the device's config space changed (venet:
 *	link state); called with the device lock held, may sleep and call
 *	the device
 * @driver: the driver-model driver; set .name
 */
struct vbus_proxy_driver {
	const char *type;
	int (*probe)(struct vbus_proxy_device *pdev);
	void (*remove)(struct vbus_proxy_device *pdev);
	void (*config_changed)(struct vbus_proxy_device *pdev);
	struct device_driver driver;
};

static inline struct vbus_proxy_device *to_vbus_proxy(struct device *dev)
{
	return container_of(dev, struct vbus_proxy_device, dev);
}

int __vbus_proxy_driver_register(struct vbus_proxy_driver *drv,
				 struct module *owner);
#define vbus_proxy_driver_register(drv) \
	__vbus_proxy_driver_register(drv, THIS_MODULE)
void vbus_proxy_driver_unregister(struct vbus_proxy_driver *drv);

u64 vbus_proxy_features(struct vbus_proxy_device *pdev);
int vbus_proxy_get_config(struct vbus_proxy_device *pdev, unsigned int offset,
			  void *buf, unsigned int len);
int vbus_proxy_open(struct vbus_proxy_device *pdev, u64 features);
int vbus_proxy_set_ring(struct vbus_proxy_device *pdev, unsigned int index,
			struct vbus_shm_ring *ring);
int vbus_proxy_start(struct vbus_proxy_device *pdev);
void vbus_proxy_close(struct vbus_proxy_device *pdev);

#endif /* _LINUX_VBUS_NATIVE_H */
