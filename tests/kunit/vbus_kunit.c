// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the vbus core: class registry, device and bus lifecycle,
 * refcounts, attach/detach rules, connectors (per-device attach with
 * unwind), the device interface (config space, start and stop),
 * notifications, error paths.
 *
 * Every case keeps what it made in a fixture (test->priv) that the suite's
 * exit hook tears down, so one failed assert leaks nothing into the next.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <linux/vbus_queue.h>

/* A test class whose devices count their releases. */

struct kt_device {
	struct vbus_device vdev;
	int *released;
};

static int kt_released;
static int kt_create_error;

static struct vbus_device *kt_create(const char *name)
{
	struct kt_device *kd;

	if (kt_create_error)
		return ERR_PTR(kt_create_error);
	kd = kzalloc(sizeof(*kd), GFP_KERNEL);
	if (!kd)
		return ERR_PTR(-ENOMEM);
	kd->released = &kt_released;
	return &kd->vdev;
}

static void kt_release(struct vbus_device *vdev)
{
	struct kt_device *kd = container_of(vdev, struct kt_device, vdev);

	(*kd->released)++;
	kfree(kd);
}

static const struct vbus_class_ops kt_ops = {
	.create = kt_create,
	.release = kt_release,
};

static struct vbus_class kt_class = {
	.name = "kunit_a",
	.owner = THIS_MODULE,
	.ops = &kt_ops,
};

static struct vbus_class kt_class_b = {
	.name = "kunit_b",
	.owner = THIS_MODULE,
	.ops = &kt_ops,
};

/* Connectors under test, registered by the connector suites. */
static struct vbus_connector fake_conn, fake_conn2;

#define KT_MAX_DEVS	16
#define KT_MAX_BUSES	4

/**
 * struct kt_fixture - what a case made, for the exit hook
 * @devs: devices not destroyed yet
 * @buses: buses not destroyed yet
 * @classes: kt_class, kt_class_b registered
 * @conns: fake_conn, fake_conn2 registered
 */
struct kt_fixture {
	struct vbus_device *devs[KT_MAX_DEVS];
	struct vbus *buses[KT_MAX_BUSES];
	bool classes[2];
	bool conns[2];
};

static struct vbus_class *const kt_classes[] = { &kt_class, &kt_class_b };
static struct vbus_connector *const kt_conns[] = { &fake_conn, &fake_conn2 };

static void kt_class_set(struct kunit *test, int i, bool on)
{
	struct kt_fixture *f = test->priv;

	if (on)
		KUNIT_ASSERT_EQ(test, vbus_class_register(kt_classes[i]), 0);
	else
		vbus_class_unregister(kt_classes[i]);
	f->classes[i] = on;
}

static void kt_conn_set(struct kunit *test, int i, bool on)
{
	struct kt_fixture *f = test->priv;

	if (on)
		KUNIT_ASSERT_EQ(test, vbus_connector_register(kt_conns[i]), 0);
	else
		vbus_connector_unregister(kt_conns[i]);
	f->conns[i] = on;
}

static int kt_init(struct kunit *test)
{
	kt_released = 0;
	kt_create_error = 0;
	test->priv = kunit_kzalloc(test, sizeof(struct kt_fixture), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, test->priv);
	kt_class_set(test, 0, true);
	return 0;
}

/* Undo whatever the case left: buses off, devices off and gone, then
 * connectors and classes.
 */
static void kt_exit(struct kunit *test)
{
	struct kt_fixture *f = test->priv;
	int i;

	if (!f)
		return;
	for (i = 0; i < KT_MAX_BUSES; i++)
		if (f->buses[i])
			vbus_connect(f->buses[i], "none");
	for (i = 0; i < KT_MAX_DEVS; i++) {
		if (!f->devs[i])
			continue;
		if (f->devs[i]->bus)
			vbus_detach(f->devs[i]);
		vbus_device_destroy(f->devs[i]);
	}
	for (i = 0; i < KT_MAX_BUSES; i++)
		if (f->buses[i])
			vbus_destroy(f->buses[i]);
	for (i = 0; i < ARRAY_SIZE(kt_conns); i++)
		if (f->conns[i])
			vbus_connector_unregister(kt_conns[i]);
	for (i = 0; i < ARRAY_SIZE(kt_classes); i++)
		if (f->classes[i])
			vbus_class_unregister(kt_classes[i]);
}

