/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtio connector's rules for features and config space, shared
 * with its KUnit suite.
 */
#ifndef _LINUX_VBUS_VIRTIO_H
#define _LINUX_VBUS_VIRTIO_H

#include <linux/vbus.h>

/* Largest config space a personality may declare. */
#define VBUS_VIRTIO_CONFIG_MAX	64

int vbus_virtio_config_read(const struct vbus_virtio_ops *ops,
			    struct vbus_device *dev, unsigned int offset,
			    void *buf, unsigned int len);
u64 vbus_virtio_device_features(const struct vbus_virtio_ops *ops);
int vbus_virtio_features_ok(u64 features);

#endif /* _LINUX_VBUS_VIRTIO_H */
