/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vbus shared-memory ABI: shm-signal and ioq.
 *
 * Both live in memory shared between the host side (the device, "south")
 * and the client side (the driver, "north"). Everything is little endian.
 * The host treats every byte here as hostile: it keeps its own copy of
 * every index it owns, copies a descriptor before validating it, and
 * marks a queue broken at the first inconsistency.
 */
#ifndef _UAPI_LINUX_VBUS_SHM_H
#define _UAPI_LINUX_VBUS_SHM_H

#include <linux/types.h>

#define SHM_SIGNAL_MAGIC	0x5348534eU	/* "NSHS" */
#define SHM_SIGNAL_VERSION	1

/**
 * struct shm_signal_irq - notification state of one direction
 * @enabled: written by the receiver: non-zero when it wants a notification
 * @pending: written by the sender when it notified, cleared by the receiver
 *	when it takes the notification; while set, further events only set
 *	@dirty, so a burst raises one notification
 * @dirty: written by the sender for every event, cleared by the receiver
 *	before it looks for work
 * @reserved: zero
 */
struct shm_signal_irq {
	__u8 enabled;
	__u8 pending;
	__u8 dirty;
	__u8 reserved;
};

/* Index of struct shm_signal_desc.irq: who receives the notification. */
#define SHM_SIGNAL_TO_SOUTH	0	/* client to host: "kick" */
#define SHM_SIGNAL_TO_NORTH	1	/* host to client: "interrupt" */

/**
 * struct shm_signal_desc - a bidirectional notification channel
 * @magic: SHM_SIGNAL_MAGIC
 * @version: SHM_SIGNAL_VERSION
 * @irq: one state per direction, indexed by SHM_SIGNAL_TO_*
 */
struct shm_signal_desc {
	__le32 magic;
	__le32 version;
	struct shm_signal_irq irq[2];
};

#define IOQ_MAGIC		0x51514f49U	/* "IOQQ" */
#define IOQ_VERSION		1
#define IOQ_MAX_COUNT		4096

/* The host owns the descriptor: set by the client when it posts it. */
#define IOQ_DESC_F_HOST_OWNED	(1U << 0)

/**
 * struct ioq_desc - one buffer
 * @cookie: the client's own value, returned untouched
 * @addr: offset of the buffer in the client's registered memory region
 * @len: buffer size when posted; bytes the host wrote, when completed
 * @flags: IOQ_DESC_F_*
 */
struct ioq_desc {
	__le64 cookie;
	__le64 addr;
	__le32 len;
	__le32 flags;
};

/**
 * struct ioq_idx - a producer/consumer index pair, free running modulo 2^32
 * @head: next slot the producer fills
 * @tail: next slot the consumer takes (informational: each side trusts
 *	only its own copy of the index it owns)
 */
struct ioq_idx {
	__le32 head;
	__le32 tail;
};

/* struct ioq_ring.idx: avail is produced by the client, used by the host. */
#define IOQ_IDX_AVAIL		0
#define IOQ_IDX_USED		1

/**
 * struct ioq_ring - a ring of descriptors, followed by @count descriptors
 * @magic: IOQ_MAGIC
 * @version: IOQ_VERSION
 * @count: number of descriptors, a power of two, at most IOQ_MAX_COUNT
 * @reserved: zero
 * @signal: the ring's notification channel
 * @idx: IOQ_IDX_AVAIL (client posts buffers) and IOQ_IDX_USED (host
 *	completes them, in order)
 * @desc: the descriptors; slot of index i is desc[i & (count - 1)]
 */
struct ioq_ring {
	__le32 magic;
	__le32 version;
	__le32 count;
	__le32 reserved;
	struct shm_signal_desc signal;
	struct ioq_idx idx[2];
	struct ioq_desc desc[];
};

#endif /* _UAPI_LINUX_VBUS_SHM_H */
