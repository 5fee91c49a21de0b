#!/usr/bin/env python3
"""A loopback CYBEX-P /raw that answers 201 and counts the NDJSON messages it was posted.
Usage: raw.py PORTFILE COUNTFILE"""
import http.server, socketserver, sys, threading

count = 0
lock = threading.Lock()
class Raw(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            count += body.count(b'"received_at"')
            open(sys.argv[2], "w").write(str(count))
        answer = b'{"message": "Data posted successfully"}\n'
        self.send_response(201)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
server = Server(("127.0.0.1", 0), Raw)
open(sys.argv[2], "w").write("0")
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
