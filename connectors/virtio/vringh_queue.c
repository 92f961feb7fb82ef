// SPDX-License-Identifier: GPL-2.0
/*
 * struct vbus_queue over a split virtqueue, read with the kernel's vringh.
 *
 * The driver writes physical addresses into its rings (no
 * VIRTIO_F_ACCESS_PLATFORM); vringh translates every one, ring and buffer
 * alike, through an IOTLB that maps System RAM and nothing else. Whatever
 * vringh refuses (an index past the ring, a loop, an address outside RAM,
 * an indirect table of the wrong size), and a chain that is both readable
 * and writable, marks the queue broken: reported once, -EIO after.
 */
#define pr_fmt(fmt) "vbus_virtio: " fmt

#include <linux/bitmap.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/module.h>
#include <linux/vbus_vringh.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_ring.h>

/* Most System RAM ranges the IOTLB maps. */
#define VBUS_VRINGH_RAM_RANGES	1024

/* System RAM as the driver's rings address it; built at module load. */
static struct vhost_iotlb *vbus_vringh_ram;
static DEFINE_SPINLOCK(vbus_vringh_ram_lock);

static struct vbus_vringh *to_vr(struct vbus_queue *q)
{
	return container_of(q, struct vbus_vringh, q);
}

static int vbus_vringh_pop(struct vbus_queue *q, struct vbus_buf *buf)
{
	struct vbus_vringh *vr = to_vr(q);
	struct vbus_vringh_iter *it;
	unsigned int slot;
	u16 head, avail_idx;
	int ret;

	if (q->broken)
		return -EIO;
	if (!vr->avail)
		return vbus_queue_break(&vr->q, "rings are not in RAM");
	/* vringh checks each head; the index itself is ours to check. */
	avail_idx = vringh16_to_cpu(&vr->vrh, READ_ONCE(vr->avail->idx));
	if ((u16)(avail_idx - vr->vrh.last_avail_idx) > vr->vrh.vring.num)
		return vbus_queue_break(&vr->q, "avail index %u is more than %u past %u",
					 avail_idx, vr->vrh.vring.num,
					 vr->vrh.last_avail_idx);
	slot = find_first_zero_bit(vr->busy, VBUS_VRINGH_SLOTS);
	if (slot == VBUS_VRINGH_SLOTS)
		return -EAGAIN;
	it = &vr->iters[slot];
	/*
	 * A hostile chain can make vringh grow its iovec past what the page
	 * allocator serves (found by fuzzing: a WARN in __alloc_pages): fail
	 * quietly, and the queue breaks below.
	 */
	ret = vringh_getdesc_iotlb(&vr->vrh, &it->riov, &it->wiov, &head,
				   GFP_ATOMIC | __GFP_NOWARN);
	if (!ret)
		return -EAGAIN;
	if (ret < 0)
		return vbus_queue_break(&vr->q, "bad descriptor chain (%d)", ret);
	if (vringh_kiov_length(&it->riov) && vringh_kiov_length(&it->wiov))
		return vbus_queue_break(&vr->q, "chain %u is both read and write",
					 head);
	set_bit(slot, vr->busy);
	buf->id = head;
	buf->slot = slot;
	buf->addr = 0;
	buf->len = vringh_kiov_length(&it->riov) ?:
		   vringh_kiov_length(&it->wiov);
	buf->pos = 0;
	return 0;
}

static int vbus_vringh_read(struct vbus_queue *q, struct vbus_buf *buf,
			    void *dst, u32 len)
{
	struct vbus_vringh *vr = to_vr(q);
	ssize_t ret;

	ret = vringh_iov_pull_iotlb(&vr->vrh, &vr->iters[buf->slot].riov,
				    dst, len);
	if (ret != len) {
		if (ret < 0)
			vbus_queue_break(&vr->q, "chain %u unreadable (%zd)",
					 buf->id, ret);
		return -EFAULT;
	}
	buf->pos += len;
	return 0;
}

