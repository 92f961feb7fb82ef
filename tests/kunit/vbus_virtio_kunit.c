// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the virtio connector's units: the vringh-backed queue
 * (a well-formed ring, then a table of rings a misbehaving driver could
 * write, each stopping the queue without a splat, and staying stopped),
 * its notifications (completions call the driver's callback, a broken
 * queue calls nobody), the transport's feature rules, and the vDPA config
 * ops of a connected device, driven the way vhost-vdpa's user could drive
 * them: out-of-range indexes, bad ring sizes, legacy drivers, queue state
 * across resets.
 */
#include <kunit/test.h>
#include <linux/bottom_half.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <linux/vbus_virtio.h>
#include <linux/vbus_vringh.h>
#include <linux/vdpa.h>
#include <linux/virtio_byteorder.h>
#include <uapi/linux/virtio_config.h>
#include <uapi/linux/virtio_ring.h>

#define RING_NUM	8
#define BUF_SIZE	256
#define FEATURES	(BIT_ULL(VIRTIO_F_VERSION_1) | \
			 BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC))
/* Far beyond any RAM the test VM has. */
#define NOT_RAM		BIT_ULL(50)

/**
 * struct ring_fixture - a driver's split ring, written by hand
 * @vring: pointers into @mem
 * @mem: the ring, in RAM
 * @buf: a data buffer, in RAM
 * @vr: the device side under test
 * @iotlb: System RAM, one to one, as the virtio connector maps it
 * @iotlb_lock: for vringh's lookups in @iotlb
 */
struct ring_fixture {
	struct vring vring;
	void *mem;
	u8 *buf;
	struct vbus_vringh vr;
	struct vhost_iotlb iotlb;
	spinlock_t iotlb_lock; /* vringh's lookups in @iotlb */
};

/* Each case's fixture, for the exit hook. */
static void ring_exit(struct kunit *test)
{
	struct ring_fixture *f = test->priv;

	if (f) {
		vbus_vringh_cleanup(&f->vr);
		vhost_iotlb_reset(&f->iotlb);
	}
}

/* System RAM one to one, as the connector maps it for virtio_vdpa. */
static void ring_map(struct kunit *test, struct ring_fixture *f)
{
	vhost_iotlb_init(&f->iotlb, VBUS_VRINGH_IOTLB_UNLIMITED, 0);
	spin_lock_init(&f->iotlb_lock);
	KUNIT_ASSERT_EQ(test, vbus_vringh_map_ram(&f->iotlb), 0);
}

static struct ring_fixture *ring_fixture(struct kunit *test, u64 desc_addr)
{
	struct ring_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->mem = kunit_kzalloc(test, vring_size(RING_NUM, SMP_CACHE_BYTES),
			       GFP_KERNEL);
	f->buf = kunit_kzalloc(test, BUF_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mem);
	KUNIT_ASSERT_NOT_NULL(test, f->buf);
	vring_init(&f->vring, RING_NUM, f->mem, SMP_CACHE_BYTES);
	strscpy(f->vr.name, "kunit/0", sizeof(f->vr.name));
	ring_map(test, f);
	vbus_vringh_init(&f->vr, FEATURES, RING_NUM,
			 desc_addr ?: virt_to_phys(f->vring.desc),
			 virt_to_phys(f->vring.avail),
			 virt_to_phys(f->vring.used),
			 &f->iotlb, &f->iotlb_lock);
	test->priv = f;
	return f;
}

static void vring_set_desc(struct vring *vring, unsigned int i, u64 addr,
			   u32 len, u16 flags, u16 next)
{
	vring->desc[i].addr = __cpu_to_virtio64(true, addr);
	vring->desc[i].len = __cpu_to_virtio32(true, len);
	vring->desc[i].flags = __cpu_to_virtio16(true, flags);
	vring->desc[i].next = __cpu_to_virtio16(true, next);
}

static void set_desc(struct ring_fixture *f, unsigned int i, u64 addr,
		     u32 len, u16 flags, u16 next)
{
	vring_set_desc(&f->vring, i, addr, len, flags, next);
}

/* Publish @head as the next available chain. */
static void vring_post(struct vring *vring, u16 head)
{
	u16 idx = __virtio16_to_cpu(true, vring->avail->idx);

	vring->avail->ring[idx % vring->num] = __cpu_to_virtio16(true, head);
	/* The entry before the index that publishes it, as a driver does. */
	smp_wmb();
	vring->avail->idx = __cpu_to_virtio16(true, idx + 1);
}

static void post(struct ring_fixture *f, u16 head)
{
	vring_post(&f->vring, head);
}

/*
 * The queue's callers (NAPI, the netdev TX lock) run with bottom halves
 * off, and vringh's IOTLB lock relies on it: so do the tests.
 */
static int q_pop(struct vbus_queue *q, struct vbus_buf *buf)
{
	int ret;

	local_bh_disable();
	ret = q->ops->pop(q, buf);
	local_bh_enable();
	return ret;
}

static int q_read(struct vbus_queue *q, struct vbus_buf *buf, void *dst,
		  u32 len)
{
	int ret;

	local_bh_disable();
	ret = q->ops->read(q, buf, dst, len);
	local_bh_enable();
	return ret;
}

static int q_write(struct vbus_queue *q, struct vbus_buf *buf,
		   const void *src, u32 len)
{
	int ret;

	local_bh_disable();
	ret = q->ops->write(q, buf, src, len);
	local_bh_enable();
	return ret;
}

static int q_push(struct vbus_queue *q, struct vbus_buf *buf, u32 written)
{
	int ret;

	local_bh_disable();
	ret = q->ops->push(q, buf, written);
	local_bh_enable();
	return ret;
}

static void vringh_queue_empty(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	struct vbus_buf buf;

	KUNIT_EXPECT_EQ(test, q_pop(&f->vr.q, &buf), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, f->vr.q.broken);
}

