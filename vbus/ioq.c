// SPDX-License-Identifier: GPL-2.0
/*
 * ioq, host side: the native transport's ring, behind struct vbus_queue.
 *
 * The ring is client memory and hostile. The host keeps its own copy of
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

static struct ioq *to_ioq(struct vbus_queue *q)
{
	return container_of(q, struct ioq, q);
}

static __printf(2, 3) int ioq_break(struct ioq *ioq, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("queue %s: malformed ring, stopped: %pV\n", ioq->q.name, &vaf);
	va_end(args);
	ioq->q.broken = true;
	return -EIO;
}

static int ioq_pop(struct vbus_queue *q, struct vbus_buf *buf)
{
	struct ioq *ioq = to_ioq(q);
	struct ioq_desc *shared;
	u32 head, slot, len, flags;
	u64 addr;

	if (q->broken)
		return -EIO;
	head = le32_to_cpu(READ_ONCE(ioq->ring->idx[IOQ_IDX_AVAIL].head));
	if (head == ioq->avail_tail)
		return -EAGAIN;
	if (head - ioq->avail_tail > ioq->count)
		return ioq_break(ioq, "avail head %u is more than %u past tail %u",
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
		return ioq_break(ioq, "slot %u posted but not owned by the host",
				 slot);
	if (!len)
		return ioq_break(ioq, "slot %u has an empty buffer", slot);
	if (!vbus_memctx_range_ok(q->mem, addr, len))
		return ioq_break(ioq, "slot %u buffer [%#llx, +%u) is outside registered memory",
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
	struct ioq *ioq = to_ioq(q);
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
	struct ioq *ioq = to_ioq(q);
	bool events = shm_signal_enable(&ioq->signal);

	return events ||
	       le32_to_cpu(READ_ONCE(ioq->ring->idx[IOQ_IDX_AVAIL].head)) !=
	       ioq->avail_tail;
}

/* Polling from here on: claim what the notification announced. */
static void ioq_disable_notify(struct vbus_queue *q)
{
	shm_signal_disable(&to_ioq(q)->signal);
	shm_signal_take(&to_ioq(q)->signal);
}

static void ioq_signal(struct vbus_queue *q)
{
	shm_signal_inject(&to_ioq(q)->signal);
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
 * ioq_init() - attach the host side to a ring in client memory
 * @ioq: the queue to initialise
 * @name: for messages, "<device>/<queue>"; must outlive @ioq
 * @mem: a kernel memory context holding the ring and the buffers
 * @ring_addr: offset of the struct ioq_ring in @mem
 * @ring_size: bytes the client registered for the ring
 * @signal_ops: how the host notifies the client
 *
 * The client must have written magic, version and count, and zeroed the
 * indices. Both sides start at index 0.
 *
 * Return: 0, -EOPNOTSUPP for a memory context without direct access, or
 * -EINVAL (with a message naming the queue) for a malformed ring.
 */
int ioq_init(struct ioq *ioq, const char *name, struct vbus_memctx *mem,
	     u64 ring_addr, size_t ring_size,
	     const struct shm_signal_ops *signal_ops)
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
	shm_signal_init(&ioq->signal, &ring->signal, SHM_SIGNAL_TO_SOUTH,
			signal_ops);
	return 0;
}
EXPORT_SYMBOL_GPL(ioq_init);
