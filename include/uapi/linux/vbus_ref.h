/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The reference device class's client ABI: a device with no queues whose
 * config space (read-only) is a struct vbus_ref_config.
 */
#ifndef _UAPI_LINUX_VBUS_REF_H
#define _UAPI_LINUX_VBUS_REF_H

#include <linux/types.h>

/*
 * Its device id, outside the range virtio assigns, so that no virtio
 * driver claims it.
 */
#define VBUS_REF_DEVICE_ID	0xfffe

/**
 * struct vbus_ref_config - the config space
 * @value: the device's value attribute
 * @label: its label attribute, NUL terminated
 */
struct vbus_ref_config {
	__le32 value;
	char label[32];
};

#endif /* _UAPI_LINUX_VBUS_REF_H */
