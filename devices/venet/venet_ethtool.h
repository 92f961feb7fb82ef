/* SPDX-License-Identifier: GPL-2.0 */
/* ethtool -S for both ends of venet: the netdev's own counters. */
#ifndef _VENET_ETHTOOL_H
#define _VENET_ETHTOOL_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/string.h>

#define VENET_STAT(name) { #name, offsetof(struct rtnl_link_stats64, name) }

static const struct {
	char name[ETH_GSTRING_LEN];
	size_t offset;
} venet_stats[] = {
	VENET_STAT(rx_packets),
	VENET_STAT(rx_bytes),
	VENET_STAT(tx_packets),
	VENET_STAT(tx_bytes),
	VENET_STAT(rx_dropped),
	VENET_STAT(tx_dropped),
	VENET_STAT(rx_errors),
	VENET_STAT(tx_errors),
	VENET_STAT(rx_length_errors),
	VENET_STAT(rx_frame_errors),
};

static inline int venet_get_sset_count(struct net_device *ndev, int sset)
{
	return sset == ETH_SS_STATS ? ARRAY_SIZE(venet_stats) : -EOPNOTSUPP;
}

static inline void venet_get_strings(struct net_device *ndev, u32 sset,
				     u8 *data)
{
	size_t i;

	if (sset != ETH_SS_STATS)
		return;
	for (i = 0; i < ARRAY_SIZE(venet_stats); i++)
		memcpy(data + i * ETH_GSTRING_LEN, venet_stats[i].name,
		       ETH_GSTRING_LEN);
}

/* The per-CPU and error counters, summed as ip -s shows them. */
static inline void venet_get_ethtool_stats(struct net_device *ndev,
					   struct ethtool_stats *stats,
					   u64 *data)
{
	struct rtnl_link_stats64 s;
	size_t i;

	dev_get_stats(ndev, &s);
	for (i = 0; i < ARRAY_SIZE(venet_stats); i++)
		data[i] = *(u64 *)((void *)&s + venet_stats[i].offset);
}

#endif /* _VENET_ETHTOOL_H */
