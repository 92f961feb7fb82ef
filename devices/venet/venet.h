/* SPDX-License-Identifier: GPL-2.0 */
/*
 * venet: virtual Ethernet device class, host side. A virtio-net device
 * model: queue 0 carries frames to the client, queue 1 frames from it,
 * each preceded by a struct virtio_net_hdr_mrg_rxbuf.
 *
 * venet.c is the class: configfs attributes, the host netdev's lifetime,
 * the device interface (config space, start, stop). venet_net.c is the
 * data path between the host netdev and the client's queues.
 */
#ifndef _VENET_H
#define _VENET_H

#include <linux/netdevice.h>
#include <linux/vbus.h>
#include <linux/vbus_queue.h>
#include <linux/virtio_net.h>

/* Client RX buffers one frame may span (mergeable buffers). */
#define VENET_RX_SPAN	48

/**
 * struct venet_dev - a venet device
 * @vdev: the vbus device; its refcount owns this struct
 * @ndev: host netdev, registered from create to release; replaced by a
 *	hostif write, under the config lock and rtnl, only while stopped
 * @mac: client MAC (config)
 * @mtu: MTU (config)
 * @napi: receives the client's TX frames
 * @rxq: frames to the client; used under the netdev TX lock
 * @txq: frames from the client; used in @napi
 * @mergeable: a frame to the client may span several RX buffers
 * @client_features: offloads the client accepts on frames we send
 * @max_frame: largest frame the client may send us
 * @rx_csum: the client may send partial checksums
 * @rx_gso: VIRTIO_NET_HDR_GSO_* types the client may send, as a bitmask
 * @rx_bufs: client RX buffers popped ahead, oldest first, so that xmit
 *	knows whether a frame fits before it takes anything
 * @rx_nbufs: how many
 * @rx_notify: notifications of new RX buffers are on (netdev TX lock)
 * @running: queues set up and in use; written under the netdev TX lock
 * @link_work: tells the client that the host link changed; the topology
 *	mutex it takes cannot be taken under the rtnl lock of ndo_open/stop
 *
 * Start and stop come from the connector, serialised by it; configfs
 * writes are refused while the bus is connected, so config never changes
 * under a running device.
 */
struct venet_dev {
	struct vbus_device vdev;
	struct net_device *ndev;
	u8 mac[ETH_ALEN];
	u32 mtu;
	struct napi_struct napi;
	struct vbus_queue *rxq, *txq;
	bool mergeable;
	netdev_features_t client_features;
	u32 max_frame;
	bool rx_csum;
	u32 rx_gso;
	struct vbus_buf rx_bufs[VENET_RX_SPAN];
	unsigned int rx_nbufs;
	bool rx_notify;
	bool running;
	struct work_struct link_work;
};

/**
 * struct venet_netdev_priv - host netdev private area
 * @venet: back pointer; the netdev lives no longer than the device
 */
struct venet_netdev_priv {
	struct venet_dev *venet;
};

static inline struct venet_dev *ndev_venet(struct net_device *ndev)
{
	return ((struct venet_netdev_priv *)netdev_priv(ndev))->venet;
}

/* venet_net.c */
netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *ndev);
netdev_features_t venet_features_check(struct sk_buff *skb,
				       struct net_device *ndev,
				       netdev_features_t features);
int venet_poll(struct napi_struct *napi, int budget);
void venet_start_queues(struct venet_dev *v, struct vbus_queue *rxq,
			struct vbus_queue *txq);
void venet_stop_queues(struct venet_dev *v);

#endif /* _VENET_H */
