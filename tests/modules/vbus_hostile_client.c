// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile native client for venet devices, for the tests: it binds like
 * vbus_venet_client, sends a few good frames, then does what the module
 * parameter "attack" says to its own shared rings while kicking the
 * device for "seconds":
 *
 *   gso       frames whose header claims GSO types never negotiated (UDP,
 *             TCPv4 with ECN): the device must drop and count them
 *   tx-addr   a TX descriptor pointing outside the registered region
 *   tx-index  a TX avail index far ahead of anything posted
 *   rx-len    RX buffers of length 0
 *   scribble  random bytes over both rings, again and again
 *   rx-slow   not an attack: mergeable RX buffers of RX_SLOW_LEN bytes,
 *             one more every tick, so that each full-size frame from the
 *             host waits for several; frames received are counted
 *
 * The device must break the queue it cannot trust (with a message naming
 * it), keep the host responsive, and not spin in softirq; it must hold a
 * frame for a slow client, not drop it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/vmalloc.h>
#include <linux/vbus_native.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>
#include <uapi/linux/vbus_venet.h>

static char *attack = "gso";
module_param(attack, charp, 0444);
MODULE_PARM_DESC(attack, "gso, tx-addr, tx-index, rx-len, scribble or rx-slow");
static unsigned int seconds = 2;
module_param(seconds, uint, 0444);
MODULE_PARM_DESC(seconds, "how long to keep attacking");

#define RING	16
#define BUF	2048
#define HDR	sizeof(struct virtio_net_hdr_mrg_rxbuf)
/* A 1514-byte frame and its header take seven of these. */
#define RX_SLOW_LEN	256

/**
 * struct hostile - one bound device
 * @pdev: the proxy device
 * @region: rings and buffers; freed after close
 * @mem: memory context over @region
 * @ring: RX and TX, client side
 * @shm: their registrations
 * @work: the attack, rescheduled every millisecond until @deadline
 * @deadline: jiffies
 * @sent: frames posted
 * @rnd: for scribble
 * @rx_frames: rx-slow: frames received
 * @rx_bytes: rx-slow: their bytes, headers included
 * @rx_more: rx-slow: buffers still to come of the current frame
 */
struct hostile {
	struct vbus_proxy_device *pdev;
	void *region;
	struct vbus_memctx mem;
	struct vbus_ioq_client ring[2];
	struct vbus_shm_ring shm[2];
	struct delayed_work work;
	unsigned long deadline;
	unsigned int sent;
	struct rnd_state rnd;
	unsigned int rx_frames;
	u64 rx_bytes;
	u16 rx_more;
};

static size_t ring_off(int i)
{
	return i * vbus_ioq_ring_size(RING);
}

static u64 buf_off(int ring, u32 slot)
{
	return 2 * vbus_ioq_ring_size(RING) + ((u64)ring * RING + slot) * BUF;
}

static void nothing(void *priv)
{
}

/* A 60-byte broadcast frame after a header of the given GSO type. */
static void post_frame(struct hostile *h, u8 gso_type)
{
	struct vbus_ioq_client *r = &h->ring[VENET_QUEUE_TX];
	u32 slot = r->head & (RING - 1);
	u8 *buf = h->region + buf_off(VENET_QUEUE_TX, slot);
	struct virtio_net_hdr *hdr = (void *)buf;
	u32 len;

	if (r->head - r->used_tail >= RING)
		return;
	memset(buf, 0, HDR + ETH_ZLEN);
	hdr->gso_type = gso_type;
	if (gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		hdr->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		hdr->hdr_len = __cpu_to_virtio16(true, ETH_HLEN + 28);
		hdr->gso_size = __cpu_to_virtio16(true, 100);
		hdr->csum_start = __cpu_to_virtio16(true, ETH_HLEN + 20);
		hdr->csum_offset = __cpu_to_virtio16(true, 6);
	}
	eth_broadcast_addr(buf + HDR);
	eth_random_addr(buf + HDR + ETH_ALEN);
	buf[HDR + 12] = 0x08;	/* IPv4 */
	len = HDR + ETH_ZLEN;
	vbus_ioq_client_post(r, buf_off(VENET_QUEUE_TX, slot), len);
	vbus_ioq_client_publish(r);
	h->sent++;
}

