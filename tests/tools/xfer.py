#!/usr/bin/env python3
"""Send a file over TCP, or receive one and print its size and sha256.

    xfer.py recv ADDR PORT [SECS]  prints "<bytes> <sha256>" when the peer
                                   closes; waits SECS (60) for it to connect
    xfer.py send ADDR PORT FILE
"""
import hashlib
import socket
import sys

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
if mode == 'recv':
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(1)
    srv.settimeout(int(sys.argv[4]) if len(sys.argv) > 4 else 60)
    conn, _ = srv.accept()
    conn.settimeout(60)
    digest, total = hashlib.sha256(), 0
    while True:
        data = conn.recv(65536)
        if not data:
            break
        digest.update(data)
        total += len(data)
    print(total, digest.hexdigest(), flush=True)
else:
    with open(sys.argv[4], 'rb') as f:
        payload = f.read()
    conn = socket.create_connection((addr, port), timeout=60)
    conn.sendall(payload)
    conn.close()
