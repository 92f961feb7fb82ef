// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the native transport's units: shm-signal (coalescing,
 * enable/disable without lost wakeups) and ioq, host side against the
 * client side vbus provides (wrap around, full and empty rings, a table of
 * malformed rings, each stopping the queue without a splat and for good,
 * and a host that completes more than was posted).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vbus_queue.h>

/* shm-signal */

static int notified;

static void count_notify(void *priv)
{
	notified++;
}

static void counted(struct vbus_shm_signal *s)
{
	vbus_callback_set(&s->notify, count_notify, NULL);
}

struct sig_pair {
	struct shm_signal_desc desc;
	struct vbus_shm_signal host, client;
};

static struct sig_pair *sig_pair(struct kunit *test)
{
	struct sig_pair *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	vbus_shm_signal_init(&p->host, &p->desc, SHM_SIGNAL_TO_SOUTH);
	vbus_shm_signal_init(&p->client, &p->desc, SHM_SIGNAL_TO_NORTH);
	counted(&p->host);
	counted(&p->client);
	notified = 0;
	return p;
}

static void signal_delivered_when_enabled(struct kunit *test)
{
	struct sig_pair *p = sig_pair(test);

	KUNIT_EXPECT_FALSE(test, vbus_shm_signal_enable(&p->client));
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_inject(&p->host));
	KUNIT_EXPECT_EQ(test, notified, 1);
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_take(&p->client));
	/* Nothing new: a second take finds no event. */
	KUNIT_EXPECT_FALSE(test, vbus_shm_signal_take(&p->client));
}

static void signal_burst_coalesces(struct kunit *test)
{
	struct sig_pair *p = sig_pair(test);
	int i;

	vbus_shm_signal_enable(&p->client);
	for (i = 0; i < 16; i++)
		vbus_shm_signal_inject(&p->host);
	KUNIT_EXPECT_EQ(test, notified, 1);
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_take(&p->client));
	/* Taken: the next event notifies again. */
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_inject(&p->host));
	KUNIT_EXPECT_EQ(test, notified, 2);
}

static void signal_disabled_loses_nothing(struct kunit *test)
{
	struct sig_pair *p = sig_pair(test);

	vbus_shm_signal_disable(&p->client);
	KUNIT_EXPECT_FALSE(test, vbus_shm_signal_inject(&p->host));
	KUNIT_EXPECT_EQ(test, notified, 0);
	/* Re-enabling reports the event posted while disabled. */
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_enable(&p->client));
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_take(&p->client));
	KUNIT_EXPECT_FALSE(test, vbus_shm_signal_enable(&p->client));
}

static void signal_directions_independent(struct kunit *test)
{
	struct sig_pair *p = sig_pair(test);

	vbus_shm_signal_enable(&p->host);
	vbus_shm_signal_disable(&p->client);
	KUNIT_EXPECT_TRUE(test, vbus_shm_signal_inject(&p->client));
	KUNIT_EXPECT_FALSE(test, vbus_shm_signal_inject(&p->host));
	KUNIT_EXPECT_EQ(test, p->desc.irq[SHM_SIGNAL_TO_SOUTH].pending, 1);
	KUNIT_EXPECT_EQ(test, p->desc.irq[SHM_SIGNAL_TO_NORTH].pending, 0);
	KUNIT_EXPECT_EQ(test, p->desc.irq[SHM_SIGNAL_TO_NORTH].dirty, 1);
}

static struct kunit_case signal_cases[] = {
	KUNIT_CASE(signal_delivered_when_enabled),
	KUNIT_CASE(signal_burst_coalesces),
	KUNIT_CASE(signal_disabled_loses_nothing),
	KUNIT_CASE(signal_directions_independent),
	{}
};

static struct kunit_suite signal_suite = {
	.name = "vbus_shm_signal",
	.test_cases = signal_cases,
};

/* ioq: a client side written here, the host side under test */

#define RING_COUNT	8
#define REGION_SIZE	(64 * 1024)
#define RING_BYTES	(sizeof(struct ioq_ring) + \
			 RING_COUNT * sizeof(struct ioq_desc))
#define BUF_BASE	4096

struct ioq_fixture {
	void *region;
	struct vbus_memctx mem;
	struct ioq_ring *ring;
	struct vbus_ioq ioq;
	struct vbus_ioq_client client;
};

