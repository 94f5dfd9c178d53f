//! The canary's other gates and warm-up, through the binary: alarms (one entering ALARM
//! rolls back, one already firing is reported and does not block unless told), the linear
//! strategy, the post-traffic check, provisioned concurrency READY on the new version
//! before any traffic, and a SnapStart version waited on until Active.

use crate::support::{Action, Match, Realism, Rule, Stage, canary};
use aws_sdk_cloudwatch::types::StateValue;
use std::time::Duration;

fn with_alarms(interval: &str, extra: &str) -> String {
    format!(
        "{}        alarms: [worker-errors]\n{extra}",
        canary("[50]", interval)
    )
}

#[test]
fn an_alarm_that_starts_firing_rolls_back() {
    let stage = Stage::start(301);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    let running = stage.promote("v2", &with_alarms("20s", "")).spawn();
    assert!(
        stage
            .proxy
            .wait_for("UpdateAlias", 1, Duration::from_secs(60))
    );
    stage.aws.set_alarm("worker-errors", StateValue::Alarm);
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
    let error = r.report()["error"].to_string();
    assert!(
        error.contains("alarm worker-errors entered ALARM"),
        "{error}"
    );
    assert!(stage.proxy.count("DescribeAlarms") >= 2);
}

#[test]
fn an_alarm_already_firing_is_reported_and_does_not_block() {
    let stage = Stage::start(302);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Alarm);
    let r = stage.promote("v2", &with_alarms("1s", "")).execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    stage.assert_alias("2");
    let warnings = r.report()["warnings"].to_string();
    assert!(warnings.contains("already in ALARM"), "{warnings}");
}

#[test]
fn block_on_firing_stops_before_any_traffic() {
    let stage = Stage::start(303);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Alarm);
    let block = with_alarms("1s", "        block-on-firing: true\n");
    let r = stage.promote("v2", &block).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    assert_eq!(stage.proxy.count("UpdateAlias"), 0, "no traffic moved");
    stage.assert_alias("1");
}

#[test]
fn an_unknown_alarm_fails_closed_before_any_traffic() {
    let stage = Stage::start(304);
    let r = stage.promote("v2", &with_alarms("1s", "")).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    let error = r.report()["error"].to_string();
    assert!(error.contains("worker-errors"), "{error}");
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
}

#[test]
fn linear_steps_route_each_share_in_turn() {
    let stage = Stage::start(305);
    let block = "    strategy:\n      linear: { step: 40, interval: 1s }\n";
    let r = stage.promote("v2", block).execute();
    r.assert_code(0);
    stage.assert_alias("2");
    let writes: Vec<String> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "UpdateAlias")
        .map(|s| s.body)
        .collect();
    assert_eq!(writes.len(), 3, "{writes:#?}");
    assert!(writes[0].contains("\"2\":0.4"), "{}", writes[0]);
    assert!(writes[1].contains("\"2\":0.8"), "{}", writes[1]);
    assert!(!writes[2].contains("\"2\":"), "{}", writes[2]);
}

#[test]
fn a_post_traffic_failure_rolls_back() {
    let stage = Stage::start(306);
    stage.proxy.add(Rule::new(
        Match::op("Invoke"),
        Action::AddHeader("X-Amz-Function-Error".into(), "Unhandled".into()),
    ));
    let block = "    post-traffic:\n      payload: '{\"check\": true}'\n";
    let r = stage.promote("v2", block).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
    let invoke = stage
        .proxy
        .log()
        .into_iter()
        .find(|s| s.op == "Invoke")
        .expect("the post-traffic invoke");
    let first_write = stage
        .proxy
        .log()
        .into_iter()
        .find(|s| s.op == "UpdateAlias");
    assert!(
        first_write.is_some_and(|w| w.done <= invoke.at),
        "after 100%"
    );
    let error = r.report()["error"].to_string();
    assert!(
        error.contains("post-traffic check of alias live"),
        "{error}"
    );
}

#[test]
fn provisioned_concurrency_is_ready_on_the_new_version_before_any_traffic() {
    let stage = Stage::start(307);
    stage
        .proxy
        .model(Realism::new().allocation_takes(Duration::from_secs(2)));
    stage
        .proxy
        // On the version the alias serves: Lambda refuses weights on an alias with its own
        // (SPEC §10; `preflight.rs` shows the refusal).
        .with_model(|m| m.provisioned("worker", "1", 5));
    let r = stage.promote("v2", &canary("[50]", "1s")).execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    let (amount, _, ready_at) = stage
        .proxy
        .with_model(|m| m.provisioned_config("worker", "2"))
        .expect("the new version got provisioned concurrency");
    assert_eq!(amount, 5);
    let first_write = stage
        .proxy
        .log()
        .into_iter()
        .find(|s| s.op == "UpdateAlias")
        .expect("traffic moved");
    let ready_at = ready_at.expect("allocation time");
    assert!(ready_at <= first_write.at, "traffic moved before READY");
    let steps = r.report()["promotion"]["functions"][0]["steps"].to_string();
    assert!(steps.contains("provisioned-concurrency"), "{steps}");
}

#[test]
fn a_snapstart_version_is_waited_on_until_active() {
    let stage = Stage::start(308);
    stage.proxy.model(Realism::new());
    stage
        .proxy
        .with_model(|m| m.snapstart("worker", Duration::from_secs(2)));
    let block = "    smoke-test:\n      payload: '{\"smoke\": true}'\n";
    let r = stage.promote("v2", block).execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    let steps = r.report()["promotion"]["functions"][0]["steps"].to_string();
    assert!(steps.contains("wait-active"), "{steps}");
}