static void vringh_queue_read_and_write(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	struct vbus_queue *q = &f->vr.q;
	u8 out[16], in[16];
	struct vbus_buf buf;

	memset(f->buf, 0xab, 16);
	/* A readable chain of two descriptors... */
	set_desc(f, 0, virt_to_phys(f->buf), 8, VRING_DESC_F_NEXT, 1);
	set_desc(f, 1, virt_to_phys(f->buf + 8), 8, 0, 0);
	post(f, 0);
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, buf.len, 16);
	KUNIT_EXPECT_EQ(test, q_read(q, &buf, out, 16), 0);
	KUNIT_EXPECT_EQ(test, out[15], 0xab);
	/* ...reads no further than it holds. */
	KUNIT_EXPECT_EQ(test, q_read(q, &buf, out, 1), -EFAULT);
	KUNIT_EXPECT_EQ(test, q_push(q, &buf, 0), 0);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, f->vring.used->idx), 1);

	/* A writable buffer is filled and its length reported. */
	memset(in, 0x5a, sizeof(in));
	set_desc(f, 2, virt_to_phys(f->buf + 64), 32, VRING_DESC_F_WRITE, 0);
	post(f, 2);
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, q_write(q, &buf, in, sizeof(in)), 0);
	KUNIT_EXPECT_EQ(test, q_push(q, &buf, buf.pos), 0);
	KUNIT_EXPECT_EQ(test, f->buf[64 + 15], 0x5a);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, f->vring.used->ring[1].len),
			16);
	KUNIT_EXPECT_EQ(test, __virtio32_to_cpu(true, f->vring.used->ring[1].id),
			2);
	/* A buffer cannot be completed twice. */
	KUNIT_EXPECT_EQ(test, q_push(q, &buf, 0), -EINVAL);
	KUNIT_EXPECT_FALSE(test, q->broken);
}

/* One IOTLB entry: the page at @iova is @page. */
static int map_page(struct ring_fixture *f, u64 iova, void *page)
{
	return vhost_iotlb_add_range(&f->iotlb, iova, iova + PAGE_SIZE - 1,
				     virt_to_phys(page), VHOST_MAP_RW);
}

/*
 * A process's memory reaches the IOTLB in runs of pinned pages: a ring
 * that crosses from one mapping into the next works the same (the queue
 * maps it with vmap()), and one with a page unmapped breaks the queue.
 */
static void vringh_queue_rings_across_mappings(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	struct vbus_queue *q = &f->vr.q;
	const u64 iova = BIT_ULL(40);
	u64 buf_pa = virt_to_phys(f->buf);
	u8 *mem, *page, *ring;
	struct vbus_buf buf;
	u8 out[8];

	mem = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, mem);
	page = PTR_ALIGN(mem, PAGE_SIZE);
	/* The available ring starts 2 bytes before the second page. */
	ring = page + PAGE_SIZE - 16 * RING_NUM - 2;
	vring_init(&f->vring, RING_NUM, ring, SMP_CACHE_BYTES);
	vbus_vringh_cleanup(&f->vr);
	vhost_iotlb_reset(&f->iotlb);
	KUNIT_ASSERT_EQ(test, map_page(f, iova, page), 0);
	KUNIT_ASSERT_EQ(test, map_page(f, iova + PAGE_SIZE, page + PAGE_SIZE),
			0);
	KUNIT_ASSERT_EQ(test, vhost_iotlb_add_range(&f->iotlb, buf_pa,
						    buf_pa + BUF_SIZE - 1,
						    buf_pa, VHOST_MAP_RW), 0);
	vbus_vringh_init(&f->vr, FEATURES, RING_NUM, iova + (ring - page),
			 iova + ((u8 *)f->vring.avail - page),
			 iova + ((u8 *)f->vring.used - page),
			 &f->iotlb, &f->iotlb_lock);
	KUNIT_EXPECT_NOT_NULL(test, f->vr.vmapped[0]);

	memset(f->buf, 0xcd, 8);
	set_desc(f, 0, buf_pa, 8, 0, 0);
	post(f, 0);
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, q_read(q, &buf, out, 8), 0);
	KUNIT_EXPECT_EQ(test, out[7], 0xcd);
	KUNIT_EXPECT_EQ(test, q_push(q, &buf, 0), 0);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, f->vring.used->idx), 1);
	KUNIT_EXPECT_FALSE(test, q->broken);

	/* The second page unmapped: nothing is served from half a ring. */
	vbus_vringh_cleanup(&f->vr);
	vhost_iotlb_del_range(&f->iotlb, iova + PAGE_SIZE,
			      iova + 2 * PAGE_SIZE - 1);
	vbus_vringh_init(&f->vr, FEATURES, RING_NUM, iova + (ring - page),
			 iova + ((u8 *)f->vring.avail - page),
			 iova + ((u8 *)f->vring.used - page),
			 &f->iotlb, &f->iotlb_lock);
	KUNIT_EXPECT_EQ(test, q_pop(q, &buf), -EIO);
	KUNIT_EXPECT_TRUE(test, q->broken);
}

/* Malformed rings: each must stop the queue, report it, and no more. */

struct bad_vring {
	const char *name;
	void (*spoil)(struct ring_fixture *f);
	bool bad_table;		/* the descriptor table is not in RAM */
	bool fails_on_read;	/* pop succeeds; the buffer cannot be read */
	bool fails_on_write;	/* pop succeeds; the buffer cannot be written */
};

static void head_past_ring(struct ring_fixture *f)
{
	set_desc(f, 0, virt_to_phys(f->buf), 8, 0, 0);
	post(f, RING_NUM + 3);
}

static void addr_outside_ram(struct ring_fixture *f)
{
	set_desc(f, 0, NOT_RAM, 8, 0, 0);
	post(f, 0);
}

static void write_outside_ram(struct ring_fixture *f)
{
	set_desc(f, 0, NOT_RAM, 8, VRING_DESC_F_WRITE, 0);
	post(f, 0);
}

static void chain_loop(struct ring_fixture *f)
{
	set_desc(f, 0, virt_to_phys(f->buf), 8, VRING_DESC_F_NEXT, 1);
	set_desc(f, 1, virt_to_phys(f->buf), 8, VRING_DESC_F_NEXT, 0);
	post(f, 0);
}

static void next_past_ring(struct ring_fixture *f)
{
	set_desc(f, 0, virt_to_phys(f->buf), 8, VRING_DESC_F_NEXT, RING_NUM);
	post(f, 0);
}

static void avail_idx_jumps(struct ring_fixture *f)
{
	set_desc(f, 0, virt_to_phys(f->buf), 8, 0, 0);
	f->vring.avail->idx = __cpu_to_virtio16(true, 3 * RING_NUM);
}

static void indirect_odd_size(struct ring_fixture *f)
{
	set_desc(f, 0, virt_to_phys(f->buf), 17, VRING_DESC_F_INDIRECT, 0);
	post(f, 0);
}

