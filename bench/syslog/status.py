#!/usr/bin/env python3
"""Prints one input's listener counters (status details.<proto>) as JSON, asking the daemon's control endpoint
directly (data/runningconfig: host, port, nonce) so polling costs no JVM start.  Usage: status.py HOME NAME PROTO
With NAME "-" prints the daemon's pid."""
import json, socket, sys

home, name, proto = sys.argv[1], sys.argv[2], (sys.argv[3] if len(sys.argv) > 3 else "")
conf = {}
for line in open(home + "/data/runningconfig"):
    if "=" in line and not line.startswith("#"):
        k, v = line.rstrip("\n").split("=", 1)
        conf[k.strip()] = v.strip().replace("\\:", ":")
if name == "-":
    print(conf["pid"]); sys.exit(0)
s = socket.create_connection((conf.get("host", "127.0.0.1"), int(conf["port"])))
s.sendall((json.dumps({"nonce": conf["nonce"], "command": "status"}) + "\n").encode())
data = b""
while not data.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    data += chunk
def find(o):
    if isinstance(o, dict):
        if o.get("name") == name and isinstance(o.get("details"), dict):
            return o["details"].get(proto, {})
        for v in o.values():
            r = find(v)
            if r is not None:
                return r
    if isinstance(o, list):
        for v in o:
            r = find(v)
            if r is not None:
                return r
    return None
print(json.dumps(find(json.loads(data)) or {}))
