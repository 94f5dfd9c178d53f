//! Failure paths that only AWS-like behaviour shows, each through the binary against the
//! proxy's realism model: a stale `Failed` update status, pruning and the rollback target,
//! the canary's reading of the new version's logs, and writes whose answer was lost.

use crate::support::{
    Action, FUNCTION, LogFormat, Lost, Match, Rule, Stage, canary, lambda_stream, now_ms,
};
use std::time::Duration;

#[test]
fn a_stale_failed_update_is_noted_and_the_promotion_goes_ahead() {
    let stage = Stage::realistic(41);
    stage.proxy.with_model(|m| {
        m.failed_before(
            FUNCTION,
            "ImageDeleted",
            "The image of the last update was deleted",
        )
    });
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    stage.assert_alias("2");
    let report = r.report();
    let steps = r.steps();
    assert!(
        steps.contains("had failed") && steps.contains("updating anyway"),
        "{steps}"
    );
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("image of the last update was deleted"),
        "{warnings}"
    );
}

#[test]
fn this_runs_failed_update_fails_and_does_not_block_the_next_run() {
    let stage = Stage::realistic(42);
    stage.proxy.with_model(|m| {
        m.fail_next_update(
            FUNCTION,
            "ImageAccessDenied",
            "Lambda cannot pull the image",
        )
    });
    let r = stage.promote("v2", "").execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    assert!(
        r.report()["error"]
            .to_string()
            .contains("cannot pull the image")
    );
    stage.assert_alias("1");
    // The status stays Failed until the next update: the next run still promotes.
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    stage.assert_alias("2");
}

#[test]
fn keep_versions_1_keeps_the_rollback_target() {
    let stage = Stage::realistic(43);
    let r = stage.promote("v2", "    keep-versions: 1\n").execute();
    r.assert_code(0);
    stage.assert_alias("2");
    assert!(
        stage
            .proxy
            .with_model(|m| m.deleted_versions(FUNCTION))
            .is_empty(),
        "version 1 is the alias's previous version"
    );
    let steps = r.report()["promotion"]["functions"][0]["steps"].to_string();
    assert!(steps.contains("nothing to prune"), "{steps}");
    let r = stage.rollback("    keep-versions: 1\n").execute();
    r.assert_code(0);
    stage.assert_alias("1");
}

#[test]
fn a_sibling_failure_restores_onto_a_version_that_still_exists() {
    let stage = Stage::start_functions(44, &[FUNCTION, "worker-b"], true);
    stage.proxy.model(crate::support::Realism::new());
    // worker-b's update ends Failed late, after worker's alias has moved.
    stage.proxy.with_model(|m| {
        m.update_takes = Duration::from_millis(300);
        m.fail_next_update(
            "worker-b",
            "ImageAccessDenied",
            "Lambda cannot pull the image",
        );
    });
    stage.proxy.add(
        Rule::new(
            Match::op("GetFunction").path("/functions/worker-b"),
            Action::hold(4, Some("Lambda cannot pull the image")),
        )
        .after("UpdateFunctionCode"),
    );
    let contract = "version: 1\nregion: us-east-1\nenvironments:\n  prod:\n    when: { branch: main }\n    \
                    image: input\n    functions: [{ name: worker }, { name: worker-b }]\n    keep-versions: 1\n";
    let r = crate::support::Run::action()
        .push_branch("main")
        .endpoint(&stage.proxy.endpoint())
        .contract_text(contract)
        .input("command", "promote")
        .input("image", &stage.image("v2"))
        .execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
    assert!(
        stage
            .proxy
            .with_model(|m| m.deleted_versions(FUNCTION))
            .is_empty()
    );
    assert!(
        !r.report()["error"]
            .to_string()
            .contains("could not restore")
    );
}

#[test]
fn a_canary_reads_streams_dated_before_the_step() {
    let stage = Stage::realistic(45);
    // PublishVersion answers a version published yesterday; an execution environment that
    // started then still serves the canary and writes to yesterday's stream.
    let yesterday = now_ms() - 86_400_000;
    stage
        .proxy
        .with_model(|m| m.published_at(FUNCTION, yesterday));
    let running = stage.promote("v2", &canary("[50]", "4s")).spawn();
    stage.wait_canary_started();
    let stream = lambda_stream("2", yesterday, "env1");
    stage.aws.put_events(
        crate::support::GROUP,
        &stream,
        &["ERROR from an old environment"],
    );
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"));
    stage.assert_alias("1");
}

