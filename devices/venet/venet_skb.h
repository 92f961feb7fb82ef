/* SPDX-License-Identifier: GPL-2.0 */
/* venet, both sides: skbs for received frames, up to 64 KiB. */
#ifndef _VENET_SKB_H
#define _VENET_SKB_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

/* Frames up to this are copied whole into the skb head. */
#define VENET_RX_HEAD	2048
/* Larger ones: this much in the head (the headers), the rest in pages. */
#define VENET_RX_PULL	256

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

#endif /* _VENET_SKB_H */
