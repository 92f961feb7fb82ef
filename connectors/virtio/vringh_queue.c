// SPDX-License-Identifier: GPL-2.0
/*
 * struct vbus_queue over a split virtqueue, read with the kernel's vringh.
 *
 * vringh walks the descriptor chains and translates every address in them
 * through the IOTLB its owner gives: System RAM one to one for a driver in
 * this kernel, the memory a process mapped for vhost-vdpa. The available
 * and used rings are mapped into the kernel once, at init: in the direct
 * map when memory is contiguous, else with vmap() (a process's pages are
 * pinned one by one and rarely are). Their indices, used elements and
 * notification fields are then read and written in place, saving five
 * IOTLB walks per NAPI cycle. Whatever
 * vringh refuses (an index past the ring, a loop, an address outside RAM,
 * an indirect table of the wrong size), and a chain that is both readable
 * and writable, marks the queue broken: reported once, -EIO after.
 */
#define pr_fmt(fmt) "vbus_virtio: " fmt

#include <linux/bitmap.h>
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vbus_vringh.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_ring.h>
#include <linux/vmalloc.h>

static struct vbus_vringh *to_vr(struct vbus_queue *q)
{
	return container_of(q, struct vbus_vringh, q);
}

static void vbus_vringh_count(struct vbus_vringh *vr, u64_stats_t *counter)
{
	u64_stats_update_begin(&vr->stats.syncp);
	u64_stats_inc(counter);
	u64_stats_update_end(&vr->stats.syncp);
}

/* Break the queue, saying which ring the IOTLB does not map, and how. */
static int vbus_vringh_unmapped(struct vbus_vringh *vr)
{
	u64 addr[2] = { (uintptr_t)vr->vrh.vring.avail,
			(uintptr_t)vr->vrh.vring.used };
	u64 first[2] = {}, last[2] = {};
	struct vhost_iotlb_map *map;
	u32 perm[2] = {};
	unsigned int i;

	/* As vringh looks up: bottom halves are off here. */
	spin_lock(vr->vrh.iotlb_lock);
	for (i = 0; i < 2; i++) {
		map = vhost_iotlb_itree_first(vr->vrh.iotlb, addr[i], addr[i]);
		if (map) {
			first[i] = map->start;
			last[i] = map->last;
			perm[i] = map->perm;
		}
	}
	spin_unlock(vr->vrh.iotlb_lock);
	return vbus_queue_break(&vr->q,
				"rings are not mapped (%u entries): avail %#llx in [%#llx, %#llx] perm %u, used %#llx in [%#llx, %#llx] perm %u",
				vr->vrh.vring.num, addr[0], first[0], last[0],
				perm[0], addr[1], first[1], last[1], perm[1]);
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
		return vbus_vringh_unmapped(vr);
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
	vbus_vringh_count(vr, &vr->stats.received);
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
	struct vringh *vrh = &vr->vrh;
	struct vring_used_elem *elem;
	u16 idx;

	if (buf->slot >= VBUS_VRINGH_SLOTS ||
	    !test_and_clear_bit(buf->slot, vr->busy))
		return -EINVAL;
	if (q->broken || !vr->used)
		return -EIO;
	/* What vringh_complete_iotlb() does, without two IOTLB walks. */
	idx = vrh->last_used_idx + vrh->completed;
	elem = &vr->used->ring[idx % vrh->vring.num];
	WRITE_ONCE(elem->id, cpu_to_vringh32(vrh, buf->id));
	WRITE_ONCE(elem->len, cpu_to_vringh32(vrh, written));
	/* The element before the index that publishes it. */
	virtio_wmb(vrh->weak_barriers);
	WRITE_ONCE(vr->used->idx, cpu_to_vringh16(vrh, idx + 1));
	vrh->completed++;
	vbus_vringh_count(vr, &vr->stats.completed);
	return 0;
}

/*
 * The rings are in the direct map (checked at init): the notification
 * fields are written in place, not through two IOTLB lookups per NAPI
 * cycle (vringh's IOTLB notify helpers; Linux 6.16 dropped them).
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

/* used_event: the __virtio16 after the available ring's entries. */
static u16 vbus_vringh_used_event(const struct vbus_vringh *vr)
{
	return vringh16_to_cpu(&vr->vrh,
			       READ_ONCE(vr->avail->ring[vr->vrh.vring.num]));
}

