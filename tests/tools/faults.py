#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail the 1st, 2nd, ... allocation of each user operation in turn.

For every operation, with fault injection's fail-nth (this thread only):
fail allocation n; the operation must fail with an errno and leave
nothing behind, or absorb the failure and succeed; either way it must
then work unfaulted and be undone cleanly. n grows until the operation
completes without reaching the nth allocation. Prints one KTAP line per
operation and "fault points: N" at the end. The kernel's side (no splat,
no leak) is checked by the harness.

usage: faults.py [--stride K] [--max N] [--budget S]
  K > 1 tries every Kth point; S > 0 stops an operation's sweep after S
  seconds (its points so far count; make check uses it, make stress not)
"""
import argparse
import errno
import glob
import os
import sys
import time

CFS = "/sys/kernel/config/vbus"
NTH = os.open("/proc/thread-self/fail-nth", os.O_RDWR)


def arm(n):
    os.pwrite(NTH, str(n).encode(), 0)


def injected():
    """True if the armed fault was taken (fail-nth counts down to 0)."""
    left = int(os.pread(NTH, 32, 0).decode().strip() or "0")
    arm(0)
    return left == 0


def put(path, value):
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, (value + "\n").encode())
    finally:
        os.close(fd)


def get(path):
    with open(path) as f:
        return f.read().strip()


def gone(path):
    return not os.path.lexists(path)


def client_if(dev):
    nets = glob.glob(f"/sys/bus/vbus-proxy/devices/{dev}/net/*")
    return os.path.basename(nets[0]) if nets else None


class Op:
    """One user operation: setup (unfaulted), do (faulted), clean, undo."""

    def __init__(self, name, do, undo, clean=lambda: True,
                 setup=lambda: None, teardown=lambda: None):
        self.name, self.do, self.undo, self.clean = name, do, undo, clean
        self.setup, self.teardown = setup, teardown


def ops():
    d, b = f"{CFS}/devices", f"{CFS}/buses"
    ref, ven, bus = f"{d}/ref/fr0", f"{d}/venet/fv0", f"{b}/fb"
    link = f"{bus}/devices/fv0"

    def mk(*paths):
        return lambda: [os.mkdir(p) for p in paths]

    def rm(*paths):
        return lambda: [os.rmdir(p) for p in paths if os.path.isdir(p)]

    def connect(word):
        def setup():
            mk(ven, ref, bus)()
            os.symlink(ven, link)
            os.symlink(ref, f"{bus}/devices/fr0")

        def teardown():
            put(f"{bus}/connector", "none")
            for ln in (link, f"{bus}/devices/fr0"):
                if os.path.lexists(ln):
                    os.unlink(ln)
            rm(ven, ref, bus)()
        return Op(f"connect {word}",
                  lambda: put(f"{bus}/connector", word),
                  lambda: put(f"{bus}/connector", "none"),
                  clean=lambda: get(f"{bus}/connector") == "none" and
                  gone("/sys/bus/vbus-proxy/devices/fv0") and
                  not glob.glob("/sys/bus/vdpa/devices/fv0/virtio*"),
                  setup=setup, teardown=teardown)

    def native_up(offload):
        def setup():
            put("/sys/module/vbus_venet_client/parameters/offload", offload)
            connect("native").setup()
            put(f"{bus}/connector", "native")
        return setup

    def flags(up):
        c = client_if("fv0")
        put(f"/sys/class/net/{c}/flags", "0x1003" if up else "0x1002")

    def mtu(value):
        put(f"/sys/class/net/{client_if('fv0')}/mtu", value)

    def teardown_native():
        put("/sys/module/vbus_venet_client/parameters/offload", "1")
        connect("native").teardown()

    def client_down():
        c = client_if("fv0")
        return c is None or not int(get(f"/sys/class/net/{c}/flags"), 0) & 1

    yield Op("mkdir ref device", mk(ref), rm(ref),
             clean=lambda: gone(ref) and gone("/sys/bus/vbus/devices/fr0"))
    yield Op("mkdir venet device", mk(ven), rm(ven),
             clean=lambda: gone(ven) and gone("/sys/class/net/fv0"))
    yield Op("mkdir bus", mk(bus), rm(bus), clean=lambda: gone(bus))
    yield Op("ln -s (attach)", lambda: os.symlink(ven, link),
             lambda: os.unlink(link),
             clean=lambda: gone(link) and get(f"{ven}/bus") == "",
             setup=mk(ven, bus), teardown=rm(ven, bus))
    yield Op("rm (detach)", lambda: os.unlink(link),
             lambda: os.symlink(ven, link),
             clean=lambda: get(f"{ven}/bus") in ("", "fb"),
             setup=lambda: (mk(ven, bus)(), os.symlink(ven, link)),
             teardown=lambda: (os.path.lexists(link) and os.unlink(link),
                               rm(ven, bus)()))
    for word in ("test", "native", "virtio"):
        if word != "virtio" or os.path.isdir("/sys/module/vbus_virtio"):
            yield connect(word)
    yield Op("hot-plug (native)", lambda: os.symlink(ven, link),
             lambda: os.unlink(link),
             clean=lambda: gone(link) and
             gone("/sys/bus/vbus-proxy/devices/fv0"),
             setup=lambda: (mk(ven, bus)(), put(f"{bus}/connector", "native")),
             teardown=lambda: (put(f"{bus}/connector", "none"),
                               rm(ven, bus)()))
    for attr, value, back in (("mac", "02:00:00:00:00:42", None),
                              ("mtu", "4000", "1500"),
                              ("hostif", "fvx", "fv0")):
        orig = {}

        def do(attr=attr, value=value):
            put(f"{ven}/{attr}", value)

        def setup(attr=attr):
            mk(ven)()
            orig[attr] = get(f"{ven}/{attr}")

        def undo(attr=attr):
            put(f"{ven}/{attr}", orig[attr])
        yield Op(f"venet {attr}", do, undo,
                 clean=lambda attr=attr: get(f"{ven}/{attr}") == orig[attr],
                 setup=setup, teardown=rm(ven))
    yield Op("ref label", lambda: put(f"{ref}/label", "faulty"),
             lambda: put(f"{ref}/label", ""), setup=mk(ref),
             teardown=rm(ref))
    yield Op("client open (native)", lambda: flags(True),
             lambda: flags(False), clean=client_down,
             setup=native_up("1"), teardown=teardown_native)
    yield Op("client MTU 6000 while up, no offloads",
             lambda: mtu("6000"), lambda: mtu("1500"),
             clean=lambda: True,
             setup=lambda: (native_up("0")(), flags(True)),
             teardown=teardown_native)


def sweep(op, stride, limit, budget):
    """Returns (fault points tried, problems)."""
    problems, tried, n = [], 0, 1
    end = time.time() + budget if budget else None
    op.setup()
    try:
        while n <= limit:
            if end and time.time() > end:
                print(f"# {op.name}: time budget reached at point {n}")
                break
            arm(n)
            try:
                op.do()
                err = None
            except OSError as e:
                err = e.errno
            hit = injected()
            if not hit:
                if err:
                    problems.append(f"n={n}: failed unfaulted: "
                                    f"{errno.errorcode.get(err, err)}")
                else:
                    op.undo()
                break
            tried += 1
            if err is None:
                op.undo()
            elif not op.clean():
                problems.append(f"n={n}: {errno.errorcode.get(err, err)} "
                                "left state behind")
                break
            else:
                try:
                    op.do()
                    op.undo()
                except OSError as e:
                    problems.append(f"n={n}: unusable after the failure: "
                                    f"{e.strerror}")
                    break
            n += stride
        else:
            print(f"# {op.name}: still reaching allocation {limit}, stopped")
    finally:
        arm(0)
        op.teardown()
    return tried, problems


def setup_debugfs():
    for fa in ("failslab", "fail_page_alloc"):
        base = f"/sys/kernel/debug/{fa}"
        for knob, value in (("ignore-gfp-wait", "N"), ("verbose", "0"),
                            ("ignore-gfp-highmem", "N"), ("min-order", "0")):
            if os.path.exists(f"{base}/{knob}"):
                put(f"{base}/{knob}", value)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stride", type=int, default=1)
    ap.add_argument("--max", type=int, default=5000)
    ap.add_argument("--budget", type=float, default=0)
    args = ap.parse_args()
    setup_debugfs()
    total, n = 0, 0
    for op in ops():
        n += 1
        t0 = time.time()
        tried, problems = sweep(op, args.stride, args.max, args.budget)
        total += tried
        for p in problems:
            print(f"# {op.name}: {p}")
        print(f"# {op.name}: {tried} fault points, {time.time() - t0:.0f} s")
        print(f"{'not ok' if problems or not tried else 'ok'} {n} "
              f"{op.name}: every failed allocation answered cleanly")
        sys.stdout.flush()
    print(f"# fault points: {total}")
    print(f"1..{n}")


if __name__ == "__main__":
    main()
