#!/usr/bin/env bash
# The newcomer's path, as the README's "Quick start" shows it: the binary, a docker-free
# emulator (moto), then validate, promote, a canary made to fail on purpose (it rolls back by
# itself) and a manual rollback, each run the way the runner starts the action (`INPUT_*`
# with hyphens kept, `GITHUB_*`). Every step's exit code, `result` output and alias are
# checked; the first surprise stops the script with a non-zero exit. Moto is always stopped.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# free_port, wait_http, launch_moto
# shellcheck source=scripts/dev/moto-lib.sh
source "$root/scripts/dev/moto-lib.sh"
region=us-east-1
registry="123456789012.dkr.ecr.$region.amazonaws.com"
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

say() { printf '\n== %s\n' "$*"; }
fail() {
  echo "newcomer: FAILED: $*" >&2
  [[ -f "$work/run.log" ]] && sed 's/^/  | /' "$work/run.log" >&2
  exit 1
}

# 1. The binary: the one the test run built, else a debug build.
binary="${LAMBDA_PROMOTE_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/lambda-promote}"
if [[ ! -x "$binary" ]]; then
  say "build"
  (cd "$root" && cargo build --quiet --locked)
fi
python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"

# 2. The emulator: moto on a free loopback port, Lambda docker-free, the demo's world seeded.
say "start moto (docker-free) and seed dev, staging and production"
launch_moto "$work/moto.log"
moto_pid="$moto_server_pid"
"$python" "$root/scripts/dev/seed.py" --endpoint "$moto_url" --region "$region" \
  --docker-free-lambda "$root/tests/fixtures/demo/seed.json" >"$work/seeded.json"
distribution() {
  "$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["distributions"][sys.argv[2]]["id"])' \
    "$work/seeded.json" "$1"
}
mkdir -p "$work/workspace/.github"
# The demo contract, with 5-second canary steps instead of 5 minutes.
sed 's/interval: 5m/interval: 5s/' "$root/tests/fixtures/demo/lambda-promote.yml" \
  >"$work/workspace/.github/lambda-promote.yml"
secrets=(
  "CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-dev)"
  "STAGING_CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-staging)"
  "PROD_CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-prod)"
  "AURORA_HOST=aurora-dev.cluster.example.internal"
  "WORKER_FUNCTION_NAME=worker-dev"
)

# run REF VAR=VALUE...: the binary as the runner starts it, from a cleared environment. Sets
# `code` (and $work/code); the outputs land in $work/output.
run() {
  local ref="$1"
  shift
  : >"$work/output"
  : >"$work/summary"
  printf '{"ref": "%s", "inputs": {}}\n' "$ref" >"$work/event.json"
  set +e
  (cd "$work/workspace" && env -i PATH="$PATH" HOME="$HOME" \
    GITHUB_ACTIONS=true GITHUB_WORKSPACE="$work/workspace" \
    GITHUB_EVENT_NAME=workflow_dispatch GITHUB_EVENT_PATH="$work/event.json" \
    GITHUB_REF="$ref" GITHUB_REPOSITORY=octo-org/worker GITHUB_RUN_ID=1 \
    GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 \
    GITHUB_OUTPUT="$work/output" GITHUB_STEP_SUMMARY="$work/summary" RUNNER_TEMP="$work" \
    INPUT_CONTRACT=.github/lambda-promote.yml INPUT_TIMEOUT=15m \
    INPUT_GITHUB-DEPLOYMENT=false INPUT_PR-COMMENT=false \
    AWS_ENDPOINT_URL="$moto_url" AWS_REGION="$region" \
    AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true \
    "${secrets[@]}" "$@" "$binary") >"$work/run.log" 2>&1
  code=$?
  set -e
  echo "$code" >"$work/code"
}

# output NAME: an output of the last run (`NAME=value`, or `NAME<<DELIMITER` and its lines).
output() {
  awk -v name="$1" '
    d != "" { if ($0 == d) { d = ""; done = 1 } else if (!done) print; next }
    index($0, name "<<") == 1 { d = substr($0, length(name) + 3); next }
    index($0, name "=") == 1 && !done { print substr($0, length(name) + 2); done = 1 }
  ' "$work/output"
}

