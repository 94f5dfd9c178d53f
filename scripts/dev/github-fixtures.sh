#!/usr/bin/env bash
# Regenerates tests/fixtures/github/ from the pinned npm packages: GitHub's
# example webhook payloads (@octokit/webhooks-examples) and GitHub's REST API
# description (@octokit/openapi). The packages are cached like moto
# (ensure-moto.sh): fetched once with `npm pack` into ~/.cache/lambda-promote/npm.
set -euo pipefail

WEBHOOKS_EXAMPLES=7.6.1
OPENAPI=23.0.2

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lambda-promote/npm"
mkdir -p "$cache"
unpack() { # package version -> directory
  local name="$1" version="$2"
  local dir="$cache/${name//\//-}-$version"
  if [[ ! -d "$dir/package" ]]; then
    local tgz
    tgz="$(cd "$cache" && npm pack --silent "$name@$version")"
    mkdir -p "$dir"
    tar xzf "$cache/$tgz" -C "$dir"
    rm -f "$cache/$tgz"
  fi
  echo "$dir/package"
}

hooks="$(unpack @octokit/webhooks-examples "$WEBHOOKS_EXAMPLES")"
api="$(unpack @octokit/openapi "$OPENAPI")"
out="$root/tests/fixtures/github"
python3 "$root/scripts/dev/github_fixtures.py" "$hooks" "$api" "$out"
{
  echo "The files in this directory are extracted from @octokit/webhooks-examples and"
  echo "@octokit/openapi (github.com/octokit/webhooks, github.com/octokit/openapi),"
  echo "both published under the MIT licence:"
  echo
  cat "$api/LICENSE"
} >"$out/LICENSE"
echo "@octokit/webhooks-examples@$WEBHOOKS_EXAMPLES @octokit/openapi@$OPENAPI" >"$out/VERSIONS"
