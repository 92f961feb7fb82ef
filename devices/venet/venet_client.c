// SPDX-License-Identifier: GPL-2.0
/*
 * venet client driver over the native connector: a netdev whose frames
 * travel through two ioq rings in a region of this driver's memory.
 *
 * The device is a virtio-net device: the driver reads its features and
 * config space (MAC, link status, MTU), accepts checksum and TSO offloads
 * both ways unless loaded with offload=0, and prefixes every frame with a
 * struct virtio_net_hdr_mrg_rxbuf.
 *
 * Lifetimes: like a NIC's rings, the region (RX ring, TX ring, then
 * VENET_RING_SIZE buffers for each; slot i of a ring uses buffer i) is
 * allocated at ndo_open, with the device opened and started, and freed at
 * ndo_stop after the device is closed. @up says whether it exists, and
 * whether NAPI is enabled; an MTU change while up lays it out again.
 *
 * TX: xmit (under the netdev TX lock) reaps completions, fills the next
 * slot and kicks. The device notifies TX completions only while the ring
 * is full (the queue stopped), as virtio_net without TX NAPI: a frame's
 * completion would otherwise schedule NAPI a second time per round trip.
 * RX: NAPI takes filled buffers and posts them again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/netdevice.h>
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
#define VENET_HDR_LEN	sizeof(struct virtio_net_hdr_mrg_rxbuf)
#define VENET_CLIENT_BASE \
	(BIT_ULL(VIRTIO_NET_F_MAC) | BIT_ULL(VIRTIO_NET_F_STATUS))
#define VENET_CLIENT_OFFLOADS \
	(BIT_ULL(VIRTIO_NET_F_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) | \
	 BIT_ULL(VIRTIO_NET_F_HOST_TSO4) | BIT_ULL(VIRTIO_NET_F_HOST_TSO6) | \
	 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) | BIT_ULL(VIRTIO_NET_F_GUEST_TSO6))

/**
 * struct venet_cring - client side of one ring
 * @ioq: the ring in our region
 * @shm: its registration with the device
 * @buf_base: offset of buffer 0 in the region
 * @buf_size: bytes per buffer
 */
struct venet_cring {
	struct vbus_ioq_client ioq;
	struct vbus_shm_ring shm;
	u64 buf_base;
	u32 buf_size;
};

/**
 * struct venet_client - per-device state (the netdev's private area)
 * @pdev: our proxy device
 * @ndev: our netdev
 * @region: shared memory (vmalloc) while @up
 * @mem: memory context over @region
 * @features: VIRTIO_NET_F_* accepted at probe
 * @host_up: the host interface is up (config status; rtnl)
 * @up: the device is started on @region and NAPI enabled (rtnl)
 * @tx_notify: TX completions are notified (xmit's, under the TX lock)
 * @napi: RX, and waking a TX queue stopped on a full ring
 * @rx: frames from the device
 * @tx: frames to the device
 */
struct venet_client {
	struct vbus_proxy_device *pdev;
	struct net_device *ndev;
	void *region;
	struct vbus_memctx mem;
	u64 features;
	bool host_up;
	bool up;
	bool tx_notify;
	struct napi_struct napi;
	struct venet_cring rx, tx;
};

static bool has(struct venet_client *c, unsigned int bit)
{
	return c->features & BIT_ULL(bit);
}

static u64 slot_addr(struct venet_cring *r, u32 slot)
{
	return r->buf_base + (u64)slot * r->buf_size;
}

static u32 next_slot(struct venet_cring *r)
{
	return r->ioq.head & (VENET_RING_SIZE - 1);
}

/* TX completions, reaped by xmit alone (under the TX lock). */
static u32 venet_client_tx_room(struct venet_client *c)
{
	struct vbus_ioq_client *ioq = &c->tx.ioq;
	u32 slot, len;

	while (!vbus_ioq_client_reap(ioq, &slot, &len))
		;
	return VENET_RING_SIZE - (ioq->head - ioq->used_tail);
}

/*
 * The ring is full: stop, and ask for a notification of the next
 * completion. One may have come meanwhile: look again after asking.
 */
static void venet_client_tx_stop(struct venet_client *c)
{
	netif_stop_queue(c->ndev);
	/* stopped before notifications are on; pairs with the poll's wake */
	smp_mb__after_atomic();
	c->tx_notify = true;
	vbus_shm_signal_enable(&c->tx.ioq.signal);
	if (venet_client_tx_room(c))
		netif_wake_queue(c->ndev);
}

