// SPDX-License-Identifier: GPL-2.0
/*
 * ioq: the native transport's ring. The host side is a struct vbus_queue;
 * the client side (vbus_ioq_client_*) is what an in-kernel client driver
 * posts and reaps with.
 *
 * For the host, the ring is client memory and hostile. The host keeps its own copy of
 * every index it owns (avail tail, used head) and reads from the ring only
 * the avail head and one descriptor at a time, each field once, into a
 * local copy that is then validated. The first inconsistency marks the
 * queue broken: it reports once and then only returns -EIO.
 */
#define pr_fmt(fmt) "vbus: " fmt

#include <asm/barrier.h>
#include <linux/align.h>
#include <linux/container_of.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/vbus_queue.h>

static struct vbus_ioq *to_ioq(struct vbus_queue *q)
{
	return container_of(q, struct vbus_ioq, q);
}

static int ioq_pop(struct vbus_queue *q, struct vbus_buf *buf)
{
	struct vbus_ioq *ioq = to_ioq(q);
	struct ioq_desc *shared;
	u32 head, slot, len, flags;
	u64 addr;

	if (q->broken)
		return -EIO;
	head = le32_to_cpu(READ_ONCE(ioq->ring->idx[IOQ_IDX_AVAIL].head));
	if (head == ioq->avail_tail)
		return -EAGAIN;
	if (head - ioq->avail_tail > ioq->count)
		return vbus_queue_break(q, "avail head %u is more than %u past tail %u",
					head, ioq->count, ioq->avail_tail);
	/* The index before the descriptor it publishes. */
	smp_rmb();

	slot = ioq->avail_tail & (ioq->count - 1);
	shared = &ioq->ring->desc[slot];
	/* One read per field: what is validated is what is used. */
	flags = le32_to_cpu(READ_ONCE(shared->flags));
	addr = le64_to_cpu(READ_ONCE(shared->addr));
	len = le32_to_cpu(READ_ONCE(shared->len));

	if (!(flags & IOQ_DESC_F_HOST_OWNED))
		return vbus_queue_break(q, "slot %u posted but not owned by the host",
					slot);
	if (!len)
		return vbus_queue_break(q, "slot %u has an empty buffer", slot);
	if (!vbus_memctx_range_ok(q->mem, addr, len))
		return vbus_queue_break(q, "slot %u buffer [%#llx, +%u) outside the region",
					slot, addr, len);

	buf->id = slot;
	buf->slot = slot;
	buf->addr = addr;
	buf->len = len;
	buf->pos = 0;
	ioq->avail_tail++;
	WRITE_ONCE(ioq->ring->idx[IOQ_IDX_AVAIL].tail,
		   cpu_to_le32(ioq->avail_tail));
	return 0;
}

/* The range was checked at pop: only the cursor needs checking here. */
static int ioq_read(struct vbus_queue *q, struct vbus_buf *buf, void *dst,
		    u32 len)
{
	int ret;

	if (len > buf->len - buf->pos)
		return -EFAULT;
	ret = vbus_memctx_copy_from(q->mem, dst, buf->addr + buf->pos, len);
	if (!ret)
		buf->pos += len;
	return ret;
}

static int ioq_write(struct vbus_queue *q, struct vbus_buf *buf,
		     const void *src, u32 len)
{
	int ret;

	if (len > buf->len - buf->pos)
		return -EFAULT;
	ret = vbus_memctx_copy_to(q->mem, buf->addr + buf->pos, src, len);
	if (!ret)
		buf->pos += len;
	return ret;
}

static int ioq_push(struct vbus_queue *q, const struct vbus_buf *buf,
		    u32 written)
{
	struct vbus_ioq *ioq = to_ioq(q);
	struct ioq_desc *shared;
	u32 slot = ioq->used_head & (ioq->count - 1);

	if (q->broken)
		return -EIO;
	/* Device bugs, not client ones: completions are in order. */
	if (ioq->used_head == ioq->avail_tail || buf->id != slot ||
	    written > buf->len)
		return -EINVAL;

	shared = &ioq->ring->desc[slot];
	WRITE_ONCE(shared->len, cpu_to_le32(written));
	/* The length before the ownership that hands it back. */
	smp_wmb();
	WRITE_ONCE(shared->flags, 0);
	ioq->used_head++;
	/* The descriptor before the index that publishes it. */
	smp_wmb();
	WRITE_ONCE(ioq->ring->idx[IOQ_IDX_USED].head,
		   cpu_to_le32(ioq->used_head));
	return 0;
}

