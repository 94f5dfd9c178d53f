#!/usr/bin/env bash
# Small runs, one process per measured command, for a timing harness that runs a command many
# times and pairs it against another (hyperfine, or /usr/bin/time in a loop): `up` starts moto
# and seeds it once, then each run subcommand is one promotion or one validation.
#
#   scripts/bench/small.sh up DIR          moto + the demo world + three promote functions
#   scripts/bench/small.sh promote DIR     one promotion of one function (bin-01) by the binary
#   scripts/bench/small.sh promote-unpaced DIR   the same binary, pacing off, on unp-01
#   scripts/bench/small.sh promote-cli DIR the AWS CLI sequence on cli-01 (update-function-code,
#                                          wait function-updated, publish-version, invoke,
#                                          update-alias: one CLI process per call)
#   scripts/bench/small.sh validate DIR    validate of the demo contract (tests/fixtures/demo)
#   scripts/bench/small.sh validate-unpaced DIR  the same, pacing off
#   scripts/bench/small.sh validate-cli DIR the demo's reads as AWS CLI calls, one process each
#                                          (get-caller-identity, get-function and get-alias of
#                                          the three functions, describe-log-groups of the three
#                                          groups, list-distributions)
#   scripts/bench/small.sh down DIR        stops moto
#
# Each promotion alternates between two images, so no run is a no-op. The binary is
# target/release/lambda-promote (LAMBDA_PROMOTE_BIN=PATH for another); `up` does not build.
# Pacing off is LAMBDA_PROMOTE_UNPACED=1, a switch for this benchmark only.
#
# Example (hyperfine):
#   cargo build --release && scripts/bench/small.sh up /tmp/small
#   hyperfine -N 'scripts/bench/small.sh promote /tmp/small' 'scripts/bench/small.sh promote-cli /tmp/small'
#   scripts/bench/small.sh down /tmp/small
set -euo pipefail
shopt -s inherit_errexit

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
region=us-east-1
cmd="${1:?usage: small.sh up|promote|promote-unpaced|promote-cli|validate|validate-unpaced|validate-cli|down DIR}"
dir="${2:?the state directory}"