static int vbus_vringh_write(struct vbus_queue *q, struct vbus_buf *buf,
			     const void *src, u32 len)
{
	struct vbus_vringh *vr = to_vr(q);
	ssize_t ret;

	ret = vringh_iov_push_iotlb(&vr->vrh, &vr->iters[buf->slot].wiov,
				    src, len);
	if (ret != len) {
		if (ret < 0)
			vbus_queue_break(&vr->q, "chain %u unwritable (%zd)",
					 buf->id, ret);
		return -EFAULT;
	}
	buf->pos += len;
	return 0;
}

static int vbus_vringh_push(struct vbus_queue *q, const struct vbus_buf *buf,
			    u32 written)
{
	struct vbus_vringh *vr = to_vr(q);
	int ret;

	if (buf->slot >= VBUS_VRINGH_SLOTS ||
	    !test_and_clear_bit(buf->slot, vr->busy))
		return -EINVAL;
	if (q->broken)
		return -EIO;
	ret = vringh_complete_iotlb(&vr->vrh, buf->id, written);
	if (ret)
		return vbus_queue_break(&vr->q, "used ring unwritable (%d)", ret);
	return 0;
}

#ifdef VBUS_VRINGH_IOTLB_NOTIFY
static bool vbus_vringh_enable_notify(struct vbus_queue *q)
{
	/* vringh answers "no buffers meanwhile"; we ask the opposite. */
	return !vringh_notify_enable_iotlb(&to_vr(q)->vrh) && !q->broken;
}

static void vbus_vringh_disable_notify(struct vbus_queue *q)
{
	vringh_notify_disable_iotlb(&to_vr(q)->vrh);
}
#else
/*
 * Linux 6.16 dropped vringh's IOTLB notify helpers (no in-tree user). The
 * rings are in the direct map (checked at init): write what vringh would
 * write, there.
 */
static bool vbus_vringh_enable_notify(struct vbus_queue *q)
{
	struct vbus_vringh *vr = to_vr(q);
	struct vringh *vrh = &vr->vrh;
	u16 avail;

	if (!vr->used || q->broken)
		return false;
	/* avail_event: the __virtio16 after the used ring's entries. */
	if (vrh->event_indices)
		WRITE_ONCE(*(__virtio16 *)&vr->used->ring[vrh->vring.num],
			   cpu_to_vringh16(vrh, vrh->last_avail_idx));
	else
		WRITE_ONCE(vr->used->flags, cpu_to_vringh16(vrh, 0));
	/* Published before we look for buffers that raced with it. */
	virtio_mb(vrh->weak_barriers);
	avail = vringh16_to_cpu(vrh, READ_ONCE(vr->avail->idx));
	return avail != vrh->last_avail_idx;
}

static void vbus_vringh_disable_notify(struct vbus_queue *q)
{
	struct vbus_vringh *vr = to_vr(q);

	if (vr->used && !vr->vrh.event_indices)
		WRITE_ONCE(vr->used->flags,
			   cpu_to_vringh16(&vr->vrh, VRING_USED_F_NO_NOTIFY));
}
#endif

static void vbus_vringh_signal(struct vbus_queue *q)
{
	struct vbus_vringh *vr = to_vr(q);

	if (!q->broken && vringh_need_notify_iotlb(&vr->vrh) > 0)
		vbus_callback_call(&vr->call);
}

static const struct vbus_queue_ops vbus_vringh_queue_ops = {
	.pop = vbus_vringh_pop,
	.read = vbus_vringh_read,
	.write = vbus_vringh_write,
	.push = vbus_vringh_push,
	.enable_notify = vbus_vringh_enable_notify,
	.disable_notify = vbus_vringh_disable_notify,
	.signal = vbus_vringh_signal,
};

/* [addr, addr + len) is System RAM, so the direct map covers it. */
static bool vbus_vringh_in_ram(u64 addr, u64 len)
{
	struct vhost_iotlb_map *map;

	if (!len || addr + len < addr)
		return false;
	map = vhost_iotlb_itree_first(vbus_vringh_ram, addr, addr + len - 1);
	return map && map->start <= addr && map->last >= addr + len - 1;
}