static void reap(struct vbus_ioq_client *r)
{
	u32 slot, len;

	while (!vbus_ioq_client_reap(r, &slot, &len))
		;
}

/* rx-slow: count what the host wrote, then post one more buffer. */
static void rx_slow(struct hostile *h)
{
	struct vbus_ioq_client *r = &h->ring[VENET_QUEUE_RX];
	struct virtio_net_hdr_mrg_rxbuf *hdr;
	u32 slot, len;

	while (!vbus_ioq_client_reap(r, &slot, &len)) {
		h->rx_bytes += len;
		if (h->rx_more) {
			h->rx_more--;
			continue;
		}
		hdr = h->region + buf_off(VENET_QUEUE_RX, slot);
		h->rx_frames++;
		h->rx_more = __virtio16_to_cpu(true, hdr->num_buffers) - 1;
	}
	if (r->head - r->used_tail < RING) {
		vbus_ioq_client_post(r, buf_off(VENET_QUEUE_RX,
						r->head & (RING - 1)),
				     RX_SLOW_LEN);
		vbus_ioq_client_publish(r);
	}
}

static void hostile_work(struct work_struct *work)
{
	struct hostile *h = container_of(to_delayed_work(work), struct hostile,
					 work);
	struct vbus_ioq_client *tx = &h->ring[VENET_QUEUE_TX];
	u8 *bytes;
	u32 i;

	reap(tx);
	if (!strcmp(attack, "rx-slow")) {
		rx_slow(h);
	} else if (h->sent < 4) {
		post_frame(h, VIRTIO_NET_HDR_GSO_NONE);
	} else if (!strcmp(attack, "gso")) {
		post_frame(h, h->sent & 1 ? VIRTIO_NET_HDR_GSO_UDP :
			   VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN);
	} else if (!strcmp(attack, "tx-addr")) {
		vbus_ioq_client_post(tx, U64_MAX - 16, 64);
		vbus_ioq_client_publish(tx);
	} else if (!strcmp(attack, "tx-index")) {
		WRITE_ONCE(tx->ring->idx[IOQ_IDX_AVAIL].head,
			   cpu_to_le32(tx->head + 1000));
		vbus_shm_signal_inject(&tx->signal);
	} else if (!strcmp(attack, "rx-len")) {
		tx = &h->ring[VENET_QUEUE_RX];
		for (i = 0; i < 4; i++)
			vbus_ioq_client_post(tx, buf_off(VENET_QUEUE_RX, 0), 0);
		vbus_ioq_client_publish(tx);
	} else {	/* scribble */
		for (i = 0; i < 16; i++) {
			bytes = (u8 *)h->ring[i & 1].ring;
			bytes[prandom_u32_state(&h->rnd) %
			      vbus_ioq_ring_size(RING)] =
				prandom_u32_state(&h->rnd);
		}
		vbus_shm_signal_inject(&h->ring[0].signal);
		vbus_shm_signal_inject(&h->ring[1].signal);
	}
	if (time_before(jiffies, h->deadline))
		schedule_delayed_work(&h->work, msecs_to_jiffies(1));
	else
		pr_info("%s: attack %s done, %u frames sent, %u received (%llu bytes)\n",
			dev_name(&h->pdev->dev), attack, h->sent,
			h->rx_frames, h->rx_bytes);
}

static int hostile_ring(struct hostile *h, int i)
{
	int ret;

	vbus_ioq_client_init(&h->ring[i], h->region + ring_off(i), RING);
	h->shm[i].mem = &h->mem;
	h->shm[i].offset = ring_off(i);
	h->shm[i].len = vbus_ioq_ring_size(RING);
	h->shm[i].interrupt.fn = nothing;
	ret = vbus_proxy_set_ring(h->pdev, i, &h->shm[i]);
	if (!ret)
		vbus_callback_set(&h->ring[i].signal.notify, h->shm[i].kick.fn,
				  h->shm[i].kick.priv);
	return ret;
}

