#!/usr/bin/env bash
# Promote benchmark: `lambda-promote promote` (release build) of 1 and of 10 functions against
# moto, side by side in the same run with the equivalent AWS CLI sequence, run as separate CLI
# calls per function:
#   aws lambda update-function-code / wait function-updated / publish-version / invoke / update-alias
# Both go through one counting proxy (scripts/bench/counting_proxy.py) in front of moto, so wall
# time and AWS request count are measured the same way. Both deploy the same digest URI and
# smoke-test the new version; the binary also runs the contract checks and reads the alias first.
#
# Usage: scripts/bench/promote.sh   (REPEAT=N: rounds, default 3, the median is shown;
#                                   LAMBDA_PROMOTE_BIN=PATH: measure that binary, no build)
# Installs the pinned AWS CLI into ./.venv when missing (requirements-bench.txt).
set -euo pipefail
shopt -s inherit_errexit

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
repeat="${REPEAT:-3}"
region=us-east-1
work="$(mktemp -d)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

setup() {
  say "build (release) and tools"
  python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"
  if ! "$root/.venv/bin/aws" --version >/dev/null 2>&1 ||
    ! grep -qxF "$("$root/.venv/bin/aws" --version 2>&1 | sed -n 's|^aws-cli/\([^ ]*\).*|awscli==\1|p')" "$root/requirements-bench.txt"; then
    "$python" -m pip install --quiet --disable-pip-version-check -r "$root/requirements-bench.txt" >&2
  fi
  aws="$root/.venv/bin/aws"
  if [[ -n "${LAMBDA_PROMOTE_BIN:-}" ]]; then
    binary="$LAMBDA_PROMOTE_BIN"
  else
    (cd "$root" && cargo build --release --quiet)
    binary="$root/target/release/lambda-promote"
  fi
  "$aws" --version >&2 2>&1
}

# free_port, wait_http, launch_moto
# shellcheck source=scripts/dev/moto-lib.sh
source "$root/scripts/dev/moto-lib.sh"

start_services() {
  say "start moto and the counting proxy"
  local proxy_port
  launch_moto "$work/moto.log"
  moto="$moto_url"
  pids+=("$moto_server_pid")
  proxy_port="$(free_port)"
  proxy="http://127.0.0.1:$proxy_port"
  "$python" "$root/scripts/bench/counting_proxy.py" --port "$proxy_port" --upstream "$moto" >"$work/proxy.log" 2>&1 &
  pids+=($!)
  wait_http "$proxy/__bench/count"
}

# bin-01 (1 function), bin-02..bin-11 (10 functions), and the same for cli-*.
names() { local prefix="$1" from="$2" to="$3"; for i in $(seq -f '%02g' "$from" "$to"); do echo "$prefix-$i"; done; }

seed() {
  say "seed 22 functions and three images"
  names bin 1 11 >"$work/functions"
  names cli 1 11 >>"$work/functions"
  "$python" - "$work/functions" >"$work/seed.json" <<'PY'
import json, sys
functions = [line.strip() for line in open(sys.argv[1]) if line.strip()]
print(json.dumps({
    "ecr": [{"repository": "worker", "images": [{"name": t, "tags": [t]} for t in ("v1", "v2", "v3")]}],
    "functions": [{"name": f, "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
                   "aliases": [{"name": "live", "version": 1}]} for f in functions],
}))
PY
  "$python" "$root/scripts/dev/seed.py" --endpoint "$moto" --region "$region" --docker-free-lambda "$work/seed.json" >"$work/seeded.json"
  image_v2="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"]["v2"]["uri"])' "$work/seeded.json")"
  image_v3="$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"]["v3"]["uri"])' "$work/seeded.json")"

  mkdir -p "$work/workspace"
  {
    printf 'version: 1\nregion: %s\nenvironments:\n' "$region"
    for env in one ten; do
      if [[ $env == one ]]; then list="$(names bin 1 1)"; else list="$(names bin 2 11)"; fi
      printf '  %s:\n    image: input\n    smoke-test:\n      payload: %s\n    functions:\n' "$env" "'{\"smoke\": true}'"
      for f in $list; do printf '      - name: %s\n' "$f"; done
    done
  } >"$work/workspace/lambda-promote.yml"
}