static void read_after_write(struct ring_fixture *f)
{
	set_desc(f, 0, virt_to_phys(f->buf), 8,
		 VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(f, 1, virt_to_phys(f->buf + 8), 8, 0, 0);
	post(f, 0);
}

static void table_outside_ram(struct ring_fixture *f)
{
	post(f, 0);
}

static const struct bad_vring bad_vrings[] = {
	{ "head index past the ring", head_past_ring },
	{ "buffer address outside RAM", addr_outside_ram, .fails_on_read = true },
	{ "writable buffer outside RAM", write_outside_ram, .fails_on_write = true },
	{ "descriptor chain loops", chain_loop },
	{ "next index past the ring", next_past_ring },
	{ "avail index jumps past the ring", avail_idx_jumps },
	{ "indirect table of odd size", indirect_odd_size },
	{ "readable after writable", read_after_write },
	{ "descriptor table outside RAM", table_outside_ram, .bad_table = true },
};

static void bad_vring_desc(const struct bad_vring *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_vring, bad_vrings, bad_vring_desc);

static void vringh_queue_malformed(struct kunit *test)
{
	const struct bad_vring *b = test->param_value;
	struct ring_fixture *f = ring_fixture(test, b->bad_table ? NOT_RAM : 0);
	struct vbus_queue *q = &f->vr.q;
	struct vbus_buf buf;
	u8 out[8] = {};

	b->spoil(f);
	if (b->fails_on_read) {
		KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
		KUNIT_EXPECT_EQ(test, q_read(q, &buf, out, sizeof(out)),
				-EFAULT);
	} else if (b->fails_on_write) {
		KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
		KUNIT_EXPECT_EQ(test, q_write(q, &buf, out, sizeof(out)),
				-EFAULT);
	} else {
		KUNIT_EXPECT_EQ(test, q_pop(q, &buf), -EIO);
	}
	KUNIT_EXPECT_TRUE(test, q->broken);
	/* A broken queue stays stopped, and asks nobody to poll it again. */
	KUNIT_EXPECT_EQ(test, q_pop(q, &buf), -EIO);
	local_bh_disable();
	KUNIT_EXPECT_FALSE(test, q->ops->enable_notify(q));
	local_bh_enable();
}

/* Notification: completions reach the driver through the call callback. */

static void count_call(void *priv)
{
	(*(int *)priv)++;
}

static void q_signal(struct vbus_queue *q)
{
	local_bh_disable();
	q->ops->signal(q);
	local_bh_enable();
}

static void vringh_queue_calls_driver(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	struct vbus_queue *q = &f->vr.q;
	struct vbus_buf buf;
	int calls = 0;

	vbus_callback_set(&f->vr.call, count_call, &calls);
	set_desc(f, 0, virt_to_phys(f->buf), 8, 0, 0);
	post(f, 0);
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_ASSERT_EQ(test, q_push(q, &buf, 0), 0);
	q_signal(q);
	KUNIT_EXPECT_EQ(test, calls, 1);
	/* The driver asked for no interrupts: none. */
	f->vring.avail->flags = __cpu_to_virtio16(true,
						  VRING_AVAIL_F_NO_INTERRUPT);
	post(f, 0);
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_ASSERT_EQ(test, q_push(q, &buf, 0), 0);
	q_signal(q);
	KUNIT_EXPECT_EQ(test, calls, 1);
}

static void vringh_queue_broken_calls_nobody(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	struct vbus_queue *q = &f->vr.q;
	struct vbus_buf buf;
	int calls = 0;

	vbus_callback_set(&f->vr.call, count_call, &calls);
	head_past_ring(f);
	KUNIT_EXPECT_EQ(test, q_pop(q, &buf), -EIO);
	q_signal(q);
	KUNIT_EXPECT_EQ(test, calls, 0);
}

static void vringh_queue_kick_callback(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	int kicks = 0;

	/* No callback yet: a kick reaches nobody, and nothing breaks. */
	vbus_callback_call(&f->vr.q.kick);
	vbus_callback_set(&f->vr.q.kick, count_call, &kicks);
	vbus_callback_call(&f->vr.q.kick);
	WRITE_ONCE(f->vr.q.kick.fn, NULL);
	vbus_callback_call(&f->vr.q.kick);
	KUNIT_EXPECT_EQ(test, kicks, 1);
}

/*
 * Fuzzing: seeded, reproducible random rings for vringh. Every value is
 * random, but every address is either outside RAM or inside this suite's
 * own data area (buffers in one part, indirect tables, 16-byte aligned,
 * in the other, filled with such descriptors too): what is fuzzed is the
 * ring's structure, never a write to someone else's memory. Whatever the
 * ring says, pop answers 0, -EAGAIN or -EIO, no more than a ring's worth
 * of chains is taken, and a broken queue stays broken.
 */
static unsigned int fuzz_cases = 300;
module_param(fuzz_cases, uint, 0444);
MODULE_PARM_DESC(fuzz_cases, "random rings in the fuzz case");
static unsigned int fuzz_seed = 1;
module_param(fuzz_seed, uint, 0444);
MODULE_PARM_DESC(fuzz_seed, "seed of the first ring; ring i uses seed + i");

#define FUZZ_TABLES	1024	/* indirect tables: data[0, FUZZ_TABLES) */
#define FUZZ_DATA	8192	/* buffers: data[FUZZ_TABLES, FUZZ_DATA) */

struct fuzz {
	struct rnd_state rnd;
	u8 *data;
	u64 phys;
};

static u32 fuzz_rand(struct fuzz *z, u32 below)
{
	return prandom_u32_state(&z->rnd) % below;
}

/* A random descriptor whose addresses are safe to follow. */
static void fuzz_desc(struct fuzz *z, struct vring_desc *d, unsigned int num)
{
	u16 flags = fuzz_rand(z, 8) & (VRING_DESC_F_NEXT | VRING_DESC_F_WRITE |
				       VRING_DESC_F_INDIRECT);
	u32 len, off;
	u64 addr;

	if (flags & VRING_DESC_F_INDIRECT) {
		off = 16 * fuzz_rand(z, FUZZ_TABLES / 16);
		len = fuzz_rand(z, 4) ? 16 * fuzz_rand(z, (FUZZ_TABLES - off) / 16 + 1) :
					fuzz_rand(z, FUZZ_TABLES - off + 1);
		addr = z->phys + off;
	} else if (fuzz_rand(z, 5)) {
		off = FUZZ_TABLES + fuzz_rand(z, FUZZ_DATA - FUZZ_TABLES);
		len = fuzz_rand(z, FUZZ_DATA - off + 1);
		addr = z->phys + off;
	} else {
		addr = NOT_RAM + fuzz_rand(z, 1U << 30);
		len = prandom_u32_state(&z->rnd);
	}
	d->addr = __cpu_to_virtio64(true, addr);
	d->len = __cpu_to_virtio32(true, len);
	d->flags = __cpu_to_virtio16(true, flags);
	d->next = __cpu_to_virtio16(true, fuzz_rand(z, num + 2));
}

static void vringh_fuzz_one(struct kunit *test, struct ring_fixture *f,
			    struct fuzz *z, u32 seed)
{
	struct vbus_queue *q = &f->vr.q;
	struct vring_desc *tables = (struct vring_desc *)z->data;
	unsigned int i, pops = 0, n;
	struct vbus_buf buf;
	u8 scratch[32] = {};
	u16 idx;
	int ret;

	prandom_seed_state(&z->rnd, seed);
	memset(f->mem, 0, vring_size(RING_NUM, SMP_CACHE_BYTES));
	vbus_vringh_cleanup(&f->vr);
	vbus_vringh_init(&f->vr, FEATURES, RING_NUM,
			 virt_to_phys(f->vring.desc),
			 virt_to_phys(f->vring.avail),
			 virt_to_phys(f->vring.used),
			 &f->iotlb, &f->iotlb_lock);
	for (i = 0; i < FUZZ_TABLES / sizeof(*tables); i++)
		fuzz_desc(z, &tables[i], RING_NUM);
	for (i = 0; i < RING_NUM; i++) {
		u16 head = fuzz_rand(z, RING_NUM + 2);

		fuzz_desc(z, &f->vring.desc[i], RING_NUM);
		f->vring.avail->ring[i] = __cpu_to_virtio16(true, head);
	}
	idx = fuzz_rand(z, 4) ? fuzz_rand(z, RING_NUM + 1) :
				prandom_u32_state(&z->rnd);
	f->vring.avail->idx = __cpu_to_virtio16(true, idx);
	n = 2 * RING_NUM + 2;
	for (i = 0; i < n; i++) {
		ret = q_pop(q, &buf);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			KUNIT_ASSERT_EQ_MSG(test, ret, -EIO, "seed %u", seed);
			break;
		}
		pops++;
		/* One of them fails: the chain goes the other way. */
		if (q_read(q, &buf, scratch, min_t(u32, buf.len, 8)))
			q_write(q, &buf, scratch, min_t(u32, buf.len, 8));
		ret = q_push(q, &buf, buf.pos);
		KUNIT_ASSERT_TRUE_MSG(test, !ret || ret == -EIO, "seed %u",
				      seed);
	}
	KUNIT_ASSERT_LE_MSG(test, pops, RING_NUM, "seed %u", seed);
	if (q->broken)
		KUNIT_ASSERT_EQ_MSG(test, q_pop(q, &buf), -EIO, "seed %u", seed);
}

