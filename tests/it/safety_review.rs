//! Safety as a property (issue 19): the code review's findings, through the binary. The
//! provisioned concurrency order, canary Logs reads paced and retried, a throttled restore
//! after a timeout, and a fresh OIDC token for each role exchange.

use super::safety::{promote_all, writes_of};
use crate::support::accounts_world::World;
use crate::support::{Action, FUNCTION, Fault, Match, Realism, Rule, SMOKE, Stage};
use std::time::Duration;

#[test]
fn the_old_versions_provisioned_concurrency_stays_until_the_environment_succeeded() {
    // worker succeeds first; jobs' smoke test fails later: worker goes back to version 1,
    // which must still have its provisioned concurrency.
    let stage = Stage::start_functions(196, &[FUNCTION, "jobs"], false);
    let mut model = Realism::new();
    model.provisioned(FUNCTION, "1", 2);
    stage.proxy.model(model);
    stage.proxy.add(Rule::new(
        Match::op("Invoke").path("/functions/jobs/"),
        Action::Delay(Duration::from_secs(6)),
    ));
    stage.proxy.add(Rule::new(
        Match::op("Invoke").path("/functions/jobs/"),
        Action::unhandled(),
    ));
    let r = promote_all(&stage, &[FUNCTION, "jobs"], "v2", SMOKE).execute();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    assert!(!writes_of(&stage, FUNCTION).is_empty(), "worker had moved");
    let old = stage
        .proxy
        .with_model(|m| m.provisioned_config(FUNCTION, "1"));
    assert!(
        old.is_some(),
        "the old version's provisioned concurrency was released"
    );
    let new = stage
        .proxy
        .with_model(|m| m.provisioned_config(FUNCTION, "2"));
    assert!(new.is_none(), "the new version's was kept: {new:?}");
}

#[test]
fn the_new_versions_provisioned_concurrency_goes_only_after_its_alias_is_back() {
    let stage = Stage::start(197);
    let mut model = Realism::new();
    model.provisioned(FUNCTION, "1", 2);
    stage.proxy.model(model);
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::unhandled()));
    let block = "    post-traffic:\n      payload: '{\"check\": true}'\n";
    let r = stage.promote("v2", block).execute();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    let log = stage.proxy.log();
    let restore = log
        .iter()
        .filter(|s| s.op == "UpdateAlias")
        .nth(1)
        .expect("the restore");
    let removed = log
        .iter()
        .find(|s| s.op == "DeleteProvisionedConcurrencyConfig")
        .expect("the new version's configuration removed");
    assert!(
        removed.at >= restore.done,
        "removed before the alias was back"
    );
    assert!(
        stage
            .proxy
            .with_model(|m| m.provisioned_config(FUNCTION, "1"))
            .is_some()
    );
}

#[test]
fn throttled_canary_log_reads_are_retried_not_failed_closed() {
    // Five 429s in a row on the canary's Logs reads (the default pattern reads every event):
    // throttling is never a rollback (docs/choices.md, "Choices").
    let stage = Stage::start(198);
    // A stream of the version to come, so the canary reads events.
    stage.log("2", "0a1b2c", &["INFO fine"]);
    stage
        .proxy
        .add(Rule::new(Match::op("FilterLogEvents"), Action::Fail(Fault::Throttle)).times(5));
    let block = "    strategy:\n      canary:\n        steps: [50]\n        interval: 2s\n";
    let r = stage.promote("v2", block).execute();
    r.assert_end(0, "success", false);
    stage.assert_alias("2");
    let throttled = stage
        .proxy
        .log()
        .iter()
        .filter(|s| s.op == "FilterLogEvents" && s.injected)
        .count();
    assert_eq!(throttled, 5);
}

#[test]
fn a_throttled_restore_after_the_timeout_is_retried() {
    // The run's deadline passes during the canary; the restore is throttled twice, and is
    // retried within its own budget.
    let stage = Stage::start(199);
    stage.proxy.add(
        Rule::new(Match::op("UpdateAlias"), Action::Fail(Fault::Throttle))
            .skip(1)
            .times(2),
    );
    // The canary takes at least 8s (1 × (4s + 4s for late signals)): the timeout just fits,
    // and the 4s the update takes to settle make it expire mid-canary.
    stage.slow_update(4);
    let block = "    strategy:\n      canary:\n        steps: [10]\n        interval: 4s\n";
    let r = stage
        .promote("v2", block)
        .input("timeout", "9s")
        .timeout(Duration::from_secs(90))
        .execute();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("1");
    let throttled = stage.alias_writes().iter().filter(|s| s.injected).count();
    assert_eq!(throttled, 2);
}

#[test]
fn each_role_exchange_gets_a_fresh_token() {
    let w = World::start(true);
    let r = w
        .action()
        .input("command", "promote")
        .push_branch("main")
        .execute();
    r.assert_code(0);
    let exchanges = w.proxy.count("AssumeRoleWithWebIdentity");
    assert!(exchanges >= 2, "exchanges: {exchanges}");
    assert!(
        w.oidc.requests() >= exchanges,
        "{} token requests for {exchanges} exchanges",
        w.oidc.requests()
    );
}

#[test]
fn an_expired_token_gets_an_error_that_names_it() {
    let w = World::start(true);
    w.proxy.add(Rule::new(
        Match::op("AssumeRoleWithWebIdentity"),
        Action::Fail(Fault::status(
            400,
            "ExpiredTokenException",
            "Token expired: current date/time must be before the expiration date/time",
        )),
    ));
    let r = w
        .action()
        .input("command", "promote")
        .push_branch("main")
        .execute();
    r.assert_code(1);
    assert!(
        r.stderr.contains("GitHub OIDC token") && r.stderr.contains("as expired"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("needs the IAM OIDC identity provider"),
        "{}",
        r.stderr
    );
}