/* Remember @p in the first free slot of @slots. */
static void kt_track(struct kunit *test, void **slots, int n, void *p)
{
	int i;

	for (i = 0; i < n && slots[i]; i++)
		;
	KUNIT_ASSERT_LT(test, i, n);
	slots[i] = p;
}

static void kt_forget(void **slots, int n, void *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (slots[i] == p)
			slots[i] = NULL;
}

static struct vbus_device *kt_dev_of(struct kunit *test,
				     struct vbus_class *class,
				     const char *name)
{
	struct kt_fixture *f = test->priv;
	struct vbus_device *vdev = vbus_device_create(class, name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(vdev));
	kt_track(test, (void **)f->devs, KT_MAX_DEVS, vdev);
	return vdev;
}

static struct vbus_device *kt_dev(struct kunit *test, const char *name)
{
	return kt_dev_of(test, &kt_class, name);
}

static struct vbus *kt_bus(struct kunit *test, const char *name)
{
	struct kt_fixture *f = test->priv;
	struct vbus *bus = vbus_create(name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(bus));
	kt_track(test, (void **)f->buses, KT_MAX_BUSES, bus);
	return bus;
}

/* vbus_device_destroy() of a tracked device; forgotten once gone. */
static int kt_destroy(struct kunit *test, struct vbus_device *vdev)
{
	struct kt_fixture *f = test->priv;
	int ret = vbus_device_destroy(vdev);

	if (!ret)
		kt_forget((void **)f->devs, KT_MAX_DEVS, vdev);
	return ret;
}

static int kt_bus_destroy(struct kunit *test, struct vbus *bus)
{
	struct kt_fixture *f = test->priv;
	int ret = vbus_destroy(bus);

	if (!ret)
		kt_forget((void **)f->buses, KT_MAX_BUSES, bus);
	return ret;
}

static void kt_attach(struct kunit *test, struct vbus *bus,
		      struct vbus_device *vdev)
{
	KUNIT_ASSERT_EQ(test, vbus_attach(bus, vdev), 0);
}

/* vbus_class */

static void class_duplicate_name(struct kunit *test)
{
	struct vbus_class dup = { .name = "kunit_a", .owner = THIS_MODULE,
				  .ops = &kt_ops };

	KUNIT_EXPECT_EQ(test, vbus_class_register(&dup), -EEXIST);
}

static void class_incomplete(struct kunit *test)
{
	static const struct vbus_class_ops no_release = { .create = kt_create };
	struct vbus_class c = { .name = "kunit_x", .owner = THIS_MODULE };

	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
	c.ops = &no_release;
	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
	c.ops = &kt_ops;
	c.name = NULL;
	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
}

static void class_second_and_reregister(struct kunit *test)
{
	kt_class_set(test, 1, true);
	kt_class_set(test, 1, false);
	kt_class_set(test, 1, true);
	kt_class_set(test, 1, false);
}

static void class_device_pins_module(struct kunit *test)
{
	int before = module_refcount(THIS_MODULE);
	struct vbus_device *vdev = kt_dev(test, "kt-pin");

	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before + 1);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
}

static struct kunit_case class_cases[] = {
	KUNIT_CASE(class_duplicate_name),
	KUNIT_CASE(class_incomplete),
	KUNIT_CASE(class_second_and_reregister),
	KUNIT_CASE(class_device_pins_module),
	{}
};

static struct kunit_suite class_suite = {
	.name = "vbus_class",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = class_cases,
};

/* vbus_device */

static void device_create_destroy(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_EXPECT_STREQ(test, vbus_device_name(vdev), "kt-dev");
	KUNIT_EXPECT_PTR_EQ(test, vdev->class, &kt_class);
	KUNIT_EXPECT_NULL(test, vdev->bus);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 1);
}