# alias_version FUNCTION: the version its `live` alias serves now.
alias_version() {
  "$python" "$root/scripts/dev/lambda_state.py" --endpoint "$moto_url" --region "$region" "$1" |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]]["aliases"]["live"]["version"])' "$1"
}

# expect STEP CODE RESULT: the last run's exit code and `result` output.
expect() {
  [[ "$code" == "$2" && "$(output result)" == "$3" ]] ||
    fail "$1: wanted exit $2 and result $3, got exit $code and result '$(output result)'"
  echo "ok: $1 (exit $2, result $3)"
}

# same STEP WANT GOT: one more fact.
same() {
  [[ "$2" == "$3" ]] || fail "$1: wanted $2, got '${3}'"
  echo "ok: $1 ($3)"
}

say "validate dev"
run refs/heads/dev INPUT_COMMAND=validate INPUT_ENVIRONMENT=dev
expect "validate dev" 0 success

say "CI pushes worker:v3; promote it to dev, then dev's digest to staging"
digest="$(printf '{"ecr": [{"repository": "worker", "images": [{"name": "v3", "tags": ["v3"]}]}]}' |
  "$python" "$root/scripts/dev/seed.py" --endpoint "$moto_url" --region "$region" - |
  "$python" -c 'import json,sys; print(json.load(sys.stdin)["images"]["v3"]["digest"])')"
run refs/heads/dev INPUT_COMMAND=promote INPUT_ENVIRONMENT=dev "INPUT_IMAGE=$registry/worker:v3"
expect "promote dev" 0 success
same "dev runs worker:v3's digest" "$digest" "$(output image-digest)"
same "dev's alias moved" "$(output version)" "$(alias_version worker-dev)"
staging_before="$(alias_version worker-staging)"
run refs/heads/main INPUT_COMMAND=promote INPUT_ENVIRONMENT=staging
expect "promote staging from dev" 0 success
same "staging runs dev's digest" "$digest" "$(output image-digest)"
staging_new="$(output version)"
same "staging's alias moved" "$staging_new" "$(alias_version worker-staging)"

say "promote production with a canary made to fail: an ERROR in the new version's logs"
prod_before="$(alias_version worker-prod)"
run refs/tags/v1.0.0 INPUT_COMMAND=promote INPUT_ENVIRONMENT=production &
promote_pid=$!
# Once the alias sends a share to the new version N, write an ERROR event in a stream named
# like Lambda's for N (`YYYY/MM/DD/[N]…`): the canary step counts it and rolls back.
"$python" - "$moto_url" "$region" <<'PY' || fail "the canary never started"
import sys, time, boto3
endpoint, region = sys.argv[1], sys.argv[2]
kw = dict(endpoint_url=endpoint, region_name=region, aws_access_key_id="test", aws_secret_access_key="test")
lam, logs = boto3.client("lambda", **kw), boto3.client("logs", **kw)
deadline = time.time() + 120
while time.time() < deadline:
    weights = lam.get_alias(FunctionName="worker-prod", Name="live").get("RoutingConfig", {}).get("AdditionalVersionWeights", {})
    if weights:
        version = next(iter(weights))
        stream = time.strftime("%Y/%m/%d/", time.gmtime()) + f"[{version}]newcomer"
        group = "/aws/lambda/worker-prod"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[
            {"timestamp": int(time.time() * 1000), "message": "ERROR the newcomer's canary fails on purpose"}])
        print(f"an ERROR written for version {version}")
        sys.exit(0)
    time.sleep(0.2)
sys.exit(1)
PY
wait "$promote_pid" || true
# `run` ran in the background, in a subshell of its own: its exit code is in a file.
code="$(cat "$work/code")"
expect "the canary rolls back by itself" 1 rolled-back
same "production's alias is back where it was" "$prod_before" "$(alias_version worker-prod)"
grep -q "the newcomer's canary fails on purpose" "$work/summary" ||
  fail "the job summary does not show the error that failed the canary"
echo "ok: the job summary shows the error that failed the canary"

say "roll staging back by hand"
run refs/heads/main INPUT_COMMAND=rollback INPUT_ENVIRONMENT=staging
expect "manual rollback of staging" 0 success
same "rolled-back output" true "$(output rolled-back)"
same "staging's alias is back on the version before" "$staging_before" "$(alias_version worker-staging)"

say "newcomer: every step behaved"
