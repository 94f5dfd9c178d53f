//! The proxy's realism layer (`tests/it/support/realism/`): each modelled AWS behaviour shown
//! with direct SDK calls through the proxy, then the promotion, canary and rollback
//! scenarios run by the binary against it rather than against bare moto.

use crate::support::{Aws, FUNCTION, GROUP, LogFormat, Stage, canary, now_ms};
use std::time::Duration;

fn through(stage: &Stage) -> Aws {
    Aws::new(&stage.proxy.endpoint())
}

fn code_of<E: aws_sdk_lambda::error::ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or_default().to_owned()
}

#[test]
fn revision_ids_refuse_a_stale_write_on_functions_and_aliases() {
    let stage = Stage::realistic(31);
    let aws = through(&stage);
    let lambda = aws.lambda();
    let alias = aws
        .block(
            lambda
                .get_alias()
                .function_name(FUNCTION)
                .name("live")
                .send(),
        )
        .expect("get_alias");
    let stale = alias.revision_id().expect("alias revision").to_owned();
    let moved = aws
        .block(
            lambda
                .update_alias()
                .function_name(FUNCTION)
                .name("live")
                .description("first")
                .revision_id(&stale)
                .send(),
        )
        .expect("a fresh revision id is accepted");
    assert_ne!(
        moved.revision_id(),
        Some(stale.as_str()),
        "a new alias revision"
    );
    let err = aws
        .block(
            lambda
                .update_alias()
                .function_name(FUNCTION)
                .name("live")
                .revision_id(&stale)
                .send(),
        )
        .expect_err("a stale alias revision id is refused");
    assert_eq!(
        code_of(err.as_service_error().expect("service error")),
        "PreconditionFailedException"
    );

    let conf = aws
        .block(
            lambda
                .get_function_configuration()
                .function_name(FUNCTION)
                .send(),
        )
        .expect("configuration");
    let err = aws
        .block(
            lambda
                .publish_version()
                .function_name(FUNCTION)
                .revision_id("not-the-latest")
                .send(),
        )
        .expect_err("a stale function revision id is refused");
    assert_eq!(
        code_of(err.as_service_error().expect("service error")),
        "PreconditionFailedException"
    );
    assert!(
        conf.revision_id().is_some(),
        "functions carry a revision id"
    );
}

#[test]
fn an_update_runs_then_succeeds_and_a_failure_lingers_until_the_next_success() {
    let stage = Stage::realistic(32);
    stage.proxy.with_model(|m| {
        m.update_takes = Duration::from_millis(800);
        m.fail_next_update(
            FUNCTION,
            "ImageAccessDenied",
            "Lambda cannot pull the image",
        );
    });
    let aws = through(&stage);
    let lambda = aws.lambda();
    let status = || {
        let c = aws
            .block(
                lambda
                    .get_function_configuration()
                    .function_name(FUNCTION)
                    .send(),
            )
            .expect("configuration");
        (
            c.last_update_status().map(|s| s.as_str().to_owned()),
            c.last_update_status_reason_code()
                .map(|s| s.as_str().to_owned()),
        )
    };
    let update = || {
        aws.block(
            lambda
                .update_function_code()
                .function_name(FUNCTION)
                .image_uri(stage.image("v2"))
                .send(),
        )
        .expect("update")
    };
    let answer = update();
    assert_eq!(
        answer.last_update_status().map(|s| s.as_str()),
        Some("InProgress")
    );
    let busy = aws
        .block(lambda.publish_version().function_name(FUNCTION).send())
        .expect_err("no publish during an update");
    assert_eq!(
        code_of(busy.as_service_error().expect("service error")),
        "ResourceConflictException"
    );
    std::thread::sleep(Duration::from_millis(900));
    let failed = (
        Some("Failed".to_owned()),
        Some("ImageAccessDenied".to_owned()),
    );
    assert_eq!(status(), failed);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(status(), failed, "a failure stays until the next update");
    update();
    assert_eq!(status().0.as_deref(), Some("InProgress"));
    std::thread::sleep(Duration::from_millis(900));
    assert_eq!(status(), (Some("Successful".to_owned()), None));
}

