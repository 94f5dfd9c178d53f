#!/usr/bin/env bash
# Runs every test: installs the pinned moto emulator (once), then all Rust test targets and
# the doc tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/dev/ensure-moto.sh >/dev/null
cargo test --all-targets
# `--all-targets` skips doc tests; run them when the library has any.
if grep -rqs '^\s*//[/!].*```' src; then
  cargo test --doc
fi