static void device_duplicate_across_classes(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev(test, "kt-same");
	struct vbus_device *dup;

	kt_class_set(test, 1, true);
	dup = vbus_device_create(&kt_class_b, "kt-same");
	KUNIT_EXPECT_EQ(test, PTR_ERR(dup), -EEXIST);
	dup = vbus_device_create(&kt_class, "kt-same");
	KUNIT_EXPECT_EQ(test, PTR_ERR(dup), -EEXIST);
	/* The refused duplicates were released, the original is intact. */
	KUNIT_EXPECT_EQ(test, kt_released, 2);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
	kt_class_set(test, 1, false);
	KUNIT_EXPECT_EQ(test, kt_released, 3);
}

static const char *const bad_names[] = {
	"", "a/b", "0123456789abcdef0123456789abcdef-too-long",
};

static void bad_name_desc(const char *const *name, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "'%s'", *name);
}

KUNIT_ARRAY_PARAM(bad_name, bad_names, bad_name_desc);

static void device_bad_name(struct kunit *test)
{
	const char *const *name = test->param_value;
	int before = module_refcount(THIS_MODULE);

	KUNIT_EXPECT_EQ(test, PTR_ERR(vbus_device_create(&kt_class, *name)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vbus_create(*name)), -EINVAL);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
}

static void device_create_error_unpins(struct kunit *test)
{
	int before = module_refcount(THIS_MODULE);

	kt_create_error = -ENOSPC;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vbus_device_create(&kt_class, "kt-err")),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
	KUNIT_EXPECT_EQ(test, kt_released, 0);
}

static void device_reference_outlives_destroy(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev(test, "kt-ref");

	vbus_device_get(vdev);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 0);
	KUNIT_EXPECT_STREQ(test, vbus_device_name(vdev), "kt-ref");
	vbus_device_put(vdev);
	KUNIT_EXPECT_EQ(test, kt_released, 1);
}

static void device_name_reusable(struct kunit *test)
{
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, kt_destroy(test, kt_dev(test, "kt-re")), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 3);
}

static struct kunit_case device_cases[] = {
	KUNIT_CASE(device_create_destroy),
	KUNIT_CASE(device_duplicate_across_classes),
	KUNIT_CASE_PARAM(device_bad_name, bad_name_gen_params),
	KUNIT_CASE(device_create_error_unpins),
	KUNIT_CASE(device_reference_outlives_destroy),
	KUNIT_CASE(device_name_reusable),
	{}
};

static struct kunit_suite device_suite = {
	.name = "vbus_device",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = device_cases,
};

/* vbus_bus: buses, attach, detach */

static void bus_duplicate_name(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");

	KUNIT_EXPECT_EQ(test, PTR_ERR(vbus_create("kt-bus")), -EEXIST);
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), 0);
	bus = kt_bus(test, "kt-bus");
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), 0);
}

static void bus_attach_detach(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");
	int refs = kref_read(&vdev->dev.kobj.kref);

	KUNIT_ASSERT_EQ(test, vbus_attach(bus, vdev), 0);
	KUNIT_EXPECT_PTR_EQ(test, vdev->bus, bus);
	KUNIT_EXPECT_TRUE(test, list_is_singular(&bus->devices));
	/* The bus holds a reference on each device on it. */
	KUNIT_EXPECT_EQ(test, kref_read(&vdev->dev.kobj.kref), refs + 1);
	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), 0);
	KUNIT_EXPECT_NULL(test, vdev->bus);
	KUNIT_EXPECT_TRUE(test, list_empty(&bus->devices));
	KUNIT_EXPECT_EQ(test, kref_read(&vdev->dev.kobj.kref), refs);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 1);
}

static void bus_attach_twice(struct kunit *test)
{
	struct vbus *a = kt_bus(test, "kt-a"), *b = kt_bus(test, "kt-b");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_attach(a, vdev), 0);
	KUNIT_EXPECT_EQ(test, vbus_attach(a, vdev), -EBUSY);
	KUNIT_EXPECT_EQ(test, vbus_attach(b, vdev), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, vdev->bus, a);
	KUNIT_EXPECT_TRUE(test, list_empty(&b->devices));
	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), 0);
	KUNIT_EXPECT_EQ(test, vbus_attach(b, vdev), 0);
	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), 0);
	kt_destroy(test, vdev);
	kt_bus_destroy(test, a);
	kt_bus_destroy(test, b);
}

