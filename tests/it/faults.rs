//! Faults moto cannot show, injected by the proxy between the binary and moto: a signal
//! before any write, a concurrent run's alias change (412), slow and failed updates, an
//! unhandled smoke-test error, and throttling/5xx across many runs — every run ends with the
//! alias on the intended version or untouched, never half-moved.

use crate::support::{Action, FUNCTION, Fault, Match, Rule, SMOKE, Stage, canary};
use std::time::Duration;

#[test]
fn sigint_before_any_write_stops_cleanly() {
    let stage = Stage::start(11);
    // Another update holds the function: the run waits before writing anything.
    stage
        .proxy
        .add(Rule::new(Match::op("GetFunction"), Action::hold(600, None)));
    let running = stage.promote("v2", "").spawn();
    stage.wait_for("GetFunction", 4);
    running.signal("INT");
    let r = running.wait();
    r.assert_code(130);
    stage.assert_alias("1");
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), 0);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    assert_eq!(r.output("rolled-back"), Some("false"));
    let error = r.error();
    assert!(
        error.contains("SIGINT") && error.contains("not moved"),
        "{error}"
    );
}

/// A promotion whose `when` write Lambda refuses as a stale revision: it fails naming the
/// other run, leaves the alias on version 1, and returns the stage and the error.
fn refused_as_stale(seed: u64, when: Match) -> (Stage, String) {
    let stage = Stage::start(seed);
    stage
        .proxy
        .add(Rule::new(when, Action::Fail(Fault::revision_conflict())));
    let r = stage.promote("v2", "").execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    let error = r.error();
    assert!(error.contains("another run changed it"), "{error}");
    stage.assert_alias("1");
    (stage, error)
}

#[test]
fn a_revision_conflict_on_the_alias_is_not_overwritten() {
    let alias = Match::op("UpdateAlias").path("/functions/worker/aliases/live");
    let (stage, error) = refused_as_stale(12, alias);
    assert!(error.contains("not overwriting"), "{error}");
    // One refused write, no retry and no "restore" over the other run's change.
    assert_eq!(stage.proxy.count("UpdateAlias"), 1);
}

#[test]
fn a_slow_update_is_waited_for_and_noticed_within_a_second() {
    let stage = Stage::start(13);
    stage.proxy.add(
        Rule::new(Match::op("GetFunction"), Action::hold(3, None)).after("UpdateFunctionCode"),
    );
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    stage.assert_alias("2");
    let polls: Vec<_> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "GetFunction")
        .collect();
    let held_from = polls
        .iter()
        .find(|s| s.update_status.as_deref() == Some("InProgress"))
        .expect("the proxy held the update")
        .at;
    let noticed = polls
        .iter()
        .find(|s| s.at > held_from && s.update_status.as_deref() == Some("Successful"))
        .expect("completion noticed")
        .at;
    let lag = noticed.duration_since(held_from + Duration::from_secs(3));
    assert!(
        lag < Duration::from_secs(1),
        "noticed {lag:?} after completion"
    );
}

#[test]
fn a_failed_update_is_reported_with_its_reason() {
    let stage = Stage::start(14);
    stage.proxy.add(
        Rule::new(
            Match::op("GetFunction"),
            Action::hold(
                1,
                Some("Lambda was unable to pull the image: access denied"),
            ),
        )
        .after("UpdateFunctionCode"),
    );
    let r = stage.promote("v2", "").execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    let error = r.error();
    assert!(error.contains("unable to pull the image"), "{error}");
    assert_eq!(stage.proxy.count("PublishVersion"), 0);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    stage.assert_alias("1");
}

#[test]
fn an_unhandled_smoke_test_error_leaves_the_alias_untouched() {
    let stage = Stage::start(15);
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::unhandled()));
    let r = stage.promote("v2", SMOKE).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    let error = r.error();
    assert!(error.contains("Unhandled"), "{error}");
    assert_eq!(stage.proxy.count("Invoke"), 1);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    stage.assert_alias("1");
}

/// Throttling and 5xx on `share` of all requests, picked by the stage's seeded RNG.
fn storm(stage: &Stage, share: f64) {
    stage.proxy.add(
        Rule::new(
            Match::any(),
            Action::FailOneOf(vec![Fault::Throttle, Fault::ServerError]),
        )
        .share(share),
    );
}

