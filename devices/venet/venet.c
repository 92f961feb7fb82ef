// SPDX-License-Identifier: GPL-2.0
/*
 * venet: virtual Ethernet device class, host side.
 *
 * Each device owns a host netdev (named by the hostif attribute) for its
 * whole life. Two personalities reach the same data path: native (a
 * client opens the device and registers an RX and a TX ioq ring) and
 * virtio (virtio-net, served to virtio_net by the virtio connector). Once
 * started, frames the host stack transmits land in the client's RX
 * buffers, and frames the client posts on TX are received by the host
 * netdev through NAPI; both through struct vbus_queue.
 *
 * Lifetimes and locking:
 * - config (mac, mtu, hostif) is protected by the vbus config lock and
 *   frozen while the bus is connected;
 * - the queues point into client memory that lives from start (native:
 *   ring registration; virtio: DRIVER_OK) to stop (close; reset);
 *   "running" (under the netdev TX lock) and napi_disable() make sure no
 *   path touches them after stop returns;
 * - native open/shm/call/close are serialised by the proxy device's lock,
 *   virtio start/stop by the virtio core;
 * - link_work lives as long as the device; release cancels it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
/* mac_pton() is in linux/hex.h where Kbuild found one, else kernel.h. */
#ifdef VBUS_HAVE_HEX_H
#include <linux/hex.h>
#endif
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <linux/vbus_native.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_net.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/vbus_venet.h>
#include "venet_ethtool.h"
#include "venet_skb.h"

#define VENET_MTU_MIN	68
/* Bytes of a frame's head written together with its header. */
#define VENET_HEAD_MERGE	128
/* Client RX buffers one frame may span (mergeable buffers). */
#define VENET_RX_SPAN	48
/* What a host netdev can hand a client that negotiated nothing. */
#define VENET_BASE_FEATURES	(NETIF_F_SG | NETIF_F_HIGHDMA)
#define VENET_OFFLOADS	(NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6)

/**
 * struct venet_queue - one native ring of a device
 * @ioq: host side of the client's ring
 * @shm: the client's registration, NULL until registered
 * @name: "<device>/rx" or "<device>/tx", for messages
 */
struct venet_queue {
	struct ioq ioq;
	struct vbus_shm_ring *shm;
	char name[VBUS_NAME_MAX + 4];
};

/**
 * struct venet_dev - a venet device
 * @vdev: the vbus device; its refcount owns this struct
 * @ndev: host netdev, registered from create to release
 * @mac: client MAC (config)
 * @mtu: MTU (config)
 * @napi: receives the client's TX frames
 * @rx: native ring for frames to the client
 * @tx: native ring for frames from the client
 * @rxq: frames to the client, whatever the transport; used under the
 *	netdev TX lock
 * @txq: frames from the client; used in @napi
 * @hdr_len: bytes of struct virtio_net_hdr_mrg_rxbuf before each frame
 *	(virtio), or 0 (native)
 * @mergeable: a frame to the client may span several RX buffers
 * @client_features: offloads the client accepts on frames we send
 * @max_frame: largest frame the client may send us
 * @rx_csum: the client may send partial checksums
 * @rx_gso: the client may send TSO frames
 * @native_caps: VENET_CAP_* a native client picked (proxy lock)
 * @rx_bufs: client RX buffers popped ahead, oldest first, so that xmit
 *	knows whether a frame fits before it takes anything
 * @rx_nbufs: how many
 * @rx_notify: notifications of new RX buffers are on (netdev TX lock)
 * @running: queues set up and in use; written under the netdev TX lock
 * @opened: a native client has the device open (proxy lock)
 * @client_up: the client wants the link up (native: VENET_CALL_SET_LINK;
 *	virtio: while started); host carrier is on while running with it
 * @link_work: tells the client that the host link changed; the topology
 *	mutex it takes cannot be taken under the rtnl lock of ndo_open/stop
 */
