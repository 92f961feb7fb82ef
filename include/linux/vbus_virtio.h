/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio connector's feature rules, shared with its KUnit suite.
 */
#ifndef _LINUX_VBUS_VIRTIO_H
#define _LINUX_VBUS_VIRTIO_H

#include <linux/vbus.h>

u64 vbus_virtio_device_features(const struct vbus_device *dev);
int vbus_virtio_features_ok(u64 features);

#endif /* _LINUX_VBUS_VIRTIO_H */