#[test]
fn json_errors_in_the_functions_own_group_roll_back() {
    let stage = Stage::realistic(46);
    stage.aws.create_group("/custom/worker");
    stage
        .proxy
        .with_model(|m| m.log_to(FUNCTION, "/custom/worker", LogFormat::Json));
    // The group named in a `log-group` check, as the README asks of a function that logs
    // elsewhere through `LoggingConfig`: iam-policy grants the canary's reads there only so.
    let extra = format!(
        "{}    checks:\n      - log-group: /custom/worker\n",
        canary("[50]", "4s")
    );
    let running = stage.promote("v2", &extra).spawn();
    stage.wait_canary_started();
    let stream = lambda_stream("2", now_ms(), "json");
    stage.aws.put_events(
        "/custom/worker",
        &stream,
        &[
            r#"{"level":"INFO","message":"no ERROR here"}"#,
            r#"{"level":"ERROR","message":"boom"}"#,
        ],
    );
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"));
    let records = r.canary_records();
    assert_eq!(records[0]["errors"], 1, "{records:#?}");
    stage.assert_alias("1");
}

#[test]
fn lambdas_own_timeout_counts_as_an_error() {
    let stage = Stage::realistic(47);
    let running = stage.promote("v2", &canary("[50]", "4s")).spawn();
    stage.wait_canary_started();
    let stream = lambda_stream("2", now_ms(), "t1");
    stage.aws.put_events(
        crate::support::GROUP,
        &stream,
        &["2026-12-01T10:00:00.000Z 5f1e Task timed out after 3.00 seconds"],
    );
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"));
    stage.assert_alias("1");
}

#[test]
fn an_error_ingested_late_at_the_end_of_a_step_is_counted() {
    let stage = Stage::realistic(48);
    stage
        .proxy
        .with_model(|m| m.ingestion_delay = Duration::from_millis(1500));
    let running = stage.promote("v2", &canary("[50]", "3s")).spawn();
    stage.wait_canary_started();
    // Written just before the step ends, visible to reads only after it ended.
    std::thread::sleep(Duration::from_millis(2600));
    stage.log("2", "late", &["ERROR at the end of the step"]);
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    stage.assert_alias("1");
}

#[test]
fn a_lost_answer_to_update_alias_is_this_runs_write_not_a_conflict() {
    let stage = Stage::realistic(49);
    stage
        .proxy
        .with_model(|m| m.lose("UpdateAlias", 1, Lost::ServerError));
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    stage.assert_alias("2");
    let statuses: Vec<u16> = stage
        .proxy
        .log()
        .iter()
        .filter(|s| s.op == "UpdateAlias")
        .map(|s| s.status)
        .collect();
    // The lost answer, then the SDK's retry refused with the stale revision id.
    assert_eq!(statuses, vec![500, 412], "{statuses:?}");
    assert!(stage.proxy.count("GetAlias") >= 1, "read back");
}

#[test]
fn a_lost_answer_to_publish_version_is_this_runs_version() {
    let stage = Stage::realistic(50);
    stage
        .proxy
        .with_model(|m| m.lose("PublishVersion", 1, Lost::Reset));
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    assert_eq!(r.output("version"), Some("2"));
    stage.assert_alias("2");
    assert_eq!(
        stage.moto.versions(FUNCTION),
        vec![1, 2],
        "one version published"
    );
    let publishes: Vec<u16> = stage
        .proxy
        .log()
        .iter()
        .filter(|s| s.op == "PublishVersion")
        .map(|s| s.status)
        .collect();
    assert_eq!(publishes.last(), Some(&412), "{publishes:?}");
}

#[test]
fn a_lost_answer_mid_canary_is_recognised_and_the_canary_goes_on() {
    let stage = Stage::realistic(51);
    stage
        .proxy
        .with_model(|m| m.lose("UpdateAlias", 1, Lost::Reset));
    let r = stage.promote("v2", &canary("[50]", "2s")).execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    stage.assert_alias("2");
}