struct venet_dev {
	struct vbus_device vdev;
	struct net_device *ndev;
	u8 mac[ETH_ALEN];
	u32 mtu;
	struct napi_struct napi;
	struct venet_queue rx, tx;
	struct vbus_queue *rxq, *txq;
	unsigned int hdr_len;
	bool mergeable;
	netdev_features_t client_features;
	u32 max_frame;
	bool rx_csum, rx_gso;
	u64 native_caps;
	struct vbus_buf rx_bufs[VENET_RX_SPAN];
	unsigned int rx_nbufs;
	bool rx_notify;
	bool running;
	bool opened;
	bool client_up;
	struct work_struct link_work;
};

/**
 * struct venet_netdev_priv - host netdev private area
 * @venet: back pointer; the netdev lives no longer than the device
 */
struct venet_netdev_priv {
	struct venet_dev *venet;
};

static struct venet_dev *to_venet(struct vbus_device *vdev)
{
	return container_of(vdev, struct venet_dev, vdev);
}

static struct venet_dev *ndev_venet(struct net_device *ndev)
{
	return ((struct venet_netdev_priv *)netdev_priv(ndev))->venet;
}

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
 * used), or another error (the frame is lost).
 */
static int venet_to_client(struct venet_dev *v, struct sk_buff *skb)
{
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct venet_sink sink = { .v = v };
	u32 total = v->hdr_len + skb->len, room = 0, off = 0;
	u8 head[sizeof(hdr) + VENET_HEAD_MERGE];
	unsigned int n = 0, i;
	int ret = 0;

	while (room < total) {
		if (n == v->rx_nbufs && !venet_rx_reserve(v))
			return -ENOSPC;
		if (n && !v->mergeable)
			return -EMSGSIZE;
		room += v->rx_bufs[n++].len;
	}
	if (v->hdr_len) {
		memset(&hdr, 0, sizeof(hdr));
		if (virtio_net_hdr_from_skb(skb, &hdr.hdr, true, false, 0))
			return -EPROTO;
		hdr.num_buffers = __cpu_to_virtio16(true, n);
		/* One write for the header and a short head: each costs an
		 * address translation on some transports.
		 */
		off = min_t(u32, skb_headlen(skb), VENET_HEAD_MERGE);
		memcpy(head, &hdr, v->hdr_len);
		memcpy(head + v->hdr_len, skb->data, off);
		ret = venet_sink_put(&sink, head, v->hdr_len + off);
	}
	if (!ret)
		ret = venet_sink_skb(&sink, skb, off);
	for (i = 0; i < n; i++)
		v->rxq->ops->push(v->rxq, &v->rx_bufs[i], v->rx_bufs[i].pos);
	v->rx_nbufs -= n;
	memmove(v->rx_bufs, v->rx_bufs + n, v->rx_nbufs * sizeof(*v->rx_bufs));
	return ret;
}

/*
 * The client's RX queue is ours here, under the netdev TX lock: xmit alone
 * enables and disables its notifications (rx_notify says which), and the
 * kick only wakes the netdev queue.
 */
static netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct venet_dev *v = ndev_venet(ndev);
	struct vbus_queue *q = v->rxq;
	int ret, i;

	if (!v->running) {
		ndev->stats.tx_dropped++;
		goto out;
	}
	/* Woken by a kick: claim it (for ioq, clear its pending flag). */
	if (v->rx_notify) {
		q->ops->disable_notify(q);
		v->rx_notify = false;
	}
	ret = venet_to_client(v, skb);
	if (ret == -ENOSPC) {
		v->rx_notify = true;
		if (q->ops->enable_notify(q)) {
			q->ops->disable_notify(q);
			v->rx_notify = false;
			ret = venet_to_client(v, skb);
		}
	}
	if (ret) {
		ndev->stats.tx_dropped++;
	} else {
		ndev->stats.tx_packets++;
		ndev->stats.tx_bytes += skb->len;
		q->ops->signal(q);
	}

	/* Stop before the ring runs dry; the client's kick wakes us. */
	if (!v->rx_nbufs && !venet_rx_reserve(v)) {
		netif_stop_queue(ndev);
		/*
		 * Buffers that arrived meanwhile are claimed before looking
		 * again; twice at most, for the flags are client memory.
		 * Either way we end woken, or stopped with notifications on.
		 */
		for (i = 0; ; i++) {
			v->rx_notify = true;
			if (!q->ops->enable_notify(q) || i == 2)
				break;
			q->ops->disable_notify(q);
			v->rx_notify = false;
			if (venet_rx_reserve(v)) {
				netif_wake_queue(ndev);
				break;
			}
		}
	}