static struct ioq_fixture *ioq_fixture(struct kunit *test, u32 count)
{
	struct ioq_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->region = kunit_kzalloc(test, REGION_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->region);
	vbus_memctx_init_kernel(&f->mem, f->region, REGION_SIZE);
	f->ring = f->region;
	vbus_ioq_client_init(&f->client, f->ring, count);
	counted(&f->client.signal);
	notified = 0;
	return f;
}

static int fixture_init(struct ioq_fixture *f)
{
	int ret = vbus_ioq_init(&f->ioq, "kunit/q", &f->mem, 0, BUF_BASE);

	counted(&f->ioq.signal);
	return ret;
}

/* The client posts and publishes one buffer, with a cookie of its own. */
static void post(struct ioq_fixture *f, u64 addr, u32 len, u64 cookie)
{
	u32 slot = vbus_ioq_client_post(&f->client, addr, len);

	f->ring->desc[slot].cookie = cpu_to_le64(cookie);
	vbus_ioq_client_publish(&f->client);
}

static struct ioq_fixture *ready(struct kunit *test)
{
	struct ioq_fixture *f = ioq_fixture(test, RING_COUNT);

	KUNIT_ASSERT_EQ(test, fixture_init(f), 0);
	return f;
}

static void ioq_empty(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	struct vbus_buf buf;

	KUNIT_EXPECT_EQ(test, f->ioq.q.ops->pop(&f->ioq.q, &buf), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, f->ioq.q.broken);
}

static void ioq_wraparound(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	struct vbus_queue *q = &f->ioq.q;
	struct vbus_buf buf;
	u32 i, round;
	char data[8];

	/* Five rounds of five buffers wrap an eight-slot ring three times. */
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 5; i++)
			post(f, BUF_BASE + 64 * i, 64, round * 5 + i);
		for (i = 0; i < 5; i++) {
			u32 n = round * 5 + i;
			struct ioq_desc *d;

			KUNIT_ASSERT_EQ(test, q->ops->pop(q, &buf), 0);
			KUNIT_EXPECT_EQ(test, buf.id, n % RING_COUNT);
			KUNIT_EXPECT_EQ(test, buf.addr, BUF_BASE + 64 * i);
			d = &f->ring->desc[buf.id];
			snprintf(data, sizeof(data), "%u", n);
			KUNIT_EXPECT_EQ(test, vbus_memctx_copy_to(q->mem, buf.addr,
								  data, 8), 0);
			KUNIT_EXPECT_EQ(test, q->ops->push(q, &buf, 8), 0);
			KUNIT_EXPECT_EQ(test, le64_to_cpu(d->cookie), n);
			KUNIT_EXPECT_EQ(test, le32_to_cpu(d->len), 8);
			KUNIT_EXPECT_EQ(test, le32_to_cpu(d->flags), 0);
		}
		KUNIT_EXPECT_EQ(test, q->ops->pop(q, &buf), -EAGAIN);
		KUNIT_EXPECT_EQ(test, le32_to_cpu(f->ring->idx[IOQ_IDX_USED].head),
				(round + 1) * 5);
	}
	KUNIT_EXPECT_FALSE(test, q->broken);
}

static void ioq_full(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	struct vbus_queue *q = &f->ioq.q;
	struct vbus_buf buf;
	int i;

	for (i = 0; i < RING_COUNT; i++)
		post(f, BUF_BASE, 128, i);
	for (i = 0; i < RING_COUNT; i++)
		KUNIT_EXPECT_EQ(test, q->ops->pop(q, &buf), 0);
	KUNIT_EXPECT_EQ(test, q->ops->pop(q, &buf), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, q->broken);
}