static void vringh_queue_fuzz(struct kunit *test)
{
	struct ring_fixture *f = ring_fixture(test, 0);
	struct fuzz *z = kunit_kzalloc(test, sizeof(*z), GFP_KERNEL);
	unsigned int i, broken = 0;

	KUNIT_ASSERT_NOT_NULL(test, z);
	z->data = kunit_kzalloc(test, FUZZ_DATA, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, z->data);
	z->phys = virt_to_phys(z->data);
	for (i = 0; i < fuzz_cases; i++) {
		vringh_fuzz_one(test, f, z, fuzz_seed + i);
		broken += f->vr.q.broken;
		/* 10,000 cases under KASAN: a soft lockup without it */
		cond_resched();
	}
	kunit_info(test, "%u random rings from seed %u, %u broke their queue\n",
		   fuzz_cases, fuzz_seed, broken);
	/* A fuzzer that never breaks anything proves nothing. */
	if (fuzz_cases >= 100)
		KUNIT_EXPECT_GT(test, broken, 0);
}

static struct kunit_case vringh_queue_cases[] = {
	KUNIT_CASE(vringh_queue_empty),
	KUNIT_CASE(vringh_queue_read_and_write),
	KUNIT_CASE(vringh_queue_rings_across_mappings),
	KUNIT_CASE_PARAM(vringh_queue_malformed, bad_vring_gen_params),
	KUNIT_CASE(vringh_queue_calls_driver),
	KUNIT_CASE(vringh_queue_broken_calls_nobody),
	KUNIT_CASE(vringh_queue_kick_callback),
	KUNIT_CASE(vringh_queue_fuzz),
	{}
};

static struct kunit_suite vringh_queue_suite = {
	.name = "vbus_vringh_queue",
	.exit = ring_exit,
	.test_cases = vringh_queue_cases,
};

/* Features, on a device interface of our own. */

static const struct vbus_device_ops fake_ops = {
	.device_id = 1,
	.features = BIT_ULL(5),
	.num_queues = 2,
};

static void virtio_offers_transport_features(struct kunit *test)
{
	static struct vbus_class class = { .device = &fake_ops };
	struct vbus_device *dev = kunit_kzalloc(test, sizeof(*dev), GFP_KERNEL);
	u64 f;

	KUNIT_ASSERT_NOT_NULL(test, dev);
	dev->class = &class;
	f = vbus_virtio_device_features(dev);

	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(5));
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_F_VERSION_1));
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_RING_F_EVENT_IDX));
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC));
	/* Addresses go through the device's IOTLB (vhost-vdpa needs it). */
	KUNIT_EXPECT_TRUE(test, f & BIT_ULL(VIRTIO_F_ACCESS_PLATFORM));
}

static void virtio_refuses_legacy(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, vbus_virtio_features_ok(BIT_ULL(5)), -ENODEV);
	KUNIT_EXPECT_EQ(test, vbus_virtio_features_ok(BIT_ULL(5) |
				      BIT_ULL(VIRTIO_F_VERSION_1)), 0);
}

static struct kunit_case virtio_features_cases[] = {
	KUNIT_CASE(virtio_offers_transport_features),
	KUNIT_CASE(virtio_refuses_legacy),
	{}
};

static struct kunit_suite virtio_features_suite = {
	.name = "vbus_virtio_features",
	.test_cases = virtio_features_cases,
};

/* A device class for the vDPA ops suite: two queues, eight config bytes. */

#define KV_FEATURE	BIT_ULL(5)
#define KV_CONFIG	8

/**
 * struct kv_device - what the suite's device saw
 * @vdev: the vbus device
 * @starts: start calls
 * @stops: stop calls
 * @features: the features of the last start
 * @queues: the queues of the last start, valid until the next stop
 */
