// SPDX-License-Identifier: GPL-2.0
/*
 * What every queue implementation shares: the broken state, and memory
 * contexts (how a device reaches the client's buffers). The kernel context
 * covers one region of kernel memory; addresses are offsets in it.
 */
#define pr_fmt(fmt) "vbus: " fmt

#include <linux/export.h>
#include <linux/errno.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <linux/vbus_queue.h>

/**
 * vbus_queue_break() - stop a queue at the first inconsistency in its ring
 * @q: the queue
 * @fmt: what was wrong, printf style
 *
 * Reports once, naming the queue; from then on the queue's ops return
 * -EIO, and its enable_notify reports no work, so nothing polls it again.
 * Called with bottom halves off, by the queue's single user.
 *
 * Return: -EIO, for the caller to pass on.
 */
int vbus_queue_break(struct vbus_queue *q, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (q->broken)
		return -EIO;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_err("queue %s: malformed ring, stopped: %pV\n", q->name, &vaf);
	va_end(args);
	WRITE_ONCE(q->broken, true);
	return -EIO;
}
EXPORT_SYMBOL_GPL(vbus_queue_break);

/**
 * vbus_memctx_range_ok() - is [@addr, @addr + @len) inside the region?
 * @ctx: a kernel memory context
 * @addr: offset from the client
 * @len: length from the client
 *
 * Overflow-safe: both values may be anything a client wrote.
 *
 * Return: true if the whole range is inside.
 */
bool vbus_memctx_range_ok(const struct vbus_memctx *ctx, u64 addr, u64 len)
{
	return addr <= ctx->size && len <= ctx->size - addr;
}
EXPORT_SYMBOL_GPL(vbus_memctx_range_ok);

static int vbus_memctx_kernel_copy_from(struct vbus_memctx *ctx, void *dst,
					u64 addr, size_t len)
{
	if (!vbus_memctx_range_ok(ctx, addr, len))
		return -EFAULT;
	memcpy(dst, ctx->base + addr, len);
	return 0;
}

static int vbus_memctx_kernel_copy_to(struct vbus_memctx *ctx, u64 addr,
				      const void *src, size_t len)
{
	if (!vbus_memctx_range_ok(ctx, addr, len))
		return -EFAULT;
	memcpy(ctx->base + addr, src, len);
	return 0;
}

static const struct vbus_memctx_ops vbus_memctx_kernel_ops = {
	.copy_from = vbus_memctx_kernel_copy_from,
	.copy_to = vbus_memctx_kernel_copy_to,
};

/**
 * vbus_memctx_init_kernel() - a context over one region of kernel memory
 * @ctx: the context to initialise
 * @base: start of the region, owned by the caller for the context's life
 * @size: its size in bytes
 */
void vbus_memctx_init_kernel(struct vbus_memctx *ctx, void *base, size_t size)
{
	ctx->ops = &vbus_memctx_kernel_ops;
	ctx->base = base;
	ctx->size = size;
}
EXPORT_SYMBOL_GPL(vbus_memctx_init_kernel);