up() {
  python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"
  # The CLI side's awscli, pinned beside moto (as scripts/bench/promote.sh installs it).
  if ! "$root/.venv/bin/aws" --version >/dev/null 2>&1; then
    "$python" -m pip install --quiet --disable-pip-version-check -r "$root/requirements-bench.txt" >&2
  fi
  # free_port, wait_http, launch_moto
  # shellcheck source=scripts/dev/moto-lib.sh
  source "$root/scripts/dev/moto-lib.sh"
  mkdir -p "$dir/promote" "$dir/validate"
  launch_moto "$dir/moto.log"
  echo "$moto_server_pid" >"$dir/moto.pid"
  "$python" - "$root/tests/fixtures/demo/seed.json" >"$dir/seed.json" <<'PY'
import json, sys
spec = json.load(open(sys.argv[1]))
spec["ecr"].append({"repository": "bench", "images": [{"name": t, "tags": [t]} for t in ("b1", "b2", "b3")]})
spec["functions"] += [{"name": f, "versions": [{"image": {"repository": "bench", "tag": "b1"}}],
                       "aliases": [{"name": "live", "version": 1}]} for f in ("bin-01", "unp-01", "cli-01")]
print(json.dumps(spec))
PY
  "$python" "$root/scripts/dev/seed.py" --endpoint "$moto_url" --region "$region" --docker-free-lambda \
    "$dir/seed.json" >"$dir/seeded.json"
  "$python" - "$dir" "$moto_url" "${LAMBDA_PROMOTE_BIN:-$root/target/release/lambda-promote}" \
    "$root/.venv/bin/aws" <<'PY'
import json, shlex, sys
d, moto, binary, aws = sys.argv[1:]
s = json.load(open(f"{d}/seeded.json"))
dist = s["distributions"]
env = {
    "MOTO": moto, "BINARY": binary, "AWS_CLI": aws,
    "IMAGE_A": s["images"]["b2"]["uri"], "IMAGE_B": s["images"]["b3"]["uri"],
    "CLOUDFRONT_DISTRIBUTION_ID": dist["app-dev"]["id"],
    "STAGING_CLOUDFRONT_DISTRIBUTION_ID": dist["app-staging"]["id"],
    "PROD_CLOUDFRONT_DISTRIBUTION_ID": dist["app-prod"]["id"],
    "AURORA_HOST": "aurora-dev.cluster.example.internal",
    "WORKER_FUNCTION_NAME": "worker-dev",
}
with open(f"{d}/env", "w") as out:
    out.writelines(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
PY
  cp "$root/tests/fixtures/demo/lambda-promote.yml" "$dir/validate/lambda-promote.yml"
  {
    printf 'version: 1\nregion: %s\nenvironments:\n' "$region"
    for f in bin unp; do
      printf '  %s:\n    image: input\n    smoke-test:\n      payload: %s\n    functions:\n' "$f" "'{\"smoke\": true}'"
      printf '      - name: %s-01\n' "$f"
    done
  } >"$dir/promote/lambda-promote.yml"
  echo "moto at $moto_url; state in $dir" >&2
}

# The image this run deploys: the other one than the last run of `tool`.
next_image() {
  local tool="$1" last
  last="$(cat "$dir/last-$tool" 2>/dev/null || true)"
  if [[ "$last" == "$IMAGE_A" ]]; then echo "$IMAGE_B"; else echo "$IMAGE_A"; fi
}

aws_env() {
  env -i PATH="$PATH" HOME="$HOME" AWS_ENDPOINT_URL="$MOTO" AWS_REGION="$region" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null "$@"
}

promote() {
  local env="$1" image out
  shift
  image="$(next_image "$env")"
  out="$(cd "$dir/promote" && aws_env "$@" "$BINARY" promote --contract lambda-promote.yml \
    --environment "$env" --image "$image" --output json)" || true
  echo "$image" >"$dir/last-$env"
  [[ "$out" == *'"result":"success"'* ]] || { echo "promote $env: $out" >&2; exit 1; }
}

promote_cli() {
  local image version f=cli-01
  image="$(next_image cli)"
  cli() { aws_env "$AWS_CLI" --region "$region" "$@"; }
  cli lambda update-function-code --function-name "$f" --image-uri "$image" >/dev/null
  cli lambda wait function-updated --function-name "$f"
  version="$(cli lambda publish-version --function-name "$f" --query Version --output text)"
  cli lambda invoke --function-name "$f" --qualifier "$version" --payload '{"smoke": true}' \
    "$dir/invoke.json" >/dev/null
  if grep -q errorMessage "$dir/invoke.json"; then echo "smoke test of $f failed" >&2; exit 1; fi
  cli lambda update-alias --function-name "$f" --name live --function-version "$version" >/dev/null
  echo "$image" >"$dir/last-cli"
}

validate() {
  local out
  out="$(cd "$dir/validate" && aws_env "$@" \
    CLOUDFRONT_DISTRIBUTION_ID="$CLOUDFRONT_DISTRIBUTION_ID" \
    STAGING_CLOUDFRONT_DISTRIBUTION_ID="$STAGING_CLOUDFRONT_DISTRIBUTION_ID" \
    PROD_CLOUDFRONT_DISTRIBUTION_ID="$PROD_CLOUDFRONT_DISTRIBUTION_ID" \
    AURORA_HOST="$AURORA_HOST" WORKER_FUNCTION_NAME="$WORKER_FUNCTION_NAME" \
    "$BINARY" validate --contract lambda-promote.yml --output json)"
  [[ "$out" == *'"result":"success"'* ]] || { echo "validate: $out" >&2; exit 1; }
}

# The demo's reads, each a CLI process, and the same verdicts on what they return.
validate_cli() {
  local f
  cli() { aws_env "$AWS_CLI" --region "$region" "$@"; }
  [[ "$(cli sts get-caller-identity --query Account --output text)" == 123456789012 ]]
  for f in worker-dev worker-staging worker-prod; do
    cli lambda get-function --function-name "$f" \
      --query 'Configuration.Environment.Variables.[AURORA_HOST,OPENROUTER_API_KEY]' --output text |
      grep -q . || { echo "$f: keys missing" >&2; exit 1; }
    cli lambda get-alias --function-name "$f" --name live --query FunctionVersion --output text >/dev/null
    [[ "$(cli logs describe-log-groups --log-group-name-prefix "/aws/lambda/$f" \
      --query 'length(logGroups)' --output text)" != 0 ]] || { echo "no log group of $f" >&2; exit 1; }
  done
  cli cloudfront list-distributions --query 'DistributionList.Items[].Id' --output text |
    grep -q "$PROD_CLOUDFRONT_DISTRIBUTION_ID" || { echo "distribution missing" >&2; exit 1; }
}

case "$cmd" in
  up) up ;;
  down) kill "$(cat "$dir/moto.pid")" 2>/dev/null || true ;;
  *)
    # shellcheck source=/dev/null
    source "$dir/env"
    case "$cmd" in
      promote) promote bin ;;
      promote-unpaced) promote unp LAMBDA_PROMOTE_UNPACED=1 ;;
      promote-cli) promote_cli ;;
      validate) validate ;;
      validate-unpaced) validate LAMBDA_PROMOTE_UNPACED=1 ;;
      validate-cli) validate_cli ;;
      *) echo "unknown subcommand $cmd" >&2; exit 2 ;;
    esac
    ;;
esac
