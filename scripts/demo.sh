#!/usr/bin/env bash
# Runs the main job end to end on a local AWS emulator: the README's first command. The demo
# itself, and what it shows, is scripts/demo/run.sh.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/demo/run.sh" "$@"