struct kv_device {
	struct vbus_device vdev;
	int starts, stops;
	u64 features;
	struct vbus_queue *queues[2];
};

static struct kv_device *to_kv(struct vbus_device *vdev)
{
	return container_of(vdev, struct kv_device, vdev);
}

static void kv_get_config(struct vbus_device *vdev, void *config)
{
	memset(config, 0xa5, KV_CONFIG);
}

static int kv_start(struct vbus_device *vdev, const struct vbus_link *link)
{
	struct kv_device *kv = to_kv(vdev);

	kv->starts++;
	kv->features = link->features;
	kv->queues[0] = link->queues[0];
	kv->queues[1] = link->queues[1];
	return 0;
}

static void kv_stop(struct vbus_device *vdev)
{
	struct kv_device *kv = to_kv(vdev);

	kv->stops++;
	kv->queues[0] = NULL;
	kv->queues[1] = NULL;
}

static const struct vbus_device_ops kv_device_ops = {
	/* no virtio driver claims this id */
	.device_id = 0xfffd,
	.features = KV_FEATURE,
	.num_queues = 2,
	.config_size = KV_CONFIG,
	.get_config = kv_get_config,
	.start = kv_start,
	.stop = kv_stop,
};

static struct vbus_device *kv_create(const char *name)
{
	struct kv_device *kv = kzalloc(sizeof(*kv), GFP_KERNEL);

	return kv ? &kv->vdev : ERR_PTR(-ENOMEM);
}

static void kv_release(struct vbus_device *vdev)
{
	kfree(to_kv(vdev));
}

static const struct vbus_class_ops kv_class_ops = {
	.create = kv_create,
	.release = kv_release,
};

static struct vbus_class kv_class = {
	.name = "kunit_vdpa",
	.owner = THIS_MODULE,
	.ops = &kv_class_ops,
	.device = &kv_device_ops,
};

/**
 * struct kv_fixture - a connected device and its rings
 * @dev: the device, on @bus
 * @bus: connected to "virtio"
 * @vdpa: the device as the vDPA bus sees it
 * @ops: its config ops
 * @rings: one split ring of KV_RING entries per queue
 * @tlbs: IOTLBs a case hands to set_map, freed by the exit hook
 * @registered: kv_class is registered
 */
struct kv_fixture {
	struct vbus_device *dev;
	struct vbus *bus;
	struct vdpa_device *vdpa;
	const struct vdpa_config_ops *ops;
	struct vring rings[2];
	struct vhost_iotlb *tlbs[3];
	bool registered;
};

#define KV_RING		8
#define KV_STARTED	(VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER | \
			 VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK)

static int kv_init(struct kunit *test)
{
	struct kv_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	test->priv = f;
	KUNIT_ASSERT_EQ(test, vbus_class_register(&kv_class), 0);
	f->registered = true;
	f->dev = vbus_device_create(&kv_class, "kt-vdpa0");
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->dev));
	f->bus = vbus_create("kt-vdpa-bus");
	KUNIT_ASSERT_FALSE(test, IS_ERR(f->bus));
	KUNIT_ASSERT_EQ(test, vbus_attach(f->bus, f->dev), 0);
	KUNIT_ASSERT_EQ(test, vbus_connect(f->bus, "virtio"), 0);
	/* vdpa_alloc_device() puts the vdpa device first. */
	f->vdpa = f->dev->connector_priv;
	KUNIT_ASSERT_NOT_NULL(test, f->vdpa);
	f->ops = f->vdpa->config;
	for (i = 0; i < 2; i++) {
		void *mem = kunit_kzalloc(test, vring_size(KV_RING, PAGE_SIZE),
					  GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, mem);
		vring_init(&f->rings[i], KV_RING, mem, PAGE_SIZE);
	}
	/* virtio_vdpa may have touched it: start from a reset. */
	KUNIT_ASSERT_EQ(test, f->ops->reset(f->vdpa), 0);
	return 0;
}

static void kv_exit(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	unsigned int i;

	if (!f)
		return;
	if (!IS_ERR_OR_NULL(f->bus)) {
		vbus_connect(f->bus, "none");
		if (!IS_ERR_OR_NULL(f->dev) && f->dev->bus)
			vbus_detach(f->dev);
	}
	if (!IS_ERR_OR_NULL(f->dev))
		vbus_device_destroy(f->dev);
	if (!IS_ERR_OR_NULL(f->bus))
		vbus_destroy(f->bus);
	if (f->registered)
		vbus_class_unregister(&kv_class);
	for (i = 0; i < ARRAY_SIZE(f->tlbs); i++)
		if (f->tlbs[i])
			vhost_iotlb_free(f->tlbs[i]);
}

/*
 * Negotiate @features and set both queues up, @num entries each, the
 * driver's ring addresses in @addrs (descriptors, driver, device area).
 */
static void kv_setup_at(struct kunit *test, u64 features, u32 num,
			u64 (*addrs)[3])
{
	struct kv_fixture *f = test->priv;
	unsigned int i;

	f->ops->set_status(f->vdpa, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			   VIRTIO_CONFIG_S_DRIVER);
	KUNIT_ASSERT_EQ(test, f->ops->set_driver_features(f->vdpa, features),
			0);
	f->ops->set_status(f->vdpa, VIRTIO_CONFIG_S_ACKNOWLEDGE |
			   VIRTIO_CONFIG_S_DRIVER |
			   VIRTIO_CONFIG_S_FEATURES_OK);
	for (i = 0; i < 2; i++) {
		int ret = f->ops->set_vq_address(f->vdpa, i, addrs[i][0],
						 addrs[i][1], addrs[i][2]);

		KUNIT_ASSERT_EQ(test, ret, 0);
		f->ops->set_vq_num(f->vdpa, i, num);
		f->ops->set_vq_ready(f->vdpa, i, true);
	}
}

/* The same with the fixture's rings, at their physical addresses. */
static void kv_setup(struct kunit *test, u64 features, u32 num)
{
	struct kv_fixture *f = test->priv;
	u64 addrs[2][3];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		addrs[i][0] = virt_to_phys(f->rings[i].desc);
		addrs[i][1] = virt_to_phys(f->rings[i].avail);
		addrs[i][2] = virt_to_phys(f->rings[i].used);
	}
	kv_setup_at(test, features, num, addrs);
}

