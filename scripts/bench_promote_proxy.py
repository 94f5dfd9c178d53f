#!/usr/bin/env python3
"""A counting HTTP proxy for the promote benchmark: forwards every request to moto and counts
it, by AWS service and operation, so the binary and the AWS CLI are measured the same way.

Usage:
    .venv/bin/python scripts/bench_promote_proxy.py --port PORT --upstream http://127.0.0.1:MOTO_PORT

Control paths (not forwarded): `GET /__bench/count` returns {"total": N, "by_operation": {…}}
and `POST /__bench/reset` sets the count to zero. Used by scripts/bench-promote.sh.
"""

import argparse
import http.client
import json
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
}
SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")
VERSION_IN_PATH = re.compile(r"/(\d+|\$LATEST)(?=/|$)")


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.total = 0
        self.by_operation = {}

    def reset(self):
        with self.lock:
            self.total = 0
            self.by_operation = {}

    def add(self, operation):
        with self.lock:
            self.total += 1
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1

    def snapshot(self):
        with self.lock:
            return {"total": self.total, "by_operation": dict(sorted(self.by_operation.items()))}


def operation(method, path, headers):
    """A readable name: the X-Amz-Target of JSON APIs, else service + method + path shape."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.split(".")[-1]
    match = SERVICE.search(headers.get("Authorization", ""))
    service = match.group(1) if match else "?"
    shape = urllib.parse.urlsplit(path).path
    # Lambda's REST paths carry the function name and qualifier: fold them.
    shape = re.sub(r"/functions/[^/]+", "/functions/F", shape)
    shape = re.sub(r"/aliases/[^/]+", "/aliases/A", shape)
    shape = VERSION_IN_PATH.sub("/N", shape)
    return f"{service} {method} {shape}"


def handler(upstream, counter):
    parts = urllib.parse.urlsplit(upstream)
    local = threading.local()

    def connection():
        if getattr(local, "conn", None) is None:
            local.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        return local.conn

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def body(self):
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def reply(self, status, payload, headers=()):
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def control(self):
            if self.path == "/__bench/count":
                self.reply(200, json.dumps(counter.snapshot()).encode(), [("Content-Type", "application/json")])
            elif self.path == "/__bench/reset":
                counter.reset()
                self.reply(200, b"{}", [("Content-Type", "application/json")])
            else:
                self.reply(404, b"unknown control path")

        def forward(self):
            body = self.body()
            if self.path.startswith("/__bench/"):
                return self.control()
            counter.add(operation(self.command, self.path, self.headers))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            for attempt in range(2):
                conn = connection()
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    response = conn.getresponse()
                    payload = response.read()
                    break
                except (http.client.HTTPException, OSError):
                    # A kept-alive upstream connection went stale: one fresh try.
                    conn.close()
                    local.conn = None
                    if attempt:
                        raise
            out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP | {"content-length"}]
            self.reply(response.status, payload, out)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = forward

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    args = parser.parse_args()
    counter = Counter()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), handler(args.upstream, counter))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
