// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the vbus core: class registry, device and bus lifecycle,
 * refcounts, attach/detach rules, connectors, notifications, error paths.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/vbus.h>

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

static int kt_init(struct kunit *test)
{
	kt_released = 0;
	kt_create_error = 0;
	KUNIT_ASSERT_EQ(test, vbus_class_register(&kt_class), 0);
	return 0;
}

static void kt_exit(struct kunit *test)
{
	vbus_class_unregister(&kt_class);
}

static struct vbus_device *kt_dev(struct kunit *test, const char *name)
{
	struct vbus_device *vdev = vbus_device_create(&kt_class, name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(vdev));
	return vdev;
}

static struct vbus *kt_bus(struct kunit *test, const char *name)
{
	struct vbus *bus = vbus_create(name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(bus));
	return bus;
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
	KUNIT_ASSERT_EQ(test, vbus_class_register(&kt_class_b), 0);
	vbus_class_unregister(&kt_class_b);
	KUNIT_EXPECT_EQ(test, vbus_class_register(&kt_class_b), 0);
	vbus_class_unregister(&kt_class_b);
}

static void class_device_pins_module(struct kunit *test)
{
	int before = module_refcount(THIS_MODULE);
	struct vbus_device *vdev = kt_dev(test, "kt-pin");

	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before + 1);
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
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
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 1);
}

static void device_duplicate_across_classes(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev(test, "kt-same");
	struct vbus_device *dup;

	KUNIT_ASSERT_EQ(test, vbus_class_register(&kt_class_b), 0);
	dup = vbus_device_create(&kt_class_b, "kt-same");
	KUNIT_EXPECT_EQ(test, PTR_ERR(dup), -EEXIST);
	dup = vbus_device_create(&kt_class, "kt-same");
	KUNIT_EXPECT_EQ(test, PTR_ERR(dup), -EEXIST);
	/* The refused duplicates were released, the original is intact. */
	KUNIT_EXPECT_EQ(test, kt_released, 2);
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
	vbus_class_unregister(&kt_class_b);
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
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
	KUNIT_EXPECT_EQ(test, kt_released, 0);
	KUNIT_EXPECT_STREQ(test, vbus_device_name(vdev), "kt-ref");
	vbus_device_put(vdev);
	KUNIT_EXPECT_EQ(test, kt_released, 1);
}

static void device_name_reusable(struct kunit *test)
{
	int i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, vbus_device_destroy(kt_dev(test, "kt-re")),
				0);
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
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), 0);
	bus = kt_bus(test, "kt-bus");
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), 0);
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
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), 0);
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
	vbus_device_destroy(vdev);
	vbus_destroy(a);
	vbus_destroy(b);
}

static void bus_detach_unattached(struct kunit *test)
{
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), -ENOENT);
	vbus_device_destroy(vdev);
}

static void bus_busy_rules(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_attach(bus, vdev), 0);
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), -EBUSY);
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), -EBUSY);
	KUNIT_EXPECT_EQ(test, kt_released, 0);
	vbus_detach(vdev);
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), 0);
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
		KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), 0);
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
	int connects, disconnects, attaches, detaches;
	int connect_ret, attach_ret;
	struct vbus *bus;
	struct vbus_device *vdev;
} fake;

static int fake_connect(struct vbus *bus)
{
	fake.connects++;
	fake.bus = bus;
	return fake.connect_ret;
}

static void fake_disconnect(struct vbus *bus)
{
	fake.disconnects++;
}

static int fake_attach(struct vbus *bus, struct vbus_device *vdev)
{
	fake.attaches++;
	fake.vdev = vdev;
	return fake.attach_ret;
}

static void fake_detach(struct vbus *bus, struct vbus_device *vdev)
{
	fake.detaches++;
}

static const struct vbus_connector_ops fake_ops = {
	.connect = fake_connect,
	.disconnect = fake_disconnect,
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
	KUNIT_ASSERT_EQ(test, vbus_connector_register(&fake_conn), 0);
	return 0;
}

static void conn_exit(struct kunit *test)
{
	vbus_connector_unregister(&fake_conn);
	kt_exit(test);
}

static void conn_register_rules(struct kunit *test)
{
	static const struct vbus_connector_ops partial = {
		.connect = fake_connect,
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

	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "no-such"), -EINVAL);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, ""), -EINVAL);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "none\n"), 0);
	KUNIT_EXPECT_NULL(test, bus->connector);
	KUNIT_EXPECT_EQ(test, fake.connects + fake.disconnects, 0);
	vbus_destroy(bus);
}

static void conn_connect_pins_module(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	int before = module_refcount(THIS_MODULE);

	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake\n"), 0);
	KUNIT_EXPECT_PTR_EQ(test, bus->connector,
			    (const struct vbus_connector *)&fake_conn);
	KUNIT_EXPECT_PTR_EQ(test, fake.bus, bus);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before + 1);
	/* Connecting again to the same connector changes nothing. */
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, fake.connects, 1);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "none"), 0);
	KUNIT_EXPECT_EQ(test, fake.disconnects, 1);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
	vbus_destroy(bus);
}

