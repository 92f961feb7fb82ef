/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transport-neutral data path of vbus: memory contexts, signals, queues.
 *
 * A device model is written once against these; a connector supplies the
 * implementation (ioq and shm-signal for the native transport, vringh for
 * virtio; eventfds carry the notifications of both). Every object here is
 * owned by whoever embeds it; none is refcounted.
 */
#ifndef _LINUX_VBUS_QUEUE_H
#define _LINUX_VBUS_QUEUE_H

#include <linux/types.h>
#include <uapi/linux/vbus_shm.h>

struct vbus_memctx;

/**
 * struct vbus_memctx_ops - access to the client's memory
 * @copy_from: copy @len bytes at client address @addr to @dst
 * @copy_to: copy @len bytes from @src to client address @addr
 *
 * Both return 0, or -EFAULT when [@addr, @addr + @len) is not entirely
 * inside the client's memory.
 */
struct vbus_memctx_ops {
	int (*copy_from)(struct vbus_memctx *ctx, void *dst, u64 addr,
			 size_t len);
	int (*copy_to)(struct vbus_memctx *ctx, u64 addr, const void *src,
		       size_t len);
};

/**
 * struct vbus_memctx - the client's memory as the device sees it
 * @ops: copy in and out
 * @base: for kernel memory contexts: start of the registered region
 * @size: for kernel memory contexts: its size; addresses are offsets
 */
struct vbus_memctx {
	const struct vbus_memctx_ops *ops;
	void *base;
	size_t size;
};

void vbus_memctx_init_kernel(struct vbus_memctx *ctx, void *base,
			     size_t size);
bool vbus_memctx_range_ok(const struct vbus_memctx *ctx, u64 addr, u64 len);

static inline int vbus_memctx_copy_from(struct vbus_memctx *ctx, void *dst,
					u64 addr, size_t len)
{
	return ctx->ops->copy_from(ctx, dst, addr, len);
}

static inline int vbus_memctx_copy_to(struct vbus_memctx *ctx, u64 addr,
				      const void *src, size_t len)
{
	return ctx->ops->copy_to(ctx, addr, src, len);
}

struct shm_signal;

/**
 * struct shm_signal_ops - how a shm-signal reaches the other side
 * @notify: deliver one notification to the other side (an eventfd signal,
 *	an interrupt); may be called in atomic context
 */
struct shm_signal_ops {
	void (*notify)(struct shm_signal *s);
};

/**
 * struct shm_signal - one side's view of a struct shm_signal_desc
 * @desc: the shared descriptor (hostile memory when we are the host)
 * @to_me: index of the direction this side receives (SHM_SIGNAL_TO_*)
 * @ops: delivery to the other side
 * @handler: called when the other side notifies us; atomic context
 * @priv: for @handler
 */
struct shm_signal {
	struct shm_signal_desc *desc;
	unsigned int to_me;
	const struct shm_signal_ops *ops;
	void (*handler)(struct shm_signal *s);
	void *priv;
};

void shm_signal_init(struct shm_signal *s, struct shm_signal_desc *desc,
		     unsigned int to_me, const struct shm_signal_ops *ops);
bool shm_signal_inject(struct shm_signal *s);
bool shm_signal_enable(struct shm_signal *s);
void shm_signal_disable(struct shm_signal *s);
bool shm_signal_take(struct shm_signal *s);

/**
 * struct vbus_buf - a buffer (or chain of buffers) popped from a queue
 * @id: the transport's handle, given back to push
 * @slot: the transport's iterator slot for @read and @write
 * @addr: ioq: client address of the buffer (in the queue's memory context)
 * @len: bytes the device may read (a buffer the client filled) or write
 *	(a buffer the client posted to be filled)
 * @pos: bytes read or written so far; @read and @write advance it
 */
struct vbus_buf {
	u32 id;
	u32 slot;
	u64 addr;
	u32 len;
	u32 pos;
};

struct vbus_queue;

/**
 * struct vbus_queue_ops - a queue of buffers posted by the client
 *
 * Called with bottom halves disabled (NAPI, the netdev TX lock), one
 * caller at a time per queue: transports rely on both.
 *
 * @pop: take the next available buffer: 0, -EAGAIN when there is none,
 *	-EIO when the queue is broken
 * @read: copy the next @len bytes of @buf to @dst: 0, or -EFAULT when
 *	@buf holds fewer, or its memory is not the client's (queue broken)
 * @write: copy @len bytes from @src to the next bytes of @buf: 0 or
 *	-EFAULT, as for @read
 * @push: complete @buf, @written bytes of it filled by the device;
 *	buffers are pushed in the order they were popped
 * @enable_notify: ask the client to notify on new buffers; returns true if
 *	buffers arrived meanwhile (the caller must pop again: no lost wakeup)
 * @disable_notify: stop notifications while polling
 * @signal: tell the client about completed buffers
 */
struct vbus_queue_ops {
	int (*pop)(struct vbus_queue *q, struct vbus_buf *buf);
	int (*read)(struct vbus_queue *q, struct vbus_buf *buf, void *dst,
		    u32 len);
	int (*write)(struct vbus_queue *q, struct vbus_buf *buf,
		     const void *src, u32 len);
	int (*push)(struct vbus_queue *q, const struct vbus_buf *buf,
		    u32 written);
	bool (*enable_notify)(struct vbus_queue *q);
	void (*disable_notify)(struct vbus_queue *q);
	void (*signal)(struct vbus_queue *q);
};

/**
 * struct vbus_queue - what a device model sees of a transport queue
 * @ops: the transport's implementation
 * @mem: where the buffers are
 * @name: for messages: "<device>/<queue>"
 * @broken: set at the first inconsistency read from the ring; a broken
 *	queue only returns -EIO
 * @kick: set by the device model: the transport calls it when the client
 *	notifies this queue (new buffers); atomic context
 * @priv: for @kick
 */
struct vbus_queue {
	const struct vbus_queue_ops *ops;
	struct vbus_memctx *mem;
	const char *name;
	bool broken;
	void (*kick)(struct vbus_queue *q);
	void *priv;
};

/**
 * struct ioq - host side of a struct ioq_ring
 * @q: the transport-neutral queue
 * @ring: the shared ring (hostile)
 * @count: number of descriptors, validated at init; never re-read
 * @avail_tail: next avail slot to pop; ours, never read from @ring
 * @used_head: next used slot to complete; ours, never read from @ring
 * @signal: the ring's shm-signal
 */
struct ioq {
	struct vbus_queue q;
	struct ioq_ring *ring;
	u32 count;
	u32 avail_tail;
	u32 used_head;
	struct shm_signal signal;
};

int ioq_init(struct ioq *ioq, const char *name, struct vbus_memctx *mem,
	     u64 ring_addr, size_t ring_size,
	     const struct shm_signal_ops *signal_ops);

#endif /* _LINUX_VBUS_QUEUE_H */
