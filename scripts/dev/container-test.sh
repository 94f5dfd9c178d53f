#!/usr/bin/env bash
#: Runs the release binary the way the GitHub runner runs the action's container, on a
#: machine with no Docker engine (part of .ci/run):
#:   - a root file system made only of the Debian packages the image's distroless `cc` base
#:     gives the binary (C library, libgcc, CA certificates; no shell), mounted read-only;
#:   - the workspace and the file-command files mounted where the runner puts them
#:     (/github/workspace, /github/file_commands, /github/workflow, /github/home), with
#:     GITHUB_OUTPUT / GITHUB_STEP_SUMMARY named like the runner's;
#:   - the binary as PID 1 of new mount and PID namespaces (`unshare`), in the host network
#:     namespace so that it reaches moto on loopback.
#: Inside, it runs `validate` on the demo contract, then a canary that receives SIGTERM
#: while the alias splits traffic: the alias must be restored. It also prints the measured
#: compressed size (gzip of a tar, as a registry layer) of the binary's layer and of the tree.
#:
#: Usage: scripts/dev/container-test.sh [--sizes-only]
#: Needs root, or unprivileged user namespaces. The .debs are cached in
#: target/container-test/debs (fetched with `apt-get download` once). The release
#: build from scratch is the slow part (docs/releases.md, "The image": measured times).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# ---- inside the namespaces: PID 1 sets up the mounts and becomes the binary -----------
if [[ "${1:-}" == "--pid1" ]]; then
  shift
  rootfs="$1" dir="$2"
  shift 2
  [[ $$ == 1 ]] || { echo "container-test: not PID 1 (pid $$)" >&2; exit 125; }
  mount --bind "$rootfs" "$rootfs"
  for m in workspace file_commands workflow home; do
    mount --bind "$dir/$m" "$rootfs/github/$m"
  done
  mount -t proc proc "$rootfs/proc"
  mount -t tmpfs -o mode=1777,size=16m tmpfs "$rootfs/tmp"
  mount -t tmpfs -o mode=755,size=1m tmpfs "$rootfs/dev"
  for d in null zero random urandom; do
    touch "$rootfs/dev/$d"
    mount --bind "/dev/$d" "$rootfs/dev/$d"
  done
  # Read-only from here on: the image's own files cannot be written, as with a
  # read-only container; only the runner's mounts, /tmp and /dev are writable.
  mount -o remount,bind,ro "$rootfs"
  # env, then unshare --root: each execs the next, so the binary keeps PID 1.
  exec env -i "$@" unshare --root="$rootfs" --wd=/github/workspace /usr/local/bin/lambda-promote
fi

# free_port, wait_http, launch_moto
# shellcheck source=scripts/dev/moto-lib.sh
source "$root/scripts/dev/moto-lib.sh"
# cargo's own CARGO_TARGET_DIR is honoured: point it at a kept directory to
# reuse a release build across fresh clones.
target_dir="${CARGO_TARGET_DIR:-$root/target}"
cache="$target_dir/container-test"
fixtures="$root/tests/fixtures/demo"
region=us-east-1
packages=(libc6 libgcc-s1 ca-certificates)
work="$(mktemp -d)"
moto_pid=""
failures=0

