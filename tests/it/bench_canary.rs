//! The canary benchmark, run by `scripts/bench/canary.sh` (ignored in the suite): detection
//! latency (error written → alias restored) over repeated runs, and Logs requests per minute
//! while a canary step watches.

use crate::support::{SplitMix, Stage, canary};
use lambda_promote::duration;
use lambda_promote::promote::canary::window::poll_every;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

fn is_logs(op: &str) -> bool {
    matches!(op, "DescribeLogStreams" | "FilterLogEvents")
}

#[test]
#[ignore = "benchmark: run through scripts/bench/canary.sh"]
fn bench_canary() {
    let runs: usize = env_or("BENCH_RUNS", "10").parse().expect("BENCH_RUNS");
    let interval = env_or("BENCH_INTERVAL", "20s");
    let cost_interval = env_or("BENCH_COST_INTERVAL", "60s");
    // The README's detection figures are the binary's own latency: the model's ingestion
    // delay (1 s) would be added to every one of them.
    let stage = Stage::bare(
        100,
        "measures the binary's detection latency, not Logs' ingestion",
    );
    detection_latency(&stage, runs, &interval);
    watching_cost(&stage, &cost_interval);
}

/// Min, median and max time from an error event of the new version to the restored alias.
fn detection_latency(stage: &Stage, runs: usize, interval: &str) {
    let poll = poll_every(duration::parse(interval).expect("BENCH_INTERVAL"));
    let mut rng = SplitMix::new(42);
    let mut latencies = Vec::new();
    for run in 0..runs {
        stage.proxy.clear_log();
        let running = stage
            .promote("v2", &canary("[50]", interval))
            .timeout(Duration::from_secs(300))
            .spawn();
        stage.wait_canary_started();
        let new_version = stage.routed_version();
        // Any phase of the poll cycle, so the figures show its whole spread.
        std::thread::sleep(poll.mul_f64(1.0 + rng.unit()));
        stage.log(&new_version, &format!("bench{run}"), &["ERROR bench"]);
        let written = Instant::now();
        let r = running.wait();
        assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
        let restored = stage.alias_writes().last().expect("restore").done;
        latencies.push(restored.duration_since(written));
    }
    latencies.sort();
    let ms = |d: &Duration| d.as_millis();
    println!(
        "BENCH detection latency over {runs} runs (interval {interval}, poll {poll:?}): \
         min {} ms, median {} ms, max {} ms",
        ms(&latencies[0]),
        ms(&latencies[latencies.len() / 2]),
        ms(latencies.last().expect("runs"))
    );
}

/// Logs requests per minute of one clean step, the new version logging normally.
fn watching_cost(stage: &Stage, interval: &str) {
    stage.proxy.clear_log();
    let running = stage
        .promote("v2", &canary("[50]", interval))
        .timeout(Duration::from_secs(600))
        .spawn();
    stage.wait_canary_started();
    stage.log(&stage.routed_version(), "cost", &["INFO ok"]);
    let r = running.wait();
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    let log = stage.proxy.log();
    let writes = stage.alias_writes();
    let (from, to) = (writes[0].done, writes.last().expect("writes").at);
    let reads = log
        .iter()
        .filter(|s| is_logs(&s.op) && s.at >= from && s.at <= to)
        .count();
    let minutes = to.duration_since(from).as_secs_f64() / 60.0;
    println!(
        "BENCH Logs requests while watching one function (interval {interval}, poll {:?}): \
         {reads} in {:.1} s = {:.0} per minute",
        poll_every(duration::parse(interval).expect("BENCH_COST_INTERVAL")),
        minutes * 60.0,
        reads as f64 / minutes
    );
}
