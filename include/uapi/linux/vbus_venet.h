/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * venet: the virtual Ethernet device class's client ABI over the native
 * transport. The client registers two ioq rings (VENET_RING_*) in its
 * shared memory; each descriptor holds one whole Ethernet frame (no
 * offloads yet: capabilities are reserved for checksum, SG and TSO).
 */
#ifndef _UAPI_LINUX_VBUS_VENET_H
#define _UAPI_LINUX_VBUS_VENET_H

#include <linux/types.h>

#define VENET_VERSION		1

#define VENET_RING_RX		0	/* frames to the client */
#define VENET_RING_TX		1	/* frames from the client */

#define VENET_CALL_GET_CONFIG	1	/* struct venet_config out */

/**
 * struct venet_config - what VENET_CALL_GET_CONFIG returns
 * @mac: the client's MAC address
 * @reserved: zero
 * @mtu: the MTU the client must use
 * @caps: VENET_CAP_* the device offers (none defined yet)
 */
struct venet_config {
	__u8 mac[6];
	__le16 reserved;
	__le32 mtu;
	__le64 caps;
};

#endif /* _UAPI_LINUX_VBUS_VENET_H */
