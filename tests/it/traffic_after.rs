//! An all-at-once promotion reads what invokes its functions beside its writes (README,
//! "Fleets"): there `traffic-bypasses-alias` is a warning that stops nothing, so its two
//! `GetPolicy` per function need not hold back the first write. A canary's stay before it,
//! where the finding stops the run. Every `GetPolicy` is held at the proxy to tell the two apart.
//! Where nothing is written (a no-op, a drift stop) the reads run once, before the run ends.

use crate::preflight::bypass_everything;
use crate::support::{Action, Fault, Match, Rule, Stage, canary};
use std::time::{Duration, Instant};

/// Holds every `GetPolicy` answer for `secs` seconds.
fn slow_policies(stage: &Stage, secs: u64) {
    stage.proxy.add(Rule::new(
        Match::op("GetPolicy"),
        Action::Delay(Duration::from_secs(secs)),
    ));
}

/// When the first `op` arrived, and when the last `GetPolicy` was answered.
fn first_and_last_policy(stage: &Stage, op: &str) -> (Instant, Instant) {
    let log = stage.proxy.log();
    let first = log.iter().find(|s| s.op == op).map(|s| s.at);
    let policy = log
        .iter()
        .filter(|s| s.op == "GetPolicy")
        .map(|s| s.done)
        .max();
    (
        first.expect("no such request"),
        policy.expect("no GetPolicy"),
    )
}

#[test]
fn an_all_at_once_promotion_writes_while_its_traffic_reads_run_and_reports_them() {
    let stage = Stage::start(2320);
    bypass_everything(&stage);
    slow_policies(&stage, 3);
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    stage.assert_alias("2");
    let (update, policy) = first_and_last_policy(&stage, "UpdateFunctionCode");
    assert!(update < policy, "the update waited for the policy reads");
    // The three triggers are still reported, as warnings, in the promotion's report.
    let traffic = traffic_findings(&r);
    assert_eq!(traffic.len(), 3, "{traffic:#?}");
    assert!(
        traffic.iter().all(|f| f["status"] == "warning"),
        "{traffic:#?}"
    );
}

#[test]
fn control_a_canary_reads_its_triggers_before_the_first_write() {
    let stage = Stage::start(2321);
    slow_policies(&stage, 2);
    let r = stage.promote("v2", &canary("[50]", "1s")).execute();
    r.assert_code(0);
    let (update, policy) = first_and_last_policy(&stage, "UpdateFunctionCode");
    assert!(policy <= update, "a canary wrote before its traffic check");
}

#[test]
fn a_failed_promotion_does_not_wait_for_its_traffic_reads_and_says_so() {
    let stage = Stage::start(2322);
    slow_policies(&stage, 30);
    stage.proxy.add(Rule::new(
        Match::op("PublishVersion"),
        Action::Fail(Fault::status(
            400,
            "InvalidParameterValueException",
            "refused by the test",
        )),
    ));
    let started = Instant::now();
    let r = stage.promote("v2", "").execute();
    r.assert_code(1);
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "the run waited {:?} for its policy reads",
        started.elapsed()
    );
    stage.assert_alias("1");
    let notices = r.report()["notices"].to_string();
    assert!(
        notices.contains("traffic check (`traffic-bypasses-alias`) did not finish"),
        "{notices}"
    );
}

/// The `traffic-bypasses-alias` findings of a run's report.
fn traffic_findings(r: &crate::support::RunResult) -> Vec<serde_json::Value> {
    let findings = r.report()["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    findings
        .into_iter()
        .filter(|f| f["code"] == "traffic-bypasses-alias")
        .collect()
}

#[test]
fn a_dry_run_with_nothing_to_do_reports_each_trigger_once() {
    // A dry run reads the triggers before its plan, as `validate` does; the no-op path,
    // which reads what a promotion would read beside its writes, must not read them again.
    let stage = Stage::start(2323);
    bypass_everything(&stage);
    let r = stage.promote("v1", "").input("dry-run", "true").execute();
    r.assert_code(0);
    assert_eq!(traffic_findings(&r).len(), 3, "{:#?}", traffic_findings(&r));
    assert_eq!(stage.proxy.count("GetPolicy"), 2);
}

#[test]
fn an_all_at_once_promotion_stopped_by_drift_still_reports_its_traffic() {
    // Nothing is written on drift, so the reads that would have run beside the writes run
    // now: the report says all that a fix needs, as `validate`'s would.
    let stage = Stage::start(2324);
    bypass_everything(&stage);
    let r = stage
        .promote("v2", "    checks:\n      - log-group: /custom/absent\n")
        .execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("drift"));
    assert_eq!(traffic_findings(&r).len(), 3, "{:#?}", traffic_findings(&r));
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), 0);
    stage.assert_alias("1");
}