cleanup() {
  if [[ -n "$moto_pid" ]] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

say() { printf '\n== %s\n' "$*"; }

check() {
  if [[ "$2" == "$3" ]]; then
    echo "ok: $1 ($3)"
  else
    echo "FAILED: $1: wanted $2, got ${3:-<empty>}" >&2
    failures=$((failures + 1))
  fi
}

build_release() {
  say "release build (cargo build --release --locked)"
  local started=$SECONDS
  (cd "$root" && cargo build --release --locked --quiet)
  binary="$target_dir/release/lambda-promote"
  echo "release build: $((SECONDS - started)) s"
}

fetch_debs() {
  mkdir -p "$cache/debs"
  local missing=()
  for p in "${packages[@]}"; do
    compgen -G "$cache/debs/${p}_*.deb" >/dev/null || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "apt-get download ${missing[*]}"
  # A fresh machine may have no package lists yet.
  if ! (cd "$cache/debs" && apt-get download "${missing[@]}"); then
    apt-get update -qq
    (cd "$cache/debs" && apt-get download "${missing[@]}")
  fi
}

make_rootfs() {
  say "root file system from ${packages[*]}"
  rootfs="$work/rootfs"
  mkdir -p "$rootfs"
  local deb
  for deb in "$cache"/debs/*.deb; do
    dpkg-deb -x "$deb" "$rootfs"
  done
  # What update-ca-certificates does when the base image is built: one bundle of
  # every certificate the package ships. The script itself (a shell script) goes.
  mkdir -p "$rootfs/etc/ssl/certs"
  find "$rootfs/usr/share/ca-certificates" -name '*.crt' -print0 | sort -z |
    xargs -0 cat >"$rootfs/etc/ssl/certs/ca-certificates.crt"
  rm -f "$rootfs/usr/sbin/update-ca-certificates"
  install -D -m 0755 "$binary" "$rootfs/usr/local/bin/lambda-promote"
  mkdir -p "$rootfs"/github/{workspace,file_commands,workflow,home} "$rootfs"/{proc,tmp,dev}
  local shells
  shells="$(find "$rootfs" \( -name sh -o -name bash -o -name dash \) -print)"
  check "no shell in the root file system" "" "$shells"
}

# layer_size PATH...: bytes of gzip(tar PATH...) in the root file system.
layer_size() {
  tar -C "$rootfs" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - "$@" |
    gzip -n -6 | wc -c
}

report_sizes() {
  say "sizes (gzip -6 of a tar, as a registry stores a layer)"
  local bin_raw bin_gz tree_raw tree_gz
  bin_raw="$(stat -c %s "$rootfs/usr/local/bin/lambda-promote")"
  bin_gz="$(layer_size usr/local/bin/lambda-promote)"
  tree_raw="$(du -sb --exclude=./proc "$rootfs" | cut -f1)"
  tree_gz="$(layer_size .)"
  printf 'binary layer: %s bytes (%s MiB) uncompressed, %s bytes (%s MiB) compressed\n' \
    "$bin_raw" "$(mib "$bin_raw")" "$bin_gz" "$(mib "$bin_gz")"
  printf 'whole tree:   %s bytes (%s MiB) uncompressed, %s bytes (%s MiB) compressed\n' \
    "$tree_raw" "$(mib "$tree_raw")" "$tree_gz" "$(mib "$tree_gz")"
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

start_moto() {
  say "moto"
  python="$(dirname "$("$root/scripts/dev/ensure-moto.sh")")/python"
  launch_moto "$work/moto.log"
  moto_pid="$moto_server_pid"
  "$python" "$root/scripts/dev/seed.py" --endpoint "$moto_url" --region "$region" --docker-free-lambda \
    "$fixtures/seed.json" >"$work/seeded.json"
  distribution() {
    "$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["distributions"][sys.argv[2]]["id"])' \
      "$work/seeded.json" "$1"
  }
  echo "moto on $moto_url"
}

# start_container NAME CONTRACT EVENT_NAME REF [VAR=VALUE ...]: starts the binary in its
# namespaces in the background; sets `dir` and `container_pid` (the `unshare` on the host).
start_container() {
  local name="$1" contract="$2" event_name="$3" ref="$4"
  shift 4
  dir="$work/$name"
  mkdir -p "$dir"/{workspace/.github,file_commands,workflow,home}
  cp "$contract" "$dir/workspace/.github/lambda-promote.yml"
  printf '{"ref": "%s"}\n' "$ref" >"$dir/workflow/event.json"
  # The runner's file-command names: set_output_<uuid>, step_summary_<uuid>, …
  local id=0b5c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d f
  for f in set_output set_env add_path save_state step_summary; do
    : >"$dir/file_commands/${f}_$id"
  done
  output_file="$dir/file_commands/set_output_$id"
  local vars=(
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt
    HOME=/github/home
    INPUT_COMMAND= INPUT_CONTRACT=.github/lambda-promote.yml INPUT_ENVIRONMENT=
    INPUT_IMAGE= INPUT_TO-VERSION= INPUT_DRY-RUN=false INPUT_TIMEOUT=15m
    INPUT_GITHUB-TOKEN=ghs_container_test_not_real INPUT_PR-COMMENT=false
    INPUT_GITHUB-DEPLOYMENT=false
    GITHUB_ACTIONS=true CI=true
    GITHUB_WORKSPACE=/github/workspace
    GITHUB_EVENT_NAME="$event_name" GITHUB_EVENT_PATH=/github/workflow/event.json
    GITHUB_REF="$ref" GITHUB_SHA=0123456789abcdef0123456789abcdef01234567
    GITHUB_REPOSITORY=octo-org/worker GITHUB_RUN_ID=1 GITHUB_SERVER_URL=https://github.com
    GITHUB_API_URL=http://127.0.0.1:9
    GITHUB_OUTPUT="/github/file_commands/set_output_$id"
    GITHUB_ENV="/github/file_commands/set_env_$id"
    GITHUB_PATH="/github/file_commands/add_path_$id"
    GITHUB_STATE="/github/file_commands/save_state_$id"
    GITHUB_STEP_SUMMARY="/github/file_commands/step_summary_$id"
    AWS_ENDPOINT_URL="$moto_url" AWS_REGION="$region"
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_EC2_METADATA_DISABLED=true
    "$@"
  )
  local as_root=()
  ((EUID == 0)) || as_root=(--user --map-root-user)
  say "container $name: $event_name $ref"
  unshare "${as_root[@]}" --mount --propagation private --pid --fork --kill-child \
    bash "$root/scripts/dev/container-test.sh" --pid1 "$rootfs" "$dir" "${vars[@]}" \
    >"$dir/stdout" 2>"$dir/stderr" &
  container_pid=$!
}

# finish_container: waits for it; sets `code`; prints its output and outputs.
finish_container() {
  set +e
  wait "$container_pid"
  code=$?
  set -e
  sed 's/^/  | /' "$dir/stdout" "$dir/stderr"
  echo "exit code: $code"
}

# output NAME: one output the binary wrote to the runner's GITHUB_OUTPUT file.
# The runner's syntax: `NAME=VALUE`, or `NAME<<DELIMITER`, the value's lines, `DELIMITER`.
output() {
  awk -v name="$1" '
    want && $0 == delim { exit }
    want { print; next }
    index($0, name "<<") == 1 { delim = substr($0, length(name) + 3); want = 1; next }
    index($0, name "=") == 1 { print substr($0, length(name) + 2); exit }
  ' "$output_file"
}

# pid1_of HOST_PID: the host pid of the namespace's PID 1, once it runs the binary.
pid1_of() {
  local child="" waited=0
  while ((waited < 100)); do
    child="$(cat "/proc/$1/task/$1/children" 2>/dev/null | awk '{print $1}')"
    if [[ -n "$child" && "$(readlink "/proc/$child/exe" 2>/dev/null)" == */lambda-promote ]]; then
      echo "$child"
      return 0
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
  echo "container-test: the binary did not start (or ended at once); what it printed:" >&2
  sed 's/^/  | /' "$dir/stdout" "$dir/stderr" >&2
  return 1
}

