// SPDX-License-Identifier: GPL-2.0
/*
 * venet: virtual Ethernet device class, host side.
 *
 * Each device owns a host netdev (named by the hostif attribute) for its
 * whole life. A client opens the device, registers an RX and a TX ioq
 * ring in its shared memory, and from then on frames the host stack
 * transmits land in the client's RX buffers, and frames the client posts
 * on TX are received by the host netdev through NAPI.
 *
 * Lifetimes and locking:
 * - config (mac, mtu, hostif) is protected by the vbus config lock and
 *   frozen while the bus is connected;
 * - the rings point into client memory that lives from the client's shm
 *   registration to its close; "running" (under the netdev TX lock) and
 *   napi_disable() make sure no path touches them after close returns;
 * - open/shm/close are serialised by the proxy device's lock.
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
#include <uapi/linux/vbus_venet.h>
#include "venet_ethtool.h"

#define VENET_MTU_MIN	68
#define VENET_MTU_MAX	9000

/**
 * struct venet_queue - one ring of a device
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
 * @rx: frames to the client; used under the netdev TX lock
 * @tx: frames from the client; used in @napi
 * @rx_next: an RX buffer popped ahead, so xmit knows before it stops
 * @rx_have_next: @rx_next is valid
 * @running: rings registered and in use; written under the netdev TX lock
 * @opened: a client has the device open (proxy lock)
 */
struct venet_dev {
	struct vbus_device vdev;
	struct net_device *ndev;
	u8 mac[ETH_ALEN];
	u32 mtu;
	struct napi_struct napi;
	struct venet_queue rx, tx;
	struct vbus_buf rx_next;
	bool rx_have_next;
	bool running;
	bool opened;
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

/* Reserve the next client RX buffer; false when the client has none. */
static bool venet_rx_reserve(struct venet_dev *v)
{
	struct vbus_queue *q = &v->rx.ioq.q;

	if (v->rx_have_next)
		return true;
	if (q->ops->pop(q, &v->rx_next))
		return false;
	v->rx_have_next = true;
	return true;
}

static netdev_tx_t venet_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	struct venet_dev *v = ndev_venet(ndev);
	struct vbus_queue *q = &v->rx.ioq.q;

	if (!v->running || !venet_rx_reserve(v)) {
		ndev->stats.tx_dropped++;
		goto out;
	}
	if (skb->len > v->rx_next.len || skb_linearize(skb) ||
	    vbus_memctx_copy_to(q->mem, v->rx_next.addr, skb->data, skb->len)) {
		ndev->stats.tx_dropped++;
		goto out;
	}
	if (q->ops->push(q, &v->rx_next, skb->len)) {
		ndev->stats.tx_errors++;
		goto out;
	}
	v->rx_have_next = false;
	ndev->stats.tx_packets++;
	ndev->stats.tx_bytes += skb->len;
	q->ops->signal(q);

	/* Stop before the ring runs dry; the client's kick wakes us. */
	if (!venet_rx_reserve(v)) {
		netif_stop_queue(ndev);
		if (q->ops->enable_notify(q) && venet_rx_reserve(v))
			netif_wake_queue(ndev);
	}
out:
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Client to host: NAPI over the client's TX ring. */

static int venet_poll(struct napi_struct *napi, int budget)
{
	struct venet_dev *v = container_of(napi, struct venet_dev, napi);
	struct net_device *ndev = v->ndev;
	struct vbus_queue *q = &v->tx.ioq.q;
	unsigned int max = v->mtu + VLAN_ETH_HLEN;
	struct vbus_buf buf;
	struct sk_buff *skb;
	int done = 0;

	shm_signal_take(&v->tx.ioq.signal);
	while (done < budget && !q->ops->pop(q, &buf)) {
		done++;
		if (buf.len < ETH_HLEN || buf.len > max) {
			ndev->stats.rx_length_errors++;
			goto complete;
		}
		skb = napi_alloc_skb(napi, buf.len);
		if (!skb) {
			ndev->stats.rx_dropped++;
			goto complete;
		}
		if (vbus_memctx_copy_from(q->mem, skb_put(skb, buf.len),
					  buf.addr, buf.len)) {
			kfree_skb(skb);
			ndev->stats.rx_errors++;
			goto complete;
		}
		skb->protocol = eth_type_trans(skb, ndev);
		ndev->stats.rx_packets++;
		ndev->stats.rx_bytes += buf.len;
		napi_gro_receive(napi, skb);
complete:
		q->ops->push(q, &buf, 0);
	}
	if (done)
		q->ops->signal(q);
	if (q->broken)
		netif_carrier_off(ndev);

	if (done < budget && napi_complete_done(napi, done) &&
	    q->ops->enable_notify(q))
		napi_schedule(napi);
	return done;
}

/* The client kicked one of our rings. Atomic context. */
static void venet_kick(struct vbus_shm_ring *ring)
{
	struct venet_dev *v = ring->device_priv;

	if (ring->id == VENET_RING_TX) {
		if (napi_schedule_prep(&v->napi)) {
			v->tx.ioq.q.ops->disable_notify(&v->tx.ioq.q);
			__napi_schedule(&v->napi);
		}
	} else if (netif_queue_stopped(v->ndev)) {
		shm_signal_take(&v->rx.ioq.signal);
		v->rx.ioq.q.ops->disable_notify(&v->rx.ioq.q);
		netif_wake_queue(v->ndev);
	}
}

static void venet_notify_client(struct shm_signal *s)
{
	struct venet_queue *vq = container_of(s, struct venet_queue,
					      ioq.signal);

	vq->shm->interrupt(vq->shm);
}

static const struct shm_signal_ops venet_signal_ops = {
	.notify = venet_notify_client,
};

static void venet_start(struct venet_dev *v)
{
	netif_tx_lock_bh(v->ndev);
	v->rx_have_next = false;
	v->running = true;
	netif_tx_unlock_bh(v->ndev);
	v->tx.ioq.q.ops->enable_notify(&v->tx.ioq.q);
	napi_enable(&v->napi);
	napi_schedule(&v->napi);
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

/* Device model ops, serialised by the proxy device lock. */

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

static int venet_call(struct vbus_device *vdev, u32 func, void *data,
		      size_t len)
{
	struct venet_dev *v = to_venet(vdev);
	struct venet_config *config = data;

	if (func != VENET_CALL_GET_CONFIG || len != sizeof(*config)) {
		pr_err("device %s: bad call %u (%zu bytes)\n",
		       vbus_device_name(vdev), func, len);
		return -EINVAL;
	}
	memset(config, 0, sizeof(*config));
	ether_addr_copy(config->mac, v->mac);
	config->mtu = cpu_to_le32(v->mtu);
	return 0;
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
	ring->kick = venet_kick;
	ring->device_priv = v;
	vq->shm = ring;
	if (v->rx.shm && v->tx.shm)
		venet_start(v);
	return 0;
}

/* Host netdev. */

static int venet_ndo_open(struct net_device *ndev)
{
	if (ndev_venet(ndev)->running)
		netif_carrier_on(ndev);
	else
		netif_carrier_off(ndev);
	return 0;
}

static int venet_ndo_stop(struct net_device *ndev)
{
	return 0;
}

static const struct net_device_ops venet_netdev_ops = {
	.ndo_open = venet_ndo_open,
	.ndo_stop = venet_ndo_stop,
	.ndo_start_xmit = venet_xmit,
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
