#!/usr/bin/env python3
"""Sends N RFC 5424 messages to 127.0.0.1:PORT as fast as it can: tcp (octet-counted or LF) or udp.
Usage: send.py tcp|tcp-lf|udp PORT N [RATE_PER_S]   (RATE only for udp: paced in bursts of 1000)"""
import socket, sys, time

mode, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rate = int(sys.argv[4]) if len(sys.argv) > 4 else 0
def msg(i):
    return ("<134>1 2026-01-02T03:04:05.123Z bench-host benchapp 4242 ID%d [bench@32473 seq=\"%d\"] "
            "benchmark message number %d from the load generator" % (i % 100, i, i)).encode()
t0 = time.time()
if mode.startswith("tcp"):
    s = socket.create_connection(("127.0.0.1", port))
    chunk = []
    for i in range(n):
        m = msg(i)
        chunk.append(b"%d %s" % (len(m), m) if mode == "tcp" else m + b"\n")
        if len(chunk) == 5000:
            s.sendall(b"".join(chunk)); chunk = []
    if chunk:
        s.sendall(b"".join(chunk))
    s.shutdown(socket.SHUT_WR)
    s.recv(1)  # wait for the receiver to close or stay: returns b"" on close
else:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    addr = ("127.0.0.1", port)
    burst = 1000
    for start in range(0, n, burst):
        for i in range(start, min(n, start + burst)):
            s.sendto(msg(i), addr)
        if rate:
            ahead = (start + burst) / rate - (time.time() - t0)
            if ahead > 0:
                time.sleep(ahead)
print("%.3f" % (time.time() - t0))
