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

#endif /* _LINUX_VBUS_COMPAT_H */
