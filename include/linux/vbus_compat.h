/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel-version differences vbus builds across (6.1 to 7.x), in one
 * place. Kbuild probes the target kernel's headers and defines the
 * VBUS_* symbols tested here; code elsewhere uses only the names below.
 */
#ifndef _LINUX_VBUS_COMPAT_H
#define _LINUX_VBUS_COMPAT_H

#include <linux/device.h>

/* bus_type.uevent takes a const device from 6.3 on. */
#ifdef VBUS_UEVENT_CONST
#define VBUS_UEVENT_DEVICE const struct device
#else
#define VBUS_UEVENT_DEVICE struct device
#endif

/* bus_type.match takes a const driver from 6.11 on. */
#ifdef VBUS_MATCH_CONST_DRIVER
#define VBUS_MATCH_DRIVER const struct device_driver
#else
#define VBUS_MATCH_DRIVER struct device_driver
#endif

/* mac_pton() moved to linux/hex.h in 7.x. */
#ifdef VBUS_HAVE_HEX_H
#include <linux/hex.h>
#endif

/*
 * The type of device.bus: const where the driver core takes a const
 * bus_type (6.4+), writable on 6.1, whose bus_register() writes to it.
 */
#define vbus_bus_type_t typeof(*((struct device *)NULL)->bus)

#if IS_ENABLED(CONFIG_VDPA)
#include <linux/vdpa.h>

/*
 * 7.x: vdpa_alloc_device() takes the virtio map ops (NULL: the DMA API)
 * and the DMA device moved into vdpa_device.vmap; the driver override
 * moved into struct device.
 */
#ifdef VBUS_VDPA_VIRTIO_MAP
#define vbus_vdpa_alloc_device(type, member, parent, config, name) \
	vdpa_alloc_device(type, member, parent, config, NULL, 1, 1, name, false)
#define vbus_vdpa_dma_dev(vdpa) ((vdpa)->vmap.dma_dev)
#else
#define vbus_vdpa_alloc_device(type, member, parent, config, name) \
	vdpa_alloc_device(type, member, parent, config, 1, 1, name, false)
#define vbus_vdpa_dma_dev(vdpa) ((vdpa)->dma_dev)
#endif

static inline int vbus_vdpa_set_driver_override(struct vdpa_device *vdpa,
						const char *name)
{
#ifdef VBUS_VDPA_DRIVER_OVERRIDE
	return driver_set_override(&vdpa->dev, &vdpa->driver_override, name,
				   strlen(name));
#else
	return device_set_driver_override(&vdpa->dev, name);
#endif
}
#endif /* CONFIG_VDPA */

#endif /* _LINUX_VBUS_COMPAT_H */
