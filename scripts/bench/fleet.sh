#!/usr/bin/env bash
# Fleet benchmark: `lambda-promote validate` and `promote` (release build) of 10, 100 and 300
# image functions against moto, through a proxy that enforces Lambda's API request quotas
# (scripts/bench/counting_proxy.py --quotas: GetFunction 100/s, GetPolicy 15/s, every other
# control-plane API 15/s together, answered past them with 429 TooManyRequestsException and Retry-After), then
# two promotions of 100 functions each at once, sharing those quotas like two runs of one account.
#
# Per run it prints the wall time, the quota floor, their ratio, the requests made, the 429s
# answered, whether anything was rolled back, and the result. The floor is what the shared
# 15/s pool allows at best: 4N/15 s for a promotion (GetAlias, UpdateFunctionCode,
# PublishVersion and UpdateAlias of each function), N/15 s for a validation (GetAlias of each
# function). The pair's floor is that of its 2N functions: they share one pool.
#
# Usage: scripts/bench/fleet.sh   (LAMBDA_PROMOTE_BIN=PATH: measure that binary, no build;
#                                 SIZES="10 100 300" and PAIR=100: the fleet sizes, for a quick try;
#                                 ASSUME=1: every environment says `assume: { function-url: none,
#                                 provisioned-concurrency: none }` (README, "Fleets"), so a
#                                 promotion makes no URL or provisioned-concurrency read;
#                                 BY_OPERATION=1: each run's requests by operation, on stderr;
#                                 TIMELINE=FILE: the proxy appends `START END OPERATION` per request)
set -euo pipefail
shopt -s inherit_errexit

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
region=us-east-1
read -r -a sizes <<<"${SIZES:-10 100 300}"
pair="${PAIR:-100}"
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
  say "build (release)"
  python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"
  if [[ -n "${LAMBDA_PROMOTE_BIN:-}" ]]; then
    binary="$(realpath "$LAMBDA_PROMOTE_BIN")"
  else
    (cd "$root" && cargo build --release --quiet)
    binary="$root/target/release/lambda-promote"
  fi
}

# free_port, wait_http, launch_moto
# shellcheck source=scripts/dev/moto-lib.sh
source "$root/scripts/dev/moto-lib.sh"

start_services() {
  say "start moto and the quota-enforcing proxy"
  local proxy_port
  launch_moto "$work/moto.log"
  pids+=("$moto_server_pid")
  proxy_port="$(free_port)"
  proxy="http://127.0.0.1:$proxy_port"
  local timeline=()
  if [[ -n "${TIMELINE:-}" ]]; then timeline=(--timeline "$(realpath "$TIMELINE")"); fi
  "$python" "$root/scripts/bench/counting_proxy.py" --quotas --port "$proxy_port" --upstream "$moto_url" \
    "${timeline[@]}" >"$work/proxy.log" 2>&1 &
  pids+=($!)
  wait_http "$proxy/__bench/count"
}

# fleet-000 …; environment nN holds the first N functions, pair-a/pair-b two disjoint sets of PAIR.
seed() {
  local total
  total="$(printf '%s\n' "${sizes[@]}" "$((2 * pair))" | sort -n | tail -n 1)"
  say "seed $total image functions (a few minutes)"
  "$python" - "$total" >"$work/seed.json" <<'PY'
import json, sys
print(json.dumps({
    "ecr": [{"repository": "fleet", "images": [{"name": t, "tags": [t]} for t in ("v1", "v2", "v3", "v4")]}],
    "functions": [{"name": f"fleet-{i:03}", "versions": [{"image": {"repository": "fleet", "tag": "v1"}}],
                   "aliases": [{"name": "live", "version": 1}]} for i in range(int(sys.argv[1]))],
}))
PY
  "$python" "$root/scripts/dev/seed.py" --endpoint "$moto_url" --region "$region" --docker-free-lambda \
    "$work/seed.json" >"$work/seeded.json"
  mkdir -p "$work/workspace"
  "$python" - "$work/workspace/lambda-promote.yml" "${ASSUME:-0}" "$pair" "${sizes[@]}" <<'PY'
import sys
assume = sys.argv[2] == "1"
pair = int(sys.argv[3])
envs = {f"n{n}": range(int(n)) for n in sys.argv[4:]}
envs.update({"pair-a": range(pair), "pair-b": range(pair, 2 * pair)})
with open(sys.argv[1], "w") as out:
    out.write("version: 1\nregion: us-east-1\nenvironments:\n")
    for name, functions in envs.items():
        out.write(f"  {name}:\n    image: input\n    functions:\n")
        out.writelines(f"      - name: fleet-{i:03}\n" for i in functions)
        if assume:
            out.write("    assume:\n      function-url: none\n      provisioned-concurrency: none\n")
PY
}

