// SPDX-License-Identifier: GPL-2.0
/*
 * vbus configfs front end:
 *
 *   vbus/devices/<class>/<name>/	mkdir/rmdir a device of <class>
 *   vbus/buses/<name>/			mkdir/rmdir a bus
 *   vbus/buses/<name>/devices/<link>	ln -s/rm: attach/detach a device
 *   vbus/buses/<name>/connector	"none", or a connector name
 *
 * Each configfs item owns one reference on its object: a bus is freed by
 * its item's release, a device's item release drops its driver-model
 * reference. Refusals configfs makes itself (rmdir of a linked device:
 * EBUSY; rmdir of a bus with links: ENOTEMPTY; mkdir of an existing
 * name: EEXIST) never reach this file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include "vbus_internal.h"

static struct config_group vbus_devices_group;
static struct config_group vbus_buses_group;

/* devices/<class>/<name>/ */

static void vbus_device_item_release(struct config_item *item)
{
	put_device(&container_of(to_config_group(item), struct vbus_device,
				 group)->dev);
}

static struct configfs_item_operations vbus_device_item_ops = {
	.release = vbus_device_item_release,
};

/**
 * to_vbus_device_item() - the vbus device behind a configfs item
 * @item: any configfs item
 *
 * Return: the device, or NULL if @item is not a vbus device directory.
 */
struct vbus_device *to_vbus_device_item(struct config_item *item)
{
	if (!item || !item->ci_type ||
	    item->ci_type->ct_item_ops != &vbus_device_item_ops)
		return NULL;
	return container_of(to_config_group(item), struct vbus_device, group);
}
EXPORT_SYMBOL_GPL(to_vbus_device_item);

static ssize_t vbus_device_bus_show(struct config_item *item, char *page)
{
	struct vbus_device *vdev = to_vbus_device_item(item);
	ssize_t len;

	mutex_lock(&vbus_lock);
	len = sysfs_emit(page, "%s\n", vdev->bus ? vbus_name(vdev->bus) : "");
	mutex_unlock(&vbus_lock);
	return len;
}

static struct configfs_attribute vbus_device_attr_bus = {
	.ca_name = "bus",
	.ca_owner = THIS_MODULE,
	.ca_mode = 0444,
	.show = vbus_device_bus_show,
};

/* devices/<class>/ */

static struct config_group *vbus_class_make_group(struct config_group *group,
						  const char *name)
{
	struct vbus_class *class = container_of(group, struct vbus_class,
						group);
	struct vbus_device *vdev = vbus_device_create(class, name);

	return IS_ERR(vdev) ? ERR_CAST(vdev) : &vdev->group;
}

static void vbus_class_drop_item(struct config_group *group,
				 struct config_item *item)
{
	vbus_device_drop(to_vbus_device_item(item));
}

static struct configfs_group_operations vbus_class_group_ops = {
	.make_group = vbus_class_make_group,
	.drop_item = vbus_class_drop_item,
};

