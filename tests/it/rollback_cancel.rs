//! `rollback` cut short by a signal (issue 9, item 5): its AWS calls end soon after
//! SIGTERM, as promote's do, and the run still writes its report and exits 143. The
//! proxy holds the call open, as AWS or a network path can.

use crate::support::{Action, FUNCTION, Match, Rule, RunResult, Stage};
use std::time::{Duration, Instant};

/// Promotes v2 (alias `live` 1 → 2, recording `previous=1`), then clears the proxy's log.
fn promoted(seed: u64) -> Stage {
    let stage = Stage::start(seed);
    stage.promote("v2", "").execute().assert_code(0);
    stage.assert_alias("2");
    stage.proxy.clear_log();
    stage
}

/// Runs `rollback`, sends SIGTERM once `op` was requested, and returns the result and
/// how long the binary took to exit after the signal.
fn rollback_sigterm(stage: &Stage, op: &str) -> (RunResult, Duration) {
    let running = stage.rollback("").timeout(Duration::from_secs(90)).spawn();
    stage.wait_for(op, 1);
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    running.signal("TERM");
    let r = running.wait();
    (r, sent.elapsed())
}

#[test]
fn sigterm_while_the_rollback_alias_write_hangs_reports_within_seconds() {
    let stage = promoted(61);
    // The rollback's own write hangs; the fence that follows the signal (docs/safety.md, "Safety":
    // a write whose answer never came may have landed) gets through.
    stage
        .proxy
        .add(Rule::new(Match::op("UpdateAlias"), Action::Hang).times(1));
    let (r, exited) = rollback_sigterm(&stage, "UpdateAlias");
    r.assert_end(143, "failed", false);
    assert!(exited < Duration::from_secs(5), "exited after {exited:?}");
    let error = r.error();
    assert!(error.contains("SIGTERM"), "{error}");
    assert!(r.summary.contains("SIGTERM"), "{}", r.summary);
    // The held write never reached AWS: the alias is where the promotion left it.
    stage.assert_alias("2");
}

#[test]
fn sigterm_while_the_rollback_reads_hang_writes_nothing() {
    let stage = promoted(62);
    stage
        .proxy
        .add(Rule::new(Match::op("GetAlias"), Action::Hang));
    let (r, exited) = rollback_sigterm(&stage, "GetAlias");
    r.assert_end(143, "failed", false);
    assert!(exited < Duration::from_secs(5), "exited after {exited:?}");
    let error = r.error();
    assert!(error.contains("SIGTERM"), "{error}");
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    assert_eq!(stage.aws.alias(FUNCTION, "live").version, "2");
}
