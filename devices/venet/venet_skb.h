/* SPDX-License-Identifier: GPL-2.0 */
/* venet, both sides: skbs for received frames, up to 64 KiB. */
#ifndef _VENET_SKB_H
#define _VENET_SKB_H

#include <linux/etherdevice.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/virtio_net.h>

/* Frames up to this are copied whole into the skb head. */
#define VENET_RX_HEAD	2048
/* Larger ones: this much in the head (the headers), the rest in pages. */
#define VENET_RX_PULL	256

/*
 * Per-CPU packet and byte counters for either end's netdev: its
 * ndo_init and ndo_uninit (ndo_get_stats64 is dev_get_tstats64).
 */
static inline int venet_ndo_init(struct net_device *ndev)
{
	ndev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return ndev->tstats ? 0 : -ENOMEM;
}

static inline void venet_ndo_uninit(struct net_device *ndev)
{
	free_percpu(ndev->tstats);
}

/* An skb of @len bytes (len set, contents not), or NULL. Atomic context. */
static inline struct sk_buff *venet_alloc_rx_skb(struct napi_struct *napi,
						 u32 len)
{
	struct sk_buff *skb;
	int err;

	if (len <= VENET_RX_HEAD) {
		skb = napi_alloc_skb(napi, len);
		if (skb)
			skb_put(skb, len);
		return skb;
	}
	skb = alloc_skb_with_frags(VENET_RX_PULL, len - VENET_RX_PULL,
				   PAGE_ALLOC_COSTLY_ORDER, &err, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_put(skb, VENET_RX_PULL);
	skb->data_len = len - VENET_RX_PULL;
	skb->len = len;
	return skb;
}

/*
 * Apply the frame's virtio-net header and hand the frame to the stack
 * through @napi; counted in @ndev's stats (per CPU) either way.
 */
static inline void venet_rx_deliver(struct napi_struct *napi,
				    struct net_device *ndev,
				    struct sk_buff *skb,
				    const struct virtio_net_hdr *hdr)
{
	u32 len = skb->len;

	if (virtio_net_hdr_to_skb(skb, hdr, true)) {
		ndev->stats.rx_frame_errors++;
		kfree_skb(skb);
		return;
	}
	skb->protocol = eth_type_trans(skb, ndev);
	dev_sw_netstats_rx_add(ndev, len);
	napi_gro_receive(napi, skb);
}

#endif /* _VENET_SKB_H */
