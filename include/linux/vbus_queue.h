/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Transport-neutral data path of vbus: callbacks, memory contexts,
 * signals, queues.
 *
 * A device model is written once against struct vbus_queue; a connector
 * supplies the implementation (ioq and shm-signal for the native
 * transport, vringh for virtio). Notification inside the kernel is a
 * direct call through a struct vbus_callback. Every object here is owned
 * by whoever embeds it; none is refcounted.
 */
#ifndef _LINUX_VBUS_QUEUE_H
#define _LINUX_VBUS_QUEUE_H

#include <asm/barrier.h>
#include <linux/align.h>
#include <linux/compiler.h>
#include <linux/types.h>
#include <uapi/linux/vbus_shm.h>

/**
 * struct vbus_callback - a notification to the other side, as vdpa_callback
 * @fn: called with @priv; atomic context; NULL: nobody listens
 * @priv: for @fn; must not change while @fn may be called
 *
 * Published with vbus_callback_set() (release) and called with
 * vbus_callback_call() (acquire), so a caller that sees @fn sees @priv
 * and whatever its owner set up before publishing it.
 */
struct vbus_callback {
	void (*fn)(void *priv);
	void *priv;
};

static inline void vbus_callback_set(struct vbus_callback *cb,
				     void (*fn)(void *priv), void *priv)
{
	WRITE_ONCE(cb->priv, priv);
	/* priv and the owner's state before the function that uses them */
	smp_store_release(&cb->fn, fn);
}

static inline void vbus_callback_call(const struct vbus_callback *cb)
{
	/* pairs with vbus_callback_set() */
	void (*fn)(void *priv) = smp_load_acquire(&cb->fn);

	if (fn)
		fn(READ_ONCE(cb->priv));
}

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

/**
 * struct vbus_shm_signal - one side's view of a struct shm_signal_desc
 * @desc: the shared descriptor (hostile memory when we are the host)
 * @to_me: index of the direction this side receives (SHM_SIGNAL_TO_*)
 * @notify: delivers one notification to the other side; any context
 */
struct vbus_shm_signal {
	struct shm_signal_desc *desc;
	unsigned int to_me;
	struct vbus_callback notify;
};

void vbus_shm_signal_init(struct vbus_shm_signal *s,
			  struct shm_signal_desc *desc, unsigned int to_me);
bool vbus_shm_signal_inject(struct vbus_shm_signal *s);
bool vbus_shm_signal_enable(struct vbus_shm_signal *s);
void vbus_shm_signal_disable(struct vbus_shm_signal *s);
bool vbus_shm_signal_take(struct vbus_shm_signal *s);

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
 *	buffers arrived meanwhile (the caller must pop again: no lost
 *	wakeup), and always false on a broken queue, so that nobody polls it
 *	again
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
 * @broken: set at the first inconsistency read from the ring, by
 *	vbus_queue_break(); a broken queue only returns -EIO
 * @kick: set by the device model at start: the transport calls it when
 *	the client notifies this queue (new buffers); atomic context
 */
struct vbus_queue {
	const struct vbus_queue_ops *ops;
	struct vbus_memctx *mem;
	const char *name;
	bool broken;
	struct vbus_callback kick;
};

__printf(2, 3) int vbus_queue_break(struct vbus_queue *q, const char *fmt,
				    ...);

/**
 * struct vbus_ioq - host side of a struct ioq_ring
 * @q: the transport-neutral queue
 * @ring: the shared ring (hostile)
 * @count: number of descriptors, validated at init; never re-read
 * @avail_tail: next avail slot to pop; ours, never read from @ring
 * @used_head: next used slot to complete; ours, never read from @ring
 * @signal: the ring's shm-signal; its notify reaches the client
 */
struct vbus_ioq {
	struct vbus_queue q;
	struct ioq_ring *ring;
	u32 count;
	u32 avail_tail;
	u32 used_head;
	struct vbus_shm_signal signal;
};

int vbus_ioq_init(struct vbus_ioq *ioq, const char *name,
		  struct vbus_memctx *mem, u64 ring_addr, size_t ring_size);

/**
 * struct vbus_ioq_client - client side of a struct ioq_ring
 * @ring: the ring, in the client's own memory
 * @count: number of descriptors
 * @head: next avail slot the client posts (ours)
 * @used_tail: next used slot the client reaps (ours)
 * @signal: the ring's shm-signal; its notify reaches the device
 *
 * Owned by the client driver; used under its own serialisation (one
 * poster, one reaper per ring).
 */
struct vbus_ioq_client {
	struct ioq_ring *ring;
	u32 count;
	u32 head;
	u32 used_tail;
	struct vbus_shm_signal signal;
};

/**
 * vbus_ioq_ring_size() - bytes a ring of @count descriptors takes
 * @count: number of descriptors
 *
 * Return: the size, rounded up to a cache line.
 */
static inline size_t vbus_ioq_ring_size(u32 count)
{
	return ALIGN(sizeof(struct ioq_ring) +
		     (size_t)count * sizeof(struct ioq_desc), 64);
}

void vbus_ioq_client_init(struct vbus_ioq_client *c, struct ioq_ring *ring,
			  u32 count);
u32 vbus_ioq_client_post(struct vbus_ioq_client *c, u64 addr, u32 len);
void vbus_ioq_client_publish(struct vbus_ioq_client *c);
int vbus_ioq_client_reap(struct vbus_ioq_client *c, u32 *slot, u32 *len);
bool vbus_ioq_client_pending(struct vbus_ioq_client *c);

#endif /* _LINUX_VBUS_QUEUE_H */
