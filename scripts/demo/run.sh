#!/usr/bin/env bash
# Demo: starts a local AWS emulator (moto), seeds three environments, and runs lambda-promote
# exactly as the GitHub runner runs a container action:
#   1. pull request, every secret right            -> exit 0, result=success
#   2. pull request, CLOUDFRONT_DISTRIBUTION_ID off -> exit 1, result=drift
#   3. CI pushes worker:v3; push to `dev` with image worker:v3 -> dev promoted by digest
#   4. push to `main`      -> staging gets the digest dev serves (`from: dev`)
#   5. push tag v1.0.0     -> production gets staging's digest: smoke test, canary, invalidation
#   6. rollback production -> its alias back on the version it served before
# A fake GitHub API (scripts/demo/fake_github.py) stands in for api.github.com, so each pull-request
# run's sticky comment is captured and printed. Exits 0 only if every run behaved so. The
# production canary of the demo contract waits 5 minutes per step; the demo runs a copy with
# 2-second steps to stay fast.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# free_port, wait_http, launch_moto
# shellcheck source=scripts/dev/moto-lib.sh
source "$root/scripts/dev/moto-lib.sh"
fixtures="$root/tests/fixtures/demo"
region=us-east-1
work="$(mktemp -d)"
moto_pid=""
github_pid=""
contract="$work/lambda-promote.yml"
sed 's/interval: 5m/interval: 2s/' "$fixtures/lambda-promote.yml" >"$contract"

cleanup() {
  if [[ -n "$github_pid" ]] && kill -0 "$github_pid" 2>/dev/null; then
    kill "$github_pid" 2>/dev/null || true
    wait "$github_pid" 2>/dev/null || true
  fi
  if [[ -n "$moto_pid" ]] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

build() {
  say "build"
  python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"
  (cd "$root" && cargo build --quiet)
  binary="${LAMBDA_PROMOTE_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/lambda-promote}"
}

start_moto() {
  say "start moto"
  launch_moto "$work/moto.log"
  endpoint="$moto_url"
  moto_pid="$moto_server_pid"
  echo "moto on $endpoint"
}

start_github() {
  say "start a fake GitHub API"
  "$python" "$root/scripts/demo/fake_github.py" --capture-dir "$work/github" --port-file "$work/github.port" &
  github_pid=$!
  local waited=0
  until [[ -s "$work/github.port" ]]; do
    sleep 0.1
    waited=$((waited + 1))
    if ((waited > 100)); then
      echo "the fake GitHub API did not start" >&2
      return 1
    fi
  done
  github_api="http://127.0.0.1:$(cat "$work/github.port")"
  echo "GitHub API on $github_api"
}

seed() {
  say "seed"
  "$python" "$root/scripts/dev/seed.py" --endpoint "$endpoint" --region "$region" --docker-free-lambda \
    "$fixtures/seed.json" >"$work/seeded.json"
  seeded() { "$python" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2], {}, {"d": d}))' "$work/seeded.json" "$1"; }
  dev_distribution="$(seeded 'd["distributions"]["app-dev"]["id"]')"
  staging_distribution="$(seeded 'd["distributions"]["app-staging"]["id"]')"
  prod_distribution="$(seeded 'd["distributions"]["app-prod"]["id"]')"
  echo "distributions: dev=$dev_distribution staging=$staging_distribution prod=$prod_distribution"
}

