/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * venet: the virtual Ethernet device class's client ABI. A venet device
 * is a virtio-net device (VIRTIO_ID_NET) on every connector: its feature
 * bits are VIRTIO_NET_F_*, its config space a struct virtio_net_config,
 * and every frame on its queues is preceded by a 12-byte struct
 * virtio_net_hdr_mrg_rxbuf (little endian). Over the native connector
 * each queue is an ioq ring, each descriptor one whole frame with its
 * header.
 */
#ifndef _UAPI_LINUX_VBUS_VENET_H
#define _UAPI_LINUX_VBUS_VENET_H

#define VENET_QUEUE_RX		0	/* frames to the client */
#define VENET_QUEUE_TX		1	/* frames from the client */

/*
 * Largest MTU: without VIRTIO_NET_F_MTU a client may use up to this, and
 * the device takes frames that long.
 */
#define VENET_MTU_MAX		9000

/* Frames with TSO are at most this long, header excluded. */
#define VENET_TSO_MAX_FRAME	(65536 + 18)

#endif /* _UAPI_LINUX_VBUS_VENET_H */