static void bus_detach_unattached(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), -ENOENT);
	kt_destroy(test, vdev);
}

static void bus_busy_rules(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_attach(bus, vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), -EBUSY);
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), -EBUSY);
	KUNIT_EXPECT_EQ(test, kt_released, 0);
	vbus_detach(vdev);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), 0);
}

static void bus_many_devices(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev[8], *it;
	char name[16];
	int i;

	for (i = 0; i < ARRAY_SIZE(vdev); i++) {
		snprintf(name, sizeof(name), "kt-%d", i);
		vdev[i] = kt_dev(test, name);
		KUNIT_EXPECT_EQ(test, vbus_attach(bus, vdev[i]), 0);
	}
	i = 0;
	list_for_each_entry(it, &bus->devices, bus_node)
		KUNIT_EXPECT_PTR_EQ(test, it, vdev[i++]);
	KUNIT_EXPECT_EQ(test, i, 8);
	for (i = 0; i < ARRAY_SIZE(vdev); i++) {
		KUNIT_EXPECT_EQ(test, vbus_detach(vdev[i]), 0);
		KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 8);
}

static struct kunit_case bus_cases[] = {
	KUNIT_CASE(bus_duplicate_name),
	KUNIT_CASE(bus_attach_detach),
	KUNIT_CASE(bus_attach_twice),
	KUNIT_CASE(bus_detach_unattached),
	KUNIT_CASE(bus_busy_rules),
	KUNIT_CASE(bus_many_devices),
	{}
};

static struct kunit_suite bus_suite = {
	.name = "vbus_bus",
	.init = kt_init,
	.exit = kt_exit,
	.test_cases = bus_cases,
};

/* vbus_connector, with a fake connector that records its calls */

static struct {
	int attaches, detaches, fail_at;
	struct vbus_device *vdev;
	bool priv_set_at_detach;
} fake;

static int fake_attach(struct vbus_device *vdev)
{
	if (++fake.attaches == fake.fail_at)
		return -ENOMEM;
	fake.vdev = vdev;
	vdev->connector_priv = &fake;
	return 0;
}

static void fake_detach(struct vbus_device *vdev)
{
	fake.detaches++;
	fake.priv_set_at_detach = vdev->connector_priv == &fake;
}

static const struct vbus_connector_ops fake_ops = {
	.attach = fake_attach,
	.detach = fake_detach,
};

static struct vbus_connector fake_conn = {
	.name = "kunit_fake",
	.owner = THIS_MODULE,
	.ops = &fake_ops,
};

static struct vbus_connector fake_conn2 = {
	.name = "kunit_fake2",
	.owner = THIS_MODULE,
	.ops = &fake_ops,
};

static int conn_init(struct kunit *test)
{
	memset(&fake, 0, sizeof(fake));
	kt_init(test);
	kt_conn_set(test, 0, true);
	return 0;
}

static void conn_register_rules(struct kunit *test)
{
	static const struct vbus_connector_ops partial = {
		.attach = fake_attach,
	};
	struct vbus_connector dup = { .name = "kunit_fake", .ops = &fake_ops };
	struct vbus_connector none = { .name = "none", .ops = &fake_ops };
	struct vbus_connector bad = { .name = "kunit_bad", .ops = &partial };

	KUNIT_EXPECT_EQ(test, vbus_connector_register(&dup), -EEXIST);
	KUNIT_EXPECT_EQ(test, vbus_connector_register(&none), -EINVAL);
	KUNIT_EXPECT_EQ(test, vbus_connector_register(&bad), -EINVAL);
}

static void conn_unknown_and_none(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");

	kt_attach(test, bus, kt_dev(test, "kt-dev"));
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "no-such"), -EINVAL);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "none\n"), 0);
	KUNIT_EXPECT_NULL(test, bus->connector);
	KUNIT_EXPECT_EQ(test, fake.attaches + fake.detaches, 0);
}