static void ioq_push_rules(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	struct vbus_queue *q = &f->ioq.q;
	struct vbus_buf buf = { .id = 0, .len = 64 }, popped;

	/* Nothing popped: nothing to complete. */
	KUNIT_EXPECT_EQ(test, q->ops->push(q, &buf, 0), -EINVAL);
	post(f, BUF_BASE, 64, 1);
	post(f, BUF_BASE, 64, 2);
	KUNIT_ASSERT_EQ(test, q->ops->pop(q, &popped), 0);
	KUNIT_ASSERT_EQ(test, q->ops->pop(q, &buf), 0);
	/* In order only, and never more than the buffer holds. */
	KUNIT_EXPECT_EQ(test, q->ops->push(q, &buf, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, q->ops->push(q, &popped, 65), -EINVAL);
	KUNIT_EXPECT_EQ(test, q->ops->push(q, &popped, 64), 0);
	KUNIT_EXPECT_EQ(test, q->ops->push(q, &buf, 64), 0);
	KUNIT_EXPECT_FALSE(test, q->broken);
}

static void ioq_notify_no_lost_wakeup(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	struct vbus_queue *q = &f->ioq.q;
	struct vbus_shm_signal *client = &f->client.signal;
	struct vbus_buf buf;

	q->ops->disable_notify(q);
	notified = 0;
	post(f, BUF_BASE, 64, 1);
	/* The client's kick while the host polls is not delivered... */
	KUNIT_EXPECT_EQ(test, notified, 0);
	KUNIT_EXPECT_FALSE(test, vbus_shm_signal_inject(client));
	/* ...but re-enabling reports the work. */
	KUNIT_EXPECT_TRUE(test, q->ops->enable_notify(q));
	KUNIT_EXPECT_EQ(test, q->ops->pop(q, &buf), 0);
	vbus_shm_signal_take(&f->ioq.signal);
	KUNIT_EXPECT_FALSE(test, q->ops->enable_notify(q));
	/* Completions notify the client once it enabled them. */
	vbus_shm_signal_enable(client);
	q->ops->push(q, &buf, 0);
	q->ops->signal(q);
	q->ops->signal(q);
	KUNIT_EXPECT_EQ(test, notified, 1);
}

/* Malformed rings: each must stop the queue, report it, and no more. */

struct bad_ring {
	const char *name;
	void (*spoil)(struct ioq_fixture *f);
};

static void spoil_index(struct ioq_fixture *f)
{
	f->ring->idx[IOQ_IDX_AVAIL].head = cpu_to_le32(RING_COUNT + 1);
}

static void spoil_index_backwards(struct ioq_fixture *f)
{
	f->ring->idx[IOQ_IDX_AVAIL].head = cpu_to_le32(-1U);
}

static void spoil_len(struct ioq_fixture *f)
{
	f->ring->desc[0].len = cpu_to_le32(REGION_SIZE);
}

static void spoil_len_zero(struct ioq_fixture *f)
{
	f->ring->desc[0].len = 0;
}

static void spoil_addr(struct ioq_fixture *f)
{
	f->ring->desc[0].addr = cpu_to_le64(REGION_SIZE);
}

static void spoil_addr_wrap(struct ioq_fixture *f)
{
	f->ring->desc[0].addr = cpu_to_le64(-64ULL);
}

static void spoil_owner(struct ioq_fixture *f)
{
	f->ring->desc[0].flags = 0;
}

static const struct bad_ring bad_rings[] = {
	{ "index past count", spoil_index },
	{ "index behind tail", spoil_index_backwards },
	{ "length over the buffer", spoil_len },
	{ "empty buffer", spoil_len_zero },
	{ "address outside the region", spoil_addr },
	{ "address wrapping around", spoil_addr_wrap },
	{ "ownership flipped underneath", spoil_owner },
};

static void bad_ring_desc(const struct bad_ring *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_ring, bad_rings, bad_ring_desc);

static void ioq_malformed(struct kunit *test)
{
	const struct bad_ring *b = test->param_value;
	struct ioq_fixture *f = ready(test);
	struct vbus_queue *q = &f->ioq.q;
	struct vbus_buf buf = {};

	post(f, BUF_BASE, 64, 1);
	b->spoil(f);
	KUNIT_EXPECT_EQ(test, q->ops->pop(q, &buf), -EIO);
	KUNIT_EXPECT_TRUE(test, q->broken);
	/* Stopped: nothing more is read or written. */
	post(f, BUF_BASE, 64, 2);
	KUNIT_EXPECT_EQ(test, q->ops->pop(q, &buf), -EIO);
	KUNIT_EXPECT_EQ(test, q->ops->push(q, &buf, 0), -EIO);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(f->ring->idx[IOQ_IDX_USED].head), 0);
	/* Nobody is asked to poll it again, and the client hears nothing. */
	KUNIT_EXPECT_FALSE(test, q->ops->enable_notify(q));
	notified = 0;
	q->ops->signal(q);
	KUNIT_EXPECT_EQ(test, notified, 0);
}