reset_count() { curl -sf -X POST "$proxy/__bench/reset" >/dev/null; }
count() { curl -sf "$proxy/__bench/count"; }
now() { date +%s.%N; }

# run_binary ENV IMAGE: one promotion through the proxy; prints the wall time in seconds.
run_binary() {
  local env="$1" image="$2" start end result
  start="$(now)"
  result="$(cd "$work/workspace" && env -i PATH="$PATH" HOME="$HOME" \
    AWS_ENDPOINT_URL="$proxy" AWS_REGION="$region" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_EC2_METADATA_DISABLED=true \
    "$binary" promote --contract lambda-promote.yml --environment "$env" --image "$image" --output json |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)["result"])')"
  end="$(now)"
  [[ "$result" == success ]] || { echo "lambda-promote $env: result $result" >&2; exit 1; }
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

# run_cli FUNCTIONS... IMAGE: the same promotion as separate AWS CLI calls, function by function.
run_cli() {
  local image="${*: -1}" start end f version
  start="$(now)"
  for f in "${@:1:$#-1}"; do
    cli() { AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing "$aws" --endpoint-url "$proxy" --region "$region" "$@"; }
    cli lambda update-function-code --function-name "$f" --image-uri "$image" >/dev/null
    cli lambda wait function-updated --function-name "$f"
    version="$(cli lambda publish-version --function-name "$f" --query Version --output text)"
    cli lambda invoke --function-name "$f" --qualifier "$version" \
      --payload '{"smoke": true}' "$work/invoke.json" >/dev/null
    if grep -q errorMessage "$work/invoke.json"; then echo "smoke test of $f failed" >&2; exit 1; fi
    cli lambda update-alias --function-name "$f" --name live --function-version "$version" >/dev/null
  done
  end="$(now)"
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f\n", b - a }'
}

measure() {
  say "measure: $repeat round(s), alternating images so no round is a no-op"
  : >"$work/results"
  local round image seconds
  for round in $(seq 1 "$repeat"); do
    if ((round % 2)); then image="$image_v2"; else image="$image_v3"; fi
    for size in 1 10; do
      if [[ $size == 1 ]]; then
        env=one
        mapfile -t functions < <(names cli 1 1)
      else
        env=ten
        mapfile -t functions < <(names cli 2 11)
      fi
      reset_count
      seconds="$(run_binary "$env" "$image")"
      echo "lambda-promote $size $seconds $(count | "$python" -c 'import json,sys; print(json.load(sys.stdin)["total"])')" >>"$work/results"
      count >"$work/ops-lambda-promote-$size.json"
      reset_count
      seconds="$(run_cli "${functions[@]}" "$image")"
      echo "aws-cli $size $seconds $(count | "$python" -c 'import json,sys; print(json.load(sys.stdin)["total"])')" >>"$work/results"
      count >"$work/ops-aws-cli-$size.json"
      echo "round $round, $size function(s): done" >&2
    done
  done
}

report() {
  say "results (median of $repeat round(s); requests counted at the proxy)"
  "$python" - "$work" <<'PY'
import json, statistics, sys
work = sys.argv[1]
rows = [line.split() for line in open(f"{work}/results")]
def stat(tool, size):
    runs = [(float(t), int(n)) for name, s, t, n in rows if name == tool and s == str(size)]
    return statistics.median(t for t, _ in runs), statistics.median(n for _, n in runs)
print(f"{'functions':>9}  {'tool':<15} {'wall time':>10}  {'requests':>8}")
for size in (1, 10):
    b = stat("lambda-promote", size)
    c = stat("aws-cli", size)
    print(f"{size:>9}  {'lambda-promote':<15} {b[0]:>9.2f}s  {b[1]:>8.0f}")
    print(f"{size:>9}  {'aws-cli':<15} {c[0]:>9.2f}s  {c[1]:>8.0f}")
    print(f"{size:>9}  {'ratio cli/ours':<15} {c[0] / b[0]:>9.1f}x  {c[1] / b[1]:>7.2f}x")
for tool in ("lambda-promote", "aws-cli"):
    ops = json.load(open(f"{work}/ops-{tool}-1.json"))["by_operation"]
    print(f"\n{tool}, 1 function, requests by operation:")
    for op, n in ops.items():
        print(f"  {n:>3}  {op}")
PY
}

setup
start_services
seed
measure
report
