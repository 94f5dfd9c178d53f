#!/usr/bin/env bash
# Benchmark: `validate` of the release binary against a local moto, for the demo contract,
# a generated contract of 100 functions and 300 checks, and 3 vs 300 checks sharing the same
# resources. Prints wall time, peak memory and the number of AWS requests of each run
# (counted by a proxy in front of moto). Not part of scripts/test.sh.
#   scripts/bench.sh [--repeat N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d)"
moto_pid=""

cleanup() {
  if [[ -n "$moto_pid" ]] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

python="$(dirname "$("$root/scripts/ensure-moto.sh")")/python"
echo "building the release binary…" >&2
(cd "$root" && cargo build --release --quiet)
binary="$root/target/release/lambda-promote"

port="$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
MOTO_LAMBDA_STUB_ECR=false "$root/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
"$python" - "http://127.0.0.1:$port" <<'PY'
import sys, time, urllib.request
deadline = time.time() + 30
while True:
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/config", timeout=1)
        break
    except Exception:
        if time.time() > deadline:
            sys.exit("moto did not answer within 30 s")
        time.sleep(0.2)
PY

echo "machine: $(nproc) cores, $(uname -sr); moto $("$python" -c 'import moto; print(moto.__version__)')" >&2
"$python" "$root/scripts/bench.py" --binary "$binary" --moto "http://127.0.0.1:$port" --work "$work" "$@"
