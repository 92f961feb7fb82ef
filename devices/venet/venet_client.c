// SPDX-License-Identifier: GPL-2.0
/*
 * venet client driver over the native connector: a netdev whose frames
 * travel through two ioq rings in a region of this driver's memory.
 *
 * Region layout: RX ring, TX ring, then VENET_RING_SIZE buffers for each;
 * slot i of a ring always uses buffer i of that ring. The region lives
 * from probe to remove, after the device is closed.
 *
 * Offloads: the client picks every capability the device offers
 * (checksum and TSO both ways, with a virtio-net header per frame), unless
 * loaded with offload=0. With TSO a buffer holds 64 KiB.
 *
 * TX: xmit (under the netdev TX lock) fills the next slot and kicks; NAPI
 * reaps completions. RX: NAPI takes filled buffers and posts them again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/vmalloc.h>
#include <linux/vbus_native.h>
#include <linux/virtio_net.h>
#include <uapi/linux/vbus_venet.h>
#include "venet_ethtool.h"
#include "venet_skb.h"

static bool offload = true;
module_param(offload, bool, 0644);
MODULE_PARM_DESC(offload, "use the checksum and TSO offloads the device offers");

#define VENET_RING_SIZE	256

/**
 * struct venet_cring - client side of one ring
 * @ring: the ring in our region
 * @sig: our end of its shm-signal
 * @shm: its registration with the device
 * @buf_base: offset of buffer 0 in the region
 * @buf_size: bytes per buffer
 * @head: next avail slot we post (ours)
 * @used_tail: next used slot we reap (ours)
 */
struct venet_cring {
	struct ioq_ring *ring;
	struct shm_signal sig;
	struct vbus_shm_ring shm;
	u64 buf_base;
	u32 buf_size;
	u32 head;
	u32 used_tail;
};

/**
 * struct venet_client - per-device state (the netdev's private area)
 * @pdev: our proxy device
 * @ndev: our netdev
 * @region: shared memory (vmalloc), freed after close
 * @mem: memory context over @region
 * @caps: VENET_CAP_* picked at probe
 * @hdr_len: bytes of virtio-net header before each frame, or 0
 * @host_up: the host interface is up (config status; device lock or rtnl)
 * @napi: RX and TX completion processing
 * @rx: frames from the device
 * @tx: frames to the device
 */
struct venet_client {
	struct vbus_proxy_device *pdev;
	struct net_device *ndev;
	void *region;
	struct vbus_memctx mem;
	u64 caps;
	u32 hdr_len;
	bool host_up;
	struct napi_struct napi;
	struct venet_cring rx, tx;
};

static void *slot_buf(struct venet_client *c, struct venet_cring *r, u32 slot)
{
	return c->region + r->buf_base + (u64)slot * r->buf_size;
}

static void cring_post(struct venet_client *c, struct venet_cring *r, u32 len)
{
	u32 slot = r->head & (VENET_RING_SIZE - 1);
	struct ioq_desc *d = &r->ring->desc[slot];

	d->addr = cpu_to_le64(r->buf_base + (u64)slot * r->buf_size);
	d->len = cpu_to_le32(len);
	/* The buffer before the ownership that hands it over. */
	smp_wmb();
	WRITE_ONCE(d->flags, cpu_to_le32(IOQ_DESC_F_HOST_OWNED));
	r->head++;
}

static void cring_publish(struct venet_cring *r)
{
	/* The descriptors before the index that publishes them. */
	smp_wmb();
	WRITE_ONCE(r->ring->idx[IOQ_IDX_AVAIL].head, cpu_to_le32(r->head));
	shm_signal_inject(&r->sig);
}

static u32 cring_used_head(struct venet_cring *r)
{
	u32 head = le32_to_cpu(READ_ONCE(r->ring->idx[IOQ_IDX_USED].head));

	/* The index before the descriptors it covers. */
	smp_rmb();
	return head;
}