/// `runs` promotions alternating v2 and v1 with `extra`; each must end with the alias on the
/// intended image (exit 0) or where it was (exit not 0), never with routing left on it.
fn alternate(stage: &Stage, runs: usize, extra: &str, timeout: u64) -> Vec<String> {
    let mut outcomes = Vec::new();
    for run in 0..runs {
        let before = stage.aws.alias(FUNCTION, "live");
        let tag = if run % 2 == 0 { "v2" } else { "v1" };
        let r = stage
            .promote(tag, extra)
            .timeout(Duration::from_secs(timeout))
            .execute();
        let result = r.output("result").unwrap_or("none").to_owned();
        let after = stage.aws.alias(FUNCTION, "live");
        assert!(
            after.weights.is_empty(),
            "run {run} ({result}) left routing on the alias: {after:?}"
        );
        if result == "success" || result == "no-op" {
            r.assert_code(0);
            assert_eq!(
                stage.aws.digest_of(FUNCTION, &after.version),
                stage.digest(tag),
                "run {run} ({result}) left the alias on another image"
            );
            if result == "success" {
                assert_eq!(r.output("version"), Some(after.version.as_str()));
            }
        } else {
            assert_ne!(r.code, Some(0), "run {run}: {result} with exit 0");
            assert_eq!(
                after.version, before.version,
                "run {run} ({result}) failed but moved the alias: {}",
                r.stderr
            );
        }
        outcomes.push(result);
    }
    outcomes
}

#[test]
fn throttling_and_5xx_on_a_fifth_of_requests_never_leave_a_mixed_state() {
    const RUNS: usize = 30;
    let stage = Stage::start(16);
    storm(&stage, 0.2);
    let outcomes = alternate(&stage, RUNS, SMOKE, 90);
    let injected = stage.proxy.log().iter().filter(|s| s.injected).count();
    let total = stage.proxy.log().len();
    let succeeded = outcomes.iter().filter(|o| *o == "success").count();
    eprintln!(
        "{succeeded}/{RUNS} promoted; {injected} of {total} requests failed by the proxy; {outcomes:?}"
    );
    assert!(
        injected * 100 >= total * 12,
        "{injected} of {total} injected"
    );
    // The SDK's bounded retries absorb most faults.
    assert!(succeeded >= RUNS * 2 / 3, "{outcomes:?}");
}

#[test]
fn heavy_faults_during_canaries_end_promoted_or_restored() {
    // A third of all requests fail, Logs reads included: some runs give up, and each must
    // then leave the alias where it was, with no routing.
    let stage = Stage::start(17);
    storm(&stage, 0.33);
    let outcomes = alternate(&stage, 6, &canary("[50]", "1s"), 120);
    eprintln!("{outcomes:?}");
    assert!(outcomes.iter().any(|o| o == "success"), "{outcomes:?}");
}

#[test]
fn a_revision_conflict_on_publish_stops_before_the_alias() {
    let (stage, _) = refused_as_stale(18, Match::op("PublishVersion"));
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
}

#[test]
fn an_update_in_progress_elsewhere_is_waited_out() {
    let stage = Stage::start(19);
    // Another writer's update holds the function once: Lambda answers 409.
    stage.proxy.add(
        Rule::new(
            Match::op("UpdateFunctionCode"),
            Action::Fail(Fault::status(
                409,
                "ResourceConflictException",
                "The operation cannot be performed at this time. An update is in progress.",
            )),
        )
        .times(1),
    );
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), 2);
    stage.assert_alias("2");
}

#[test]
fn sigterm_during_the_code_update_is_reported_and_moves_nothing() {
    let stage = Stage::start(17);
    // Our own update stays in progress: the signal arrives while the run waits for it.
    stage.proxy.add(
        Rule::new(Match::op("GetFunction"), Action::hold(600, None)).after("UpdateFunctionCode"),
    );
    let running = stage.promote("v2", "").spawn();
    stage.wait_for("UpdateFunctionCode", 1);
    running.signal("TERM");
    let r = running.wait();
    r.assert_code(143);
    assert_eq!(stage.proxy.count("PublishVersion"), 0);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    stage.assert_alias("1");
    assert_eq!(r.output("rolled-back"), Some("false"));
    // The update that did happen is in the report, not left unsaid.
    let report = r.report();
    let steps = r.steps();
    assert!(steps.contains("update-code"), "{steps}");
    assert!(steps.contains("cancelled while waiting"), "{steps}");
    let error = report["error"].to_string();
    assert!(
        error.contains("SIGTERM") && error.contains("not moved"),
        "{error}"
    );
}