out:
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Offloads the client did not negotiate are done in software first. */
static netdev_features_t venet_features_check(struct sk_buff *skb,
					      struct net_device *ndev,
					      netdev_features_t features)
{
	return features & READ_ONCE(ndev_venet(ndev)->client_features);
}

/* Client to host: NAPI over the client's TX ring. */

/*
 * The client's frame, into a new skb and @hdr (its header, if any). A
 * small frame is read in one go with its header: each read of a queue
 * costs an address translation.
 */
static struct sk_buff *venet_read_skb(struct venet_dev *v,
				      struct vbus_buf *buf, void *hdr, u32 len)
{
	struct vbus_queue *q = v->txq;
	struct sk_buff *skb;
	int i;

	if (v->hdr_len + len <= VENET_RX_HEAD) {
		skb = napi_alloc_skb(&v->napi, v->hdr_len + len);
		if (!skb)
			return ERR_PTR(-ENOMEM);
		if (q->ops->read(q, buf, skb_put(skb, v->hdr_len + len),
				 v->hdr_len + len))
			goto fault;
		memcpy(hdr, skb->data, v->hdr_len);
		__skb_pull(skb, v->hdr_len);
		return skb;
	}
	if (q->ops->read(q, buf, hdr, v->hdr_len))
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

/* One frame from the client; errors are counted, the buffer goes back. */
static void venet_from_client(struct venet_dev *v, struct vbus_buf *buf)
{
	struct net_device *ndev = v->ndev;
	struct virtio_net_hdr_mrg_rxbuf hdr;
	struct sk_buff *skb;
	u32 len = buf->len - v->hdr_len;

	if (buf->len < v->hdr_len + ETH_HLEN || len > v->max_frame) {
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
	/* Offloads the client did not pick are not taken from it. */
	if (v->hdr_len &&
	    (((hdr.hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && !v->rx_csum) ||
	     (hdr.hdr.gso_type != VIRTIO_NET_HDR_GSO_NONE && !v->rx_gso))) {
		ndev->stats.rx_frame_errors++;
		kfree_skb(skb);
		return;
	}
	venet_rx_deliver(&v->napi, ndev, skb, v->hdr_len ? &hdr.hdr : NULL);
}

static int venet_poll(struct napi_struct *napi, int budget)
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
	if (q->broken)
		netif_carrier_off(v->ndev);

	if (done < budget && napi_complete_done(napi, done) &&
	    q->ops->enable_notify(q))
		napi_schedule(napi);
	return done;
}

/* The client posted frames for us. Atomic context. */
static void venet_tx_kick(struct vbus_queue *q)
{
	struct venet_dev *v = q->priv;

	if (READ_ONCE(v->running) && napi_schedule_prep(&v->napi)) {
		q->ops->disable_notify(q);
		__napi_schedule(&v->napi);
	}
}

/* The client posted RX buffers. Atomic context: xmit does the rest. */
static void venet_rx_kick(struct vbus_queue *q)
{
	struct venet_dev *v = q->priv;

	if (READ_ONCE(v->running) && netif_queue_stopped(v->ndev))
		netif_wake_queue(v->ndev);
}

static void venet_start(struct venet_dev *v, struct vbus_queue *rxq,
			struct vbus_queue *txq)
{
	rxq->kick = venet_rx_kick;
	rxq->priv = v;
	txq->kick = venet_tx_kick;
	txq->priv = v;
	netif_tx_lock_bh(v->ndev);
	v->rxq = rxq;
	v->txq = txq;
	v->rx_nbufs = 0;
	v->rx_notify = false;
	v->running = true;
	netif_tx_unlock_bh(v->ndev);
	napi_enable(&v->napi);
	napi_schedule(&v->napi);
	if (v->client_up)
		netif_carrier_on(v->ndev);
	netif_wake_queue(v->ndev);
}

static void venet_stop(struct venet_dev *v)
{
	if (!v->running)
		return;
	netif_carrier_off(v->ndev);
	netif_tx_lock_bh(v->ndev);
	v->running = false;
	netif_tx_unlock_bh(v->ndev);
	napi_disable(&v->napi);
}

/* Native personality: ops serialised by the proxy device lock. */

/* The native connector's kick: hand it to the queue's handler. */
static void venet_native_kick(struct vbus_shm_ring *ring)
{
	struct venet_queue *vq = ring->device_priv;

	vq->ioq.q.kick(&vq->ioq.q);
}

static void venet_notify_client(struct shm_signal *s)
{
	struct venet_queue *vq = container_of(s, struct venet_queue,
					      ioq.signal);

	vbus_shm_ring_interrupt(vq->shm);
}

static const struct shm_signal_ops venet_signal_ops = {
	.notify = venet_notify_client,
};

static int venet_open(struct vbus_device *vdev, u32 version)
{
	struct venet_dev *v = to_venet(vdev);

	if (version != VENET_VERSION) {
		pr_err("device %s: client speaks version %u, not %u\n",
		       vbus_device_name(vdev), version, VENET_VERSION);
		return -EPROTO;
	}
	v->rx.shm = NULL;
	v->tx.shm = NULL;
	v->native_caps = 0;
	v->client_up = false;
	v->opened = true;
	return 0;
}

static void venet_close(struct vbus_device *vdev)
{
	struct venet_dev *v = to_venet(vdev);

	venet_stop(v);
	v->rx.shm = NULL;
	v->tx.shm = NULL;
	v->opened = false;
}

static int venet_set_caps(struct venet_dev *v, u64 caps)
{
	const u64 need_hdr = VENET_CAPS_ALL & ~VENET_CAP_VNET_HDR;

	if ((caps & ~VENET_CAPS_ALL) ||
	    ((caps & need_hdr) && !(caps & VENET_CAP_VNET_HDR)) ||
	    ((caps & VENET_CAP_TSO) && !(caps & VENET_CAP_CSUM)) ||
	    ((caps & VENET_CAP_GUEST_TSO) && !(caps & VENET_CAP_GUEST_CSUM))) {
		pr_err("device %s: inconsistent capabilities %#llx\n",
		       vbus_device_name(&v->vdev), caps);
		return -EINVAL;
	}
	if (v->rx.shm || v->tx.shm) {
		pr_err("device %s: capabilities set after ring registration\n",
		       vbus_device_name(&v->vdev));
		return -EBUSY;
	}
	v->native_caps = caps;
	return 0;
}

static int venet_call(struct vbus_device *vdev, u32 func, void *data,
		      size_t len)
{
	struct venet_dev *v = to_venet(vdev);
	struct venet_config *config = data;

	if (func == VENET_CALL_GET_CONFIG && len == sizeof(*config)) {
		memset(config, 0, sizeof(*config));
		ether_addr_copy(config->mac, v->mac);
		config->mtu = cpu_to_le32(v->mtu);
		config->caps = cpu_to_le64(VENET_CAPS_ALL);
		if (netif_running(v->ndev))
			config->status = cpu_to_le16(VENET_STATUS_LINK_UP);
		return 0;
	}
	if (func == VENET_CALL_SET_CAPS && len == sizeof(__le64))
		return venet_set_caps(v, le64_to_cpup(data));
	if (func == VENET_CALL_SET_LINK && len == sizeof(__le32)) {
		v->client_up = le32_to_cpup(data);
		if (v->client_up && v->running)
			netif_carrier_on(v->ndev);
		else
			netif_carrier_off(v->ndev);
		return 0;
	}
	pr_err("device %s: bad call %u (%zu bytes)\n", vbus_device_name(vdev),
	       func, len);
	return -EINVAL;
}

static void venet_native_start(struct venet_dev *v)
{
	u64 caps = v->native_caps;
	netdev_features_t nf = VENET_BASE_FEATURES;

	v->hdr_len = caps & VENET_CAP_VNET_HDR ?
		     sizeof(struct virtio_net_hdr_mrg_rxbuf) : 0;
	v->mergeable = false;
	v->rx_csum = caps & VENET_CAP_CSUM;
	v->rx_gso = caps & VENET_CAP_TSO;
	/* The client may raise its MTU while running (rings refilled). */
	v->max_frame = v->rx_gso ? VENET_TSO_MAX_FRAME :
				   VENET_MTU_MAX + VLAN_ETH_HLEN;
	if (caps & VENET_CAP_GUEST_CSUM)
		nf |= NETIF_F_HW_CSUM;
	if (caps & VENET_CAP_GUEST_TSO)
		nf |= NETIF_F_TSO | NETIF_F_TSO6;
	WRITE_ONCE(v->client_features, nf);
	venet_start(v, &v->rx.ioq.q, &v->tx.ioq.q);
}

static int venet_shm(struct vbus_device *vdev, struct vbus_shm_ring *ring)
{
	struct venet_dev *v = to_venet(vdev);
	struct venet_queue *vq;
	int ret;

	switch (ring->id) {
	case VENET_RING_RX:
		vq = &v->rx;
		break;
	case VENET_RING_TX:
		vq = &v->tx;
		break;
	default:
		pr_err("device %s: no ring %u\n", vbus_device_name(vdev),
		       ring->id);
		return -EINVAL;
	}
	if (vq->shm) {
		pr_err("device %s: ring %u registered twice\n",
		       vbus_device_name(vdev), ring->id);
		return -EBUSY;
	}
	ret = ioq_init(&vq->ioq, vq->name, ring->mem, ring->offset, ring->len,
		       &venet_signal_ops);
	if (ret)
		return ret;
	vq->ioq.q.kick = ring->id == VENET_RING_RX ? venet_rx_kick :
						    venet_tx_kick;
	vq->ioq.q.priv = v;
	ring->kick = venet_native_kick;
	ring->device_priv = vq;
	vq->shm = ring;
	if (v->rx.shm && v->tx.shm)
		venet_native_start(v);
	return 0;
}

/* Virtio personality: virtio-net, served by the virtio connector. */

#define VENET_VIRTIO_FEATURES \
	(BIT_ULL(VIRTIO_NET_F_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) | \
	 BIT_ULL(VIRTIO_NET_F_MTU) | BIT_ULL(VIRTIO_NET_F_MAC) | \
	 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) | BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) | \
	 BIT_ULL(VIRTIO_NET_F_HOST_TSO4) | BIT_ULL(VIRTIO_NET_F_HOST_TSO6) | \
	 BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) | BIT_ULL(VIRTIO_NET_F_STATUS))