static void vdpa_starts_and_stops(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	struct kv_device *kv = to_kv(f->dev);
	u64 want = KV_FEATURE | BIT_ULL(VIRTIO_F_VERSION_1) |
		   BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);

	KUNIT_EXPECT_EQ(test, f->ops->get_device_id(f->vdpa), 0xfffd);
	KUNIT_EXPECT_EQ(test, f->ops->get_device_features(f->vdpa) & want,
			want);
	/* QEMU clears the features before it negotiates. */
	KUNIT_EXPECT_EQ(test, f->ops->set_driver_features(f->vdpa, 0), 0);
	/* Bits the device does not offer are dropped. */
	kv_setup(test, want | BIT_ULL(63), KV_RING);
	KUNIT_EXPECT_EQ(test, f->ops->get_driver_features(f->vdpa), want);
	KUNIT_EXPECT_EQ(test, f->ops->set_driver_features(f->vdpa, want),
			-EBUSY);
	f->ops->set_status(f->vdpa, KV_STARTED);
	KUNIT_EXPECT_EQ(test, f->ops->get_status(f->vdpa), KV_STARTED);
	KUNIT_EXPECT_EQ(test, kv->starts, 1);
	KUNIT_EXPECT_EQ(test, kv->features, want);
	KUNIT_EXPECT_TRUE(test, f->dev->started);
	/* A kick on a device that set no kick callback reaches nobody. */
	f->ops->kick_vq(f->vdpa, 0);
	KUNIT_EXPECT_EQ(test, f->ops->reset(f->vdpa), 0);
	KUNIT_EXPECT_EQ(test, kv->stops, 1);
	KUNIT_EXPECT_FALSE(test, f->dev->started);
	KUNIT_EXPECT_EQ(test, f->ops->get_status(f->vdpa), 0);
	KUNIT_EXPECT_FALSE(test, f->ops->get_vq_ready(f->vdpa, 0));
}

static void vdpa_refuses_legacy(struct kunit *test)
{
	struct kv_fixture *f = test->priv;

	kv_setup(test, KV_FEATURE, KV_RING);
	KUNIT_EXPECT_FALSE(test, f->ops->get_status(f->vdpa) &
			   VIRTIO_CONFIG_S_FEATURES_OK);
	f->ops->set_status(f->vdpa, KV_STARTED);
	KUNIT_EXPECT_TRUE(test, f->ops->get_status(f->vdpa) &
			  VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, to_kv(f->dev)->starts, 0);
}

static const u32 kv_bad_nums[] = { 0, 3, 100, 512, 65535 };

static void vdpa_refuses_bad_ring_sizes(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(kv_bad_nums); i++) {
		KUNIT_ASSERT_EQ(test, f->ops->reset(f->vdpa), 0);
		kv_setup(test, BIT_ULL(VIRTIO_F_VERSION_1), kv_bad_nums[i]);
		f->ops->set_status(f->vdpa, KV_STARTED);
		KUNIT_EXPECT_TRUE_MSG(test, f->ops->get_status(f->vdpa) &
				      VIRTIO_CONFIG_S_NEEDS_RESET,
				      "ring size %u", kv_bad_nums[i]);
	}
	KUNIT_EXPECT_EQ(test, to_kv(f->dev)->starts, 0);
}

static void vdpa_needs_every_queue(struct kunit *test)
{
	struct kv_fixture *f = test->priv;

	kv_setup(test, BIT_ULL(VIRTIO_F_VERSION_1), KV_RING);
	f->ops->set_vq_ready(f->vdpa, 1, false);
	f->ops->set_status(f->vdpa, KV_STARTED);
	KUNIT_EXPECT_TRUE(test, f->ops->get_status(f->vdpa) &
			  VIRTIO_CONFIG_S_NEEDS_RESET);
	KUNIT_EXPECT_EQ(test, to_kv(f->dev)->starts, 0);
}

static void vdpa_bounds_queue_indexes(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	struct vdpa_vq_state state = { .split.avail_index = 1 };
	static const u16 bad[] = { 2, 3, VBUS_MAX_QUEUES, 255, 256, 0xffff };
	struct vdpa_callback cb = {};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u16 idx = bad[i];

		KUNIT_EXPECT_EQ(test, f->ops->set_vq_address(f->vdpa, idx, 0, 0,
							     0), -EINVAL);
		f->ops->set_vq_num(f->vdpa, idx, KV_RING);
		f->ops->set_vq_ready(f->vdpa, idx, true);
		f->ops->set_vq_cb(f->vdpa, idx, &cb);
		f->ops->kick_vq(f->vdpa, idx);
		KUNIT_EXPECT_FALSE(test, f->ops->get_vq_ready(f->vdpa, idx));
		KUNIT_EXPECT_EQ(test, f->ops->set_vq_state(f->vdpa, idx,
							   &state), -EINVAL);
		KUNIT_EXPECT_EQ(test, f->ops->get_vq_state(f->vdpa, idx,
							   &state), -EINVAL);
	}
}

static void vdpa_keeps_queue_state(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	struct vdpa_vq_state state = { .split.avail_index = 5 };

	KUNIT_EXPECT_EQ(test, f->ops->set_vq_state(f->vdpa, 1, &state), 0);
	state.split.avail_index = 0;
	KUNIT_EXPECT_EQ(test, f->ops->get_vq_state(f->vdpa, 1, &state), 0);
	KUNIT_EXPECT_EQ(test, state.split.avail_index, 5);
	/* QEMU reads it after a reset. */
	KUNIT_EXPECT_EQ(test, f->ops->reset(f->vdpa), 0);
	KUNIT_EXPECT_EQ(test, f->ops->get_vq_state(f->vdpa, 1, &state), 0);
	KUNIT_EXPECT_EQ(test, state.split.avail_index, 5);
	/* Running, the device resumes there and refuses a new state. */
	kv_setup(test, BIT_ULL(VIRTIO_F_VERSION_1), KV_RING);
	f->ops->set_status(f->vdpa, KV_STARTED);
	KUNIT_ASSERT_EQ(test, to_kv(f->dev)->starts, 1);
	KUNIT_EXPECT_EQ(test, f->ops->get_vq_state(f->vdpa, 1, &state), 0);
	KUNIT_EXPECT_EQ(test, state.split.avail_index, 5);
	KUNIT_EXPECT_EQ(test, f->ops->set_vq_state(f->vdpa, 1, &state),
			-EBUSY);
}

