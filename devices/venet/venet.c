// SPDX-License-Identifier: GPL-2.0
/*
 * venet: virtual Ethernet device class. This file is the class: configfs
 * attributes, the host netdev's lifetime and the device interface
 * (virtio-net features, config space, start, stop); venet_net.c moves the
 * frames. No connector appears here: every connector serves the same
 * device interface.
 *
 * Lifetimes and locking:
 * - config (mac, mtu, hostif) is protected by the vbus config lock and
 *   frozen in configfs while the bus is connected; the one client may
 *   then write the MAC through the config space, from its driver's
 *   serialised config path (vhost_vdpa's ioctl mutex);
 * - the queues are the connector's, in use from start to stop; "running"
 *   (under the netdev TX lock) and napi_disable() make sure no path
 *   touches them after stop returns;
 * - link_work lives as long as the device; release cancels it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/vbus_compat.h>
#include <linux/virtio_byteorder.h>
#include <uapi/linux/virtio_ids.h>
#include <uapi/linux/vbus_venet.h>
#include "venet.h"
#include "venet_ethtool.h"
#include "venet_skb.h"

#define VENET_MTU_MIN	68
/* What a host netdev can hand a client that negotiated nothing. */
#define VENET_BASE_FEATURES	(NETIF_F_SG | NETIF_F_HIGHDMA)
#define VENET_OFFLOADS	(NETIF_F_HW_CSUM | NETIF_F_TSO | NETIF_F_TSO6)

#define VENET_FEATURES \
	(BIT_ULL(VIRTIO_NET_F_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) | \
	 BIT_ULL(VIRTIO_NET_F_MTU) | BIT_ULL(VIRTIO_NET_F_MAC) | \
	 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) | BIT_ULL(VIRTIO_NET_F_GUEST_TSO6) | \
	 BIT_ULL(VIRTIO_NET_F_HOST_TSO4) | BIT_ULL(VIRTIO_NET_F_HOST_TSO6) | \
	 BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) | BIT_ULL(VIRTIO_NET_F_STATUS))

static struct venet_dev *to_venet(struct vbus_device *vdev)
{
	return container_of(vdev, struct venet_dev, vdev);
}

/* Device interface: virtio-net. */

static void venet_get_config(struct vbus_device *vdev, void *buf)
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

/*
 * The client may write the MAC, as a VMM does with the one it was given
 * (QEMU's -device virtio-net-pci,mac=); it stays until changed again, as
 * on vdpa_sim. Everything else is read-only.
 */
static int venet_set_config(struct vbus_device *vdev, unsigned int offset,
			    const void *buf, unsigned int len)
{
	struct venet_dev *v = to_venet(vdev);
	u8 mac[ETH_ALEN];

	if (offset + len > ETH_ALEN) {
		pr_err("device %s: only the MAC is writable in the config space\n",
		       vbus_device_name(vdev));
		return -EPERM;
	}
	ether_addr_copy(mac, v->mac);
	memcpy(mac + offset, buf, len);
	if (!is_valid_ether_addr(mac)) {
		pr_err("device %s: client MAC %pM is not a unicast address\n",
		       vbus_device_name(vdev), mac);
		return -EINVAL;
	}
	ether_addr_copy(v->mac, mac);
	return 0;
}

/* What the host may hand the client, given what the client accepted. */
static netdev_features_t venet_client_offloads(u64 f)
{
	netdev_features_t nf = VENET_BASE_FEATURES;

	if (f & BIT_ULL(VIRTIO_NET_F_GUEST_CSUM)) {
		nf |= NETIF_F_HW_CSUM;
		if (f & BIT_ULL(VIRTIO_NET_F_GUEST_TSO4))
			nf |= NETIF_F_TSO;
		if (f & BIT_ULL(VIRTIO_NET_F_GUEST_TSO6))
			nf |= NETIF_F_TSO6;
	}
	return nf;
}