static void venet_virtio_get_config(struct vbus_device *vdev, void *buf)
{
	struct venet_dev *v = to_venet(vdev);
	struct virtio_net_config *config = buf;

	memset(config, 0, sizeof(*config));
	ether_addr_copy(config->mac, v->mac);
	/* Link follows the host interface's administrative state. */
	if (netif_running(v->ndev))
		config->status = __cpu_to_virtio16(true, VIRTIO_NET_S_LINK_UP);
	config->max_virtqueue_pairs = __cpu_to_virtio16(true, 1);
	config->mtu = __cpu_to_virtio16(true, v->mtu);
}

static netdev_features_t venet_virtio_offloads(u64 features)
{
	netdev_features_t nf = VENET_BASE_FEATURES;

	if (features & BIT_ULL(VIRTIO_NET_F_GUEST_CSUM)) {
		nf |= NETIF_F_HW_CSUM;
		if (features & BIT_ULL(VIRTIO_NET_F_GUEST_TSO4))
			nf |= NETIF_F_TSO;
		if (features & BIT_ULL(VIRTIO_NET_F_GUEST_TSO6))
			nf |= NETIF_F_TSO6;
	}
	return nf;
}

static int venet_virtio_start(struct vbus_device *vdev,
			      struct vbus_virtio_link *link)
{
	struct venet_dev *v = to_venet(vdev);
	u64 f = link->features;

