// SPDX-License-Identifier: GPL-2.0
/*
 * Client driver for the reference class over the native connector: the
 * template for client drivers. It binds to "ref" proxy devices, reads
 * their config space, starts them (no queues to register), and shows the
 * config in sysfs (remote_value, remote_label).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vbus_native.h>
#include <uapi/linux/vbus_ref.h>

/**
 * struct ref_client - per-device state, freed with the binding (devm)
 * @config: what the device reported at probe
 */
struct ref_client {
	struct vbus_ref_config config;
};

static ssize_t remote_value_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct ref_client *rc = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", le32_to_cpu(rc->config.value));
}
static DEVICE_ATTR_RO(remote_value);

static ssize_t remote_label_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct ref_client *rc = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%.*s\n", (int)sizeof(rc->config.label),
			  rc->config.label);
}
static DEVICE_ATTR_RO(remote_label);

static struct attribute *ref_client_attrs[] = {
	&dev_attr_remote_value.attr,
	&dev_attr_remote_label.attr,
	NULL,
};
ATTRIBUTE_GROUPS(ref_client);

static int ref_client_probe(struct vbus_proxy_device *pdev)
{
	struct ref_client *rc;
	int ret;

	rc = devm_kzalloc(&pdev->dev, sizeof(*rc), GFP_KERNEL);
	if (!rc)
		return -ENOMEM;
	ret = vbus_proxy_get_config(pdev, 0, &rc->config, sizeof(rc->config));
	if (ret)
		return ret;
	ret = vbus_proxy_open(pdev, 0);
	if (!ret)
		ret = vbus_proxy_start(pdev);
	if (ret) {
		vbus_proxy_close(pdev);
		return ret;
	}
	dev_set_drvdata(&pdev->dev, rc);
	dev_info(&pdev->dev, "bound: value %u\n",
		 le32_to_cpu(rc->config.value));
	return 0;
}

static void ref_client_remove(struct vbus_proxy_device *pdev)
{
	vbus_proxy_close(pdev);
	dev_info(&pdev->dev, "unbound\n");
}

static struct vbus_proxy_driver ref_client_driver = {
	.type = "ref",
	.probe = ref_client_probe,
	.remove = ref_client_remove,
	.driver = {
		.name = "vbus_ref_client",
		.dev_groups = ref_client_groups,
	},
};

static int __init ref_client_init(void)
{
	return vbus_proxy_driver_register(&ref_client_driver);
}

static void __exit ref_client_exit(void)
{
	vbus_proxy_driver_unregister(&ref_client_driver);
}

module_init(ref_client_init);
module_exit(ref_client_exit);
MODULE_DESCRIPTION("vbus reference class client driver (native connector)");
MODULE_ALIAS("vbus-proxy:ref");
MODULE_LICENSE("GPL");