/*
 * What vringh_need_notify_iotlb() decides, read in place; like it, fold
 * the completions since the last call into last_used_idx.
 */
static bool vbus_vringh_need_notify(struct vbus_vringh *vr)
{
	struct vringh *vrh = &vr->vrh;
	u16 old = vrh->last_used_idx, new = old + vrh->completed;
	bool notify;

	/* The used index before the driver's flags: pairs with its enable. */
	virtio_mb(vrh->weak_barriers);
	if (!vrh->event_indices)
		notify = !(vringh16_to_cpu(vrh, READ_ONCE(vr->avail->flags)) &
			   VRING_AVAIL_F_NO_INTERRUPT);
	else
		notify = vrh->completed > 0xffff ||
			 vring_need_event(vbus_vringh_used_event(vr), new, old);
	vrh->last_used_idx = new;
	vrh->completed = 0;
	return notify;
}

static void vbus_vringh_signal(struct vbus_queue *q)
{
	struct vbus_vringh *vr = to_vr(q);

	if (!q->broken && vr->used && vbus_vringh_need_notify(vr)) {
		vbus_vringh_count(vr, &vr->stats.calls);
		vbus_callback_call(&vr->call);
	}
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

/* The page of RAM behind the IOTLB page at @iova, writable, or NULL. */
static struct page *vbus_vringh_page(struct vhost_iotlb *iotlb, u64 iova)
{
	struct vhost_iotlb_map *map;
	u64 pa;

	map = vhost_iotlb_itree_first(iotlb, iova, iova + PAGE_SIZE - 1);
	if (!map || map->start > iova || map->last < iova + PAGE_SIZE - 1 ||
	    !(map->perm & VHOST_MAP_WO) ||
	    !PAGE_ALIGNED(map->addr - map->start))
		return NULL;
	pa = map->addr + (iova - map->start);
	return pfn_valid(PHYS_PFN(pa)) ? pfn_to_page(PHYS_PFN(pa)) : NULL;
}

/*
 * [addr, addr + len) as @iotlb translates it, in the kernel's address
 * space: in the direct map when one mapping covers it, else its pages
 * put together with vmap() and *@vmapped set (for vunmap()). NULL unless
 * it is all writable RAM. Sleeps.
 */
static void *vbus_vringh_map(struct vhost_iotlb *iotlb, u64 addr, u64 len,
			     void **vmapped)
{
	struct vhost_iotlb_map *map;
	unsigned int i, n, off = offset_in_page(addr);
	struct page **pages;
	void *va = NULL;
	u64 pa;

	*vmapped = NULL;
	if (!len || addr + len < addr)
		return NULL;
	map = vhost_iotlb_itree_first(iotlb, addr, addr + len - 1);
	if (map && map->start <= addr && map->last >= addr + len - 1) {
		pa = map->addr + (addr - map->start);
		if (!(map->perm & VHOST_MAP_WO) || !pfn_valid(PHYS_PFN(pa)) ||
		    !pfn_valid(PHYS_PFN(pa + len - 1)))
			return NULL;
		return phys_to_virt(pa);
	}
	/* At most a used ring of 32768 entries: 65 pages. */
	if (len > SZ_1M)
		return NULL;
	n = DIV_ROUND_UP(off + len, PAGE_SIZE);
	pages = kmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = vbus_vringh_page(iotlb, addr - off +
					    (u64)i * PAGE_SIZE);
		if (!pages[i])
			goto out;
	}
	va = vmap(pages, n, VM_MAP, PAGE_KERNEL);
	*vmapped = va;
out:
	kfree(pages);
	return va ? va + off : NULL;
}

static void vbus_vringh_unmap(struct vbus_vringh *vr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vr->vmapped); i++) {
		if (vr->vmapped[i])
			vunmap(vr->vmapped[i]);
		vr->vmapped[i] = NULL;
	}
	vr->avail = NULL;
	vr->used = NULL;
}

/**
 * vbus_vringh_init() - serve a split ring in RAM as a struct vbus_queue
 * @vr: the queue; @vr->name must be set (it is used for messages)
 * @features: negotiated features (ring layout: EVENT_IDX, INDIRECT_DESC)
 * @num: ring size
 * @desc: physical address of the descriptor table
 * @avail: physical address of the available ring
 * @used: physical address of the used ring
 * @iotlb: how ring and buffer addresses translate to physical memory
 * @iotlb_lock: taken by vringh around each lookup in @iotlb
 *
 * The caller then sets @vr->call and, through the device, @vr->q.kick,
 * and calls vbus_vringh_cleanup() before initialising @vr again. Rings
 * that @iotlb does not map are not refused here: the queue reports them
 * broken at its first pop, like any other inconsistency. Sleeps.
 */
