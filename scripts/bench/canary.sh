#!/usr/bin/env bash
# Canary benchmark against the emulator behind the test proxy: detection latency (an error
# event of the new version written → alias restored) over BENCH_RUNS runs, min/median/max,
# and the Logs requests per minute one canary makes while it watches; then the same per signal
# (logs, metrics, alarms) and every API's requests per minute (tests/it/bench_signals.rs).
# Env: BENCH_RUNS (10), BENCH_INTERVAL (20s: polls every 2 s), BENCH_COST_INTERVAL (60s:
# polls every 5 s, as any interval of 50 s or more does).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

scripts/dev/ensure-moto.sh >/dev/null
cargo test --quiet --test it -- --ignored --exact bench_canary::bench_canary --nocapture 2>&1 |
  grep '^BENCH' | sed 's/^BENCH /- /'
# Detection latency per signal (logs, metrics, alarms) and requests per minute by API with
# metrics and one alarm (tests/it/bench_signals.rs).
cargo test --quiet --test it -- --ignored --exact bench_signals::bench_canary_signals --nocapture 2>&1 |
  grep '^BENCH' | sed 's/^BENCH /- /'