static bool ioq_enable_notify(struct vbus_queue *q)
{
	struct vbus_ioq *ioq = to_ioq(q);
	bool events = vbus_shm_signal_enable(&ioq->signal);

	if (q->broken)
		return false;
	return events ||
	       le32_to_cpu(READ_ONCE(ioq->ring->idx[IOQ_IDX_AVAIL].head)) !=
	       ioq->avail_tail;
}

/* Polling from here on: claim what the notification announced. */
static void ioq_disable_notify(struct vbus_queue *q)
{
	vbus_shm_signal_disable(&to_ioq(q)->signal);
	vbus_shm_signal_take(&to_ioq(q)->signal);
}

static void ioq_signal(struct vbus_queue *q)
{
	if (!q->broken)
		vbus_shm_signal_inject(&to_ioq(q)->signal);
}

static const struct vbus_queue_ops ioq_queue_ops = {
	.pop = ioq_pop,
	.read = ioq_read,
	.write = ioq_write,
	.push = ioq_push,
	.enable_notify = ioq_enable_notify,
	.disable_notify = ioq_disable_notify,
	.signal = ioq_signal,
};

/**
 * vbus_ioq_init() - attach the host side to a ring in client memory
 * @ioq: the queue to initialise
 * @name: for messages, "<device>/<queue>"; must outlive @ioq
 * @mem: a kernel memory context holding the ring and the buffers
 * @ring_addr: offset of the struct ioq_ring in @mem
 * @ring_size: bytes the client registered for the ring
 *
 * The client must have written magic, version and count, and zeroed the
 * indices. Both sides start at index 0. The caller then sets
 * @ioq->signal.notify (how the host notifies the client) and
 * @ioq->q.kick.
 *
 * Return: 0, -EOPNOTSUPP for a memory context without direct access, or
 * -EINVAL (with a message naming the queue) for a malformed ring.
 */
int vbus_ioq_init(struct vbus_ioq *ioq, const char *name,
		  struct vbus_memctx *mem, u64 ring_addr, size_t ring_size)
{
	struct ioq_ring *ring;
	u32 magic, version, count;

	if (!mem->base)
		return -EOPNOTSUPP;
	if (ring_size < sizeof(*ring) || !IS_ALIGNED(ring_addr, 8) ||
	    !vbus_memctx_range_ok(mem, ring_addr, ring_size)) {
		pr_err("queue %s: ring [%#llx, +%zu) is misaligned, too small or outside the registered memory\n",
		       name, ring_addr, ring_size);
		return -EINVAL;
	}
	ring = mem->base + ring_addr;
	magic = le32_to_cpu(READ_ONCE(ring->magic));
	version = le32_to_cpu(READ_ONCE(ring->version));
	count = le32_to_cpu(READ_ONCE(ring->count));
	if (magic != IOQ_MAGIC || version != IOQ_VERSION ||
	    le32_to_cpu(ring->signal.magic) != SHM_SIGNAL_MAGIC ||
	    le32_to_cpu(ring->signal.version) != SHM_SIGNAL_VERSION) {
		pr_err("queue %s: bad magic or version (ring %#x v%u)\n", name,
		       magic, version);
		return -EINVAL;
	}
	if (!count || count > IOQ_MAX_COUNT || !is_power_of_2(count) ||
	    struct_size(ring, desc, count) > ring_size) {
		pr_err("queue %s: bad count %u for a %zu-byte ring\n", name,
		       count, ring_size);
		return -EINVAL;
	}

	ioq->ring = ring;
	ioq->count = count;
	ioq->avail_tail = 0;
	ioq->used_head = 0;
	ioq->q.ops = &ioq_queue_ops;
	ioq->q.mem = mem;
	ioq->q.name = name;
	ioq->q.broken = false;
	ioq->q.kick.fn = NULL;
	vbus_shm_signal_init(&ioq->signal, &ring->signal, SHM_SIGNAL_TO_SOUTH);
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_ioq_init);

/* Client side: the ring is the client's own memory. */

