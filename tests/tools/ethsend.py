#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send exactly COUNT 64-byte Ethernet frames to DST-MAC out of IFACE.

    ethsend.py IFACE DST-MAC COUNT

The frames carry the local experimental EtherType 0x88b5, so that no
stack answers them. A full device queue (ENOBUFS) is waited out, never
counted as sent: when this exits 0, the device took COUNT frames.
"""
import socket
import sys
import time


def main():
    iface, dst, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    sock.bind((iface, 0))
    src = sock.getsockname()[4][:6]
    frame = bytes.fromhex(dst.replace(":", "")) + src + b"\x88\xb5"
    frame += bytes(64 - len(frame))
    for _ in range(count):
        for _try in range(1000):
            try:
                sock.send(frame)
                break
            except OSError:
                time.sleep(0.001)
        else:
            sys.exit("ethsend: %s: the device takes no frames" % iface)


if __name__ == "__main__":
    main()
