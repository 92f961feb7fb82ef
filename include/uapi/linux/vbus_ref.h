/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/* The reference device class's client ABI: its device calls. */
#ifndef _UAPI_LINUX_VBUS_REF_H
#define _UAPI_LINUX_VBUS_REF_H

#include <linux/types.h>

#define VBUS_REF_VERSION	1

/* Device calls (vbus_proxy_call() function numbers). */
#define VBUS_REF_CALL_GET_CONFIG	1	/* struct vbus_ref_config out */

/**
 * struct vbus_ref_config - what VBUS_REF_CALL_GET_CONFIG returns
 * @value: the device's value attribute
 * @label: its label attribute, NUL terminated
 */
struct vbus_ref_config {
	__le32 value;
	char label[32];
};

#endif /* _UAPI_LINUX_VBUS_REF_H */