/**
 * vbus_vringh_init() - serve a split ring in RAM as a struct vbus_queue
 * @vr: the queue; @vr->name must be set (it is used for messages)
 * @features: negotiated features (ring layout: EVENT_IDX, INDIRECT_DESC)
 * @num: ring size
 * @desc: physical address of the descriptor table
 * @avail: physical address of the available ring
 * @used: physical address of the used ring
 *
 * The caller then sets @vr->call and, through the device, @vr->q.kick.
 * Rings outside RAM are not refused here: the queue reports them broken at
 * its first pop, like any other inconsistency.
 */
void vbus_vringh_init(struct vbus_vringh *vr, u64 features, unsigned int num,
		      u64 desc, u64 avail, u64 used)
{
	unsigned int i;

	vr->avail = NULL;
	vr->used = NULL;
	if (vbus_vringh_in_ram(desc, 16ULL * num) &&
	    vbus_vringh_in_ram(avail, 6 + 2ULL * num) &&
	    vbus_vringh_in_ram(used, 6 + 8ULL * num)) {
		vr->avail = phys_to_virt(avail);
		vr->used = phys_to_virt(used);
	}

	vringh_init_iotlb(&vr->vrh, features, num, true,
			  (struct vring_desc *)(uintptr_t)desc,
			  (struct vring_avail *)(uintptr_t)avail,
			  (struct vring_used *)(uintptr_t)used);
	vringh_set_iotlb(&vr->vrh, vbus_vringh_ram, &vbus_vringh_ram_lock);
	for (i = 0; i < VBUS_VRINGH_SLOTS; i++) {
		vringh_kiov_init(&vr->iters[i].riov, vr->iters[i].rstack,
				 ARRAY_SIZE(vr->iters[i].rstack));
		vringh_kiov_init(&vr->iters[i].wiov, vr->iters[i].wstack,
				 ARRAY_SIZE(vr->iters[i].wstack));
	}
	bitmap_zero(vr->busy, VBUS_VRINGH_SLOTS);
	vr->call.fn = NULL;
	vr->q.kick.fn = NULL;
	vr->q.ops = &vbus_vringh_queue_ops;
	vr->q.mem = NULL;
	vr->q.name = vr->name;
	vr->q.broken = false;
}
EXPORT_SYMBOL_GPL(vbus_vringh_init);

/**
 * vbus_vringh_cleanup() - free what vringh allocated for long chains
 * @vr: the queue, no longer used
 */
void vbus_vringh_cleanup(struct vbus_vringh *vr)
{
	unsigned int i;

	for (i = 0; i < VBUS_VRINGH_SLOTS; i++) {
		vringh_kiov_cleanup(&vr->iters[i].riov);
		vringh_kiov_cleanup(&vr->iters[i].wiov);
	}
}
EXPORT_SYMBOL_GPL(vbus_vringh_cleanup);

static int vbus_vringh_add_ram(struct resource *res, void *arg)
{
	return vhost_iotlb_add_range(vbus_vringh_ram, res->start, res->end,
				     res->start, VHOST_MAP_RW);
}

int vbus_vringh_ram_init(void)
{
	int ret;

	/* A limit is required (7.x); System RAM comes in a few ranges. */
	vbus_vringh_ram = vhost_iotlb_alloc(VBUS_VRINGH_RAM_RANGES, 0);
	if (!vbus_vringh_ram)
		return -ENOMEM;
	ret = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0,
				  U64_MAX, NULL, vbus_vringh_add_ram);
	if (ret) {
		pr_err("cannot map System RAM for the rings: %d\n", ret);
		vhost_iotlb_free(vbus_vringh_ram);
	}
	return ret;
}

void vbus_vringh_ram_exit(void)
{
	vhost_iotlb_free(vbus_vringh_ram);
}
