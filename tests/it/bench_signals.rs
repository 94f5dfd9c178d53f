//! `scripts/bench/canary.sh`, second part: detection latency per signal (the bad signal
//! readable → the restoring `UpdateAlias` answered) for error logs, per-version metrics and
//! an alarm, and the cost of watching: requests per minute per canary, by API, with metrics
//! and one alarm on. Ignored in the normal run; numbers, not assertions on speed.

use crate::support::{Stage, Traffic, canary};
use aws_sdk_cloudwatch::types::StateValue;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Makes a signal bad; returns once it is readable.
type Signal<'a> = dyn Fn(&Stage) + 'a;

fn block(interval: &str) -> String {
    format!(
        "{}        alarms: [worker-errors]\n",
        canary("[50]", interval)
    )
}

/// One canary made to fail by `bad`, which returns when the signal is readable.
fn latency(stage: &Stage, interval: &str, phase: Duration, bad: &dyn Fn(&Stage)) -> Duration {
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    stage.proxy.clear_log();
    let running = stage
        .promote("v2", &block(interval))
        .timeout(Duration::from_secs(300))
        .spawn();
    assert!(
        stage
            .proxy
            .wait_for("UpdateAlias", 1, Duration::from_secs(60))
    );
    std::thread::sleep(phase);
    bad(stage);
    let readable = Instant::now();
    let r = running.wait();
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    let restored = stage
        .proxy
        .log()
        .into_iter()
        .rfind(|s| s.op == "UpdateAlias")
        .expect("restore")
        .done;
    restored.duration_since(readable)
}

#[test]
#[ignore = "benchmark: scripts/bench/canary.sh"]
fn bench_canary_signals() {
    let runs: usize = env_or("BENCH_RUNS", "5").parse().expect("BENCH_RUNS");
    let interval = env_or("BENCH_INTERVAL", "20s");
    let poll = lambda_promote::promote::canary::window::poll_every(
        lambda_promote::duration::parse(&interval).expect("BENCH_INTERVAL"),
    );
    // The README's detection figures are the binary's own latency: the model's ingestion
    // delay (1 s) would be added to every one of them.
    let stage = Stage::bare(
        400,
        "measures the binary's detection latency, not Logs' ingestion",
    );
    stage.aws.create_alarm("worker-errors");
    let mut rng = crate::support::SplitMix::new(7);
    let new_version = |s: &Stage| {
        let alias = s.aws.alias(crate::support::FUNCTION, "live");
        alias.weights.keys().next().cloned().expect("a share")
    };
    let signals: [(&str, &Signal<'_>); 3] = [
        ("logs", &|s| {
            s.log(&new_version(s), "bench", &["ERROR bench"])
        }),
        ("metrics", &|s| {
            let v = new_version(s);
            s.aws
                .put_version_metrics("worker", "live", &v, Traffic::new(200.0, 60.0));
            s.aws
                .put_version_metrics("worker", "live", "1", Traffic::new(200.0, 0.0));
        }),
        ("alarms", &|s| {
            s.aws.set_alarm("worker-errors", StateValue::Alarm)
        }),
    ];
    for (name, bad) in signals {
        let mut l: Vec<Duration> = (0..runs)
            .map(|_| latency(&stage, &interval, poll.mul_f64(1.0 + rng.unit()), bad))
            .collect();
        l.sort();
        println!(
            "BENCH detection latency, {name}, over {runs} runs (interval {interval}, poll {poll:?}): \
             min {} ms, median {} ms, max {} ms",
            l[0].as_millis(),
            l[l.len() / 2].as_millis(),
            l[l.len() - 1].as_millis()
        );
    }
    cost(&stage);
}

/// Requests per minute by API while one clean step with metrics and an alarm is watched.
fn cost(stage: &Stage) {
    let interval = env_or("BENCH_COST_INTERVAL", "60s");
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    stage.proxy.clear_log();
    let r = stage
        .promote("v2", &block(&interval))
        .timeout(Duration::from_secs(900))
        .execute();
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    let log = stage.proxy.log();
    let writes: Vec<_> = log.iter().filter(|s| s.op == "UpdateAlias").collect();
    let (from, to) = (writes[0].done, writes[writes.len() - 1].at);
    let mut by_op: BTreeMap<String, usize> = BTreeMap::new();
    for s in log.iter().filter(|s| s.at >= from && s.at <= to) {
        *by_op.entry(s.op.clone()).or_default() += 1;
    }
    let minutes = to.duration_since(from).as_secs_f64() / 60.0;
    let rows: Vec<String> = by_op
        .iter()
        .map(|(op, n)| format!("{op} {:.1}/min", *n as f64 / minutes))
        .collect();
    let total: usize = by_op.values().sum();
    println!(
        "BENCH requests while one canary watches (interval {interval}, metrics and 1 alarm, {:.0} s): \
         {} — total {:.1}/min",
        minutes * 60.0,
        rows.join(", "),
        total as f64 / minutes
    );
}