int vbus_configfs_add_class(struct vbus_class *class)
{
	struct configfs_attribute **attrs;
	size_t n = 0;
	int ret;

	while (class->attrs && class->attrs[n])
		n++;
	attrs = kcalloc(n + 2, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return -ENOMEM;
	attrs[0] = &vbus_device_attr_bus;
	if (n)
		memcpy(&attrs[1], class->attrs, n * sizeof(*attrs));
	class->device_attrs = attrs;

	class->device_type = (struct config_item_type) {
		.ct_item_ops = &vbus_device_item_ops,
		.ct_attrs = attrs,
		.ct_owner = class->owner,
	};
	class->group_type = (struct config_item_type) {
		.ct_group_ops = &vbus_class_group_ops,
		.ct_owner = class->owner,
	};
	config_group_init_type_name(&class->group, class->name,
				    &class->group_type);
	ret = configfs_register_group(&vbus_devices_group, &class->group);
	if (ret) {
		pr_err("class %s: configfs registration failed: %d\n",
		       class->name, ret);
		kfree(attrs);
	}
	return ret;
}

void vbus_configfs_remove_class(struct vbus_class *class)
{
	configfs_unregister_group(&class->group);
	kfree(class->device_attrs);
	class->device_attrs = NULL;
}

/* buses/<name>/devices/ */

static int vbus_bus_allow_link(struct config_item *src,
			       struct config_item *target)
{
	struct vbus *bus = container_of(to_config_group(src), struct vbus,
					devices_group);
	struct vbus_device *vdev = to_vbus_device_item(target);

	if (!vdev) {
		pr_err("bus %s: '%s' is not a vbus device\n", vbus_name(bus),
		       config_item_name(target));
		return -EINVAL;
	}
	return vbus_attach(bus, vdev);
}

/* A link removed, or one that failed after allow_link (its target went). */
static void vbus_bus_drop_link(struct config_item *src,
			       struct config_item *target)
{
	vbus_detach_silent(to_vbus_device_item(target));
}

static struct configfs_item_operations vbus_bus_devices_item_ops = {
	.allow_link = vbus_bus_allow_link,
	.drop_link = vbus_bus_drop_link,
};

static const struct config_item_type vbus_bus_devices_type = {
	.ct_item_ops = &vbus_bus_devices_item_ops,
	.ct_owner = THIS_MODULE,
};

/* buses/<name>/ */

static inline struct vbus *to_vbus(struct config_item *item)
{
	return container_of(to_config_group(item), struct vbus, group);
}

static ssize_t vbus_bus_connector_show(struct config_item *item, char *page)
{
	struct vbus *bus = to_vbus(item);
	ssize_t len;

	mutex_lock(&vbus_lock);
	len = sysfs_emit(page, "%s\n",
			 bus->connector ? bus->connector->name : "none");
	mutex_unlock(&vbus_lock);
	return len;
}

static ssize_t vbus_bus_connector_store(struct config_item *item,
					const char *page, size_t count)
{
	int ret = vbus_connect(to_vbus(item), page);

	return ret ? ret : count;
}

CONFIGFS_ATTR(vbus_bus_, connector);

static struct configfs_attribute *vbus_bus_attrs[] = {
	&vbus_bus_attr_connector,
	NULL,
};

static void vbus_bus_release(struct config_item *item)
{
	kfree(to_vbus(item));
}

static struct configfs_item_operations vbus_bus_item_ops = {
	.release = vbus_bus_release,
};

static const struct config_item_type vbus_bus_type = {
	.ct_item_ops = &vbus_bus_item_ops,
	.ct_attrs = vbus_bus_attrs,
	.ct_owner = THIS_MODULE,
};

void vbus_bus_init_group(struct vbus *bus, const char *name)
{
	config_group_init_type_name(&bus->group, name, &vbus_bus_type);
	config_group_init_type_name(&bus->devices_group, "devices",
				    &vbus_bus_devices_type);
	configfs_add_default_group(&bus->devices_group, &bus->group);
}

/* buses/ */

static struct config_group *vbus_buses_make_group(struct config_group *group,
						  const char *name)
{
	struct vbus *bus = vbus_create(name);

	return IS_ERR(bus) ? ERR_CAST(bus) : &bus->group;
}

static void vbus_buses_drop_item(struct config_group *group,
				 struct config_item *item)
{
	/* configfs refuses rmdir while devices are linked in. */
	vbus_destroy(to_vbus(item));
}

static struct configfs_group_operations vbus_buses_group_ops = {
	.make_group = vbus_buses_make_group,
	.drop_item = vbus_buses_drop_item,
};

static const struct config_item_type vbus_buses_type = {
	.ct_group_ops = &vbus_buses_group_ops,
	.ct_owner = THIS_MODULE,
};

/* devices/ */

static struct config_group *vbus_devices_make_group(struct config_group *group,
						    const char *name)
{
	pr_err("devices/%s: create a device inside its class directory, devices/<class>/%s\n",
	       name, name);
	return ERR_PTR(-EPERM);
}

static struct configfs_group_operations vbus_devices_group_ops = {
	.make_group = vbus_devices_make_group,
};

static const struct config_item_type vbus_devices_type = {
	.ct_group_ops = &vbus_devices_group_ops,
	.ct_owner = THIS_MODULE,
};

/* the subsystem root */

static const struct config_item_type vbus_root_type = {
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem vbus_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = "vbus",
			.ci_type = &vbus_root_type,
		},
	},
};

int vbus_configfs_init(void)
{
	int ret;

	config_group_init(&vbus_subsys.su_group);
	mutex_init(&vbus_subsys.su_mutex);
	config_group_init_type_name(&vbus_devices_group, "devices",
				    &vbus_devices_type);
	configfs_add_default_group(&vbus_devices_group, &vbus_subsys.su_group);
	config_group_init_type_name(&vbus_buses_group, "buses",
				    &vbus_buses_type);
	configfs_add_default_group(&vbus_buses_group, &vbus_subsys.su_group);

	ret = configfs_register_subsystem(&vbus_subsys);
	if (ret)
		pr_err("configfs registration failed: %d\n", ret);
	return ret;
}

void vbus_configfs_exit(void)
{
	configfs_unregister_subsystem(&vbus_subsys);
}
