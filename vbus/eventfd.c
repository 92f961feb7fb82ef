// SPDX-License-Identifier: GPL-2.0
/*
 * Eventfds made by a helper program, for connectors in the kernel.
 *
 * vbus_eventfd_get() files a request, runs the helper with the request
 * number and the count, and waits for it to exit. The helper creates the
 * eventfds and writes "<request> <fd> <fd> ..." to /dev/vbus-eventfd; the
 * write looks every fd up in the helper's own file table, so it must come
 * from the helper itself. Requests live on the caller's stack, on a list
 * under vbus_eventfd_lock, from filing to the helper's exit.
 */
#define pr_fmt(fmt) "vbus: " fmt

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/umh.h>
#include <linux/vbus_eventfd.h>
#include "vbus_internal.h"

static char eventfd_helper[256] = "/usr/libexec/vbus/vbus-eventfd";
module_param_string(eventfd_helper, eventfd_helper, sizeof(eventfd_helper),
		    0644);
MODULE_PARM_DESC(eventfd_helper,
		 "program that creates eventfds for in-kernel connectors");

/**
 * struct vbus_eventfd_req - one helper run
 * @node: on vbus_eventfd_reqs
 * @id: the number the helper writes back
 * @n: eventfds wanted
 * @efds: where they go; filled once, by the helper's write
 * @done: @efds holds @n eventfds
 */
struct vbus_eventfd_req {
	struct list_head node;
	u32 id;
	unsigned int n;
	struct vbus_eventfd *efds;
	bool done;
};

static LIST_HEAD(vbus_eventfd_reqs);
static DEFINE_MUTEX(vbus_eventfd_lock);	/* the list and every request */
static u32 vbus_eventfd_next_id;

/**
 * vbus_eventfd_get() - make eventfds
 * @owner: for messages, the device or queue that wants them
 * @n: how many, 1 to VBUS_EVENTFD_MAX
 * @efds: filled with @n eventfds, unhooked; anything in it is overwritten
 *
 * Sleeps while the helper runs.
 *
 * Return: 0; -ENOENT when the helper is missing; -EIO when it ran but
 * handed nothing over; another negative errno from running it.
 */
int vbus_eventfd_get(const char *owner, unsigned int n,
		     struct vbus_eventfd *efds)
{
	static char * const envp[] = { "HOME=/",
		"PATH=/sbin:/usr/sbin:/bin:/usr/bin", NULL };
	struct vbus_eventfd_req req = { .n = n, .efds = efds };
	char helper[sizeof(eventfd_helper)], id[12], count[12], *path;
	char *argv[4];
	int ret;

	if (!n || n > VBUS_EVENTFD_MAX)
		return -EINVAL;
	kernel_param_lock(THIS_MODULE);
	strscpy(helper, eventfd_helper, sizeof(helper));
	kernel_param_unlock(THIS_MODULE);
	/* "echo path > parameters/eventfd_helper" leaves a newline. */
	path = strim(helper);
	argv[0] = path;
	argv[1] = id;
	argv[2] = count;
	argv[3] = NULL;

	mutex_lock(&vbus_eventfd_lock);
	req.id = ++vbus_eventfd_next_id;
	list_add(&req.node, &vbus_eventfd_reqs);
	mutex_unlock(&vbus_eventfd_lock);
	snprintf(id, sizeof(id), "%u", req.id);
	snprintf(count, sizeof(count), "%u", n);

	ret = call_usermodehelper(path, argv, (char **)envp,
				  UMH_WAIT_PROC | UMH_KILLABLE);

	mutex_lock(&vbus_eventfd_lock);
	list_del(&req.node);
	mutex_unlock(&vbus_eventfd_lock);
	if (req.done && !ret)
		return 0;
	if (req.done)
		vbus_eventfd_put(n, efds);
	if (ret == -ENOENT)
		pr_err("%s: eventfd helper %s not found (module parameter vbus.eventfd_helper)\n",
		       owner, path);
	else
		pr_err("%s: eventfd helper %s failed (%d)\n", owner, path,
		       ret ? ret : -EIO);
	return ret < 0 ? ret : -EIO;
}
EXPORT_SYMBOL_GPL(vbus_eventfd_get);

/**
 * vbus_eventfd_put() - release eventfds from vbus_eventfd_get()
 * @n: how many
 * @efds: the eventfds; each must be unhooked
 */
void vbus_eventfd_put(unsigned int n, struct vbus_eventfd *efds)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		WARN_ON_ONCE(efds[i].hooked);
		if (efds[i].ctx)
			eventfd_ctx_put(efds[i].ctx);
		if (efds[i].file)
			fput(efds[i].file);
		efds[i].ctx = NULL;
		efds[i].file = NULL;
	}
}
EXPORT_SYMBOL_GPL(vbus_eventfd_put);