static int venet_start(struct vbus_device *vdev, const struct vbus_link *link)
{
	struct venet_dev *v = to_venet(vdev);
	u64 f = link->features;
	u32 mtu;

	v->mergeable = f & BIT_ULL(VIRTIO_NET_F_MRG_RXBUF);
	v->rx_csum = f & BIT_ULL(VIRTIO_NET_F_CSUM);
	v->rx_gso = 0;
	if (v->rx_csum && (f & BIT_ULL(VIRTIO_NET_F_HOST_TSO4)))
		v->rx_gso |= BIT(VIRTIO_NET_HDR_GSO_TCPV4);
	if (v->rx_csum && (f & BIT_ULL(VIRTIO_NET_F_HOST_TSO6)))
		v->rx_gso |= BIT(VIRTIO_NET_HDR_GSO_TCPV6);
	/* Without VIRTIO_NET_F_MTU the client may raise its MTU to ours. */
	mtu = f & BIT_ULL(VIRTIO_NET_F_MTU) ? v->mtu : VENET_MTU_MAX;
	v->max_frame = v->rx_gso ? VENET_TSO_MAX_FRAME : mtu + VLAN_ETH_HLEN;
	WRITE_ONCE(v->client_features, venet_client_offloads(f));
	/* virtio-net queue 0 receives, queue 1 transmits. */
	venet_start_queues(v, link->queues[0], link->queues[1]);
	return 0;
}

static void venet_stop(struct vbus_device *vdev)
{
	venet_stop_queues(to_venet(vdev));
}

static const struct vbus_device_ops venet_device_ops = {
	.device_id = VIRTIO_ID_NET,
	.features = VENET_FEATURES,
	.num_queues = 2,
	.config_size = sizeof(struct virtio_net_config),
	.get_config = venet_get_config,
	.set_config = venet_set_config,
	.start = venet_start,
	.stop = venet_stop,
};

/* The host interface went up or down: the client's link follows. */
static void venet_link_work(struct work_struct *work)
{
	struct venet_dev *v = container_of(work, struct venet_dev, link_work);

	vbus_device_config_changed(&v->vdev);
}

/* Host netdev. */

static int venet_ndo_open(struct net_device *ndev)
{
	struct venet_dev *v = ndev_venet(ndev);

	if (READ_ONCE(v->running))
		netif_carrier_on(ndev);
	else
		netif_carrier_off(ndev);
	schedule_work(&v->link_work);
	return 0;
}

static int venet_ndo_stop(struct net_device *ndev)
{
	schedule_work(&ndev_venet(ndev)->link_work);
	return 0;
}

static const struct net_device_ops venet_netdev_ops = {
	.ndo_init = venet_ndo_init,
	.ndo_uninit = venet_ndo_uninit,
	.ndo_open = venet_ndo_open,
	.ndo_stop = venet_ndo_stop,
	.ndo_start_xmit = venet_xmit,
	.ndo_features_check = venet_features_check,
	.ndo_get_stats64 = dev_get_tstats64,
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

	if (kstrtou32(page, 10, &mtu) || mtu < VENET_MTU_MIN ||
	    mtu > VENET_MTU_MAX) {
		pr_err("device %s: mtu must be a decimal number from %d to %d\n",
		       vbus_device_name(&v->vdev), VENET_MTU_MIN,
		       VENET_MTU_MAX);
		return -EINVAL;
	}
	ret = vbus_device_config_lock(&v->vdev);
	if (ret)
		return ret;
	rtnl_lock();
	ret = dev_set_mtu(v->ndev, mtu);
	rtnl_unlock();
	/* The config follows only what the host interface took. */
	if (!ret)
		v->mtu = mtu;
	else
		pr_err("device %s: host interface refused mtu %u: %d\n",
		       vbus_device_name(&v->vdev), mtu, ret);
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

/* A host interface cannot be renamed from a module: make a new one. */
static ssize_t venet_hostif_store(struct config_item *item, const char *page,
				  size_t count)
{
	struct venet_dev *v = item_venet(item);
	struct net_device *ndev, *old;
	char name[IFNAMSIZ];
	size_t len = strcspn(page, "\n");
	bool same;
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
	rtnl_lock();
	same = !strcmp(v->ndev->name, name);
	rtnl_unlock();
	if (same) {
		vbus_device_config_unlock(&v->vdev);
		return count;
	}
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

CONFIGFS_ATTR(venet_, mac);
CONFIGFS_ATTR(venet_, mtu);
CONFIGFS_ATTR(venet_, hostif);

static struct configfs_attribute *venet_attrs[] = {
	&venet_attr_mac,
	&venet_attr_mtu,
	&venet_attr_hostif,
	NULL,
};

/* Class lifecycle */

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
};

static struct vbus_class venet_class = {
	.name = "venet",
	.owner = THIS_MODULE,
	.ops = &venet_ops,
	.device = &venet_device_ops,
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
