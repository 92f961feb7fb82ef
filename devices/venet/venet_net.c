// SPDX-License-Identifier: GPL-2.0
/*
 * venet data path: frames the host stack transmits land in the client's
 * RX buffers (xmit, under the netdev TX lock); frames the client posts on
 * its TX queue are received by the host netdev (NAPI). Both through
 * struct vbus_queue, whatever the connector.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/netdevice.h>
#include <linux/virtio_byteorder.h>
#include "venet.h"
#include "venet_skb.h"

/* Bytes of a frame's head written together with its header. */
#define VENET_HEAD_MERGE	128
#define VENET_HDR_LEN	sizeof(struct virtio_net_hdr_mrg_rxbuf)

/* Host to client: frames the host stack transmits. */

/* Pop one more client RX buffer ahead; false when the client has none. */
static bool venet_rx_reserve(struct venet_dev *v)
{
	if (v->rx_nbufs == VENET_RX_SPAN ||
	    v->rxq->ops->pop(v->rxq, &v->rx_bufs[v->rx_nbufs]))
		return false;
	v->rx_nbufs++;
	return true;
}

/**
 * struct venet_sink - a frame being written across client RX buffers
 * @v: the device
 * @i: buffer being filled
 */
struct venet_sink {
	struct venet_dev *v;
	unsigned int i;
};