	v->hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	v->mergeable = f & BIT_ULL(VIRTIO_NET_F_MRG_RXBUF);
	v->rx_csum = f & BIT_ULL(VIRTIO_NET_F_CSUM);
	v->rx_gso = f & (BIT_ULL(VIRTIO_NET_F_HOST_TSO4) |
			 BIT_ULL(VIRTIO_NET_F_HOST_TSO6));
	v->max_frame = v->rx_gso ? VENET_TSO_MAX_FRAME : v->mtu + VLAN_ETH_HLEN;
	WRITE_ONCE(v->client_features, venet_virtio_offloads(f));
	v->client_up = true;
	/* virtio-net queue 0 receives, queue 1 transmits. */
	venet_start(v, link->queues[0], link->queues[1]);
	return 0;
}

static void venet_virtio_stop(struct vbus_device *vdev)
{
	venet_stop(to_venet(vdev));
}

/* The host interface went up or down: the client's link follows. */
static void venet_link_work(struct work_struct *work)
{
	struct venet_dev *v = container_of(work, struct venet_dev, link_work);

	vbus_device_config_changed(&v->vdev);
}

static void venet_link_changed(struct venet_dev *v)
{
	schedule_work(&v->link_work);
}

static const struct vbus_virtio_ops venet_virtio_ops = {
	.device_id = VIRTIO_ID_NET,
	.features = VENET_VIRTIO_FEATURES,
	.num_queues = 2,
	.config_size = sizeof(struct virtio_net_config),
	.get_config = venet_virtio_get_config,
	.start = venet_virtio_start,
	.stop = venet_virtio_stop,
};