#[test]
fn version_numbers_are_not_reused_and_an_aliased_version_is_not_deleted() {
    let stage = Stage::realistic(33);
    stage.proxy.with_model(|m| m.update_takes = Duration::ZERO);
    let aws = through(&stage);
    let lambda = aws.lambda();
    let publish = |tag: &str| {
        aws.block(
            lambda
                .update_function_code()
                .function_name(FUNCTION)
                .image_uri(stage.image(tag))
                .send(),
        )
        .expect("update");
        aws.block(lambda.publish_version().function_name(FUNCTION).send())
            .expect("publish")
            .version()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(publish("v2"), "2");
    // The error code of a delete, `None` when it succeeded.
    let delete = |v: &str| {
        aws.block(
            lambda
                .delete_function()
                .function_name(FUNCTION)
                .qualifier(v)
                .send(),
        )
        .err()
        .map(|e| code_of(e.as_service_error().expect("service error")))
    };
    assert_eq!(
        delete("1").as_deref(),
        Some("ResourceConflictException"),
        "version 1 is behind alias live"
    );
    assert_eq!(delete("2"), None, "an unaliased version is deleted");
    let gone = aws
        .block(
            lambda
                .get_function()
                .function_name(FUNCTION)
                .qualifier("2")
                .send(),
        )
        .expect_err("a deleted version is gone");
    assert_eq!(
        code_of(gone.as_service_error().expect("service error")),
        "ResourceNotFoundException"
    );
    assert_eq!(publish("v1"), "3", "number 2 is never handed out again");
    let listed = aws
        .block(
            lambda
                .list_versions_by_function()
                .function_name(FUNCTION)
                .send(),
        )
        .expect("list");
    let numbers: Vec<_> = listed
        .versions()
        .iter()
        .filter_map(|v| v.version())
        .collect();
    assert_eq!(numbers, vec!["$LATEST", "1", "3"]);
}

#[test]
fn logging_config_is_reported_and_events_are_ingested_late() {
    let stage = Stage::realistic(34);
    stage.proxy.with_model(|m| {
        m.ingestion_delay = Duration::from_millis(800);
        m.log_to(FUNCTION, "/custom/worker", LogFormat::Json);
    });
    let aws = through(&stage);
    let conf = aws
        .block(
            aws.lambda()
                .get_function_configuration()
                .function_name(FUNCTION)
                .send(),
        )
        .expect("configuration");
    let lc = conf.logging_config().expect("LoggingConfig");
    assert_eq!(lc.log_group(), Some("/custom/worker"));
    assert_eq!(lc.log_format().map(|f| f.as_str()), Some("JSON"));

    let stream = crate::support::lambda_stream("1", now_ms(), "abc");
    stage.aws.put_events(GROUP, &stream, &["INFO late"]);
    let read = || {
        aws.block(aws.logs().filter_log_events().log_group_name(GROUP).send())
            .expect("filter")
            .events()
            .iter()
            .filter(|e| e.message() == Some("INFO late"))
            .count()
    };
    assert_eq!(read(), 0, "not visible at once");
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(read(), 1, "visible after the ingestion delay");
}

#[test]
fn a_promotion_against_the_model_waits_for_the_update_and_guards_every_write() {
    let stage = Stage::realistic(35);
    let r = stage.promote("v2", "").execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    stage.assert_alias("2");
    let statuses: Vec<_> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "GetFunction")
        .filter_map(|s| s.update_status)
        .collect();
    assert!(statuses.iter().any(|s| s == "InProgress"), "{statuses:?}");
    assert_eq!(statuses.last().map(String::as_str), Some("Successful"));
    // Every write went through its revision guard: each carried a RevisionId, none was
    // refused.
    let writes: Vec<_> = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| {
            ["UpdateFunctionCode", "PublishVersion", "UpdateAlias"].contains(&s.op.as_str())
        })
        .collect();
    assert_eq!(writes.len(), 3, "{writes:#?}");
    for w in &writes {
        assert!(
            w.body.contains("\"RevisionId\""),
            "{} sent no RevisionId: {}",
            w.op,
            w.body
        );
        assert_ne!(w.status, 412, "{w:?}");
    }
}

#[test]
fn a_canary_against_the_model_promotes_or_rolls_back() {
    let stage = Stage::realistic(36);
    let r = stage.promote("v2", &canary("[50]", "2s")).execute();
    r.assert_code(0);
    stage.assert_alias("2");

    let running = stage.promote("v1", &canary("[50]", "4s")).spawn();
    stage.wait_for("UpdateAlias", 3);
    let stream = crate::support::lambda_stream("3", now_ms(), "e1");
    stage
        .aws
        .put_events(GROUP, &stream, &["ERROR in the canary"]);
    let r = running.wait();
    r.assert_end(1, "rolled-back", true);
    stage.assert_alias("2");
    // Rolled back for the error line of the new version, not for anything else.
    let records = r.canary_records();
    assert_eq!(records[0]["verdict"], "failed", "{records:#?}");
    assert_eq!(records[0]["errors"], 1, "{records:#?}");
    assert!(
        records[0]["first_errors"]
            .to_string()
            .contains("ERROR in the canary"),
        "{records:#?}"
    );
}

#[test]
fn a_rollback_against_the_model_returns_to_the_recorded_version() {
    let stage = Stage::realistic(37);
    stage.promote("v2", "").execute().assert_code(0);
    stage.assert_alias("2");
    let r = stage.rollback("").execute();
    r.assert_code(0);
    assert_eq!(r.output("rolled-back"), Some("true"));
    stage.assert_alias("1");
}

#[test]
fn a_rollback_whose_answer_was_lost_is_not_taken_for_a_conflict() {
    let stage = Stage::realistic(38);
    stage.promote("v2", "").execute().assert_code(0);
    stage
        .proxy
        .with_model(|m| m.lose("UpdateAlias", 1, crate::support::Lost::ServerError));
    let r = stage.rollback("").execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stderr);
    stage.assert_alias("1");
}