static int venet_sink_put(struct venet_sink *sink, const void *src, u32 len)
{
	struct venet_dev *v = sink->v;
	struct vbus_buf *buf;
	u32 chunk;
	int ret;

	while (len) {
		buf = &v->rx_bufs[sink->i];
		chunk = min(len, buf->len - buf->pos);
		if (!chunk) {
			sink->i++;
			continue;
		}
		ret = v->rxq->ops->write(v->rxq, buf, src, chunk);
		if (ret)
			return ret;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

/* @skb from byte @off of its head on. */
static int venet_sink_skb(struct venet_sink *sink, const struct sk_buff *skb,
			  u32 off)
{
	u32 p_off, p_len, copied;
	struct page *p;
	void *vaddr;
	int i, ret;

	ret = venet_sink_put(sink, skb->data + off, skb_headlen(skb) - off);
	for (i = 0; !ret && i < skb_shinfo(skb)->nr_frags; i++) {
		const skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		skb_frag_foreach_page(f, skb_frag_off(f), skb_frag_size(f),
				      p, p_off, p_len, copied) {
			vaddr = kmap_local_page(p);
			ret = venet_sink_put(sink, vaddr + p_off, p_len);
			kunmap_local(vaddr);
			if (ret)
				break;
		}
	}
	return ret;
}

/*
 * Write @skb into as many reserved client buffers as it needs and complete
 * them: 0, -ENOSPC when the client has not posted enough yet (nothing is
 * used, nothing written), or another error (the frame is lost).
 */
static int venet_to_client(struct venet_dev *v, struct sk_buff *skb)
{
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct venet_sink sink = { .v = v };
	u32 total = VENET_HDR_LEN + skb->len, room = 0, off;
	u8 head[VENET_HDR_LEN + VENET_HEAD_MERGE];
	unsigned int n = 0, i;
	int ret;

	while (room < total) {
		if (n && !v->mergeable)
			return -EMSGSIZE;
		/* Never fits, however many buffers the client posts. */
		if (n == VENET_RX_SPAN)
			return -EMSGSIZE;
		if (n == v->rx_nbufs && !venet_rx_reserve(v))
			return -ENOSPC;
		room += v->rx_bufs[n++].len;
	}
	memset(&hdr, 0, sizeof(hdr));
	if (virtio_net_hdr_from_skb(skb, &hdr.hdr, true, false, 0))
		return -EPROTO;
	hdr.num_buffers = __cpu_to_virtio16(true, n);
	/* One write for the header and a short head: each costs an address
	 * translation on some transports.
	 */
	off = min_t(u32, skb_headlen(skb), VENET_HEAD_MERGE);
	memcpy(head, &hdr, VENET_HDR_LEN);
	memcpy(head + VENET_HDR_LEN, skb->data, off);
	ret = venet_sink_put(&sink, head, VENET_HDR_LEN + off);
	if (!ret)
		ret = venet_sink_skb(&sink, skb, off);
	for (i = 0; i < n; i++)
		v->rxq->ops->push(v->rxq, &v->rx_bufs[i], v->rx_bufs[i].pos);
	v->rx_nbufs -= n;
	memmove(v->rx_bufs, v->rx_bufs + n, v->rx_nbufs * sizeof(*v->rx_bufs));
	return ret;
}

/*
 * Out of client RX buffers: stop the netdev queue until the client's kick.
 * Buffers that arrived meanwhile are claimed before looking again; twice
 * at most, for the flags are client memory. True when one more buffer is
 * reserved (the queue is awake again); false when stopped with
 * notifications on (a broken queue reports nothing: stopped for good).
 */
static bool venet_rx_stop(struct venet_dev *v)
{
	struct vbus_queue *q = v->rxq;
	int i;

	netif_stop_queue(v->ndev);
	for (i = 0; ; i++) {
		v->rx_notify = true;
		if (!q->ops->enable_notify(q) || i == 2)
			return false;
		q->ops->disable_notify(q);
		v->rx_notify = false;
		if (venet_rx_reserve(v)) {
			netif_wake_queue(v->ndev);
			return true;
		}
	}
}

/*
 * The client's RX queue is ours here, under the netdev TX lock: xmit alone
 * enables and disables its notifications (rx_notify says which), and the
 * kick only wakes the netdev queue. A frame that needs more buffers than
 * the client has posted yet stays with the qdisc (NETDEV_TX_BUSY, queue
 * stopped) instead of being dropped: a large GSO frame lost costs TCP a
 * retransmit.
 */
netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct venet_dev *v = ndev_venet(ndev);
	struct vbus_queue *q = v->rxq;
	unsigned int len = skb->len;
	int ret;

	if (!v->running) {
		ndev->stats.tx_dropped++;
		goto out;
	}
	/* Woken by a kick: claim it (for ioq, clear its pending flag). */
	if (v->rx_notify) {
		q->ops->disable_notify(q);
		v->rx_notify = false;
	}
	/* Each round reserves one more buffer, up to VENET_RX_SPAN. */
	while ((ret = venet_to_client(v, skb)) == -ENOSPC) {
		if (!venet_rx_stop(v))
			return NETDEV_TX_BUSY;
	}
	if (ret) {
		ndev->stats.tx_dropped++;
	} else {
		dev_sw_netstats_tx_add(ndev, 1, len);
		q->ops->signal(q);
	}
	/* Stop before the ring runs dry; the client's kick wakes us. */
	if (!v->rx_nbufs && !venet_rx_reserve(v))
		venet_rx_stop(v);
out:
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Offloads the client did not negotiate are done in software first. */
netdev_features_t venet_features_check(struct sk_buff *skb,
				       struct net_device *ndev,
				       netdev_features_t features)
{
	return features & READ_ONCE(ndev_venet(ndev)->client_features);
}

/* Client to host: NAPI over the client's TX queue. */

/*
 * The client's frame, into a new skb and @hdr. A small frame is read in
 * one go with its header: each read of a queue costs an address
 * translation on some transports.
 */
static struct sk_buff *venet_read_skb(struct venet_dev *v,
				      struct vbus_buf *buf, void *hdr, u32 len)
{
	struct vbus_queue *q = v->txq;
	struct sk_buff *skb;
	int i;

	if (VENET_HDR_LEN + len <= VENET_RX_HEAD) {
		skb = napi_alloc_skb(&v->napi, VENET_HDR_LEN + len);
		if (!skb)
			return ERR_PTR(-ENOMEM);
		if (q->ops->read(q, buf, skb_put(skb, VENET_HDR_LEN + len),
				 VENET_HDR_LEN + len))
			goto fault;
		memcpy(hdr, skb->data, VENET_HDR_LEN);
		__skb_pull(skb, VENET_HDR_LEN);
		return skb;
	}
	if (q->ops->read(q, buf, hdr, VENET_HDR_LEN))
		return ERR_PTR(-EFAULT);
	skb = venet_alloc_rx_skb(&v->napi, len);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	if (q->ops->read(q, buf, skb->data, skb_headlen(skb)))
		goto fault;
	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++) {
		skb_frag_t *f = &skb_shinfo(skb)->frags[i];

		if (q->ops->read(q, buf, skb_frag_address(f),
				 skb_frag_size(f)))
			goto fault;
	}
	return skb;
fault:
	kfree_skb(skb);
	return ERR_PTR(-EFAULT);
}

/* Offloads the client did not negotiate are not taken from it. */
static bool venet_offloads_ok(struct venet_dev *v,
			      const struct virtio_net_hdr *hdr)
{
	u8 gso = hdr->gso_type;

	if ((hdr->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !v->rx_csum)
		return false;
	return gso == VIRTIO_NET_HDR_GSO_NONE ||
	       (gso < 32 && (v->rx_gso & BIT(gso)));
}

/* One frame from the client; errors are counted, the buffer goes back. */
static void venet_from_client(struct venet_dev *v, struct vbus_buf *buf)
{
	struct net_device *ndev = v->ndev;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct sk_buff *skb;
	u32 len = buf->len - VENET_HDR_LEN;

	if (buf->len < VENET_HDR_LEN + ETH_HLEN || len > v->max_frame) {
		ndev->stats.rx_length_errors++;
		return;
	}
	skb = venet_read_skb(v, buf, &hdr, len);
	if (IS_ERR(skb)) {
		if (PTR_ERR(skb) == -ENOMEM)
			ndev->stats.rx_dropped++;
		else
			ndev->stats.rx_errors++;
		return;
	}
	if (!venet_offloads_ok(v, &hdr.hdr)) {
		ndev->stats.rx_frame_errors++;
		kfree_skb(skb);
		return;
	}
	venet_rx_deliver(&v->napi, ndev, skb, &hdr.hdr);
}

int venet_poll(struct napi_struct *napi, int budget)
{
	struct venet_dev *v = container_of(napi, struct venet_dev, napi);
	struct vbus_queue *q = v->txq;
	struct vbus_buf buf;
	int done = 0;

	q->ops->disable_notify(q);
	while (done < budget && !q->ops->pop(q, &buf)) {
		done++;
		venet_from_client(v, &buf);
		q->ops->push(q, &buf, 0);
	}
	if (done)
		q->ops->signal(q);
	if (READ_ONCE(q->broken)) {
		/* Nothing more comes from this queue: stop polling it. */
		netif_carrier_off(v->ndev);
		if (done < budget)
			napi_complete_done(napi, done);
		return done;
	}
	if (done < budget && napi_complete_done(napi, done) &&
	    q->ops->enable_notify(q))
		napi_schedule(napi);
	return done;
}

/* The client posted frames for us. Atomic context. */
static void venet_tx_kick(void *priv)
{
	struct venet_dev *v = priv;

	if (READ_ONCE(v->running) && napi_schedule_prep(&v->napi)) {
		v->txq->ops->disable_notify(v->txq);
		__napi_schedule(&v->napi);
	}
}

/* The client posted RX buffers. Atomic context: xmit does the rest. */
static void venet_rx_kick(void *priv)
{
	struct venet_dev *v = priv;

	if (READ_ONCE(v->running) && netif_queue_stopped(v->ndev))
		netif_wake_queue(v->ndev);
}

/**
 * venet_start_queues() - serve the client's queues
 * @v: the device, stopped
 * @rxq: frames to the client
 * @txq: frames from the client
 */
void venet_start_queues(struct venet_dev *v, struct vbus_queue *rxq,
			struct vbus_queue *txq)
{
	netif_tx_lock_bh(v->ndev);
	v->rxq = rxq;
	v->txq = txq;
	v->rx_nbufs = 0;
	v->rx_notify = false;
	WRITE_ONCE(v->running, true);
	netif_tx_unlock_bh(v->ndev);
	vbus_callback_set(&rxq->kick, venet_rx_kick, v);
	vbus_callback_set(&txq->kick, venet_tx_kick, v);
	napi_enable(&v->napi);
	napi_schedule(&v->napi);
	netif_carrier_on(v->ndev);
	netif_wake_queue(v->ndev);
}

/**
 * venet_stop_queues() - stop touching the client's queues
 * @v: the device
 *
 * Once it returns, neither xmit nor NAPI nor a kick uses the queues.
 */
void venet_stop_queues(struct venet_dev *v)
{
	if (!v->running)
		return;
	netif_carrier_off(v->ndev);
	netif_tx_lock_bh(v->ndev);
	WRITE_ONCE(v->running, false);
	netif_tx_unlock_bh(v->ndev);
	napi_disable(&v->napi);
	WRITE_ONCE(v->rxq->kick.fn, NULL);
	WRITE_ONCE(v->txq->kick.fn, NULL);
}
