#!/usr/bin/env python3
"""A tiny stand-in for the GitHub REST API, for the demo: it answers the pull-request
comment list with no comments, and captures each comment lambda-promote posts.

Usage: fake_github.py --capture-dir DIR --port-file FILE
Binds a free loopback port and writes it to FILE once it listens. For every request it
appends `METHOD PATH auth=bearer|none` to DIR/requests.log (never the token itself), and
saves the body of each new comment as DIR/comment-N.md. Anything else answers 404.
"""

import argparse
import http.server
import json
import re
from pathlib import Path

COMMENTS = re.compile(r"^/repos/[^/]+/[^/]+/issues/\d+/comments(\?.*)?$")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--capture-dir", required=True)
    parser.add_argument("--port-file", required=True)
    args = parser.parse_args()
    capture = Path(args.capture_dir)
    capture.mkdir(parents=True, exist_ok=True)

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            auth = "bearer" if self.headers.get("Authorization", "").startswith("Bearer ") else "none"
            with open(capture / "requests.log", "a", encoding="utf-8") as log:
                log.write(f"{self.command} {self.path} auth={auth}\n")
            if not COMMENTS.match(self.path):
                return self.answer(404, {"message": "Not Found"})
            if self.command == "GET":
                return self.answer(200, [])
            if self.command == "POST":
                n = len(list(capture.glob("comment-*.md"))) + 1
                text = json.loads(body or b"{}").get("body", "")
                (capture / f"comment-{n}.md").write_text(text, encoding="utf-8")
                return self.answer(201, {"id": 1000 + n, "body": text})
            return self.answer(405, {"message": "Method Not Allowed"})

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = handle_any

    class Server(http.server.ThreadingHTTPServer):
        request_queue_size = 128  # the default 5 would drop a burst of connections

    server = Server(("127.0.0.1", 0), Handler)
    Path(args.port_file).write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main()
