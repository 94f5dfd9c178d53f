#!/usr/bin/env python3
"""The benchmarks' counting HTTP proxy: forwards every request to moto and counts it, by AWS
service and by operation, so the binary and the AWS CLI are measured the same way.

With `--quotas` it also enforces Lambda's API request quotas, as AWS counts them per account
and region (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests):
GetFunction 100 per second, GetPolicy 15 per second, every other control-plane API 15 per
second together, invocations apart. A request past a quota is answered as Lambda does: HTTP 429 TooManyRequestsException,
`Retry-After` (the SDK's `retryAfterSeconds`) and a JSON body with Type, message and
Reason CallerRateLimitExceeded. Each pool is a token bucket holding one second's worth, as AWS
throttles (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html#throttling-how):
an idle pool takes a burst of a second's worth at once, a busy one its rate.

Usage, as a process (scripts/bench/promote.sh, scripts/bench/fleet.sh):
    .venv/bin/python scripts/bench/counting_proxy.py --port PORT --upstream http://127.0.0.1:MOTO_PORT [--quotas]
or in-process (scripts/bench/validate.py): `proxy = serve(upstream)`, then `proxy.endpoint`
and `proxy.counter.take()`.

Control paths (not forwarded): `GET /__bench/count` returns
{"total": N, "throttled": N, "by_operation": {…}, "by_service": {…}} and `POST /__bench/reset`
sets the counts to zero.
"""

import argparse
import http.client
import json
import math
import re
import threading
import time
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
        self.reset()

    def reset(self):
        with self.lock:
            self.total = 0
            self.throttled = 0
            self.by_operation = {}
            self.by_service = {}

    def add(self, service, operation, throttled=False):
        with self.lock:
            self.total += 1
            self.throttled += int(throttled)
            self.by_operation[operation] = self.by_operation.get(operation, 0) + 1
            self.by_service[service] = self.by_service.get(service, 0) + 1

    def snapshot(self):
        with self.lock:
            return {
                "total": self.total,
                "throttled": self.throttled,
                "by_operation": dict(sorted(self.by_operation.items())),
                "by_service": dict(sorted(self.by_service.items())),
            }

    def take(self):
        """The counts so far, and zero from here on."""
        with self.lock:
            snapshot = {
                "total": self.total,
                "throttled": self.throttled,
                "by_operation": dict(sorted(self.by_operation.items())),
                "by_service": dict(sorted(self.by_service.items())),
            }
            self.total = self.throttled = 0
            self.by_operation, self.by_service = {}, {}
            return snapshot


class Quotas:
    """Lambda's request quotas: one token bucket per pool, a second's worth of burst."""

    # GetPolicy has a quota of its own, apart from the other control-plane APIs
    # (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html#api-requests).
    RATES = {"lambda-control-plane": 15.0, "lambda-get-function": 100.0, "lambda-get-policy": 15.0}

    def __init__(self):
        self.lock = threading.Lock()
        self.buckets = {pool: [rate, time.monotonic()] for pool, rate in self.RATES.items()}

    @staticmethod
    def pool(operation):
        """The pool of an `operation()` name, or None for calls these quotas do not cover."""
        if not operation.startswith("lambda "):
            return None
        if operation.endswith("/invocations"):
            return None
        if operation == "lambda GET /2015-03-31/functions/F":
            return "lambda-get-function"
        if operation == "lambda GET /2015-03-31/functions/F/policy":
            return "lambda-get-policy"
        return "lambda-control-plane"

    def take(self, operation):
        """None when the request may pass, else the seconds until a token is back."""
        pool = self.pool(operation)
        if pool is None:
            return None
        rate = self.RATES[pool]
        with self.lock:
            tokens, last = self.buckets[pool]
            now = time.monotonic()
            tokens = min(rate, tokens + (now - last) * rate)
            if tokens >= 1.0:
                self.buckets[pool] = [tokens - 1.0, now]
                return None
            self.buckets[pool] = [tokens, now]
            return (1.0 - tokens) / rate


def throttled_answer(wait):
    """Lambda's answer past a quota; `Retry-After` in whole seconds, at least 1."""
    body = json.dumps({"Reason": "CallerRateLimitExceeded", "Type": "User", "message": "Rate exceeded"}).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("X-Amzn-ErrorType", "TooManyRequestsException"),
        ("Retry-After", str(max(1, math.ceil(wait)))),
    ]
    return body, headers


def service(headers):
    """The AWS service of a request, from its SigV4 credential scope."""
    match = SERVICE.search(headers.get("Authorization", ""))
    return match.group(1) if match else "unsigned"


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


def handler(upstream, counter, quotas, timeline=None):
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
            op = operation(self.command, self.path, self.headers)
            started = time.monotonic()
            try:
                self.answer(op, body)
            finally:
                if timeline is not None:
                    timeline.write(f"{started:.3f} {time.monotonic():.3f} {op.replace(' ', '_')}\n")

        def answer(self, op, body):
            wait = quotas.take(op) if quotas else None
            counter.add(service(self.headers), op, throttled=wait is not None)
            if wait is not None:
                payload, out = throttled_answer(wait)
                return self.reply(429, payload, out)
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


class Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops the SYNs of a burst of concurrent requests, and
    # the client's SYN retry then adds a whole second.
    request_queue_size = 128
    daemon_threads = True

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


def server(upstream, port=0, quotas=False, timeline=None):
    """A proxy to `upstream` on `port` (0: a free one), not yet serving; its `counter` counts.
    `timeline`: an open text file that gets a line per request, `START END OPERATION`
    (monotonic seconds), to see where a run's time went."""
    counter = Counter()
    quotas = Quotas() if quotas else None
    proxy = Server(("127.0.0.1", port), handler(upstream, counter, quotas, timeline))
    proxy.counter = counter
    return proxy


def serve(upstream, quotas=False):
    """A proxy on a free port, serving on a daemon thread."""
    proxy = server(upstream, quotas=quotas)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    return proxy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--quotas", action="store_true", help="enforce Lambda's API request quotas")
    parser.add_argument("--timeline", help="append a line per request to this file: START END OPERATION")
    args = parser.parse_args()
    timeline = open(args.timeline, "a", buffering=1) if args.timeline else None
    server(args.upstream, args.port, args.quotas, timeline).serve_forever()


if __name__ == "__main__":
    main()