static void conn_connect_pins_module(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");
	int before = module_refcount(THIS_MODULE);

	kt_attach(test, bus, vdev);
	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake\n"), 0);
	KUNIT_EXPECT_PTR_EQ(test, bus->connector,
			    (const struct vbus_connector *)&fake_conn);
	KUNIT_EXPECT_PTR_EQ(test, fake.vdev, vdev);
	KUNIT_EXPECT_PTR_EQ(test, vdev->connector_priv, (void *)&fake);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before + 1);
	/* Connecting again to the same connector changes nothing. */
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, fake.attaches, 1);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "none"), 0);
	KUNIT_EXPECT_EQ(test, fake.detaches, 1);
	/* The connector saw its state at detach; the core cleared it after. */
	KUNIT_EXPECT_TRUE(test, fake.priv_set_at_detach);
	KUNIT_EXPECT_NULL(test, vdev->connector_priv);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
}

static void conn_connect_error(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	int before;

	kt_attach(test, bus, kt_dev(test, "kt-dev"));
	before = module_refcount(THIS_MODULE);
	fake.fail_at = 1;
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake"), -ENOMEM);
	KUNIT_EXPECT_NULL(test, bus->connector);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
	KUNIT_EXPECT_EQ(test, fake.detaches, 0);
}

/* The third device refuses: the first two are detached, in reverse. */
static void conn_connect_unwinds(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev[3];
	char name[8];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "kt-%d", i);
		vdev[i] = kt_dev(test, name);
		kt_attach(test, bus, vdev[i]);
	}
	fake.fail_at = 3;
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake"), -ENOMEM);
	KUNIT_EXPECT_EQ(test, fake.attaches, 3);
	KUNIT_EXPECT_EQ(test, fake.detaches, 2);
	KUNIT_EXPECT_NULL(test, bus->connector);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_NULL(test, vdev[i]->connector_priv);
	/* And the bus connects once the device agrees. */
	fake.fail_at = 0;
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, fake.attaches, 6);
}

static void conn_hotplug(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, fake.attaches, 0);
	KUNIT_EXPECT_EQ(test, vbus_attach(bus, vdev), 0);
	KUNIT_EXPECT_EQ(test, fake.attaches, 1);
	KUNIT_EXPECT_PTR_EQ(test, fake.vdev, vdev);
	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), 0);
	KUNIT_EXPECT_EQ(test, fake.detaches, 1);
	KUNIT_EXPECT_NULL(test, vdev->connector_priv);
}

static void conn_attach_refused(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");
	int refs = kref_read(&vdev->dev.kobj.kref);

	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	fake.fail_at = 1;
	KUNIT_EXPECT_EQ(test, vbus_attach(bus, vdev), -ENOMEM);
	KUNIT_EXPECT_NULL(test, vdev->bus);
	KUNIT_EXPECT_TRUE(test, list_empty(&bus->devices));
	KUNIT_EXPECT_EQ(test, kref_read(&vdev->dev.kobj.kref), refs);
	KUNIT_EXPECT_EQ(test, kt_destroy(test, vdev), 0);
}

static void conn_switch(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");

	kt_attach(test, bus, kt_dev(test, "kt-dev"));
	kt_conn_set(test, 1, true);
	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake2"), 0);
	KUNIT_EXPECT_EQ(test, fake.attaches, 2);
	KUNIT_EXPECT_EQ(test, fake.detaches, 1);
	KUNIT_EXPECT_PTR_EQ(test, bus->connector,
			    (const struct vbus_connector *)&fake_conn2);
	/* Destroying a connected bus (emptied first) disconnects it. */
	vbus_detach(fake.vdev);
	KUNIT_EXPECT_EQ(test, kt_bus_destroy(test, bus), 0);
	KUNIT_EXPECT_EQ(test, fake.detaches, 2);
	kt_conn_set(test, 1, false);
}

static void conn_config_lock(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_device_config_lock(vdev), 0);
	vbus_device_config_unlock(vdev);
	kt_attach(test, bus, vdev);
	KUNIT_ASSERT_EQ(test, vbus_device_config_lock(vdev), 0);
	vbus_device_config_unlock(vdev);
	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, vbus_device_config_lock(vdev), -EBUSY);
	vbus_connect(bus, "none");
	KUNIT_ASSERT_EQ(test, vbus_device_config_lock(vdev), 0);
	vbus_device_config_unlock(vdev);
}