static int hostile_probe(struct vbus_proxy_device *pdev)
{
	bool slow = !strcmp(attack, "rx-slow");
	size_t size = buf_off(2, 0);
	struct hostile *h;
	u32 i;
	int ret;

	h = devm_kzalloc(&pdev->dev, sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->pdev = pdev;
	prandom_seed_state(&h->rnd, 42);
	INIT_DELAYED_WORK(&h->work, hostile_work);
	h->region = vzalloc(size);
	if (!h->region)
		return -ENOMEM;
	vbus_memctx_init_kernel(&h->mem, h->region, size);
	/* Abuse of the proxy API first: each must be refused, nothing more. */
	dev_info(&pdev->dev, "features never offered: %d\n",
		 vbus_proxy_open(pdev, BIT_ULL(63)));
	ret = vbus_proxy_open(pdev, vbus_proxy_features(pdev) &
			      (BIT_ULL(VIRTIO_NET_F_CSUM) |
			       BIT_ULL(VIRTIO_NET_F_HOST_TSO4) |
			       (slow ? BIT_ULL(VIRTIO_NET_F_MRG_RXBUF) : 0)));
	if (ret)
		goto err_free;
	dev_info(&pdev->dev, "open twice: %d\n", vbus_proxy_open(pdev, 0));
	dev_info(&pdev->dev, "start without rings: %d\n",
		 vbus_proxy_start(pdev));
	h->shm[0].mem = &h->mem;
	dev_info(&pdev->dev, "ring for a queue the device lacks: %d\n",
		 vbus_proxy_set_ring(pdev, 7, &h->shm[0]));
	ret = hostile_ring(h, VENET_QUEUE_RX);
	/* rx-slow starts with one buffer, its work posts the rest. */
	for (i = 0; !ret && i < (slow ? 1 : RING); i++)
		vbus_ioq_client_post(&h->ring[VENET_QUEUE_RX],
				     buf_off(VENET_QUEUE_RX, i),
				     slow ? RX_SLOW_LEN : BUF);
	if (!ret) {
		vbus_ioq_client_publish(&h->ring[VENET_QUEUE_RX]);
		ret = hostile_ring(h, VENET_QUEUE_TX);
	}
	if (!ret)
		dev_info(&pdev->dev, "ring registered twice: %d\n",
			 vbus_proxy_set_ring(pdev, VENET_QUEUE_TX, &h->shm[1]));
	if (!ret)
		ret = vbus_proxy_start(pdev);
	if (ret)
		goto err_close;
	dev_set_drvdata(&pdev->dev, h);
	h->deadline = jiffies + seconds * HZ;
	schedule_delayed_work(&h->work, 0);
	dev_info(&pdev->dev, "hostile client bound, attack %s\n", attack);
	return 0;

err_close:
	vbus_proxy_close(pdev);
err_free:
	vfree(h->region);
	return ret;
}

static void hostile_remove(struct vbus_proxy_device *pdev)
{
	struct hostile *h = dev_get_drvdata(&pdev->dev);

	cancel_delayed_work_sync(&h->work);
	vbus_proxy_close(pdev);
	vfree(h->region);
}

static struct vbus_proxy_driver hostile_driver = {
	.type = "venet",
	.probe = hostile_probe,
	.remove = hostile_remove,
	.driver = {
		.name = "vbus_hostile_client",
	},
};

static int __init hostile_init(void)
{
	return vbus_proxy_driver_register(&hostile_driver);
}

static void __exit hostile_exit(void)
{
	vbus_proxy_driver_unregister(&hostile_driver);
}

module_init(hostile_init);
module_exit(hostile_exit);
MODULE_DESCRIPTION("vbus test: a native venet client that corrupts its rings");
MODULE_LICENSE("GPL");