static netdev_tx_t venet_client_xmit(struct sk_buff *skb,
				     struct net_device *ndev)
{
	struct venet_client *c = netdev_priv(ndev);
	struct venet_cring *r = &c->tx;
	unsigned int len = skb->len;
	void *buf;
	u32 slot;

	if (c->tx_notify) {
		vbus_shm_signal_disable(&r->ioq.signal);
		c->tx_notify = false;
	}
	if (!venet_client_tx_room(c)) {
		venet_client_tx_stop(c);
		return NETDEV_TX_BUSY;
	}
	slot = next_slot(r);
	buf = c->region + slot_addr(r, slot);
	if (VENET_HDR_LEN + len > r->buf_size || len < ETH_HLEN ||
	    virtio_net_hdr_from_skb(skb, buf, true, false, 0)) {
		ndev->stats.tx_dropped++;
		goto out;
	}
	memset(buf + sizeof(struct virtio_net_hdr), 0,
	       VENET_HDR_LEN - sizeof(struct virtio_net_hdr));
	skb_copy_bits(skb, 0, buf + VENET_HDR_LEN, len);
	vbus_ioq_client_post(&r->ioq, slot_addr(r, slot), VENET_HDR_LEN + len);
	vbus_ioq_client_publish(&r->ioq);
	dev_sw_netstats_tx_add(ndev, 1, len);
	if (!venet_client_tx_room(c))
		venet_client_tx_stop(c);
out:
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

/* A TX completion notified: xmit reaps it once woken. */
static void venet_client_tx_wake(struct venet_client *c)
{
	if (netif_queue_stopped(c->ndev) &&
	    vbus_ioq_client_pending(&c->tx.ioq))
		netif_wake_queue(c->ndev);
}

static void venet_client_rx_one(struct venet_client *c, void *buf, u32 len)
{
	struct net_device *ndev = c->ndev;
	struct virtio_net_hdr hdr;
	struct sk_buff *skb;

	/* Copied once: the device could rewrite the buffer under us. */
	memcpy(&hdr, buf, sizeof(hdr));
	len -= VENET_HDR_LEN;
	skb = venet_alloc_rx_skb(&c->napi, len);
	if (!skb) {
		ndev->stats.rx_dropped++;
		return;
	}
	skb_store_bits(skb, 0, buf + VENET_HDR_LEN, len);
	venet_rx_deliver(&c->napi, ndev, skb, &hdr);
}

static int venet_client_rx(struct venet_client *c, int budget)
{
	struct venet_cring *r = &c->rx;
	u32 slot, len;
	int done = 0;

	while (done < budget && !vbus_ioq_client_reap(&r->ioq, &slot, &len)) {
		done++;
		if (len < VENET_HDR_LEN + ETH_HLEN || len > r->buf_size)
			c->ndev->stats.rx_length_errors++;
		else
			venet_client_rx_one(c, c->region + slot_addr(r, slot),
					    len);
		vbus_ioq_client_post(&r->ioq, slot_addr(r, next_slot(r)),
				     r->buf_size);
	}
	if (done)
		vbus_ioq_client_publish(&r->ioq);
	return done;
}

static int venet_client_poll(struct napi_struct *napi, int budget)
{
	struct venet_client *c = container_of(napi, struct venet_client, napi);
	int done;

	vbus_shm_signal_take(&c->rx.ioq.signal);
	if (vbus_shm_signal_take(&c->tx.ioq.signal))
		venet_client_tx_wake(c);
	done = venet_client_rx(c, budget);
	if (done < budget && napi_complete_done(napi, done) &&
	    (vbus_shm_signal_enable(&c->rx.ioq.signal) ||
	     vbus_ioq_client_pending(&c->rx.ioq)))
		napi_schedule(napi);
	return done;
}

/* The device signalled a ring. Atomic context. */
static void venet_client_interrupt(void *priv)
{
	struct venet_client *c = priv;

	napi_schedule(&c->napi);
}

/* Our link is up while we are up and the host interface is up. */
static void venet_client_carrier(struct venet_client *c)
{
	if (c->up && c->host_up)
		netif_carrier_on(c->ndev);
	else
		netif_carrier_off(c->ndev);
}

/* A frame of the MTU, or of TSO's 64 KiB, after the header, 64-aligned. */
static u32 venet_client_buf_size(bool tso, u32 mtu)
{
	return ALIGN(VENET_HDR_LEN + (tso ? VENET_TSO_MAX_FRAME :
					    mtu + VLAN_ETH_HLEN), 64);
}

static int cring_register(struct venet_client *c, struct venet_cring *r,
			  unsigned int index, u64 ring_off, u64 buf_base)
{
	int ret;

	vbus_ioq_client_init(&r->ioq, c->region + ring_off, VENET_RING_SIZE);
	r->buf_base = buf_base;
	r->shm.mem = &c->mem;
	r->shm.offset = ring_off;
	r->shm.len = vbus_ioq_ring_size(VENET_RING_SIZE);
	r->shm.interrupt.fn = venet_client_interrupt;
	r->shm.interrupt.priv = c;
	ret = vbus_proxy_set_ring(c->pdev, index, &r->shm);
	if (!ret)
		vbus_callback_set(&r->ioq.signal.notify, r->shm.kick.fn,
				  r->shm.kick.priv);
	return ret;
}

/* Open the device, lay out the region for @mtu, register, start. */
static int venet_client_up(struct venet_client *c, u32 mtu)
{
	size_t ring = vbus_ioq_ring_size(VENET_RING_SIZE), size;
	u32 i;
	int ret;

	c->rx.buf_size = venet_client_buf_size(has(c, VIRTIO_NET_F_GUEST_TSO4),
					       mtu);
	c->tx.buf_size = venet_client_buf_size(has(c, VIRTIO_NET_F_HOST_TSO4),
					       mtu);
	size = 2 * ring + VENET_RING_SIZE *
	       ((size_t)c->rx.buf_size + c->tx.buf_size);
	c->region = vzalloc(size);
	if (!c->region)
		return -ENOMEM;
	vbus_memctx_init_kernel(&c->mem, c->region, size);
	ret = vbus_proxy_open(c->pdev, c->features);
	if (ret)
		goto err_free;
	ret = cring_register(c, &c->rx, VENET_QUEUE_RX, 0, 2 * ring);
	if (ret)
		goto err_close;
	/* RX buffers are posted before the device can look at the ring. */
	for (i = 0; i < VENET_RING_SIZE; i++)
		vbus_ioq_client_post(&c->rx.ioq, slot_addr(&c->rx, i),
				     c->rx.buf_size);
	vbus_ioq_client_publish(&c->rx.ioq);
	ret = cring_register(c, &c->tx, VENET_QUEUE_TX, ring,
			     2 * ring + VENET_RING_SIZE * (u64)c->rx.buf_size);
	if (!ret)
		ret = vbus_proxy_start(c->pdev);
	if (ret)
		goto err_close;
	/* vbus_ioq_client_init() left them on; the first xmit turns them off. */
	c->tx_notify = true;
	napi_enable(&c->napi);
	napi_schedule(&c->napi);
	c->up = true;
	return 0;

err_close:
	vbus_proxy_close(c->pdev);
err_free:
	vfree(c->region);
	c->region = NULL;
	return ret;
}

/* Stop NAPI, close the device (it stops using our memory), free it. */
static void venet_client_down(struct venet_client *c)
{
	if (!c->up)
		return;
	c->up = false;
	napi_disable(&c->napi);
	vbus_proxy_close(c->pdev);
	vfree(c->region);
	c->region = NULL;
}

static int venet_client_open(struct net_device *ndev)
{
	struct venet_client *c = netdev_priv(ndev);
	int ret;

	ret = venet_client_up(c, ndev->mtu);
	if (ret) {
		netdev_err(ndev, "device %s did not start: %d\n",
			   dev_name(&c->pdev->dev), ret);
		return ret;
	}
	netif_start_queue(ndev);
	venet_client_carrier(c);
	return 0;
}

static int venet_client_stop(struct net_device *ndev)
{
	struct venet_client *c = netdev_priv(ndev);

	netif_tx_disable(ndev);
	venet_client_down(c);
	venet_client_carrier(c);
	return 0;
}

/*
 * A new MTU that the buffers hold takes effect at once; a larger one, while
 * up, resets the device and lays the region out again. If that fails, the
 * old MTU is tried; if that fails too, the interface stays down (no
 * carrier, nothing in flight) until the next open.
 */
static int venet_client_change_mtu(struct net_device *ndev, int new_mtu)
{
	struct venet_client *c = netdev_priv(ndev);
	int ret;

	if (!c->up || VENET_HDR_LEN + new_mtu + VLAN_ETH_HLEN <=
		      min(c->rx.buf_size, c->tx.buf_size)) {
		WRITE_ONCE(ndev->mtu, new_mtu);
		return 0;
	}
	netif_tx_disable(ndev);
	venet_client_down(c);
	ret = venet_client_up(c, new_mtu);
	if (ret) {
		netdev_err(ndev, "rings for mtu %d: %d; back to %u\n", new_mtu,
			   ret, ndev->mtu);
		if (venet_client_up(c, ndev->mtu))
			netdev_err(ndev, "device down until the next open\n");
	} else {
		WRITE_ONCE(ndev->mtu, new_mtu);
	}
	if (c->up)
		netif_wake_queue(ndev);
	venet_client_carrier(c);
	return ret;
}

static const struct net_device_ops venet_client_netdev_ops = {
	.ndo_init = venet_ndo_init,
	.ndo_uninit = venet_ndo_uninit,
	.ndo_open = venet_client_open,
	.ndo_stop = venet_client_stop,
	.ndo_start_xmit = venet_client_xmit,
	.ndo_change_mtu = venet_client_change_mtu,
	.ndo_get_stats64 = dev_get_tstats64,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

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

/* The host's link state, from the config space. */
static bool venet_client_host_up(struct vbus_proxy_device *pdev)
{
	__virtio16 status;

	if (vbus_proxy_get_config(pdev, offsetof(struct virtio_net_config,
						 status),
				  &status, sizeof(status)))
		return false;
	return __virtio16_to_cpu(true, status) & VIRTIO_NET_S_LINK_UP;
}

static int venet_client_probe(struct vbus_proxy_device *pdev)
{
	struct virtio_net_config config;
	struct venet_client *c;
	struct net_device *ndev;
	u64 want = VENET_CLIENT_BASE | (offload ? VENET_CLIENT_OFFLOADS : 0);
	int ret;

	ret = vbus_proxy_get_config(pdev, 0, &config, sizeof(config));
	if (ret)
		return ret;
	ndev = alloc_etherdev(sizeof(*c));
	if (!ndev)
		return -ENOMEM;
	SET_NETDEV_DEV(ndev, &pdev->dev);
	c = netdev_priv(ndev);
	c->pdev = pdev;
	c->ndev = ndev;
	c->features = vbus_proxy_features(pdev) & want;
	c->host_up = __virtio16_to_cpu(true, config.status) &
		     VIRTIO_NET_S_LINK_UP;

	ndev->netdev_ops = &venet_client_netdev_ops;
	ndev->ethtool_ops = &venet_client_ethtool_ops;
	ndev->mtu = __virtio16_to_cpu(true, config.mtu) ?: ETH_DATA_LEN;
	ndev->min_mtu = ETH_MIN_MTU;
	ndev->max_mtu = VENET_MTU_MAX;
	if (has(c, VIRTIO_NET_F_MAC))
		eth_hw_addr_set(ndev, config.mac);
	else
		eth_hw_addr_random(ndev);
	if (has(c, VIRTIO_NET_F_CSUM))
		ndev->hw_features |= NETIF_F_SG | NETIF_F_HW_CSUM;
	if (has(c, VIRTIO_NET_F_HOST_TSO4))
		ndev->hw_features |= NETIF_F_TSO | NETIF_F_TSO6;
	ndev->features |= ndev->hw_features;
	netif_napi_add(ndev, &c->napi, venet_client_poll);
	netif_carrier_off(ndev);
	dev_set_drvdata(&pdev->dev, c);

	ret = register_netdev(ndev);
	if (ret) {
		netif_napi_del(&c->napi);
		free_netdev(ndev);
		return ret;
	}
	netdev_info(ndev, "venet client of %s, mtu %u, features %#llx\n",
		    dev_name(&pdev->dev), ndev->mtu, c->features);
	return 0;
}

static void venet_client_remove(struct vbus_proxy_device *pdev)
{
	struct venet_client *c = dev_get_drvdata(&pdev->dev);
	struct net_device *ndev = c->ndev;

	/* Closes the interface, and with it the device. */
	unregister_netdev(ndev);
	netif_napi_del(&c->napi);
	free_netdev(ndev);
}

/* The host link changed: read the status again. */
static void venet_client_config_changed(struct vbus_proxy_device *pdev)
{
	struct venet_client *c = dev_get_drvdata(&pdev->dev);
	bool host_up = venet_client_host_up(pdev);

	rtnl_lock();
	c->host_up = host_up;
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