static struct kunit_case conn_cases[] = {
	KUNIT_CASE(conn_register_rules),
	KUNIT_CASE(conn_unknown_and_none),
	KUNIT_CASE(conn_connect_pins_module),
	KUNIT_CASE(conn_connect_error),
	KUNIT_CASE(conn_connect_unwinds),
	KUNIT_CASE(conn_hotplug),
	KUNIT_CASE(conn_attach_refused),
	KUNIT_CASE(conn_switch),
	KUNIT_CASE(conn_config_lock),
	{}
};

static struct kunit_suite conn_suite = {
	.name = "vbus_connector",
	.init = conn_init,
	.exit = kt_exit,
	.test_cases = conn_cases,
};

/* The device interface: config space, start and stop */

static struct {
	int starts, stops, start_ret;
	u64 features;
	struct vbus_queue *q0;
	u8 written[4];
} dev_seen;

static void kt_get_config(struct vbus_device *vdev, void *config)
{
	u8 *c = config;
	int i;

	for (i = 0; i < 8; i++)
		c[i] = i + 1;
}

static int kt_set_config(struct vbus_device *vdev, unsigned int offset,
			 const void *buf, unsigned int len)
{
	memcpy(dev_seen.written, buf, min_t(unsigned int, len, 4));
	return 0;
}

static int kt_start(struct vbus_device *vdev, const struct vbus_link *link)
{
	dev_seen.starts++;
	dev_seen.features = link->features;
	dev_seen.q0 = link->queues[0];
	return dev_seen.start_ret;
}

static void kt_stop(struct vbus_device *vdev)
{
	dev_seen.stops++;
}

static const struct vbus_device_ops kt_device_ops = {
	.device_id = 1,
	.features = BIT_ULL(3) | BIT_ULL(40),
	.num_queues = 1,
	.config_size = 8,
	.get_config = kt_get_config,
	.start = kt_start,
	.stop = kt_stop,
};

static const struct vbus_device_ops kt_device_ops_rw = {
	.config_size = 8,
	.get_config = kt_get_config,
	.set_config = kt_set_config,
	.start = kt_start,
	.stop = kt_stop,
};

static struct vbus_class kt_class_dev = {
	.name = "kunit_dev",
	.owner = THIS_MODULE,
	.ops = &kt_ops,
	.device = &kt_device_ops,
};

static bool kt_class_dev_on;

/* (Re)register kt_class_dev with @ops. */
static void kt_class_dev_set(struct kunit *test,
			     const struct vbus_device_ops *ops)
{
	if (kt_class_dev_on)
		vbus_class_unregister(&kt_class_dev);
	kt_class_dev_on = false;
	kt_class_dev.device = ops;
	KUNIT_ASSERT_EQ(test, vbus_class_register(&kt_class_dev), 0);
	kt_class_dev_on = true;
}

static int dev_init(struct kunit *test)
{
	memset(&dev_seen, 0, sizeof(dev_seen));
	kt_init(test);
	kt_class_dev_set(test, &kt_device_ops);
	return 0;
}

static void dev_exit(struct kunit *test)
{
	kt_exit(test);
	if (kt_class_dev_on)
		vbus_class_unregister(&kt_class_dev);
	kt_class_dev_on = false;
}

static void devif_features(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev_of(test, &kt_class_dev, "kt-dev");

	KUNIT_EXPECT_EQ(test, vbus_device_features(vdev),
			BIT_ULL(3) | BIT_ULL(40));
	/* A class without a device interface offers nothing. */
	KUNIT_EXPECT_EQ(test, vbus_device_features(kt_dev(test, "kt-b")), 0);
}