# run_action NAME COMMAND EVENT_NAME REF [VAR=VALUE ...]
# Runs the binary with a cleared environment, the way the runner starts the container: every
# action input as INPUT_* (hyphens kept, defaults as action.yml gives them), the GITHUB_*
# variables, the job's secrets, and AWS pointed at moto. Sets last_code and last_result.
run_action() {
  local name="$1" command="$2" event_name="$3" ref="$4"
  shift 4
  local dir="$work/$name"
  mkdir -p "$dir/workspace/.github" "$dir/runner"
  cp "$contract" "$dir/workspace/.github/lambda-promote.yml"
  : >"$dir/runner/output"
  : >"$dir/runner/summary"
  case "$event_name" in
    pull_request) printf '%s\n' '{"number": 1, "pull_request": {"number": 1,
    "head": {"repo": {"full_name": "octo-org/worker", "fork": false}},
    "base": {"repo": {"full_name": "octo-org/worker"}}}}' ;;
    push) printf '{"ref": "%s"}\n' "$ref" ;;
    *) printf '{"inputs": {}}\n' ;;
  esac >"$dir/runner/event.json"
  rm -f "$work/github/"comment-*.md "$work/github/requests.log"

  say "run $name: $command on $event_name ($ref)"
  set +e
  (cd "$dir/workspace" && env -i \
    PATH="$PATH" HOME="$HOME" \
    "INPUT_COMMAND=$command" \
    "INPUT_CONTRACT=.github/lambda-promote.yml" \
    "INPUT_ENVIRONMENT=" \
    "INPUT_IMAGE=" \
    "INPUT_TO-VERSION=" \
    "INPUT_DRY-RUN=false" \
    "INPUT_TIMEOUT=15m" \
    "INPUT_GITHUB-TOKEN=ghs_demo_token_not_real" \
    "INPUT_PR-COMMENT=true" \
    "INPUT_GITHUB-DEPLOYMENT=false" \
    GITHUB_ACTIONS=true CI=true \
    GITHUB_WORKSPACE="$dir/workspace" \
    GITHUB_EVENT_NAME="$event_name" \
    GITHUB_EVENT_PATH="$dir/runner/event.json" \
    GITHUB_REF="$ref" \
    GITHUB_SHA=0123456789abcdef0123456789abcdef01234567 \
    GITHUB_REPOSITORY=octo-org/worker \
    GITHUB_RUN_ID=1 \
    GITHUB_SERVER_URL=https://github.com \
    GITHUB_API_URL="$github_api" \
    GITHUB_OUTPUT="$dir/runner/output" \
    GITHUB_STEP_SUMMARY="$dir/runner/summary" \
    RUNNER_TEMP="$dir/runner" \
    AWS_ENDPOINT_URL="$endpoint" \
    AWS_REGION="$region" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_EC2_METADATA_DISABLED=true \
    "$@" \
    "$binary")
  last_code=$?
  last_event="$event_name"
  set -e

  say "$name: job summary"
  cat "$dir/runner/summary"
  say "$name: outputs"
  last_dir="$dir"
  last_result="$("$python" - "$dir/runner/output" "$dir/outputs.json" <<'PY'
import json, sys
outputs, lines = {}, open(sys.argv[1]).read().splitlines()
i = 0
while i < len(lines):
    line = lines[i]
    if "<<" in line:
        name, delim = line.split("<<", 1)
        j = lines.index(delim, i + 1) if delim in lines[i + 1:] else len(lines)
        outputs[name] = "\n".join(lines[i + 1:j])
        i = j
    elif "=" in line:
        name, value = line.split("=", 1)
        outputs[name] = value
    i += 1
for name, value in outputs.items():
    shown = value if len(value) <= 200 else value[:200] + "…"
    print(f"  {name}: {shown}", file=sys.stderr)
json.dump(outputs, open(sys.argv[2], "w"))
print(outputs.get("result", ""))
PY
)"
  echo "exit code: $last_code, result: ${last_result:-<none>}"

  last_comment=""
  [[ "$event_name" == pull_request ]] || return 0
  say "$name: pull-request comment posted to the fake GitHub API"
  local comment
  for comment in "$work/github/"comment-*.md; do
    [[ -f "$comment" ]] || continue
    cat "$comment"
    echo
    last_comment="$comment"
  done
  [[ -n "$last_comment" ]] || echo "(no comment was posted)"
  echo "requests the fake GitHub API received:"
  sed 's/^/  /' "$work/github/requests.log" 2>/dev/null || echo "  (none)"
}

# output NAME: an output of the last run.
output() { "$python" -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$last_dir/outputs.json" "$1"; }

# alias_version FUNCTION: the version alias `live` of FUNCTION serves in moto now.
alias_version() {
  "$python" "$root/scripts/dev/lambda_state.py" --endpoint "$endpoint" --region "$region" "$1" |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]]["aliases"]["live"]["version"])' "$1"
}

# check NAME WANT GOT: one more fact about the last run.
check() {
  if [[ "$2" == "$3" ]]; then
    echo "ok: $1 ($3)"
  else
    echo "FAILED: $1: wanted $2, got ${3:-<empty>}" >&2
    failures=$((failures + 1))
  fi
}