static netdev_tx_t venet_client_xmit(struct sk_buff *skb,
				     struct net_device *ndev)
{
	struct venet_client *c = netdev_priv(ndev);
	struct venet_cring *r = &c->tx;
	u32 slot = r->head & (VENET_RING_SIZE - 1);
	void *buf = slot_buf(c, r, slot);

	if (skb->len + c->hdr_len > r->buf_size || skb->len < ETH_HLEN ||
	    (c->hdr_len &&
	     virtio_net_hdr_from_skb(skb, buf, true, false, 0))) {
		ndev->stats.tx_dropped++;
		goto out;
	}
	if (c->hdr_len)
		memset(buf + sizeof(struct virtio_net_hdr), 0,
		       c->hdr_len - sizeof(struct virtio_net_hdr));
	skb_copy_bits(skb, 0, buf + c->hdr_len, skb->len);
	cring_post(c, r, c->hdr_len + skb->len);
	cring_publish(r);
	ndev->stats.tx_packets++;
	ndev->stats.tx_bytes += skb->len;

	if (r->head - READ_ONCE(r->used_tail) >= VENET_RING_SIZE) {
		netif_stop_queue(ndev);
		/* Recheck after stopping: NAPI may have reaped meanwhile. */
		smp_mb();
		if (r->head - READ_ONCE(r->used_tail) < VENET_RING_SIZE)
			netif_wake_queue(ndev);
	}
out:
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

static void venet_client_reap_tx(struct venet_client *c)
{
	struct venet_cring *r = &c->tx;
	u32 head = cring_used_head(r);

	if (head - r->used_tail > VENET_RING_SIZE)
		return;	/* the device is broken; nothing to trust */
	if (head == r->used_tail)
		return;
	WRITE_ONCE(r->used_tail, head);
	/* used_tail before the queue state; pairs with xmit's recheck */
	smp_mb();
	if (netif_queue_stopped(c->ndev))
		netif_wake_queue(c->ndev);
}

static void venet_client_rx_one(struct venet_client *c, void *buf, u32 len)
{
	struct net_device *ndev = c->ndev;
	struct virtio_net_hdr hdr;
	struct sk_buff *skb;

	/* Copied once: the device could rewrite the buffer under us. */
	memcpy(&hdr, buf, c->hdr_len ? sizeof(hdr) : 0);
	len -= c->hdr_len;
	skb = venet_alloc_rx_skb(&c->napi, len);
	if (!skb) {
		ndev->stats.rx_dropped++;
		return;
	}
	skb_store_bits(skb, 0, buf + c->hdr_len, len);
	venet_rx_deliver(&c->napi, ndev, skb, c->hdr_len ? &hdr : NULL);
}

static int venet_client_rx(struct venet_client *c, int budget)
{
	struct venet_cring *r = &c->rx;
	struct net_device *ndev = c->ndev;
	u32 head = cring_used_head(r);
	int done = 0;

	while (done < budget && r->used_tail != head) {
		u32 slot = r->used_tail & (VENET_RING_SIZE - 1);
		u32 len = le32_to_cpu(READ_ONCE(r->ring->desc[slot].len));

		r->used_tail++;
		done++;
		if (len < c->hdr_len + ETH_HLEN || len > r->buf_size)
			ndev->stats.rx_length_errors++;
		else
			venet_client_rx_one(c, slot_buf(c, r, slot), len);
		cring_post(c, r, r->buf_size);
	}
	if (done)
		cring_publish(r);
	return done;
}

static int venet_client_poll(struct napi_struct *napi, int budget)
{
	struct venet_client *c = container_of(napi, struct venet_client, napi);
	int done;

	shm_signal_take(&c->rx.sig);
	shm_signal_take(&c->tx.sig);
	venet_client_reap_tx(c);
	done = venet_client_rx(c, budget);
	if (done < budget && napi_complete_done(napi, done)) {
		bool more = shm_signal_enable(&c->rx.sig);

		more |= shm_signal_enable(&c->tx.sig);
		if (more || cring_used_head(&c->rx) != c->rx.used_tail)
			napi_schedule(napi);
	}
	return done;
}

/* The device signalled a ring. Atomic context. */
static void venet_client_interrupt(struct vbus_shm_ring *ring)
{
	struct venet_client *c = ring->client_priv;

	napi_schedule(&c->napi);
}

/* Our end of a shm-signal notifies the device through its kick. */
static void venet_client_kick(struct shm_signal *s)
{
	struct venet_cring *r = container_of(s, struct venet_cring, sig);

	vbus_shm_ring_kick(&r->shm);
}

static const struct shm_signal_ops venet_client_signal_ops = {
	.notify = venet_client_kick,
};

/* Our link is up while we are open and the host interface is up. */
static void venet_client_carrier(struct venet_client *c)
{
	if (netif_running(c->ndev) && c->host_up)
		netif_carrier_on(c->ndev);
	else
		netif_carrier_off(c->ndev);
}

static void venet_client_set_link(struct venet_client *c, bool up)
{
	__le32 link = cpu_to_le32(up);

	/* Only the host's carrier depends on it: nothing to undo. */
	vbus_proxy_call(c->pdev, VENET_CALL_SET_LINK, &link, sizeof(link));
}

static int venet_client_open(struct net_device *ndev)
{
	struct venet_client *c = netdev_priv(ndev);

	napi_enable(&c->napi);
	napi_schedule(&c->napi);
	netif_start_queue(ndev);
	venet_client_carrier(c);
	venet_client_set_link(c, true);
	return 0;
}

static int venet_client_stop(struct net_device *ndev)
{
	struct venet_client *c = netdev_priv(ndev);

	venet_client_set_link(c, false);
	netif_stop_queue(ndev);
	netif_carrier_off(ndev);
	napi_disable(&c->napi);
	return 0;
}

static void venet_client_get_drvinfo(struct net_device *ndev,
				     struct ethtool_drvinfo *info)
{
	struct venet_client *c = netdev_priv(ndev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->bus_info, dev_name(&c->pdev->dev),
		sizeof(info->bus_info));
}

static const struct ethtool_ops venet_client_ethtool_ops = {
	.get_drvinfo = venet_client_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_sset_count = venet_get_sset_count,
	.get_strings = venet_get_strings,
	.get_ethtool_stats = venet_get_ethtool_stats,
};

static size_t ring_bytes(void)
{
	return ALIGN(sizeof(struct ioq_ring) +
		     VENET_RING_SIZE * sizeof(struct ioq_desc), 64);
}

static void cring_init(struct venet_client *c, struct venet_cring *r, u32 id,
		       u64 ring_off, u64 buf_base)
{
	r->ring = c->region + ring_off;
	r->ring->magic = cpu_to_le32(IOQ_MAGIC);
	r->ring->version = cpu_to_le32(IOQ_VERSION);
	r->ring->count = cpu_to_le32(VENET_RING_SIZE);
	r->ring->signal.magic = cpu_to_le32(SHM_SIGNAL_MAGIC);
	r->ring->signal.version = cpu_to_le32(SHM_SIGNAL_VERSION);
	r->buf_base = buf_base;
	r->head = 0;
	r->used_tail = 0;
	shm_signal_init(&r->sig, &r->ring->signal, SHM_SIGNAL_TO_NORTH,
			&venet_client_signal_ops);
	shm_signal_enable(&r->sig);
	r->shm.id = id;
	r->shm.mem = &c->mem;
	r->shm.offset = ring_off;
	r->shm.len = ring_bytes();
	r->shm.interrupt = venet_client_interrupt;
	r->shm.client_priv = c;
}

/* A frame of the MTU, or of TSO's 64 KiB, after the header, 64-aligned. */
static u32 venet_client_buf_size(struct venet_client *c, bool tso, u32 mtu)
{
	return ALIGN(c->hdr_len + (tso ? VENET_TSO_MAX_FRAME :
					 mtu + VLAN_ETH_HLEN), 64);
}

/*
 * With the device open: pick @c->caps, lay out the region for @mtu, post
 * every RX buffer and register both rings.
 */
static int venet_client_rings(struct venet_client *c, u32 mtu)
{
	__le64 caps = cpu_to_le64(c->caps);
	size_t size;
	u32 i;
	int ret;

	ret = vbus_proxy_call(c->pdev, VENET_CALL_SET_CAPS, &caps,
			      sizeof(caps));
	if (ret)
		return ret;
	c->rx.buf_size = venet_client_buf_size(c, c->caps & VENET_CAP_GUEST_TSO,
					       mtu);
	c->tx.buf_size = venet_client_buf_size(c, c->caps & VENET_CAP_TSO,
					       mtu);
	size = 2 * ring_bytes() + VENET_RING_SIZE *
	       ((size_t)c->rx.buf_size + c->tx.buf_size);
	c->region = vzalloc(size);
	if (!c->region)
		return -ENOMEM;
	vbus_memctx_init_kernel(&c->mem, c->region, size);
	cring_init(c, &c->rx, VENET_RING_RX, 0, 2 * ring_bytes());
	cring_init(c, &c->tx, VENET_RING_TX, ring_bytes(),
		   2 * ring_bytes() + VENET_RING_SIZE * (u64)c->rx.buf_size);
	/* RX buffers are posted before the device can look at the ring. */
	for (i = 0; i < VENET_RING_SIZE; i++)
		cring_post(c, &c->rx, c->rx.buf_size);
	WRITE_ONCE(c->rx.ring->idx[IOQ_IDX_AVAIL].head,
		   cpu_to_le32(c->rx.head));
	ret = vbus_proxy_shm(c->pdev, &c->rx.shm);
	if (!ret)
		ret = vbus_proxy_shm(c->pdev, &c->tx.shm);
	return ret;
}

/* Close the device (it stops using our memory), then free the region. */
static void venet_client_unrings(struct venet_client *c)
{
	vbus_proxy_close(c->pdev);
	vfree(c->region);
	c->region = NULL;
}

/*
 * A new MTU that the buffers hold takes effect at once; a larger one
 * flushes both rings and sets them up again with larger buffers.
 */
static int venet_client_change_mtu(struct net_device *ndev, int new_mtu)
{
	struct venet_client *c = netdev_priv(ndev);
	bool running = netif_running(ndev);
	int ret;

	if (c->hdr_len + new_mtu + VLAN_ETH_HLEN <=
	    min(c->rx.buf_size, c->tx.buf_size)) {
		WRITE_ONCE(ndev->mtu, new_mtu);
		return 0;
	}
	if (running) {
		netif_tx_disable(ndev);
		napi_disable(&c->napi);
	}
	venet_client_unrings(c);
	ret = vbus_proxy_open(c->pdev, VENET_VERSION);
	if (!ret)
		ret = venet_client_rings(c, new_mtu);
	if (ret) {
		netdev_err(ndev, "rings for mtu %d: %d; back to %u\n", new_mtu,
			   ret, ndev->mtu);
		venet_client_unrings(c);
		if (!vbus_proxy_open(c->pdev, VENET_VERSION) &&
		    venet_client_rings(c, ndev->mtu))
			venet_client_unrings(c);
	} else {
		WRITE_ONCE(ndev->mtu, new_mtu);
	}
	if (running) {
		napi_enable(&c->napi);
		napi_schedule(&c->napi);
		netif_wake_queue(ndev);
		/* A new open: the device forgot our link state. */
		venet_client_set_link(c, true);
	}
	return ret;
}

static const struct net_device_ops venet_client_netdev_ops = {
	.ndo_open = venet_client_open,
	.ndo_stop = venet_client_stop,
	.ndo_start_xmit = venet_client_xmit,
	.ndo_change_mtu = venet_client_change_mtu,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static int venet_client_probe(struct vbus_proxy_device *pdev)
{
	struct venet_config config;
	struct venet_client *c;
	struct net_device *ndev;
	u32 mtu;
	int ret;

	ret = vbus_proxy_open(pdev, VENET_VERSION);
	if (ret)
		return ret;
	ret = vbus_proxy_call(pdev, VENET_CALL_GET_CONFIG, &config,
			      sizeof(config));
	if (ret)
		goto err_close;
	mtu = le32_to_cpu(config.mtu);

	ret = -ENOMEM;
	ndev = alloc_etherdev(sizeof(*c));
	if (!ndev)
		goto err_close;
	SET_NETDEV_DEV(ndev, &pdev->dev);
	c = netdev_priv(ndev);
	c->pdev = pdev;
	c->ndev = ndev;
	c->caps = offload ? le64_to_cpu(config.caps) & VENET_CAPS_ALL : 0;
	c->host_up = le16_to_cpu(config.status) & VENET_STATUS_LINK_UP;
	c->hdr_len = c->caps & VENET_CAP_VNET_HDR ?
		     sizeof(struct virtio_net_hdr_mrg_rxbuf) : 0;

	ndev->netdev_ops = &venet_client_netdev_ops;
	ndev->ethtool_ops = &venet_client_ethtool_ops;
	ndev->mtu = mtu;
	ndev->min_mtu = 68;
	ndev->max_mtu = VENET_MTU_MAX;
	eth_hw_addr_set(ndev, config.mac);
	if (c->caps & VENET_CAP_CSUM)
		ndev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM;
	if (c->caps & VENET_CAP_TSO)
		ndev->hw_features |= NETIF_F_TSO | NETIF_F_TSO6;
	ndev->features |= ndev->hw_features;
	netif_napi_add(ndev, &c->napi, venet_client_poll);
	netif_carrier_off(ndev);
	dev_set_drvdata(&pdev->dev, c);

	ret = venet_client_rings(c, mtu);
	if (ret)
		goto err_napi;
	ret = register_netdev(ndev);
	if (ret)
		goto err_napi;
	netdev_info(ndev, "venet client of %s, mtu %u, caps %#llx\n",
		    dev_name(&pdev->dev), mtu, c->caps);
	return 0;

err_napi:
	netif_napi_del(&c->napi);
	venet_client_unrings(c);
	free_netdev(ndev);
	return ret;
err_close:
	vbus_proxy_close(pdev);
	return ret;
}

static void venet_client_remove(struct vbus_proxy_device *pdev)
{
	struct venet_client *c = dev_get_drvdata(&pdev->dev);
	struct net_device *ndev = c->ndev;

	unregister_netdev(ndev);
	venet_client_unrings(c);
	netif_napi_del(&c->napi);
	free_netdev(ndev);
}

/* The host link changed: read the config again. */
static void venet_client_config_changed(struct vbus_proxy_device *pdev)
{
	struct venet_client *c = dev_get_drvdata(&pdev->dev);
	struct venet_config config;

	if (vbus_proxy_call(pdev, VENET_CALL_GET_CONFIG, &config,
			    sizeof(config)))
		return;
	rtnl_lock();
	c->host_up = le16_to_cpu(config.status) & VENET_STATUS_LINK_UP;
	venet_client_carrier(c);
	rtnl_unlock();
}

static struct vbus_proxy_driver venet_client_driver = {
	.type = "venet",
	.probe = venet_client_probe,
	.remove = venet_client_remove,
	.config_changed = venet_client_config_changed,
	.driver = {
		.name = "vbus_venet_client",
	},
};

static int __init venet_client_init(void)
{
	return vbus_proxy_driver_register(&venet_client_driver);
}

static void __exit venet_client_exit(void)
{
	vbus_proxy_driver_unregister(&venet_client_driver);
}

module_init(venet_client_init);
module_exit(venet_client_exit);
MODULE_DESCRIPTION("vbus venet client driver (native connector)");
MODULE_ALIAS("vbus-proxy:venet");
MODULE_LICENSE("GPL");