static void devif_config_reads(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev_of(test, &kt_class_dev, "kt-dev");
	u8 buf[4];

	KUNIT_EXPECT_EQ(test, vbus_device_get_config(vdev, 2, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, buf[0], 3);
	KUNIT_EXPECT_EQ(test, buf[3], 6);
	KUNIT_EXPECT_EQ(test, vbus_device_get_config(vdev, 4, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, buf[3], 8);
	KUNIT_EXPECT_EQ(test, vbus_device_get_config(vdev, 8, buf, 0), 0);
}

struct bad_config {
	const char *name;
	unsigned int offset, len;
};

static const struct bad_config bad_configs[] = {
	{ "past the end", 6, 4 },
	{ "offset past the end", 9, 1 },
	{ "offset + len wraps", UINT_MAX, 2 },
	{ "len wraps", 1, UINT_MAX },
};

static void bad_config_desc(const struct bad_config *b, char *desc)
{
	strscpy(desc, b->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_config, bad_configs, bad_config_desc);

static void devif_config_refused(struct kunit *test)
{
	const struct bad_config *b = test->param_value;
	struct vbus_device *vdev = kt_dev_of(test, &kt_class_dev, "kt-dev");
	u8 buf[4];

	memset(buf, 0xff, sizeof(buf));
	if (b->len <= sizeof(buf)) {
		KUNIT_EXPECT_EQ(test, vbus_device_get_config(vdev, b->offset,
							     buf, b->len),
				-EINVAL);
		/* Nothing of the config leaks into a refused read. */
		KUNIT_EXPECT_EQ(test, buf[0], 0);
	}
	KUNIT_EXPECT_EQ(test, vbus_device_set_config(vdev, b->offset, buf,
						     b->len), -EINVAL);
}

static void devif_config_writes(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev_of(test, &kt_class_dev, "kt-dev");
	u8 buf[2] = { 0xaa, 0xbb };

	/* Read-only without set_config. */
	KUNIT_EXPECT_EQ(test, vbus_device_set_config(vdev, 0, buf, 2), -EPERM);
	KUNIT_ASSERT_EQ(test, kt_destroy(test, vdev), 0);
	kt_class_dev_set(test, &kt_device_ops_rw);
	vdev = kt_dev_of(test, &kt_class_dev, "kt-dev");
	KUNIT_EXPECT_EQ(test, vbus_device_set_config(vdev, 6, buf, 2), 0);
	KUNIT_EXPECT_EQ(test, dev_seen.written[1], 0xbb);
}

static void devif_start_stop(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev_of(test, &kt_class_dev, "kt-dev");
	struct vbus_queue q = {};
	struct vbus_queue *qs[] = { &q };
	struct vbus_link link = { .features = BIT_ULL(3), .queues = qs };

	/* Stop before start is nothing. */
	vbus_device_stop(vdev);
	KUNIT_EXPECT_EQ(test, dev_seen.stops, 0);
	KUNIT_ASSERT_EQ(test, vbus_device_start(vdev, &link), 0);
	KUNIT_EXPECT_TRUE(test, vdev->started);
	KUNIT_EXPECT_EQ(test, dev_seen.features, BIT_ULL(3));
	KUNIT_EXPECT_PTR_EQ(test, dev_seen.q0, &q);
	KUNIT_EXPECT_EQ(test, vbus_device_start(vdev, &link), -EBUSY);
	KUNIT_EXPECT_EQ(test, dev_seen.starts, 1);
	vbus_device_stop(vdev);
	vbus_device_stop(vdev);
	KUNIT_EXPECT_EQ(test, dev_seen.stops, 1);
	KUNIT_EXPECT_FALSE(test, vdev->started);
	/* A device that refuses to start is not started, nor stopped. */
	dev_seen.start_ret = -EIO;
	KUNIT_EXPECT_EQ(test, vbus_device_start(vdev, &link), -EIO);
	KUNIT_EXPECT_FALSE(test, vdev->started);
	vbus_device_stop(vdev);
	KUNIT_EXPECT_EQ(test, dev_seen.stops, 1);
}

static void devif_class_rules(struct kunit *test)
{
	struct vbus_device_ops ops = kt_device_ops;
	struct vbus_class c = { .name = "kunit_x", .owner = THIS_MODULE,
				.ops = &kt_ops, .device = &ops };

	ops.num_queues = VBUS_MAX_QUEUES + 1;
	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
	ops.num_queues = 1;
	ops.config_size = VBUS_CONFIG_MAX + 1;
	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
	ops.config_size = 8;
	ops.start = NULL;
	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
	ops.start = kt_start;
	ops.get_config = NULL;
	KUNIT_EXPECT_EQ(test, vbus_class_register(&c), -EINVAL);
}

static struct kunit_case devif_cases[] = {
	KUNIT_CASE(devif_features),
	KUNIT_CASE(devif_config_reads),
	KUNIT_CASE_PARAM(devif_config_refused, bad_config_gen_params),
	KUNIT_CASE(devif_config_writes),
	KUNIT_CASE(devif_start_stop),
	KUNIT_CASE(devif_class_rules),
	{}
};

static struct kunit_suite devif_suite = {
	.name = "vbus_device_interface",
	.init = dev_init,
	.exit = dev_exit,
	.test_cases = devif_cases,
};

/* vbus_notifier */

#define KT_MAX_EVENTS 8

static struct {
	int n;
	unsigned long event[KT_MAX_EVENTS];
	struct vbus_event_info info[KT_MAX_EVENTS];
} seen;

static int kt_notify(struct notifier_block *nb, unsigned long event,
		     void *data)
{
	if (seen.n < KT_MAX_EVENTS) {
		seen.event[seen.n] = event;
		seen.info[seen.n] = *(struct vbus_event_info *)data;
	}
	seen.n++;
	return NOTIFY_OK;
}

static struct notifier_block kt_nb = { .notifier_call = kt_notify };

static void notifier_events_in_order(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	memset(&seen, 0, sizeof(seen));
	KUNIT_ASSERT_EQ(test, vbus_register_notifier(&kt_nb), 0);
	vbus_attach(bus, vdev);
	vbus_connect(bus, "kunit_fake");
	vbus_connect(bus, "none");
	vbus_detach(vdev);
	vbus_unregister_notifier(&kt_nb);
	/* Not seen: the notifier is gone. */
	vbus_attach(bus, vdev);
	vbus_detach(vdev);

	KUNIT_ASSERT_EQ(test, seen.n, 4);
	KUNIT_EXPECT_EQ(test, seen.event[0], VBUS_EVENT_DEVICE_ADDED);
	KUNIT_EXPECT_PTR_EQ(test, seen.info[0].vdev, vdev);
	KUNIT_EXPECT_PTR_EQ(test, seen.info[0].bus, bus);
	KUNIT_EXPECT_EQ(test, seen.event[1], VBUS_EVENT_BUS_CONNECTED);
	KUNIT_EXPECT_PTR_EQ(test, seen.info[1].connector,
			    (const struct vbus_connector *)&fake_conn);
	KUNIT_EXPECT_NULL(test, seen.info[1].vdev);
	KUNIT_EXPECT_EQ(test, seen.event[2], VBUS_EVENT_BUS_DISCONNECTED);
	KUNIT_EXPECT_PTR_EQ(test, seen.info[2].connector,
			    (const struct vbus_connector *)&fake_conn);
	KUNIT_EXPECT_EQ(test, seen.event[3], VBUS_EVENT_DEVICE_REMOVED);
	KUNIT_EXPECT_PTR_EQ(test, seen.info[3].vdev, vdev);
	kt_destroy(test, vdev);
	kt_bus_destroy(test, bus);
}

static void notifier_no_event_on_refusal(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	memset(&seen, 0, sizeof(seen));
	kt_attach(test, bus, vdev);
	KUNIT_ASSERT_EQ(test, vbus_register_notifier(&kt_nb), 0);
	vbus_connect(bus, "no-such");
	fake.fail_at = 1;
	vbus_connect(bus, "kunit_fake");
	vbus_attach(bus, vdev);
	vbus_unregister_notifier(&kt_nb);
	KUNIT_EXPECT_EQ(test, seen.n, 0);
}

static struct kunit_case notifier_cases[] = {
	KUNIT_CASE(notifier_events_in_order),
	KUNIT_CASE(notifier_no_event_on_refusal),
	{}
};

static struct kunit_suite notifier_suite = {
	.name = "vbus_notifier",
	.init = conn_init,
	.exit = kt_exit,
	.test_cases = notifier_cases,
};

kunit_test_suites(&class_suite, &device_suite, &bus_suite, &conn_suite,
		  &devif_suite, &notifier_suite);

MODULE_DESCRIPTION("KUnit tests for the vbus core");
MODULE_LICENSE("GPL");