static void conn_connect_error(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	int before = module_refcount(THIS_MODULE);

	fake.connect_ret = -EIO;
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake"), -EIO);
	KUNIT_EXPECT_NULL(test, bus->connector);
	KUNIT_EXPECT_EQ(test, module_refcount(THIS_MODULE), before);
	vbus_destroy(bus);
	KUNIT_EXPECT_EQ(test, fake.disconnects, 0);
}

static void conn_hotplug(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, vbus_attach(bus, vdev), 0);
	KUNIT_EXPECT_EQ(test, fake.attaches, 1);
	KUNIT_EXPECT_PTR_EQ(test, fake.vdev, vdev);
	KUNIT_EXPECT_EQ(test, vbus_detach(vdev), 0);
	KUNIT_EXPECT_EQ(test, fake.detaches, 1);
	vbus_connect(bus, "none");
	vbus_device_destroy(vdev);
	vbus_destroy(bus);
}

static void conn_attach_refused(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");
	int refs = kref_read(&vdev->dev.kobj.kref);

	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	fake.attach_ret = -ENOMEM;
	KUNIT_EXPECT_EQ(test, vbus_attach(bus, vdev), -ENOMEM);
	KUNIT_EXPECT_NULL(test, vdev->bus);
	KUNIT_EXPECT_TRUE(test, list_empty(&bus->devices));
	KUNIT_EXPECT_EQ(test, kref_read(&vdev->dev.kobj.kref), refs);
	KUNIT_EXPECT_EQ(test, vbus_device_destroy(vdev), 0);
	vbus_destroy(bus);
}

static void conn_switch(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");

	KUNIT_ASSERT_EQ(test, vbus_connector_register(&fake_conn2), 0);
	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, vbus_connect(bus, "kunit_fake2"), 0);
	KUNIT_EXPECT_EQ(test, fake.connects, 2);
	KUNIT_EXPECT_EQ(test, fake.disconnects, 1);
	KUNIT_EXPECT_PTR_EQ(test, bus->connector,
			    (const struct vbus_connector *)&fake_conn2);
	/* Destroying a connected bus disconnects it. */
	KUNIT_EXPECT_EQ(test, vbus_destroy(bus), 0);
	KUNIT_EXPECT_EQ(test, fake.disconnects, 2);
	vbus_connector_unregister(&fake_conn2);
}

static void conn_config_lock(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	KUNIT_ASSERT_EQ(test, vbus_device_config_lock(vdev), 0);
	vbus_device_config_unlock(vdev);
	KUNIT_ASSERT_EQ(test, vbus_attach(bus, vdev), 0);
	KUNIT_ASSERT_EQ(test, vbus_device_config_lock(vdev), 0);
	vbus_device_config_unlock(vdev);
	KUNIT_ASSERT_EQ(test, vbus_connect(bus, "kunit_fake"), 0);
	KUNIT_EXPECT_EQ(test, vbus_device_config_lock(vdev), -EBUSY);
	vbus_connect(bus, "none");
	KUNIT_ASSERT_EQ(test, vbus_device_config_lock(vdev), 0);
	vbus_device_config_unlock(vdev);
	vbus_detach(vdev);
	vbus_device_destroy(vdev);
	vbus_destroy(bus);
}

static struct kunit_case conn_cases[] = {
	KUNIT_CASE(conn_register_rules),
	KUNIT_CASE(conn_unknown_and_none),
	KUNIT_CASE(conn_connect_pins_module),
	KUNIT_CASE(conn_connect_error),
	KUNIT_CASE(conn_hotplug),
	KUNIT_CASE(conn_attach_refused),
	KUNIT_CASE(conn_switch),
	KUNIT_CASE(conn_config_lock),
	{}
};

static struct kunit_suite conn_suite = {
	.name = "vbus_connector",
	.init = conn_init,
	.exit = conn_exit,
	.test_cases = conn_cases,
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
	vbus_device_destroy(vdev);
	vbus_destroy(bus);
}

static void notifier_no_event_on_refusal(struct kunit *test)
{
	struct vbus *bus = kt_bus(test, "kt-bus");
	struct vbus_device *vdev = kt_dev(test, "kt-dev");

	memset(&seen, 0, sizeof(seen));
	KUNIT_ASSERT_EQ(test, vbus_register_notifier(&kt_nb), 0);
	vbus_connect(bus, "no-such");
	fake.connect_ret = -EIO;
	vbus_connect(bus, "kunit_fake");
	vbus_detach(vdev);
	vbus_unregister_notifier(&kt_nb);
	KUNIT_EXPECT_EQ(test, seen.n, 0);
	vbus_device_destroy(vdev);
	vbus_destroy(bus);
}

static struct kunit_case notifier_cases[] = {
	KUNIT_CASE(notifier_events_in_order),
	KUNIT_CASE(notifier_no_event_on_refusal),
	{}
};

static struct kunit_suite notifier_suite = {
	.name = "vbus_notifier",
	.init = conn_init,
	.exit = conn_exit,
	.test_cases = notifier_cases,
};

kunit_test_suites(&class_suite, &device_suite, &bus_suite, &conn_suite,
		  &notifier_suite);

MODULE_DESCRIPTION("KUnit tests for the vbus core");
MODULE_LICENSE("GPL");
