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
 */
#ifndef _LINUX_VBUS_NATIVE_H
#define _LINUX_VBUS_NATIVE_H

#include <linux/device.h>
#include <linux/mutex.h>
#include <linux/vbus.h>
#include <linux/vbus_eventfd.h>
#include <linux/vbus_queue.h>

/**
 * struct vbus_proxy_device - a vbus device as a client driver sees it
 * @dev: on the "vbus-proxy" bus; its refcount owns this struct
 * @vdev: the vbus device, referenced until @dev is released
 * @lock: serialises client calls against hot-unplug
 * @gone: set (under @lock) once the device left the bus: calls fail with
 *	-ENODEV
 * @opened: the client opened the device and has not closed it (under @lock)
 * @rings: the rings registered since open (under @lock); their eventfds
 *	are released at close
 * @node: entry in the connector's per-bus list (vbus topology mutex)
 */
struct vbus_proxy_device {
	struct device dev;
	struct vbus_device *vdev;
	struct mutex lock;	/* client calls vs. hot-unplug */
	bool gone;
	bool opened;
	struct list_head rings;
	struct list_head node;
};

/**
 * struct vbus_proxy_driver - a client driver for one device type
 * @type: the class name it drives, e.g. "ref" or "venet"
 * @probe: bind to a device
 * @remove: unbind: stop using the device (hot-unplug ends here)
 * @config_changed: optional: the device's config changed (venet: link
 *	state); called with the device lock held, may sleep and call the
 *	device
 * @driver: the driver-model driver; set .name and .owner
 */
struct vbus_proxy_driver {
	const char *type;
	int (*probe)(struct vbus_proxy_device *pdev);
	void (*remove)(struct vbus_proxy_device *pdev);
	void (*config_changed)(struct vbus_proxy_device *pdev);
	struct device_driver driver;
};

/**
 * struct vbus_shm_ring - a ring the client registers with the device
 * @id: which ring, as the device type's ABI numbers them
 * @mem: the client's shared region (a kernel memory context); the client
 *	keeps it alive until it closed the device
 * @offset: where the struct ioq_ring starts in @mem
 * @len: bytes of @mem the ring may use
 * @interrupt: set by the client: the device signalled this ring. Atomic
 *	context.
 * @kick: set by the device model: the client kicked this ring (new
 *	buffers). Atomic context.
 * @client_priv: for @interrupt
 * @device_priv: for @kick
 * @efd: private to the connector: the kick and interrupt eventfds, from
 *	registration to close; vbus_shm_ring_kick() and
 *	vbus_shm_ring_interrupt() signal them, their wait-queue hooks call
 *	@kick and @interrupt
 * @node: private to the connector: on the proxy device's rings
 */
struct vbus_shm_ring {
	u32 id;
	struct vbus_memctx *mem;
	u64 offset;
	size_t len;
	void (*interrupt)(struct vbus_shm_ring *ring);
	void (*kick)(struct vbus_shm_ring *ring);
	void *client_priv;
	void *device_priv;
	struct vbus_eventfd efd[2];
	struct list_head node;
};

enum { VBUS_SHM_KICK, VBUS_SHM_INTERRUPT };

/**
 * vbus_shm_ring_kick() - the client notifies the device; any context
 * @ring: a registered ring
 */
static inline void vbus_shm_ring_kick(struct vbus_shm_ring *ring)
{
	vbus_eventfd_signal(&ring->efd[VBUS_SHM_KICK]);
}

/**
 * vbus_shm_ring_interrupt() - the device notifies the client; any context
 * @ring: a registered ring
 */
static inline void vbus_shm_ring_interrupt(struct vbus_shm_ring *ring)
{
	vbus_eventfd_signal(&ring->efd[VBUS_SHM_INTERRUPT]);
}

static inline struct vbus_proxy_device *to_vbus_proxy(struct device *dev)
{
	return container_of(dev, struct vbus_proxy_device, dev);
}

int __vbus_proxy_driver_register(struct vbus_proxy_driver *drv,
				 struct module *owner);
#define vbus_proxy_driver_register(drv) \
	__vbus_proxy_driver_register(drv, THIS_MODULE)
void vbus_proxy_driver_unregister(struct vbus_proxy_driver *drv);

int vbus_proxy_open(struct vbus_proxy_device *pdev, u32 version);
void vbus_proxy_close(struct vbus_proxy_device *pdev);
int vbus_proxy_call(struct vbus_proxy_device *pdev, u32 func, void *data,
		    size_t len);
int vbus_proxy_shm(struct vbus_proxy_device *pdev, struct vbus_shm_ring *ring);

#endif /* _LINUX_VBUS_NATIVE_H */
