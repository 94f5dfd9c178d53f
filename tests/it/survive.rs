//! Failure paths through the binary that moto never shows by itself (issue 9, items 5, 7
//! and 9): a call that hangs when the job is cancelled, a panic after an alias moved, a
//! duration no clock can hold, and a restore that fails.

use crate::support::{
    Action, FUNCTION, Fault, GitHubStandIn, Match, Rule, Run, RunResult, SMOKE, Stage, canary,
};
use serde_json::json;
use std::time::{Duration, Instant};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// Sends SIGTERM once `op` has been requested, and returns the result and how long the
/// binary took to exit after the signal.
fn sigterm_once(stage: &Stage, run: Run, op: &str) -> (RunResult, Duration) {
    let running = run.timeout(Duration::from_secs(90)).spawn();
    stage.wait_for(op, 1);
    std::thread::sleep(Duration::from_millis(300));
    let sent = Instant::now();
    running.signal("TERM");
    let r = running.wait();
    (r, sent.elapsed())
}

#[test]
fn sigterm_while_the_smoke_test_invoke_hangs_reports_within_seconds() {
    let stage = Stage::start(41);
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::Hang));
    let (r, exited) = sigterm_once(&stage, stage.promote("v2", SMOKE), "Invoke");
    r.assert_end(143, "failed", false);
    assert!(exited < Duration::from_secs(5), "exited after {exited:?}");
    let error = r.error();
    assert!(error.contains("SIGTERM"), "{error}");
    assert!(r.summary.contains("SIGTERM"), "{}", r.summary);
    assert_eq!(stage.proxy.count("UpdateAlias"), 0);
    stage.assert_alias("1");
}

#[test]
fn sigterm_while_a_canary_logs_read_hangs_restores_and_reports() {
    let stage = Stage::start(42);
    stage
        .proxy
        .add(Rule::new(Match::op("DescribeLogStreams"), Action::Hang).after("UpdateAlias"));
    let run = stage.promote("v2", &canary("[10, 50]", "20s"));
    let (r, exited) = sigterm_once(&stage, run, "DescribeLogStreams");
    r.assert_end(143, "rolled-back", true);
    assert!(exited < Duration::from_secs(5), "exited after {exited:?}");
    assert!(r.summary.contains("SIGTERM"), "{}", r.summary);
    stage.assert_alias("1");
}

#[test]
fn a_panic_after_the_first_canary_write_restores_and_still_reports() {
    let stage = Stage::start(43);
    let r = stage
        .promote("v2", &canary("[10, 50]", "20s"))
        .env("LAMBDA_PROMOTE_FAULT", "after-alias-write")
        .execute();
    r.assert_end(1, "rolled-back", true);
    assert_eq!(r.output("version"), Some("1"));
    let error = r.error();
    assert!(error.contains("internal error"), "{error}");
    assert!(error.contains("fault injected"), "{error}");
    assert!(r.summary.contains("internal error"), "{}", r.summary);
    // The 10% write, then the guard's restore.
    assert_eq!(stage.proxy.count("UpdateAlias"), 2);
    stage.assert_alias("1");
}

#[test]
fn a_panic_after_an_all_at_once_write_puts_the_alias_back() {
    let stage = Stage::start(44);
    let r = stage
        .promote("v2", "")
        .env("LAMBDA_PROMOTE_FAULT", "after-alias-write")
        .execute();
    r.assert_end(1, "rolled-back", true);
    assert_eq!(r.output("version"), Some("1"));
    assert_eq!(stage.proxy.count("UpdateAlias"), 2);
    stage.assert_alias("1");
}

#[test]
fn a_canary_interval_no_clock_can_hold_is_a_contract_error_before_any_aws_call() {
    let stage = Stage::start(45);
    let r = stage
        // (A bare number is refused for its missing unit first: the unit is written here.)
        .promote("v2", &canary("[10]", "99999999h"))
        .execute();
    r.assert_code(2);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("too long"), "{all}");
    assert!(all.contains("lambda-promote.yml:"), "{all}");
    assert!(all.contains("interval"), "{all}");
    assert!(stage.proxy.log().is_empty(), "{:#?}", stage.proxy.log());
}

#[test]
fn a_timeout_input_no_clock_can_hold_is_an_input_error_before_any_aws_call() {
    let stage = Stage::start(46);
    let r = stage
        .promote("v2", "")
        .input("timeout", "5124095576030431h")
        .execute();
    r.assert_code(2);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(all.contains("timeout") && all.contains("too"), "{all}");
    assert!(stage.proxy.log().is_empty(), "{:#?}", stage.proxy.log());
}

#[test]
fn a_failed_restore_names_the_alias_left_split_and_the_fix() {
    let stage = Stage::start(47);
    // The 50% write lands; every attempt of the restore fails (retried 5xx).
    stage
        .proxy
        .add(Rule::new(Match::op("UpdateAlias"), Action::Fail(Fault::ServerError)).skip(1));
    // At least 6s of canary; the slow update makes the 6s timeout expire at 50%.
    stage.slow_update(3);
    let r = stage
        .promote("v2", &canary("[50]", "3s"))
        .input("timeout", "6s")
        .execute();
    r.assert_end(1, "failed", false);
    // What the alias serves at the end: version 1, with half the traffic on 2.
    assert_eq!(r.output("version"), Some("1"));
    let alias = stage.aws.alias(FUNCTION, "live");
    assert_eq!(alias.version, "1");
    assert!(!alias.weights.is_empty(), "{alias:?}");
    let fix = "aws lambda update-alias --region us-east-1 --function-name worker --name live \
               --function-version 1 --routing-config '{\"AdditionalVersionWeights\":{}}'";
    let report = r.report();
    let left = &report["left_moved"][0];
    assert_eq!(left["function"], FUNCTION);
    assert_eq!(left["alias"], "live");
    assert_eq!(left["version"], "1");
    assert_eq!(left["fix"], fix);
    assert!(
        report["error"]
            .to_string()
            .contains("split: version 1 with 50% on version 2")
    );
    assert!(
        r.summary
            .contains("aws lambda update-alias --region us-east-1"),
        "{}",
        r.summary
    );
    assert!(r.stdout.contains(fix), "{}", r.stdout);
}

#[test]
fn sigterm_with_a_slow_github_deployment_still_reports_within_seconds() {
    let gh = GitHubStandIn::start();
    gh.answer("POST", "/repos/acme/app/deployments", 201, json!({"id": 5}));
    // The final status hangs far past the runner's kill.
    gh.mount(
        Mock::given(method("POST"))
            .and(path("/repos/acme/app/deployments/5/statuses"))
            .respond_with(
                ResponseTemplate::new(201)
                    .set_body_json(json!({"id": 1}))
                    .set_delay(Duration::from_secs(60)),
            ),
    );
    let stage = Stage::start(48);
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::Hang));
    let run = stage
        .promote("v2", SMOKE)
        .input("github-deployment", "true")
        .github(&gh.uri(), "ghs_SurviveTestToken0123456");
    let (r, exited) = sigterm_once(&stage, run, "Invoke");
    r.assert_code(143);
    assert!(exited < Duration::from_secs(5), "exited after {exited:?}");
    assert_eq!(r.output("result"), Some("failed"));
    assert!(r.stdout.contains("GitHub Deployment"), "{}", r.stdout);
}
