// SPDX-License-Identifier: GPL-2.0
/*
 * vbus reference device class: the smallest complete device model, used by
 * the tests and meant as the template for device writers.
 *
 *   mkdir /sys/kernel/config/vbus/devices/ref/NAME
 *
 * Attributes (client visible, so frozen while the bus is connected):
 *   label	a printable string of at most REF_LABEL_MAX - 1 bytes
 *   value	an unsigned 32-bit number
 *
 * The device interface is all a class writes to be served by every
 * connector: a device id, features, queues, a config space (here a
 * struct vbus_ref_config holding both attributes), start and stop. The
 * client driver (devices/ref/ref_client.c, over the native connector)
 * reads the config space. Attributes cannot change while a client can
 * see them: stores are refused on a connected bus.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ctype.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vbus.h>
#include <uapi/linux/vbus_ref.h>

#define REF_LABEL_MAX	32

/**
 * struct ref_device - a reference-class device
 * @vdev: the vbus device; its driver-model refcount owns this struct
 * @label: label attribute, protected by the vbus config lock
 * @value: value attribute, protected by the vbus config lock
 */
struct ref_device {
	struct vbus_device vdev;
	char label[REF_LABEL_MAX];
	u32 value;
};

static struct ref_device *to_ref(struct config_item *item)
{
	return container_of(to_vbus_device_item(item), struct ref_device, vdev);
}

static ssize_t ref_label_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%s\n", to_ref(item)->label);
}

static ssize_t ref_label_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct ref_device *ref = to_ref(item);
	size_t len = strcspn(page, "\n");
	size_t i;
	int ret;

	for (i = 0; i < len; i++)
		if (!isprint(page[i]))
			break;
	if (len >= REF_LABEL_MAX || i < len) {
		pr_err("device %s: label must be printable and at most %d bytes\n",
		       vbus_device_name(&ref->vdev), REF_LABEL_MAX - 1);
		return -EINVAL;
	}
	ret = vbus_device_config_lock(&ref->vdev);
	if (ret)
		return ret;
	memcpy(ref->label, page, len);
	ref->label[len] = '\0';
	vbus_device_config_unlock(&ref->vdev);
	return count;
}

static ssize_t ref_value_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", to_ref(item)->value);
}

static ssize_t ref_value_store(struct config_item *item, const char *page,
			       size_t count)
{
	struct ref_device *ref = to_ref(item);
	u32 value;
	int ret;

	ret = kstrtou32(page, 0, &value);
	if (ret) {
		pr_err("device %s: value must be an unsigned 32-bit number\n",
		       vbus_device_name(&ref->vdev));
		return -EINVAL;
	}
	ret = vbus_device_config_lock(&ref->vdev);
	if (ret)
		return ret;
	ref->value = value;
	vbus_device_config_unlock(&ref->vdev);
	return count;
}

CONFIGFS_ATTR(ref_, label);
CONFIGFS_ATTR(ref_, value);

static struct configfs_attribute *ref_attrs[] = {
	&ref_attr_label,
	&ref_attr_value,
	NULL,
};

static struct vbus_device *ref_create(const char *name)
{
	struct ref_device *ref = kzalloc(sizeof(*ref), GFP_KERNEL);

	if (!ref)
		return ERR_PTR(-ENOMEM);
	return &ref->vdev;
}

static void ref_release(struct vbus_device *vdev)
{
	kfree(container_of(vdev, struct ref_device, vdev));
}

/* Device interface: a config space and nothing to serve. */

static void ref_get_config(struct vbus_device *vdev, void *buf)
{
	struct ref_device *ref = container_of(vdev, struct ref_device, vdev);
	struct vbus_ref_config *config = buf;

	memset(config, 0, sizeof(*config));
	config->value = cpu_to_le32(ref->value);
	strscpy(config->label, ref->label, sizeof(config->label));
}

static int ref_start(struct vbus_device *vdev, const struct vbus_link *link)
{
	dev_info(&vdev->dev, "started, features %#llx\n", link->features);
	return 0;
}

static void ref_stop(struct vbus_device *vdev)
{
	dev_info(&vdev->dev, "stopped\n");
}

static const struct vbus_device_ops ref_device_ops = {
	.device_id = VBUS_REF_DEVICE_ID,
	.config_size = sizeof(struct vbus_ref_config),
	.get_config = ref_get_config,
	.start = ref_start,
	.stop = ref_stop,
};

static const struct vbus_class_ops ref_ops = {
	.create = ref_create,
	.release = ref_release,
};

static struct vbus_class ref_class = {
	.name = "ref",
	.owner = THIS_MODULE,
	.ops = &ref_ops,
	.device = &ref_device_ops,
	.attrs = ref_attrs,
};

static int __init ref_init(void)
{
	return vbus_class_register(&ref_class);
}

static void __exit ref_exit(void)
{
	vbus_class_unregister(&ref_class);
}

module_init(ref_init);
module_exit(ref_exit);
MODULE_DESCRIPTION("vbus reference device class");
MODULE_LICENSE("GPL");