void vbus_vringh_init(struct vbus_vringh *vr, u64 features, unsigned int num,
		      u64 desc, u64 avail, u64 used,
		      struct vhost_iotlb *iotlb, spinlock_t *iotlb_lock)
{
	unsigned int i;

	/* The descriptor table is read through @iotlb, by vringh. */
	vr->avail = vbus_vringh_map(iotlb, avail, 6 + 2ULL * num,
				    &vr->vmapped[0]);
	vr->used = vbus_vringh_map(iotlb, used, 6 + 8ULL * num,
				   &vr->vmapped[1]);
	/* Both or neither: the notify ops test one. */
	if (!vr->avail || !vr->used)
		vbus_vringh_unmap(vr);

	vringh_init_iotlb(&vr->vrh, features, num, true,
			  (struct vring_desc *)(uintptr_t)desc,
			  (struct vring_avail *)(uintptr_t)avail,
			  (struct vring_used *)(uintptr_t)used);
	vringh_set_iotlb(&vr->vrh, iotlb, iotlb_lock);
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
 * vbus_vringh_cleanup() - free what init mapped and vringh allocated
 * @vr: the queue, no longer used
 *
 * Idempotent. Sleeps.
 */
void vbus_vringh_cleanup(struct vbus_vringh *vr)
{
	unsigned int i;

	vbus_vringh_unmap(vr);

	for (i = 0; i < VBUS_VRINGH_SLOTS; i++) {
		vringh_kiov_cleanup(&vr->iters[i].riov);
		vringh_kiov_cleanup(&vr->iters[i].wiov);
	}
}
EXPORT_SYMBOL_GPL(vbus_vringh_cleanup);

/**
 * vbus_vringh_used_idx() - the used index the device has written
 * @vr: the queue
 *
 * vringh counts completions since the last notification apart from
 * last_used_idx (its need_notify folds them in): both, or a stop between
 * a push and the signal after it loses completed buffers. Any context;
 * exact when the queue's user is stopped.
 *
 * Return: the used index.
 */
u16 vbus_vringh_used_idx(const struct vbus_vringh *vr)
{
	return READ_ONCE(vr->vrh.last_used_idx) + READ_ONCE(vr->vrh.completed);
}
EXPORT_SYMBOL_GPL(vbus_vringh_used_idx);

/**
 * vbus_vringh_read_stats() - read a queue's counters, from any context
 * @vr: the queue
 * @received: chains taken
 * @completed: chains completed
 * @calls: notifications sent to the driver
 */
void vbus_vringh_read_stats(struct vbus_vringh *vr, u64 *received,
			    u64 *completed, u64 *calls)
{
	const struct vbus_vringh_stats *s = &vr->stats;
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&s->syncp);
		*received = u64_stats_read(&s->received);
		*completed = u64_stats_read(&s->completed);
		*calls = u64_stats_read(&s->calls);
	} while (u64_stats_fetch_retry(&s->syncp, start));
}
EXPORT_SYMBOL_GPL(vbus_vringh_read_stats);

static int vbus_vringh_add_ram(struct resource *res, void *arg)
{
	return vhost_iotlb_add_range(arg, res->start, res->end, res->start,
				     VHOST_MAP_RW);
}

/**
 * vbus_vringh_map_ram() - map System RAM one to one, and nothing else
 * @iotlb: emptied, then filled
 *
 * What a driver in this kernel addresses with physical (DMA-direct)
 * addresses: every address outside RAM stays unmapped.
 *
 * Return: 0 or a negative errno (@iotlb is then empty).
 */
int vbus_vringh_map_ram(struct vhost_iotlb *iotlb)
{
	int ret;

	vhost_iotlb_reset(iotlb);
	ret = walk_iomem_res_desc(IORES_DESC_NONE,
				  IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0,
				  U64_MAX, iotlb, vbus_vringh_add_ram);
	if (ret) {
		pr_err("cannot map System RAM for the rings: %d\n", ret);
		vhost_iotlb_reset(iotlb);
	}
	return ret;
}
EXPORT_SYMBOL_GPL(vbus_vringh_map_ram);
