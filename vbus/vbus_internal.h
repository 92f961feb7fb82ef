/* SPDX-License-Identifier: GPL-2.0 */
/* Private interfaces between the vbus core and its configfs front end. */
#ifndef _VBUS_INTERNAL_H
#define _VBUS_INTERNAL_H

#include <linux/vbus.h>

/* Protects the class, connector, bus and device lists and the topology. */
extern struct mutex vbus_lock;

int vbus_configfs_init(void);
void vbus_configfs_exit(void);
int vbus_configfs_add_class(struct vbus_class *class);
void vbus_configfs_remove_class(struct vbus_class *class);
void vbus_bus_init_group(struct vbus *bus, const char *name);
void vbus_device_drop(struct vbus_device *vdev);
int vbus_detach_silent(struct vbus_device *vdev);

#endif /* _VBUS_INTERNAL_H */
