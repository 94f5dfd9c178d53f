#!/usr/bin/env bash
# Benchmark: `status` of 300 functions (three environments) of the release binary against a
# local moto. Prints wall time, CPU, peak memory and the AWS requests (counted by a proxy in
# front of moto). BINARY=path skips the release build. Not part of scripts/test.sh.
#   scripts/bench/status.sh [--functions N] [--repeat N]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
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

python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"
binary="${BINARY:-}"
if [[ -z "$binary" ]]; then
  echo "building the release binary…" >&2
  (cd "$root" && cargo build --release --quiet)
  binary="$root/target/release/lambda-promote"
fi

# shellcheck source=scripts/dev/moto-lib.sh
source "$root/scripts/dev/moto-lib.sh"
launch_moto "$work/moto.log"
moto_pid="$moto_server_pid"

echo "machine: $(nproc) cores, $(uname -sr); moto $("$python" -c 'import moto; print(moto.__version__)')" >&2
"$python" "$root/scripts/bench/status.py" --binary "$binary" --moto "$moto_url" --work "$work" "$@"