static void vdpa_config_space(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	u8 buf[KV_CONFIG + 4];
	unsigned int i;

	KUNIT_EXPECT_EQ(test, f->ops->get_config_size(f->vdpa), KV_CONFIG);
	f->ops->get_config(f->vdpa, 0, buf, KV_CONFIG);
	for (i = 0; i < KV_CONFIG; i++)
		KUNIT_EXPECT_EQ(test, buf[i], 0xa5);
	/* Past the end reads zeros; the device is not asked. */
	memset(buf, 0xff, sizeof(buf));
	f->ops->get_config(f->vdpa, 4, buf, sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		KUNIT_EXPECT_EQ(test, buf[i], 0);
	f->ops->get_config(f->vdpa, U32_MAX, buf, 4);
	/* Read-only config space: a write changes nothing. */
	f->ops->set_config(f->vdpa, 0, buf, 4);
	f->ops->get_config(f->vdpa, 0, buf, KV_CONFIG);
	KUNIT_EXPECT_EQ(test, buf[0], 0xa5);
}

/* DPDK without hugepages maps every 4 KiB page apart: thousands of entries. */
#define KV_MAPS		5000

static void vdpa_takes_large_maps(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	struct kv_device *kv = to_kv(f->dev);
	struct vhost_iotlb *tlb = vhost_iotlb_alloc(VBUS_VRINGH_IOTLB_UNLIMITED, 0);
	unsigned int i;
	u64 iova;

	KUNIT_ASSERT_NOT_NULL(test, tlb);
	for (i = 0; i < KV_MAPS; i++) {
		int ret;

		iova = (u64)i * 2 * PAGE_SIZE;
		ret = vhost_iotlb_add_range(tlb, iova, iova + PAGE_SIZE - 1,
					    iova, VHOST_MAP_RW);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	kv_setup(test, BIT_ULL(VIRTIO_F_VERSION_1), KV_RING);
	f->ops->set_status(f->vdpa, KV_STARTED);
	KUNIT_ASSERT_EQ(test, kv->starts, 1);
	KUNIT_EXPECT_EQ(test, f->ops->set_map(f->vdpa, 1, tlb), -EINVAL);
	KUNIT_EXPECT_EQ(test, kv->stops, 0);
	/* Taken whole, the running device stopped and started around it. */
	KUNIT_EXPECT_EQ(test, f->ops->set_map(f->vdpa, 0, tlb), 0);
	KUNIT_EXPECT_EQ(test, kv->stops, 1);
	KUNIT_EXPECT_EQ(test, kv->starts, 2);
	KUNIT_EXPECT_EQ(test, f->ops->get_status(f->vdpa), KV_STARTED);
	vhost_iotlb_free(tlb);
}

/*
 * A process's addresses are IOVAs: rings and buffers reach memory only
 * through the map set_map handed over, and a new map takes effect at once.
 */
#define KV_IOVA		BIT_ULL(42)	/* no RAM here: one-to-one would miss */
#define KV_RING_SZ	512		/* a KV_RING ring, cache-line aligned */
#define KV_BUF_IOVA	(KV_IOVA + 0x10000)
#define KV_SEG		128		/* a buffer is two segments of this */

/* Ring @i of a process: at KV_IOVA + i * 4 KiB, layout as in @mem. */
static void kv_iova_ring(struct vring *vring, void *mem, u64 (*addrs)[3],
			 unsigned int i)
{
	u64 iova = KV_IOVA + i * 0x1000;

	vring_init(vring, KV_RING, mem, SMP_CACHE_BYTES);
	addrs[i][0] = iova;
	addrs[i][1] = iova + ((void *)vring->avail - mem);
	addrs[i][2] = iova + ((void *)vring->used - mem);
}

static struct vhost_iotlb *kv_tlb(struct kunit *test, unsigned int i)
{
	struct kv_fixture *f = test->priv;

	f->tlbs[i] = vhost_iotlb_alloc(VBUS_VRINGH_IOTLB_UNLIMITED, 0);
	KUNIT_ASSERT_NOT_NULL(test, f->tlbs[i]);
	return f->tlbs[i];
}

static void kv_tlb_add(struct kunit *test, struct vhost_iotlb *tlb, u64 iova,
		       void *mem, u64 len)
{
	KUNIT_ASSERT_EQ(test, vhost_iotlb_add_range(tlb, iova, iova + len - 1,
						    virt_to_phys(mem),
						    VHOST_MAP_RW), 0);
}

static void *kv_mem(struct kunit *test, size_t len, int fill)
{
	void *mem = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mem);
	memset(mem, fill, len);
	return mem;
}

static void vdpa_translates_through_maps(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	struct kv_device *kv = to_kv(f->dev);
	void *ring[2], *ring2, *seg[2], *buf2;
	struct vhost_iotlb *tlb[3];
	struct vring vring[2], moved;
	struct vdpa_vq_state state;
	u8 got[2 * KV_SEG];
	struct vbus_queue *q;
	struct vbus_buf buf;
	u64 addrs[2][3];
	unsigned int i;

	/* Map 1: both rings, and a buffer in two pieces of RAM. */
	tlb[0] = kv_tlb(test, 0);
	for (i = 0; i < 2; i++) {
		ring[i] = kv_mem(test, KV_RING_SZ, 0);
		kv_iova_ring(&vring[i], ring[i], addrs, i);
		kv_tlb_add(test, tlb[0], addrs[i][0], ring[i], KV_RING_SZ);
		seg[i] = kv_mem(test, KV_SEG, 0x11 * (i + 1));
		kv_tlb_add(test, tlb[0], KV_BUF_IOVA + i * KV_SEG, seg[i],
			   KV_SEG);
	}
	KUNIT_ASSERT_EQ(test, f->ops->set_map(f->vdpa, 0, tlb[0]), 0);
	kv_setup_at(test, BIT_ULL(VIRTIO_F_VERSION_1), KV_RING, addrs);
	f->ops->set_status(f->vdpa, KV_STARTED);
	KUNIT_ASSERT_EQ(test, f->ops->get_status(f->vdpa), KV_STARTED);
	KUNIT_ASSERT_EQ(test, kv->starts, 1);

	/* One descriptor, contiguous in IOVA, read across both pieces. */
	vring_set_desc(&vring[0], 0, KV_BUF_IOVA, 2 * KV_SEG, 0, 0);
	vring_post(&vring[0], 0);
	q = kv->queues[0];
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, buf.len, 2 * KV_SEG);
	KUNIT_ASSERT_EQ(test, q_read(q, &buf, got, sizeof(got)), 0);
	KUNIT_EXPECT_EQ(test, got[0], 0x11);
	KUNIT_EXPECT_EQ(test, got[KV_SEG - 1], 0x11);
	KUNIT_EXPECT_EQ(test, got[KV_SEG], 0x22);
	KUNIT_EXPECT_EQ(test, got[2 * KV_SEG - 1], 0x22);
	KUNIT_ASSERT_EQ(test, q_push(q, &buf, 0), 0);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, vring[0].used->idx), 1);

	/*
	 * Map 2, taken while running: the same IOVAs name other memory, as
	 * after a process remapped. Ring 0 moves to a copy of itself, the
	 * buffer to one new piece; what is left in the old memory must not
	 * be read again.
	 */
	ring2 = kv_mem(test, KV_RING_SZ, 0);
	memcpy(ring2, ring[0], KV_RING_SZ);
	buf2 = kv_mem(test, 2 * KV_SEG, 0x33);
	tlb[1] = kv_tlb(test, 1);
	kv_tlb_add(test, tlb[1], addrs[0][0], ring2, KV_RING_SZ);
	kv_tlb_add(test, tlb[1], addrs[1][0], ring[1], KV_RING_SZ);
	kv_tlb_add(test, tlb[1], KV_BUF_IOVA, buf2, 2 * KV_SEG);
	KUNIT_ASSERT_EQ(test, f->ops->set_map(f->vdpa, 0, tlb[1]), 0);
	KUNIT_EXPECT_EQ(test, kv->stops, 1);
	KUNIT_ASSERT_EQ(test, kv->starts, 2);
	KUNIT_EXPECT_EQ(test, f->ops->get_status(f->vdpa), KV_STARTED);
	/* It resumes after the buffer it completed, not before. */
	KUNIT_EXPECT_EQ(test, f->ops->get_vq_state(f->vdpa, 0, &state), 0);
	KUNIT_EXPECT_EQ(test, state.split.avail_index, 1);
	/* A post in the old ring memory: nobody reads there now. */
	vring_set_desc(&vring[0], 1, KV_BUF_IOVA + 0x100000, 8, 0, 0);
	vring_post(&vring[0], 1);
	vring_init(&moved, KV_RING, ring2, SMP_CACHE_BYTES);
	vring_set_desc(&moved, 1, KV_BUF_IOVA, 2 * KV_SEG, 0, 0);
	vring_post(&moved, 1);
	q = kv->queues[0];
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, buf.id, 1);
	KUNIT_ASSERT_EQ(test, q_read(q, &buf, got, sizeof(got)), 0);
	KUNIT_EXPECT_EQ(test, got[0], 0x33);
	KUNIT_EXPECT_EQ(test, got[2 * KV_SEG - 1], 0x33);
	KUNIT_ASSERT_EQ(test, q_push(q, &buf, 0), 0);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, moved.used->idx), 2);
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, vring[0].used->idx), 1);
	KUNIT_EXPECT_FALSE(test, q->broken);

	/*
	 * A buffer outside every mapping (translated when read, as vringh
	 * does) breaks its queue, and only it.
	 */
	vring_set_desc(&moved, 2, KV_BUF_IOVA + 2 * KV_SEG, 8, 0, 0);
	vring_post(&moved, 2);
	KUNIT_ASSERT_EQ(test, q_pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, q_read(q, &buf, got, 8), -EFAULT);
	KUNIT_EXPECT_TRUE(test, q->broken);
	KUNIT_EXPECT_FALSE(test, q->ops->enable_notify(q));
	KUNIT_EXPECT_EQ(test, q_pop(q, &buf), -EIO);
	KUNIT_EXPECT_FALSE(test, kv->queues[1]->broken);

	/* Map 3 names the buffer but no ring: no queue reads anything. */
	tlb[2] = kv_tlb(test, 2);
	kv_tlb_add(test, tlb[2], KV_BUF_IOVA, buf2, 2 * KV_SEG);
	KUNIT_ASSERT_EQ(test, f->ops->set_map(f->vdpa, 0, tlb[2]), 0);
	KUNIT_ASSERT_EQ(test, kv->starts, 3);
	for (i = 0; i < 2; i++) {
		q = kv->queues[i];
		KUNIT_EXPECT_EQ(test, q_pop(q, &buf), -EIO);
		KUNIT_EXPECT_TRUE(test, q->broken);
	}
	KUNIT_EXPECT_EQ(test, __virtio16_to_cpu(true, moved.used->idx), 2);
}

