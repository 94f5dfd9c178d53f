#!/usr/bin/env bash
# Shared by the demo and the benchmarks (sourced, not run): a free loopback
# port, waiting for an HTTP server, and starting the pinned moto server.
# Needs `python` (the project venv's) and `root` set by the caller.
# shellcheck disable=SC2154  # python, root: the caller's
# shellcheck disable=SC2034  # moto_url, moto_server_pid: read by the caller

# free_port: prints a free loopback TCP port.
free_port() {
  "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: waits up to 20 s until URL answers (any HTTP status counts).
wait_http() {
  "$python" - "$1" <<'PY'
import sys, time, urllib.error, urllib.request
deadline = time.time() + 20
while True:
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1)
        break
    except urllib.error.HTTPError:
        break
    except Exception:
        if time.time() > deadline:
            sys.exit(f"{sys.argv[1]} did not answer within 20 s")
        time.sleep(0.1)
PY
}

# launch_moto LOGFILE: starts moto on a free port, sets `moto_url` and
# `moto_server_pid`, and returns once it answers. ECR-checked image URIs make
# Lambda's CodeSha256 the image digest (tests/MOTO.md).
launch_moto() {
  local port
  port="$(free_port)"
  moto_url="http://127.0.0.1:$port"
  MOTO_LAMBDA_STUB_ECR=false "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$1" 2>&1 &
  moto_server_pid=$!
  wait_http "$moto_url/moto-api/config"
}