alias_state() {
  "$python" "$root/scripts/dev/lambda_state.py" --endpoint "$moto_url" --region "$region" worker-prod |
    "$python" -c 'import json,sys; a=json.load(sys.stdin)["worker-prod"]["aliases"]["live"]; print(a["version"], json.dumps(a.get("weights") or {}, sort_keys=True))'
}

validate_inside() {
  start_container validate "$fixtures/lambda-promote.yml" push refs/heads/main \
    INPUT_COMMAND=validate \
    "CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-dev)" \
    "STAGING_CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-staging)" \
    "PROD_CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-prod)" \
    AURORA_HOST=aurora-dev.cluster.example.internal WORKER_FUNCTION_NAME=worker-dev
  # No PID 1 check here: validate ends in tens of milliseconds, before a poll can see it
  # (the canary below, which runs until its signal, checks it).
  finish_container
  check "validate exit code" 0 "$code"
  check "validate result" success "$(output result)"
  check "job summary written to the mounted file" yes \
    "$([[ -s "$dir/file_commands/step_summary_0b5c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d" ]] && echo yes)"
}

canary_sigterm_inside() {
  sed 's/^ *interval: 5m/        interval: 10m/; /smoke-test:/,/payload:/d; /keep-versions:/,$d' \
    "$fixtures/lambda-promote.yml" >"$work/canary.yml"
  # production takes `image: input` here, so the canary deploys worker:v2 over v1.
  sed -i 's/image: { from: staging }/image: input/' "$work/canary.yml"
  local before
  before="$(alias_state)"
  # The 10m steps keep the alias split until the signal; a `timeout` shorter than the canary
  # (2 × (10m + 2m of late metrics)) is refused before any write, so give it room.
  start_container canary "$work/canary.yml" push refs/tags/v1.0.0 \
    "INPUT_IMAGE=123456789012.dkr.ecr.$region.amazonaws.com/worker:v2" INPUT_TIMEOUT=60m \
    "PROD_CLOUDFRONT_DISTRIBUTION_ID=$(distribution app-prod)"
  local pid1 state waited=0
  pid1="$(pid1_of "$container_pid")"
  check "the binary is PID 1 of its PID namespace" 1 \
    "$(awk '/^NSpid:/ {print $NF}' "/proc/$pid1/status" 2>/dev/null)"
  # Wait until the alias splits traffic (the first canary step), then cancel.
  while state="$(alias_state)"; [[ "$state" == *"{}" ]]; do
    sleep 0.2
    waited=$((waited + 1))
    if ((waited > 300)); then
      echo "FAILED: the canary never split traffic" >&2
      failures=$((failures + 1))
      break
    fi
  done
  echo "alias during the canary: $state; sending SIGTERM to PID 1 (host pid $pid1)"
  kill -TERM "$pid1"
  finish_container
  check "cancelled canary exit code" 143 "$code"
  check "cancelled canary result" rolled-back "$(output result)"
  check "rolled-back output" true "$(output rolled-back)"
  check "alias restored (version, no routing)" "$before" "$(alias_state)"
}

main() {
  build_release
  fetch_debs
  make_rootfs
  report_sizes
  if [[ "${1:-}" == "--sizes-only" ]]; then
    return 0
  fi
  start_moto
  validate_inside
  canary_sigterm_inside
  say "container-test: $([[ $failures == 0 ]] && echo 'every check passed' || echo "$failures check(s) failed")"
  [[ $failures == 0 ]]
}

main "$@"