static int kv_config_calls;

static irqreturn_t kv_config_cb(void *priv)
{
	kv_config_calls++;
	return IRQ_HANDLED;
}

static void vdpa_config_changed(struct kunit *test)
{
	struct kv_fixture *f = test->priv;
	struct vdpa_callback cb = { .callback = kv_config_cb };
	u32 gen = f->ops->get_generation(f->vdpa);

	kv_config_calls = 0;
	f->ops->set_config_cb(f->vdpa, &cb);
	vbus_device_config_changed(f->dev);
	KUNIT_EXPECT_EQ(test, kv_config_calls, 1);
	KUNIT_EXPECT_NE(test, f->ops->get_generation(f->vdpa), gen);
	/* A reset forgets the callback. */
	KUNIT_EXPECT_EQ(test, f->ops->reset(f->vdpa), 0);
	vbus_device_config_changed(f->dev);
	KUNIT_EXPECT_EQ(test, kv_config_calls, 1);
}

static struct kunit_case vdpa_ops_cases[] = {
	KUNIT_CASE(vdpa_starts_and_stops),
	KUNIT_CASE(vdpa_refuses_legacy),
	KUNIT_CASE(vdpa_refuses_bad_ring_sizes),
	KUNIT_CASE(vdpa_needs_every_queue),
	KUNIT_CASE(vdpa_bounds_queue_indexes),
	KUNIT_CASE(vdpa_keeps_queue_state),
	KUNIT_CASE(vdpa_config_space),
	KUNIT_CASE(vdpa_takes_large_maps),
	KUNIT_CASE(vdpa_translates_through_maps),
	KUNIT_CASE(vdpa_config_changed),
	{}
};

static struct kunit_suite vdpa_ops_suite = {
	.name = "vbus_virtio_vdpa_ops",
	.init = kv_init,
	.exit = kv_exit,
	.test_cases = vdpa_ops_cases,
};

kunit_test_suites(&vringh_queue_suite, &virtio_features_suite,
		  &vdpa_ops_suite);

MODULE_DESCRIPTION("KUnit tests for the virtio connector's queue and rules");
MODULE_LICENSE("GPL");