/* The client side: what it posts comes back, in order, with lengths. */
static void ioq_client_round_trip(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	struct vbus_queue *q = &f->ioq.q;
	struct vbus_buf buf;
	u32 slot, len, i;

	KUNIT_EXPECT_EQ(test, vbus_ioq_client_reap(&f->client, &slot, &len),
			-EAGAIN);
	for (i = 0; i < 3; i++)
		post(f, BUF_BASE + 64 * i, 64, i);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, q->ops->pop(q, &buf), 0);
		KUNIT_ASSERT_EQ(test, q->ops->push(q, &buf, 10 + i), 0);
	}
	KUNIT_EXPECT_TRUE(test, vbus_ioq_client_pending(&f->client));
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, vbus_ioq_client_reap(&f->client, &slot,
							   &len), 0);
		KUNIT_EXPECT_EQ(test, slot, i);
		KUNIT_EXPECT_EQ(test, len, 10 + i);
	}
	KUNIT_EXPECT_FALSE(test, vbus_ioq_client_pending(&f->client));
}

/* A host that completes what was never posted is not believed. */
static void ioq_client_refuses_overrun(struct kunit *test)
{
	struct ioq_fixture *f = ready(test);
	u32 slot, len;

	post(f, BUF_BASE, 64, 1);
	f->ring->idx[IOQ_IDX_USED].head = cpu_to_le32(5);
	KUNIT_EXPECT_EQ(test, vbus_ioq_client_reap(&f->client, &slot, &len),
			-EIO);
	KUNIT_EXPECT_EQ(test, f->client.used_tail, 0);
}

/* Malformed ring headers: refused at init. */

struct bad_header {
	const char *name;
	u32 magic, version, count;
	u64 addr;
	size_t size;
};

static const struct bad_header bad_headers[] = {
	{ "bad magic", 0xdeadbeef, IOQ_VERSION, 8, 0, BUF_BASE },
	{ "bad version", IOQ_MAGIC, 99, 8, 0, BUF_BASE },
	{ "zero count", IOQ_MAGIC, IOQ_VERSION, 0, 0, BUF_BASE },
	{ "count not a power of two", IOQ_MAGIC, IOQ_VERSION, 6, 0, BUF_BASE },
	{ "count over the maximum", IOQ_MAGIC, IOQ_VERSION, 8192, 0, REGION_SIZE },
	{ "count beyond the ring size", IOQ_MAGIC, IOQ_VERSION, 8, 0, RING_BYTES - 1 },
	{ "ring outside the region", IOQ_MAGIC, IOQ_VERSION, 8, REGION_SIZE - 64, BUF_BASE },
	{ "ring misaligned", IOQ_MAGIC, IOQ_VERSION, 8, 4, BUF_BASE },
	{ "ring smaller than its header", IOQ_MAGIC, IOQ_VERSION, 8, 0, 8 },
};

static void bad_header_desc(const struct bad_header *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_header, bad_headers, bad_header_desc);

static void ioq_bad_header(struct kunit *test)
{
	const struct bad_header *b = test->param_value;
	struct ioq_fixture *f = ioq_fixture(test, b->count);
	struct ioq_ring *ring = f->region + (b->addr & ~7ULL);

	if (b->addr < REGION_SIZE - sizeof(*ring)) {
		ring->magic = cpu_to_le32(b->magic);
		ring->version = cpu_to_le32(b->version);
		ring->count = cpu_to_le32(b->count);
		ring->signal.magic = cpu_to_le32(SHM_SIGNAL_MAGIC);
		ring->signal.version = cpu_to_le32(SHM_SIGNAL_VERSION);
	}
	KUNIT_EXPECT_EQ(test, vbus_ioq_init(&f->ioq, "kunit/bad", &f->mem,
					    b->addr, b->size), -EINVAL);
}

/*
 * Fuzzing: seeded, reproducible random rings. Each case lays out a valid
 * ring with a few buffers posted, then overwrites random bytes of the
 * ring (header, indices, descriptors) with random values, and drives the
 * host side. Whatever the bytes, every op answers 0, -EAGAIN or -EIO,
 * the host pops no more than the ring holds, and a broken queue stays
 * broken and asks for no more polling.
 */
static unsigned int fuzz_cases = 300;
module_param(fuzz_cases, uint, 0444);
MODULE_PARM_DESC(fuzz_cases, "random rings per fuzz suite");
static unsigned int fuzz_seed = 1;
module_param(fuzz_seed, uint, 0444);
MODULE_PARM_DESC(fuzz_seed, "seed of the first case; case i uses seed + i");