/**
 * vbus_ioq_client_init() - lay out an empty ring for the host to attach to
 * @c: the client side to initialise
 * @ring: zeroed memory for vbus_ioq_ring_size(@count) bytes
 * @count: descriptors, a power of two up to IOQ_MAX_COUNT
 *
 * Notifications from the host are enabled; the caller sets
 * @c->signal.notify (how it kicks the host).
 */
void vbus_ioq_client_init(struct vbus_ioq_client *c, struct ioq_ring *ring,
			  u32 count)
{
	ring->magic = cpu_to_le32(IOQ_MAGIC);
	ring->version = cpu_to_le32(IOQ_VERSION);
	ring->count = cpu_to_le32(count);
	ring->signal.magic = cpu_to_le32(SHM_SIGNAL_MAGIC);
	ring->signal.version = cpu_to_le32(SHM_SIGNAL_VERSION);
	c->ring = ring;
	c->count = count;
	c->head = 0;
	c->used_tail = 0;
	vbus_shm_signal_init(&c->signal, &ring->signal, SHM_SIGNAL_TO_NORTH);
	vbus_shm_signal_enable(&c->signal);
}
EXPORT_SYMBOL_GPL(vbus_ioq_client_init);

/**
 * vbus_ioq_client_post() - hand the host one buffer; seen at the next publish
 * @c: the client side
 * @addr: the buffer, as an offset in the registered memory
 * @len: its size
 *
 * The caller checks that the ring has room (fewer than @c->count posted
 * and not reaped).
 *
 * Return: the slot used.
 */
u32 vbus_ioq_client_post(struct vbus_ioq_client *c, u64 addr, u32 len)
{
	u32 slot = c->head & (c->count - 1);
	struct ioq_desc *d = &c->ring->desc[slot];

	d->addr = cpu_to_le64(addr);
	d->len = cpu_to_le32(len);
	/* The buffer before the ownership that hands it over. */
	smp_wmb();
	WRITE_ONCE(d->flags, cpu_to_le32(IOQ_DESC_F_HOST_OWNED));
	c->head++;
	return slot;
}
EXPORT_SYMBOL_GPL(vbus_ioq_client_post);

/**
 * vbus_ioq_client_publish() - make posted buffers visible and kick the host
 * @c: the client side
 */
void vbus_ioq_client_publish(struct vbus_ioq_client *c)
{
	/* The descriptors before the index that publishes them. */
	smp_wmb();
	WRITE_ONCE(c->ring->idx[IOQ_IDX_AVAIL].head, cpu_to_le32(c->head));
	vbus_shm_signal_inject(&c->signal);
}
EXPORT_SYMBOL_GPL(vbus_ioq_client_publish);

static u32 vbus_ioq_client_used_head(struct vbus_ioq_client *c)
{
	u32 head = le32_to_cpu(READ_ONCE(c->ring->idx[IOQ_IDX_USED].head));

	/* The index before the descriptors it covers. */
	smp_rmb();
	return head;
}

/**
 * vbus_ioq_client_pending() - has the host completed buffers not reaped?
 * @c: the client side
 *
 * Return: true if vbus_ioq_client_reap() has something.
 */
bool vbus_ioq_client_pending(struct vbus_ioq_client *c)
{
	return vbus_ioq_client_used_head(c) != c->used_tail;
}
EXPORT_SYMBOL_GPL(vbus_ioq_client_pending);

/**
 * vbus_ioq_client_reap() - take the next buffer the host completed
 * @c: the client side
 * @slot: set to its slot
 * @len: set to the bytes the host wrote (unchecked: the caller bounds it)
 *
 * Return: 0, -EAGAIN when there is none, -EIO when the host claims to have
 * completed buffers that were never posted.
 */
int vbus_ioq_client_reap(struct vbus_ioq_client *c, u32 *slot, u32 *len)
{
	u32 head = vbus_ioq_client_used_head(c);

	if (head == c->used_tail)
		return -EAGAIN;
	if (head - c->used_tail > c->head - c->used_tail)
		return -EIO;
	*slot = c->used_tail & (c->count - 1);
	*len = le32_to_cpu(READ_ONCE(c->ring->desc[*slot].len));
	c->used_tail++;
	return 0;
}
EXPORT_SYMBOL_GPL(vbus_ioq_client_reap);