/* Host netdev. */

static int venet_ndo_open(struct net_device *ndev)
{
	struct venet_dev *v = ndev_venet(ndev);

	if (v->running && v->client_up)
		netif_carrier_on(ndev);
	else
		netif_carrier_off(ndev);
	venet_link_changed(v);
	return 0;
}

static int venet_ndo_stop(struct net_device *ndev)
{
	venet_link_changed(ndev_venet(ndev));
	return 0;
}

static const struct net_device_ops venet_netdev_ops = {
	.ndo_open = venet_ndo_open,
	.ndo_stop = venet_ndo_stop,
	.ndo_start_xmit = venet_xmit,
	.ndo_features_check = venet_features_check,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void venet_get_drvinfo(struct net_device *ndev,
			      struct ethtool_drvinfo *info)
{
	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, vbus_device_name(&ndev_venet(ndev)->vdev),
		sizeof(info->bus_info));
}

static const struct ethtool_ops venet_ethtool_ops = {
	.get_drvinfo = venet_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = venet_get_sset_count,
	.get_strings = venet_get_strings,
	.get_ethtool_stats = venet_get_ethtool_stats,
};

/* configfs attributes */

static struct venet_dev *item_venet(struct config_item *item)
{
	return to_venet(to_vbus_device_item(item));
}