image() { "$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["images"][sys.argv[2]]["uri"])' "$work/seeded.json" "$1"; }
reset_count() { curl -sf -X POST "$proxy/__bench/reset" >/dev/null; }
count() { curl -sf "$proxy/__bench/count"; }
now() { date +%s.%N; }

# invoke NAME COMMAND ENV [IMAGE]: one run through the proxy; its JSON report in $work/NAME.json.
invoke() {
  local name="$1" command="$2" env="$3" image="${4:-}"
  local args=("$command" --contract lambda-promote.yml --environment "$env" --output json)
  if [[ -n "$image" ]]; then args+=(--image "$image"); fi
  (cd "$work/workspace" && env -i PATH="$PATH" HOME="$HOME" \
    AWS_ENDPOINT_URL="$proxy" AWS_REGION="$region" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_EC2_METADATA_DISABLED=true "$binary" "${args[@]}" >"$work/$name.json" 2>"$work/$name.log") || true
}

# row LABEL N FLOOR_CALLS_PER_FUNCTION SECONDS REPORTS…: one line of the results table.
row() {
  local label="$1" n="$2" per="$3" seconds="$4"
  shift 4
  count >"$work/count.json"
  if [[ -n "${BY_OPERATION:-}" ]]; then "$python" -m json.tool "$work/count.json" >&2; fi
  "$python" - "$label" "$n" "$per" "$seconds" "$work/count.json" "$@" >>"$work/results" <<'PY'
import json, sys
label, n, per, seconds, counts = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
c = json.load(open(counts))
results, rolled = [], False
for path in sys.argv[6:]:
    try:
        r = json.load(open(path))
        results.append(r.get("result", "?"))
        rolled = rolled or bool(r.get("rolled-back"))
    except (OSError, ValueError):
        results.append("no-report")
floor = per * n / 15
# What the requests this run made from the shared pool allow at best (every Lambda call but
# GetFunction, GetPolicy and invocations; a throttled request counts too).
def shared(op):
    return (op.startswith("lambda ") and not op.endswith("/invocations")
            and op not in ("lambda GET /2015-03-31/functions/F", "lambda GET /2015-03-31/functions/F/policy"))
made = sum(v for op, v in c["by_operation"].items() if shared(op)) / 15
print(f"{label:<22} {seconds:>8.1f}s {floor:>8.1f}s {seconds / floor:>6.2f} {made:>8.1f}s {seconds / made:>6.2f} "
      f"{c['total']:>9} {c['throttled']:>6} {'yes' if rolled else 'no':>11}  {'/'.join(results)}")
PY
}

measure() {
  : >"$work/results"
  local n start end image round=0 tags=(v2 v3 v4)
  for n in "${sizes[@]}"; do
    # A new image each round, so no promotion is a no-op.
    image="$(image "${tags[round % 3]}")"
    round=$((round + 1))
    say "validate and promote $n functions"
    reset_count
    start="$(now)"
    invoke "validate-$n" validate "n$n"
    end="$(now)"
    row "validate $n" "$n" 1 "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$work/validate-$n.json"
    reset_count
    start="$(now)"
    invoke "promote-$n" promote "n$n" "$image"
    end="$(now)"
    row "promote $n" "$n" 4 "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$work/promote-$n.json"
  done
  say "two promotions of $pair functions at once, sharing the quotas"
  image="$(image "${tags[round % 3]}")"
  reset_count
  start="$(now)"
  invoke promote-pair-a promote pair-a "$image" &
  local a=$!
  invoke promote-pair-b promote pair-b "$image" &
  local b=$!
  wait "$a" "$b"
  end="$(now)"
  row "2 x promote $pair" "$((2 * pair))" 4 "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" \
    "$work/promote-pair-a.json" "$work/promote-pair-b.json"
}

report() {
  say "results (floor: the shared 15/s pool at best for 4 calls per function; spent: the same for the shared-pool requests the run made; requests and 429s counted at the proxy)"
  printf '%-22s %9s %9s %6s %9s %6s %9s %6s %11s  %s\n' run "wall" floor ratio spent ratio requests 429s rolled-back result
  cat "$work/results"
  echo
  echo "each promotion's own figures (its summary notice):"
  "$python" - "$work"/promote-*.json <<'PY'
import json, sys
for path in sys.argv[1:]:
    try:
        notices = json.load(open(path)).get("notices", [])
    except (OSError, ValueError):
        continue
    print("\n".join(f"  {n}" for n in notices if "throttled answers" in n))
PY
}

setup
start_services
seed
measure
report
