// SPDX-License-Identifier: GPL-2.0
/*
 * Memory contexts: how a device reaches the client's buffers. The kernel
 * context covers one region of kernel memory; addresses are offsets in it.
 */
#include <linux/export.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/vbus_queue.h>

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