static void ioq_fuzz_one(struct kunit *test, struct ioq_fixture *f, u32 seed)
{
	struct vbus_queue *q = &f->ioq.q;
	struct rnd_state rnd;
	struct vbus_buf buf;
	u8 scratch[64];
	u32 i, n, pops = 0, count = RING_COUNT;
	u8 *ring = (u8 *)f->ring;
	int ret;

	prandom_seed_state(&rnd, seed);
	memset(f->region, 0, REGION_SIZE);
	vbus_ioq_client_init(&f->client, f->ring, count);
	KUNIT_ASSERT_EQ(test, fixture_init(f), 0);
	n = prandom_u32_state(&rnd) % (count + 1);
	for (i = 0; i < n; i++)
		post(f, BUF_BASE + 64 * i, 1 + prandom_u32_state(&rnd) % 128, i);
	/* Mutate 1 to 8 bytes after the header the host validated at init. */
	n = 1 + prandom_u32_state(&rnd) % 8;
	for (i = 0; i < n; i++) {
		u32 off = offsetof(struct ioq_ring, signal) +
			  prandom_u32_state(&rnd) % (RING_BYTES -
						    offsetof(struct ioq_ring, signal));

		ring[off] = prandom_u32_state(&rnd);
	}
	for (i = 0; i < 2 * count + 2; i++) {
		ret = q->ops->pop(q, &buf);
		if (ret == -EAGAIN)
			break;
		if (ret) {
			KUNIT_ASSERT_EQ_MSG(test, ret, -EIO, "seed %u", seed);
			KUNIT_ASSERT_TRUE_MSG(test, q->broken, "seed %u", seed);
			break;
		}
		pops++;
		/* A popped buffer is inside the region, whatever the ring says. */
		KUNIT_ASSERT_TRUE_MSG(test, vbus_memctx_range_ok(q->mem, buf.addr,
								 buf.len),
				      "seed %u", seed);
		ret = q->ops->write(q, &buf, scratch,
				    min_t(u32, buf.len, sizeof(scratch)));
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "seed %u", seed);
		ret = q->ops->push(q, &buf, buf.pos);
		KUNIT_ASSERT_TRUE_MSG(test, !ret || ret == -EIO, "seed %u", seed);
	}
	KUNIT_ASSERT_LE_MSG(test, pops, count, "seed %u", seed);
	if (q->broken) {
		KUNIT_ASSERT_EQ_MSG(test, q->ops->pop(q, &buf), -EIO, "seed %u",
				    seed);
		KUNIT_ASSERT_FALSE_MSG(test, q->ops->enable_notify(q), "seed %u",
				       seed);
	}
}

static void ioq_fuzz(struct kunit *test)
{
	struct ioq_fixture *f = ioq_fixture(test, RING_COUNT);
	unsigned int i, broken = 0;

	for (i = 0; i < fuzz_cases; i++) {
		ioq_fuzz_one(test, f, fuzz_seed + i);
		broken += f->ioq.q.broken;
		/* 10,000 cases under KASAN: a soft lockup without it */
		cond_resched();
	}
	kunit_info(test, "%u random rings from seed %u, %u broke their queue\n",
		   fuzz_cases, fuzz_seed, broken);
	/* A fuzzer that never breaks anything proves nothing. */
	if (fuzz_cases >= 100)
		KUNIT_EXPECT_GT(test, broken, 0);
}

static struct kunit_case ioq_cases[] = {
	KUNIT_CASE(ioq_empty),
	KUNIT_CASE(ioq_wraparound),
	KUNIT_CASE(ioq_full),
	KUNIT_CASE(ioq_push_rules),
	KUNIT_CASE(ioq_notify_no_lost_wakeup),
	KUNIT_CASE_PARAM(ioq_malformed, bad_ring_gen_params),
	KUNIT_CASE_PARAM(ioq_bad_header, bad_header_gen_params),
	KUNIT_CASE(ioq_client_round_trip),
	KUNIT_CASE(ioq_client_refuses_overrun),
	KUNIT_CASE(ioq_fuzz),
	{}
};

static struct kunit_suite ioq_suite = {
	.name = "vbus_ioq",
	.test_cases = ioq_cases,
};

kunit_test_suites(&signal_suite, &ioq_suite);

MODULE_DESCRIPTION("KUnit tests for shm-signal and ioq");
MODULE_LICENSE("GPL");