static ssize_t venet_mac_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%pM\n", item_venet(item)->mac);
}

static ssize_t venet_mac_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct venet_dev *v = item_venet(item);
	u8 mac[ETH_ALEN];
	int ret;

	if (strcspn(page, "\n") != 17 || !mac_pton(page, mac) ||
	    !is_valid_ether_addr(mac)) {
		pr_err("device %s: mac must be a unicast address like 02:00:00:00:00:01\n",
		       vbus_device_name(&v->vdev));
		return -EINVAL;
	}
	ret = vbus_device_config_lock(&v->vdev);
	if (ret)
		return ret;
	ether_addr_copy(v->mac, mac);
	vbus_device_config_unlock(&v->vdev);
	return count;
}

static ssize_t venet_mtu_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", item_venet(item)->mtu);
}

static ssize_t venet_mtu_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct venet_dev *v = item_venet(item);
	u32 mtu;
	int ret;

	if (kstrtou32(page, 0, &mtu) || mtu < VENET_MTU_MIN ||
	    mtu > VENET_MTU_MAX) {
		pr_err("device %s: mtu must be %d to %d\n",
		       vbus_device_name(&v->vdev), VENET_MTU_MIN,
		       VENET_MTU_MAX);
		return -EINVAL;
	}
	ret = vbus_device_config_lock(&v->vdev);
	if (ret)
		return ret;
	v->mtu = mtu;
	rtnl_lock();
	ret = dev_set_mtu(v->ndev, mtu);
	rtnl_unlock();
	vbus_device_config_unlock(&v->vdev);
	return ret ? ret : count;
}

static ssize_t venet_hostif_show(struct config_item *item, char *page)
{
	struct venet_dev *v = item_venet(item);
	ssize_t len;

	rtnl_lock();
	len = sysfs_emit(page, "%s\n", v->ndev->name);
	rtnl_unlock();
	return len;
}

static struct net_device *venet_netdev_create(struct venet_dev *v,
					      const char *name);

/* A host interface cannot be renamed from a module: make a new one. */
static ssize_t venet_hostif_store(struct config_item *item, const char *page,
				  size_t count)
{
	struct venet_dev *v = item_venet(item);
	struct net_device *ndev, *old;
	char name[IFNAMSIZ];
	size_t len = strcspn(page, "\n");
	int ret;

	if (len >= IFNAMSIZ || !len) {
		pr_err("device %s: hostif must be 1 to %d bytes\n",
		       vbus_device_name(&v->vdev), IFNAMSIZ - 1);
		return -EINVAL;
	}
	memcpy(name, page, len);
	name[len] = '\0';
	if (!dev_valid_name(name)) {
		pr_err("device %s: '%s' is not a valid interface name\n",
		       vbus_device_name(&v->vdev), name);
		return -EINVAL;
	}
	ret = vbus_device_config_lock(&v->vdev);
	if (ret)
		return ret;
	ndev = venet_netdev_create(v, name);
	if (IS_ERR(ndev)) {
		vbus_device_config_unlock(&v->vdev);
		return PTR_ERR(ndev);
	}
	old = v->ndev;
	netif_napi_del(&v->napi);
	rtnl_lock();
	v->ndev = ndev;
	rtnl_unlock();
	netif_napi_add(ndev, &v->napi, venet_poll);
	vbus_device_config_unlock(&v->vdev);
	unregister_netdev(old);
	free_netdev(old);
	return count;
}

static ssize_t venet_stats_show(struct config_item *item, char *page)
{
	struct net_device *ndev = item_venet(item)->ndev;

	return sysfs_emit(page, "rx_packets %lu\ntx_packets %lu\ntx_dropped %lu\nrx_errors %lu\n",
			  ndev->stats.rx_packets, ndev->stats.tx_packets,
			  ndev->stats.tx_dropped,
			  ndev->stats.rx_errors + ndev->stats.rx_length_errors);
}

