/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * venet: the virtual Ethernet device class's client ABI over the native
 * transport. The client reads the config (VENET_CALL_GET_CONFIG), may pick
 * capabilities (VENET_CALL_SET_CAPS), then registers two ioq rings
 * (VENET_RING_*) in its shared memory; each descriptor holds one whole
 * Ethernet frame, preceded by a struct virtio_net_hdr_v1 when
 * VENET_CAP_VNET_HDR was picked.
 */
#ifndef _UAPI_LINUX_VBUS_VENET_H
#define _UAPI_LINUX_VBUS_VENET_H

#include <linux/types.h>

#define VENET_VERSION		1

#define VENET_RING_RX		0	/* frames to the client */
#define VENET_RING_TX		1	/* frames from the client */

#define VENET_CALL_GET_CONFIG	1	/* struct venet_config out */
#define VENET_CALL_SET_CAPS	2	/* __le64 in: caps the client uses */
#define VENET_CALL_SET_LINK	3	/* __le32 in: 1 client up, 0 down */

/* struct venet_config.status */
#define VENET_STATUS_LINK_UP	1	/* the host interface is up */

/*
 * Capabilities. The client picks a subset of what the config offers,
 * before it registers rings; each needs VENET_CAP_VNET_HDR, and the TSO
 * ones the matching checksum one.
 */
#define VENET_CAP_VNET_HDR	(1ULL << 0)	/* 12-byte virtio-net header, LE */
#define VENET_CAP_CSUM		(1ULL << 1)	/* client sends partial csums */
#define VENET_CAP_GUEST_CSUM	(1ULL << 2)	/* device sends partial csums */
#define VENET_CAP_TSO		(1ULL << 3)	/* client sends TSO4/6 frames */
#define VENET_CAP_GUEST_TSO	(1ULL << 4)	/* device sends TSO4/6 frames */
#define VENET_CAPS_ALL		((1ULL << 5) - 1)

/* Largest MTU a client may use; the device takes frames that long. */
#define VENET_MTU_MAX		9000

/* Frames with TSO are at most this long, header excluded. */
#define VENET_TSO_MAX_FRAME	(65536 + 18)

/**
 * struct venet_config - what VENET_CALL_GET_CONFIG returns
 * @mac: the client's MAC address
 * @status: VENET_STATUS_*; the device reports changes through the
 *	client driver's config_changed, the client reads the config again
 * @mtu: the MTU the client must use
 * @caps: VENET_CAP_* the device offers
 */
struct venet_config {
	__u8 mac[6];
	__le16 status;
	__le32 mtu;
	__le64 caps;
};

#endif /* _UAPI_LINUX_VBUS_VENET_H */
