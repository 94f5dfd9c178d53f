//! The canary strategy against moto behind the fault proxy: steps, per-version error
//! counting, rollback on errors, timeout and SIGTERM, failing closed on unreadable logs, and
//! no overwrite of another run's alias. Intervals are seconds; the logic does not depend on it.

use crate::support::{Action, Fault, Match, Rule, Stage, canary};
use std::time::{Duration, Instant};

#[test]
fn two_steps_then_the_whole_alias() {
    let stage = Stage::start(1);
    let r = stage.promote("v2", &canary("[10, 50]", "2s")).execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    assert_eq!(r.output("version"), Some("2"));
    stage.assert_alias("2");
    let records = r.canary_records();
    let percents: Vec<u64> = records
        .iter()
        .map(|c| c["percent"].as_u64().expect("percent"))
        .collect();
    assert_eq!(percents, vec![10, 50], "{records:#?}");
    assert!(r.summary.contains("10"), "{}", r.summary);
    // Each step routed its share of the alias, then the last write cleared the routing.
    let writes: Vec<String> = stage.alias_writes().into_iter().map(|s| s.body).collect();
    assert_eq!(writes.len(), 3, "{writes:#?}");
    assert!(writes[0].contains("\"2\":0.1"), "{}", writes[0]);
    assert!(writes[1].contains("\"2\":0.5"), "{}", writes[1]);
    assert!(!writes[2].contains("\"2\":"), "{}", writes[2]);
}

#[test]
fn errors_of_the_new_version_roll_back_before_the_next_step_within_one_poll() {
    let stage = Stage::start(2);
    // 8 s steps: polls every 0.8 s.
    let running = stage.promote("v2", &canary("[10, 50]", "8s")).spawn();
    stage.wait_canary_started();
    stage.log("2", "0a1b2c", &["INFO fine", "ERROR boom <b>escaped</b>"]);
    let written = Instant::now();
    let r = running.wait();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");

    let records = r.canary_records();
    assert_eq!(
        records.len(),
        1,
        "rolled back before the 50% step: {records:#?}"
    );
    assert_eq!(records[0]["verdict"], "failed");
    assert_eq!(records[0]["errors"], 1);
    let first = records[0]["first_errors"].to_string();
    assert!(first.contains("ERROR boom"), "{first}");
    assert!(r.summary.contains("ERROR boom"), "{}", r.summary);
    assert!(
        !r.summary.contains("<b>"),
        "error lines are escaped: {}",
        r.summary
    );

    let writes = stage.alias_writes();
    assert_eq!(
        writes.len(),
        2,
        "the 10% step, then the restore: {writes:#?}"
    );
    assert!(writes.iter().all(|w| !w.body.contains("0.5")));
    let restored = writes[1].done;
    // The first poll after the write saw it: at most one error count and one count of the
    // events examined between the write and the restore.
    let polls = stage
        .proxy
        .log()
        .iter()
        .filter(|s| s.op == "FilterLogEvents" && s.at > written && s.at < restored)
        .count();
    assert!(polls <= 2, "{polls} Logs reads before the rollback");
    let latency = restored.duration_since(written);
    assert!(
        latency < Duration::from_secs(4),
        "detected after {latency:?}"
    );
}

#[test]
fn errors_of_the_old_version_do_not_count() {
    let stage = Stage::start(3);
    let running = stage.promote("v2", &canary("[50]", "3s")).spawn();
    stage.wait_canary_started();
    stage.log("1", "old", &["ERROR from the old version"]);
    stage.log("2", "new", &["INFO fine"]);
    let r = running.wait();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    stage.assert_alias("2");
    let records = r.canary_records();
    assert_eq!(records[0]["errors"], 0, "{records:#?}");
    assert_eq!(records[0]["verdict"], "passed");
    assert_eq!(records[0]["events_examined"], 1, "{records:#?}");
}

#[test]
fn a_timeout_mid_canary_rolls_back() {
    let stage = Stage::start(4);
    // The canary takes at least 8s (2 × (2s + 2s for late signals)): the timeout just fits,
    // and the 3s the update takes to settle make it expire mid-canary.
    stage.slow_update(3);
    let r = stage
        .promote("v2", &canary("[10, 50]", "2s"))
        .input("timeout", "8s")
        .execute();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    let error = r.error();
    assert!(error.contains("timed out"), "{error}");
}

#[test]
fn sigterm_mid_canary_restores_the_alias_within_5_seconds() {
    let stage = Stage::start(5);
    let running = stage
        .promote("v2", &canary("[10, 50]", "60s"))
        .timeout(Duration::from_secs(60))
        .spawn();
    stage.wait_canary_started();
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    running.signal("TERM");
    let r = running.wait();
    let exited = sent.elapsed();
    r.assert_end(143, "rolled-back", true);
    stage.assert_alias("1");
    let writes = stage.alias_writes();
    assert_eq!(writes.len(), 2, "{writes:#?}");
    let restore = writes[1].done.duration_since(sent);
    assert!(
        restore < Duration::from_secs(5),
        "restored after {restore:?}"
    );
    assert!(exited < Duration::from_secs(8), "exited after {exited:?}");
    assert!(r.summary.contains("SIGTERM"), "{}", r.summary);
}

#[test]
fn a_missing_log_group_fails_closed_even_in_a_short_step() {
    // No log group: every read fails. 2 s steps poll 4 times, fewer than the failure bound,
    // so the step must not end as "no errors".
    let stage = Stage::start_with(6, false);
    let r = stage.promote("v2", &canary("[10, 50]", "2s")).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"));
    stage.assert_alias("1");
    let error = r.error();
    assert!(error.contains("failing closed"), "{error}");
    assert!(error.contains("ResourceNotFoundException"), "{error}");
}

#[test]
fn another_runs_alias_change_mid_canary_is_not_overwritten() {
    let stage = Stage::start(7);
    // The 10% write lands; the 50% write finds the alias changed by another run.
    stage.proxy.add(
        Rule::new(
            Match::op("UpdateAlias"),
            Action::Fail(Fault::revision_conflict()),
        )
        .skip(1),
    );
    let r = stage.promote("v2", &canary("[10, 50]", "2s")).execute();
    r.assert_end(1, "failed", false);
    let error = r.error();
    assert!(error.contains("another run changed it"), "{error}");
    assert_eq!(
        stage.alias_writes().len(),
        2,
        "no restore over the other run's change"
    );
}

#[test]
fn a_restore_refused_by_another_run_is_reported_as_failed() {
    let stage = Stage::start(8);
    stage.proxy.add(
        Rule::new(
            Match::op("UpdateAlias"),
            Action::Fail(Fault::revision_conflict()),
        )
        .skip(1),
    );
    // At least 6s of canary; the slow update makes the 6s timeout expire at 50%.
    stage.slow_update(3);
    let r = stage
        .promote("v2", &canary("[50]", "3s"))
        .input("timeout", "6s")
        .execute();
    r.assert_end(1, "failed", false);
    let error = r.error();
    assert!(error.contains("timed out"), "{error}");
    assert!(error.contains("another run changed it"), "{error}");
}