CONFIGFS_ATTR(venet_, mac);
CONFIGFS_ATTR(venet_, mtu);
CONFIGFS_ATTR(venet_, hostif);
CONFIGFS_ATTR_RO(venet_, stats);

static struct configfs_attribute *venet_attrs[] = {
	&venet_attr_mac,
	&venet_attr_mtu,
	&venet_attr_hostif,
	&venet_attr_stats,
	NULL,
};

static void venet_setup(struct net_device *ndev)
{
	ether_setup(ndev);
	ndev->netdev_ops = &venet_netdev_ops;
	ndev->ethtool_ops = &venet_ethtool_ops;
	ndev->min_mtu = VENET_MTU_MIN;
	ndev->max_mtu = VENET_MTU_MAX;
	ndev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	ndev->hw_features = VENET_BASE_FEATURES | VENET_OFFLOADS;
	ndev->features = ndev->hw_features;
	netif_set_tso_max_size(ndev, GSO_LEGACY_MAX_SIZE);
}

static struct net_device *venet_netdev_create(struct venet_dev *v,
					      const char *name)
{
	struct net_device *ndev;
	int ret;

	ndev = alloc_netdev(sizeof(struct venet_netdev_priv), name,
			    NET_NAME_USER, venet_setup);
	if (!ndev)
		return ERR_PTR(-ENOMEM);
	((struct venet_netdev_priv *)netdev_priv(ndev))->venet = v;
	eth_hw_addr_random(ndev);
	ndev->mtu = v->mtu;
	netif_carrier_off(ndev);
	ret = register_netdev(ndev);
	if (ret) {
		pr_err("device %s: host interface %s: %d\n",
		       vbus_device_name(&v->vdev), name, ret);
		free_netdev(ndev);
		return ERR_PTR(ret);
	}
	return ndev;
}

static struct vbus_device *venet_create(const char *name)
{
	struct venet_dev *v;
	struct net_device *ndev;

	if (strlen(name) >= IFNAMSIZ) {
		pr_err("device %s: name too long for a host interface (max %d)\n",
		       name, IFNAMSIZ - 1);
		return ERR_PTR(-EINVAL);
	}
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v)
		return ERR_PTR(-ENOMEM);
	eth_random_addr(v->mac);
	v->mtu = ETH_DATA_LEN;
	INIT_WORK(&v->link_work, venet_link_work);
	snprintf(v->rx.name, sizeof(v->rx.name), "%s/rx", name);
	snprintf(v->tx.name, sizeof(v->tx.name), "%s/tx", name);
	ndev = venet_netdev_create(v, name);
	if (IS_ERR(ndev)) {
		kfree(v);
		return ERR_CAST(ndev);
	}
	v->ndev = ndev;
	netif_napi_add(ndev, &v->napi, venet_poll);
	return &v->vdev;
}

static void venet_release(struct vbus_device *vdev)
{
	struct venet_dev *v = to_venet(vdev);

	netif_napi_del(&v->napi);
	unregister_netdev(v->ndev);
	/* After unregister, whose ndo_stop queues it once more. */
	cancel_work_sync(&v->link_work);
	free_netdev(v->ndev);
	kfree(v);
}

static const struct vbus_class_ops venet_ops = {
	.create = venet_create,
	.release = venet_release,
	.open = venet_open,
	.close = venet_close,
	.call = venet_call,
	.shm = venet_shm,
};

static struct vbus_class venet_class = {
	.name = "venet",
	.owner = THIS_MODULE,
	.ops = &venet_ops,
	.virtio = &venet_virtio_ops,
	.attrs = venet_attrs,
};

static int __init venet_init(void)
{
	return vbus_class_register(&venet_class);
}

static void __exit venet_exit(void)
{
	vbus_class_unregister(&venet_class);
}

module_init(venet_init);
module_exit(venet_exit);
MODULE_DESCRIPTION("vbus virtual Ethernet device class");
MODULE_LICENSE("GPL");
