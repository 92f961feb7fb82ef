#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Configfs races and hot-plug loops of 70-races.sh, in one process.

    races.py link-rmdir CLASS-DIR BUS-DIR COUNT
    races.py unplug DEVICE-DIR BUS-DIR CONNECTOR ADDR/PREFIX COUNT

A shell loop pays a fork and an exec per step (hundreds of milliseconds
each in the TCG test VM), which made 1,000 iterations take most of an
hour; here an iteration costs what the kernel does.

link-rmdir: mkdir a device, then ln -s it into the bus and rmdir it from
two threads released together (a random skew of up to 2,000 loop turns):
either the link is made and the device stays, or neither is left, and
nothing stays registered in sysfs.

unplug: COUNT times, attach the device to a connected bus, give its
client interface ADDR and bring it up (traffic from elsewhere reaches
it), then detach it. Every tenth cycle waits 0.2 s so that traffic flows.

Exit status 0 when every iteration held; otherwise the failing one is
named on stderr.
"""
import fcntl
import glob
import os
import random
import socket
import struct
import sys
import threading
import time

SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
SIOCSIFADDR = 0x8916
SIOCSIFNETMASK = 0x891C
IFF_UP = 0x1


def fail(msg):
    sys.stderr.write("races: %s\n" % msg)
    sys.exit(1)


def race(first, second):
    """Run first and second in two threads started together."""
    gate = threading.Barrier(2)
    errs = [None, None]

    def run(idx, fn):
        gate.wait()
        for _ in range(random.randrange(2000)):
            pass
        try:
            fn()
        except OSError as err:
            errs[idx] = err

    threads = [threading.Thread(target=run, args=(0, first)),
               threading.Thread(target=run, args=(1, second))]
    for thr in threads:
        thr.start()
    for thr in threads:
        thr.join()
    return errs


def link_rmdir(class_dir, bus_dir, count):
    linked = 0
    for i in range(1, count + 1):
        name = "r%d" % i
        dev = os.path.join(class_dir, name)
        link = os.path.join(bus_dir, "devices", name)
        os.mkdir(dev)
        race(lambda: os.symlink(dev, link), lambda: os.rmdir(dev))
        if os.path.islink(link):
            linked += 1
            if not os.path.isdir(dev):
                fail("%s: link without device" % name)
            os.unlink(link)
            os.rmdir(dev)
        if os.path.isdir(dev):
            os.rmdir(dev)
        sysfs = "/sys/bus/vbus/devices/" + name
        if os.path.exists(sysfs):
            time.sleep(0.2)
        if os.path.exists(sysfs):
            fail("%s: still registered after rmdir" % name)
    print("link-rmdir: %d races, the link won %d" % (count, linked))
    # A race with one outcome only raced nothing.
    if count >= 100 and linked in (0, count):
        fail("link-rmdir: %d of %d links made: no race" % (linked, count))


def ifreq(name, data=b""):
    return struct.pack("16s", name.encode()) + data.ljust(24, b"\0")


def sockaddr_in(addr):
    return struct.pack("HH4s", socket.AF_INET, 0, socket.inet_aton(addr))


def client_if(connector, dev):
    pattern = {
        "native": "/sys/bus/vbus-proxy/devices/%s/net/*",
        "virtio": "/sys/bus/vdpa/devices/%s/virtio*/net/*",
    }[connector] % dev
    for _ in range(100):
        found = glob.glob(pattern)
        if found:
            return os.path.basename(found[0])
        time.sleep(0.05)
    return None


def unplug(dev_dir, bus_dir, connector, cidr, count):
    name = os.path.basename(dev_dir.rstrip("/"))
    link = os.path.join(bus_dir, "devices", name)
    addr, prefix = cidr.split("/")
    mask = socket.inet_ntoa(struct.pack("!I", (~0 << (32 - int(prefix)))
                                        & 0xFFFFFFFF))
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(1, count + 1):
        os.symlink(dev_dir, link)
        ifname = client_if(connector, name)
        if not ifname:
            fail("cycle %d: no client interface" % i)
        try:
            fcntl.ioctl(sock, SIOCSIFADDR, ifreq(ifname, sockaddr_in(addr)))
            fcntl.ioctl(sock, SIOCSIFNETMASK,
                        ifreq(ifname, sockaddr_in(mask)))
            flags = struct.unpack_from(
                "H", fcntl.ioctl(sock, SIOCGIFFLAGS, ifreq(ifname)), 16)[0]
            fcntl.ioctl(sock, SIOCSIFFLAGS,
                        ifreq(ifname, struct.pack("H", flags | IFF_UP)))
        except OSError as err:
            fail("cycle %d: %s: %s" % (i, ifname, err))
        if i % 10 == 1:
            time.sleep(0.2)
        os.unlink(link)
    print("unplug: %d cycles over %s" % (count, connector))


def main():
    random.seed(int(os.environ.get("RACES_SEED", "1")))
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "link-rmdir":
        link_rmdir(args[0], args[1], int(args[2]))
    elif cmd == "unplug":
        unplug(args[0], args[1], args[2], args[3], int(args[4]))
    else:
        fail("unknown command %s" % cmd)


if __name__ == "__main__":
    main()
