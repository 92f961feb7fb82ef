// SPDX-License-Identifier: GPL-2.0
/*
 * vbus-eventfd: make eventfds for an in-kernel vbus connector.
 *
 * The vbus module runs this (module parameter vbus.eventfd_helper) as
 *	vbus-eventfd <request> <count>
 * It creates <count> eventfds and writes "<request> <fd>..." to
 * /dev/vbus-eventfd, where the kernel takes its own references to them.
 * Exit status 0 means the kernel took them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAX_FDS 64

int main(int argc, char **argv)
{
	char msg[16 * (MAX_FDS + 1)];
	unsigned long count, i;
	int len, fd, dev;
	char *end;

	if (argc != 3) {
		fprintf(stderr, "usage: %s REQUEST COUNT\n", argv[0]);
		return 2;
	}
	count = strtoul(argv[2], &end, 10);
	if (*end || !count || count > MAX_FDS || strlen(argv[1]) > 10) {
		fprintf(stderr, "%s: bad count %s\n", argv[0], argv[2]);
		return 2;
	}
	len = snprintf(msg, sizeof(msg), "%s", argv[1]);
	for (i = 0; i < count; i++) {
		fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (fd < 0) {
			perror("eventfd");
			return 1;
		}
		len += snprintf(msg + len, sizeof(msg) - len, " %d", fd);
	}
	dev = open("/dev/vbus-eventfd", O_WRONLY | O_CLOEXEC);
	if (dev < 0) {
		perror("/dev/vbus-eventfd");
		return 1;
	}
	if (write(dev, msg, len) != len) {
		perror("write /dev/vbus-eventfd");
		return 1;
	}
	return 0;
}