# expect NAME CODE RESULT: checks the last run (and, on a pull request, its comment).
expect() {
  local want_comment=no
  [[ "$last_event" == pull_request ]] && want_comment=yes
  if [[ "$last_code" == "$2" && "$last_result" == "$3" && ( $want_comment == no || -n "$last_comment" ) ]]; then
    echo "ok: $1 (exit $2, result $3$([[ $want_comment == yes ]] && echo ', PR comment posted'))"
  else
    echo "FAILED: $1: wanted exit $2, result $3$([[ $want_comment == yes ]] && echo ' and a PR comment'); got exit $last_code, result ${last_result:-<none>}, comment ${last_comment:-<none>}" >&2
    failures=$((failures + 1))
  fi
}

secrets() {
  # The job env a correctly configured repository has.
  printf '%s\n' \
    "CLOUDFRONT_DISTRIBUTION_ID=$dev_distribution" \
    "STAGING_CLOUDFRONT_DISTRIBUTION_ID=$staging_distribution" \
    "PROD_CLOUDFRONT_DISTRIBUTION_ID=$prod_distribution" \
    "AURORA_HOST=aurora-dev.cluster.example.internal" \
    "WORKER_FUNCTION_NAME=worker-dev"
}

validate_all_right() {
  local env_args
  mapfile -t env_args < <(secrets)
  run_action validate-ok validate pull_request refs/pull/1/merge "${env_args[@]}"
  expect "validate with every secret right" 0 success
}

validate_drifted() {
  local env_args
  mapfile -t env_args < <(secrets | sed 's/^CLOUDFRONT_DISTRIBUTION_ID=.*/CLOUDFRONT_DISTRIBUTION_ID=E2DRIFTEDXXXZL/')
  run_action validate-drift validate pull_request refs/pull/1/merge "${env_args[@]}"
  expect "validate with CLOUDFRONT_DISTRIBUTION_ID drifted" 1 drift
}

push_new_image() {
  say "CI pushes worker:v3 to ECR"
  new_digest="$(printf '{"ecr": [{"repository": "worker", "images": [{"name": "v3", "tags": ["v3"]}]}]}' |
    "$python" "$root/scripts/dev/seed.py" --endpoint "$endpoint" --region "$region" - |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)["images"]["v3"]["digest"])')"
  echo "worker:v3 is $new_digest"
}

promote_dev() {
  local env_args
  mapfile -t env_args < <(secrets)
  run_action promote-dev auto push refs/heads/dev "${env_args[@]}" \
    "INPUT_IMAGE=123456789012.dkr.ecr.$region.amazonaws.com/worker:v3"
  expect "push to dev promotes worker:v3" 0 success
  check "dev deployed the tag's digest" "$new_digest" "$(output image-digest)"
  check "dev alias moved" "$(output version)" "$(alias_version worker-dev)"
}

promote_staging() {
  local env_args
  mapfile -t env_args < <(secrets)
  run_action promote-staging auto push refs/heads/main "${env_args[@]}"
  expect "push to main promotes dev's digest to staging" 0 success
  check "staging got dev's digest" "$new_digest" "$(output image-digest)"
  check "staging alias moved" "$(output version)" "$(alias_version worker-staging)"
}

promote_production() {
  local env_args
  mapfile -t env_args < <(secrets)
  run_action promote-production auto push refs/tags/v1.0.0 "${env_args[@]}"
  expect "tag v1.0.0 promotes staging's digest to production (canary)" 0 success
  check "production got staging's digest" "$new_digest" "$(output image-digest)"
  prod_before="$(output previous-version)"
  prod_new="$(output version)"
  check "production alias moved" "$prod_new" "$(alias_version worker-prod)"
}

rollback_production() {
  local env_args
  mapfile -t env_args < <(secrets)
  run_action rollback-production rollback workflow_dispatch refs/heads/main "${env_args[@]}" \
    INPUT_ENVIRONMENT=production
  expect "rollback of production" 0 success
  check "rolled-back output" true "$(output rolled-back)"
  check "production alias back on the version before v1.0.0" "$prod_before" "$(alias_version worker-prod)"
}

main() {
  failures=0
  build
  start_moto
  start_github
  seed
  validate_all_right
  validate_drifted
  push_new_image
  promote_dev
  promote_staging
  promote_production
  rollback_production
  say "demo: $([[ $failures == 0 ]] && echo 'every run behaved' || echo "$failures check(s) failed")"
  [[ $failures == 0 ]]
}

main "$@"
