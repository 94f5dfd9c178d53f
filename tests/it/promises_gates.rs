//! README promises about the canary's gates, each through the binary against the realism
//! proxy (issue 19, item 10): an alarm already firing fails only when it leaves `ALARM` and
//! enters it again; an unreadable alarm stops the release before traffic moves; the
//! `max-throttles`, `max-latency-increase` and absolute `max-error-rate` gates.

use crate::support::{Action, Fault, Match, Rule, RunResult, Stage, Traffic, canary};
use aws_sdk_cloudwatch::types::StateValue;
use std::time::Duration;

fn with_alarm(interval: &str) -> String {
    format!(
        "{}        alarms: [worker-errors]\n",
        canary("[50]", interval)
    )
}

#[test]
fn an_alarm_already_firing_fails_the_canary_only_when_it_leaves_alarm_and_enters_again() {
    let stage = Stage::realistic(501);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Alarm);
    let running = stage.promote("v2", &with_alarm("20s")).spawn();
    stage.wait_canary_started();
    // Still in ALARM for a few polls: no rollback for that.
    std::thread::sleep(Duration::from_millis(2500));
    assert_eq!(
        stage.alias_writes().len(),
        1,
        "no rollback while it only stays in ALARM"
    );
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    std::thread::sleep(Duration::from_millis(2500));
    stage.aws.set_alarm("worker-errors", StateValue::Alarm);
    let r = running.wait();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    let error = r.error();
    assert!(
        error.contains("alarm worker-errors entered ALARM"),
        "{error}"
    );
}

#[test]
fn an_unreadable_alarm_stops_the_release_before_any_traffic_moves() {
    let stage = Stage::realistic(502);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    stage.proxy.add(Rule::new(
        Match::op("DescribeAlarms"),
        Action::Fail(Fault::status(
            400,
            "AccessDenied",
            "User is not authorized to perform: cloudwatch:DescribeAlarms",
        )),
    ));
    let r = stage.promote("v2", &with_alarm("1s")).execute();
    r.assert_end(1, "failed", false);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0, "no traffic moved");
    stage.assert_alias("1");
    let error = r.error();
    assert!(error.contains("cloudwatch:DescribeAlarms"), "{error}");
}

/// A canary whose `metrics:` block is `gate` (10-space indent), with the new and old
/// versions' traffic published once the step started; returns the run's result.
fn judged(seed: u64, gate: &str, new: Traffic, old: Traffic) -> (Stage, RunResult) {
    let stage = Stage::realistic(seed);
    let block = format!("{}        metrics:\n{gate}", canary("[50]", "6s"));
    let running = stage.promote("v2", &block).spawn();
    stage.wait_canary_started();
    stage.aws.put_version_metrics("worker", "live", "2", new);
    stage.aws.put_version_metrics("worker", "live", "1", old);
    (stage, running.wait())
}

/// The run rolled back on a failed metrics verdict whose reason says `why`.
fn assert_failed_for(stage: &Stage, r: &RunResult, why: &str) {
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    let records = r.canary_records();
    assert_eq!(records[0]["verdict"], "failed", "{records:#?}");
    let reason = records[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains(why), "{reason}");
}

#[test]
fn max_throttles_fails_a_throttled_new_version() {
    let new = Traffic {
        throttles: 3.0,
        ..Traffic::new(100.0, 0.0)
    };
    let gate = "          max-throttles: 0\n";
    let (stage, r) = judged(503, gate, new, Traffic::new(100.0, 0.0));
    assert_failed_for(&stage, &r, "throttled 3 time(s) (at most 0 allowed)");
}

#[test]
fn max_latency_increase_fails_a_slower_new_version() {
    let new = Traffic {
        duration_ms: 300.0,
        ..Traffic::new(100.0, 0.0)
    };
    let gate = "          max-latency-increase: 25%\n";
    let (stage, r) = judged(504, gate, new, Traffic::new(100.0, 0.0));
    assert_failed_for(&stage, &r, "p99 duration is 300 ms against 100 ms");
}

#[test]
fn an_absolute_max_error_rate_fails_even_when_the_old_version_is_as_bad() {
    // Both at 10 %: the increase gate passes, the absolute one does not.
    let gate = "          max-error-rate: 2%\n";
    let (stage, r) = judged(
        505,
        gate,
        Traffic::new(200.0, 20.0),
        Traffic::new(200.0, 20.0),
    );
    assert_failed_for(&stage, &r, "significantly above max-error-rate 2%");
}
