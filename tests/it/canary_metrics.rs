//! Canary verdicts from the per-version metrics, through the binary against moto's
//! CloudWatch (seeded with the `ExecutedVersion` dimension as Lambda publishes it) behind the
//! fault proxy: a worse new version rolls back, equal ones pass, low traffic is
//! inconclusive and ends as configured, and unreadable metrics fail closed.

use crate::support::{Action, Fault, Match, Rule, Stage, Traffic, canary};
use std::time::Duration;

/// A canary block with `metrics:` lines (10-space indent) added.
fn with_metrics(steps: &str, interval: &str, metrics: &str) -> String {
    format!("{}        metrics:\n{metrics}", canary(steps, interval))
}

/// Waits for the first traffic shift, then publishes both versions' metrics.
fn seed(stage: &Stage, new: Traffic, old: Traffic) {
    assert!(
        stage
            .proxy
            .wait_for("UpdateAlias", 1, Duration::from_secs(60)),
        "the canary never started"
    );
    stage.aws.put_version_metrics("worker", "live", "2", new);
    stage.aws.put_version_metrics("worker", "live", "1", old);
}

fn records(r: &crate::support::RunResult) -> Vec<serde_json::Value> {
    r.report()["promotion"]["functions"][0]["canary"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_higher_error_rate_than_the_old_version_rolls_back() {
    let stage = Stage::start(201);
    let running = stage.promote("v2", &canary("[50]", "6s")).spawn();
    seed(&stage, Traffic::new(200.0, 40.0), Traffic::new(200.0, 1.0));
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
    let recs = records(&r);
    assert_eq!(recs[0]["verdict"], "failed", "{recs:#?}");
    let reason = recs[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("error rate is 20%"), "{reason}");
    assert_eq!(recs[0]["metrics"]["new"]["errors"], 40.0);
    assert_eq!(recs[0]["metrics"]["old"]["invocations"], 200.0);
    // Detected while the step ran, not after it: the restore came before the step's end.
    let writes: Vec<_> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "UpdateAlias")
        .collect();
    assert_eq!(writes.len(), 2, "the 50% step, then the restore");
    assert!(writes[1].at.duration_since(writes[0].done) < Duration::from_secs(6));
}

#[test]
fn equal_error_rates_pass_and_the_summary_draws_them() {
    let stage = Stage::start(202);
    let running = stage.promote("v2", &canary("[50]", "3s")).spawn();
    seed(&stage, Traffic::new(400.0, 8.0), Traffic::new(400.0, 8.0));
    let r = running.wait();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    stage.assert_alias("2");
    let recs = records(&r);
    assert_eq!(recs[0]["verdict"], "passed");
    assert_eq!(recs[0]["metrics"]["new"]["invocations"], 400.0);
    assert!(r.summary.contains("```mermaid"), "{}", r.summary);
    assert!(r.summary.contains("2% / 2%"), "{}", r.summary);
    assert!(stage.proxy.count("GetMetricData") >= 1);
}

#[test]
fn low_traffic_is_inconclusive_and_rolls_back_when_configured() {
    let stage = Stage::start(203);
    let block = with_metrics(
        "[50]",
        "2s",
        "          min-invocations: 50\n          on-inconclusive: rollback\n",
    );
    let running = stage.promote("v2", &block).spawn();
    seed(&stage, Traffic::new(5.0, 0.0), Traffic::new(5.0, 0.0));
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
    let recs = records(&r);
    assert_eq!(recs[0]["verdict"], "inconclusive", "{recs:#?}");
    let error = r.report()["error"].to_string();
    assert!(error.contains("on-inconclusive is rollback"), "{error}");
    // The step was extended twice before it gave up: three intervals and the lag.
    assert!(
        recs[0]["duration_ms"].as_u64().unwrap_or(0) >= 6_000,
        "{recs:#?}"
    );
}

#[test]
fn low_traffic_is_inconclusive_and_promotes_by_default() {
    let stage = Stage::start(204);
    let block = with_metrics("[50]", "1s", "          min-invocations: 50\n");
    let running = stage.promote("v2", &block).spawn();
    seed(&stage, Traffic::new(5.0, 0.0), Traffic::new(5.0, 0.0));
    let r = running.wait();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    stage.assert_alias("2");
    assert_eq!(records(&r)[0]["verdict"], "inconclusive");
}

#[test]
fn an_unreadable_metric_fails_closed() {
    let stage = Stage::start(205);
    stage.proxy.add(Rule::new(
        Match::op("GetMetricData"),
        Action::Fail(Fault::status(
            400,
            "AccessDeniedException",
            "User is not authorized to perform: cloudwatch:GetMetricData",
        )),
    ));
    let r = stage.promote("v2", &canary("[50]", "2s")).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
    let error = r.report()["error"].to_string();
    assert!(error.contains("failing closed"), "{error}");
    assert!(error.contains("cloudwatch:GetMetricData"), "{error}");
    assert_eq!(records(&r)[0]["verdict"], "aborted");
}

#[test]
fn metrics_off_reads_none() {
    let stage = Stage::start(206);
    let block = format!("{}        metrics: off\n", canary("[50]", "1s"));
    let r = stage.promote("v2", &block).execute();
    r.assert_code(0);
    assert_eq!(stage.proxy.count("GetMetricData"), 0);
}