static void vbus_eventfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
				    poll_table *pt)
{
	struct vbus_eventfd *efd = container_of(pt, struct vbus_eventfd, pt);

	add_wait_queue(wqh, &efd->wait);
}

/**
 * vbus_eventfd_hook() - run @func whenever @efd is signalled
 * @efd: the eventfd
 * @func: wait-queue function; it runs with the eventfd's wait-queue lock
 *	held and interrupts off, and gets the entry as @efd->wait
 * @priv: for @func, as @efd->priv
 *
 * The irqfd pattern: the entry goes on the eventfd's own wait queue, so
 * a signal reaches @func without a thread or a poll loop.
 */
void vbus_eventfd_hook(struct vbus_eventfd *efd, wait_queue_func_t func,
		       void *priv)
{
	efd->priv = priv;
	init_waitqueue_func_entry(&efd->wait, func);
	init_poll_funcptr(&efd->pt, vbus_eventfd_queue_proc);
	vfs_poll(efd->file, &efd->pt);
	efd->hooked = true;
}
EXPORT_SYMBOL_GPL(vbus_eventfd_hook);

/**
 * vbus_eventfd_unhook() - stop running the function; it has returned
 * @efd: the eventfd, hooked or not
 */
void vbus_eventfd_unhook(struct vbus_eventfd *efd)
{
	u64 cnt;

	if (!efd->hooked)
		return;
	eventfd_ctx_remove_wait_queue(efd->ctx, &efd->wait, &cnt);
	efd->hooked = false;
}
EXPORT_SYMBOL_GPL(vbus_eventfd_unhook);

static int vbus_eventfd_take(struct vbus_eventfd_req *req, char *fds)
{
	unsigned int i;
	char *tok;
	int fd, ret;

	memset(req->efds, 0, req->n * sizeof(*req->efds));
	for (i = 0; i < req->n; i++) {
		tok = strsep(&fds, " ");
		if (!tok || kstrtoint(tok, 10, &fd)) {
			ret = -EINVAL;
			goto fail;
		}
		req->efds[i].file = eventfd_fget(fd);
		if (IS_ERR(req->efds[i].file)) {
			ret = PTR_ERR(req->efds[i].file);
			req->efds[i].file = NULL;
			goto fail;
		}
		req->efds[i].ctx = eventfd_ctx_fileget(req->efds[i].file);
		req->efds[i].hooked = false;
	}
	if (fds && *fds) {
		ret = -EINVAL;
		goto fail;
	}
	req->done = true;
	return 0;
fail:
	vbus_eventfd_put(req->n, req->efds);
	return ret;
}

/* "<request> <fd> ... <fd>\n" from the helper. */
static ssize_t vbus_eventfd_write(struct file *file, const char __user *ubuf,
				  size_t len, loff_t *ppos)
{
	struct vbus_eventfd_req *req;
	char *buf, *p, *tok;
	u32 id;
	int ret;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len > 16 * (VBUS_EVENTFD_MAX + 1))
		return -EINVAL;
	buf = memdup_user_nul(ubuf, len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	p = strim(buf);
	tok = strsep(&p, " ");
	if (kstrtou32(tok, 10, &id) || !p) {
		pr_err("vbus-eventfd: malformed hand-over \"%s\"\n", tok);
		kfree(buf);
		return -EINVAL;
	}

	mutex_lock(&vbus_eventfd_lock);
	ret = -ENOENT;
	list_for_each_entry(req, &vbus_eventfd_reqs, node) {
		if (req->id != id)
			continue;
		ret = req->done ? -EBUSY : vbus_eventfd_take(req, p);
		break;
	}
	mutex_unlock(&vbus_eventfd_lock);
	kfree(buf);
	if (ret) {
		pr_err("vbus-eventfd: request %u: hand-over refused (%d)\n", id,
		       ret);
		return ret;
	}
	return len;
}

static const struct file_operations vbus_eventfd_fops = {
	.owner = THIS_MODULE,
	.write = vbus_eventfd_write,
	.llseek = noop_llseek,
};

static struct miscdevice vbus_eventfd_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "vbus-eventfd",
	.fops = &vbus_eventfd_fops,
	.mode = 0600,
};

int vbus_eventfd_init(void)
{
	return misc_register(&vbus_eventfd_misc);
}

void vbus_eventfd_exit(void)
{
	misc_deregister(&vbus_eventfd_misc);
}
