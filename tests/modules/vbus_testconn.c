// SPDX-License-Identifier: GPL-2.0
/*
 * A connector for tests: "test" connects a bus without any client, so the
 * integration tests can check the rules for connected buses (attributes
 * frozen, module pinned) without a real transport.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/vbus.h>

static int testconn_attach(struct vbus_device *vdev)
{
	pr_info("bus %s: hot-plug %s\n", vbus_name(vdev->bus),
		vbus_device_name(vdev));
	return 0;
}

static void testconn_detach(struct vbus_device *vdev)
{
	pr_info("bus %s: hot-unplug %s\n", vbus_name(vdev->bus),
		vbus_device_name(vdev));
}

static const struct vbus_connector_ops testconn_ops = {
	.attach = testconn_attach,
	.detach = testconn_detach,
};

static struct vbus_connector testconn = {
	.name = "test",
	.owner = THIS_MODULE,
	.ops = &testconn_ops,
};

static int __init testconn_init(void)
{
	return vbus_connector_register(&testconn);
}

static void __exit testconn_exit(void)
{
	vbus_connector_unregister(&testconn);
}

module_init(testconn_init);
module_exit(testconn_exit);
MODULE_ALIAS("vbus-connector-test");
MODULE_DESCRIPTION("vbus connector for tests, without a client");
MODULE_LICENSE("GPL");
