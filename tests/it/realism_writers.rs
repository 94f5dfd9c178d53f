//! The realism layer's newer parts (issue 19, item 9): a SnapStart version that is not ready
//! refuses invokes as Lambda does, `PublishVersion`'s `CodeSha256` guard, each Logs API
//! throttled on its own, and a second writer that really moves the alias under a running
//! canary (not an injected 412).

use crate::support::{Aws, FUNCTION, Quotas, RequestInfo, Stage, canary};
use std::time::{Duration, Instant};

fn code_of<E: aws_sdk_lambda::error::ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or_default().to_owned()
}

#[test]
fn a_pending_snapstart_version_answers_snapstart_not_ready() {
    let stage = Stage::realistic(391);
    stage.proxy.with_model(|m| {
        m.update_takes = Duration::ZERO;
        m.snapstart(FUNCTION, Duration::from_secs(30));
    });
    let aws = Aws::new(&stage.proxy.endpoint());
    let lambda = aws.lambda();
    aws.block(
        lambda
            .update_function_code()
            .function_name(FUNCTION)
            .image_uri(stage.image("v2"))
            .send(),
    )
    .expect("update");
    let version = aws
        .block(lambda.publish_version().function_name(FUNCTION).send())
        .expect("publish");
    assert_eq!(version.state().map(|s| s.as_str()), Some("Pending"));
    let err = aws
        .block(
            lambda
                .invoke()
                .function_name(FUNCTION)
                .qualifier(version.version().unwrap_or_default())
                .send(),
        )
        .expect_err("a Pending SnapStart version is not invoked");
    assert_eq!(
        code_of(err.as_service_error().expect("service error")),
        "SnapStartNotReadyException"
    );
}

#[test]
fn publish_version_refuses_a_code_sha256_other_than_latest() {
    let stage = Stage::realistic(392);
    stage.proxy.with_model(|m| m.update_takes = Duration::ZERO);
    let aws = Aws::new(&stage.proxy.endpoint());
    let lambda = aws.lambda();
    let updated = aws
        .block(
            lambda
                .update_function_code()
                .function_name(FUNCTION)
                .image_uri(stage.image("v2"))
                .send(),
        )
        .expect("update");
    let latest = updated.code_sha256().expect("CodeSha256").to_owned();
    let err = aws
        .block(
            lambda
                .publish_version()
                .function_name(FUNCTION)
                .code_sha256(stage.digest("v1").trim_start_matches("sha256:"))
                .send(),
        )
        .expect_err("another image's hash is refused");
    let service = err.as_service_error().expect("service error");
    assert_eq!(code_of(service), "InvalidParameterValueException");
    let message = aws_sdk_lambda::error::ProvideErrorMetadata::message(service).unwrap_or_default();
    assert!(
        message.contains("different from current CodeSHA256"),
        "{message}"
    );
    let published = aws
        .block(
            lambda
                .publish_version()
                .function_name(FUNCTION)
                .code_sha256(&latest)
                .send(),
        )
        .expect("$LATEST's own hash is published");
    assert_eq!(published.code_sha256(), Some(latest.as_str()));
}

#[test]
fn each_logs_api_has_its_own_quota() {
    let quotas = Quotas::lambda(15.0, 100.0);
    let logs = |op: &str| RequestInfo::new("POST", "/", Some(&format!("Logs_20140328.{op}")), "{}");
    let now = Instant::now();
    for _ in 0..5 {
        assert!(quotas.check(&logs("FilterLogEvents"), now).is_none());
    }
    assert!(
        quotas.check(&logs("FilterLogEvents"), now).is_some(),
        "the sixth FilterLogEvents in a second is throttled"
    );
    assert!(
        quotas.check(&logs("DescribeLogStreams"), now).is_none(),
        "DescribeLogStreams is counted on its own"
    );
    assert!(quotas.check(&logs("DescribeLogGroups"), now).is_none());
}

#[test]
fn another_run_that_really_moves_the_alias_mid_canary_is_not_overwritten() {
    let stage = Stage::realistic(393);
    let running = stage.promote("v2", &canary("[10, 50]", "3s")).spawn();
    stage.wait_canary_started();
    // A second writer through the proxy: the model sees its write and gives the alias a new
    // revision id, and moto really serves what it wrote.
    let other = Aws::new(&stage.proxy.endpoint());
    let current = other
        .block(
            other
                .lambda()
                .get_alias()
                .function_name(FUNCTION)
                .name("live")
                .send(),
        )
        .expect("get_alias");
    other
        .block(
            other
                .lambda()
                .update_alias()
                .function_name(FUNCTION)
                .name("live")
                .function_version("1")
                .routing_config(aws_sdk_lambda::types::AliasRoutingConfiguration::builder().build())
                .description("another run")
                .revision_id(current.revision_id().unwrap_or_default())
                .send(),
        )
        .expect("the other run's write");
    let r = running.wait();
    r.assert_end(1, "failed", false);
    let error = r.error();
    assert!(error.contains("another run changed it"), "{error}");
    let alias = stage.aws.alias(FUNCTION, "live");
    assert_eq!(alias.description, "another run", "{alias:?}");
    assert_eq!(alias.version, "1");
    assert!(alias.weights.is_empty(), "{alias:?}");
    let refused = stage
        .proxy
        .log()
        .into_iter()
        .filter(|s| s.op == "UpdateAlias" && s.status == 412)
        .count();
    assert!(
        refused >= 1,
        "the binary's stale write was refused by revision id"
    );
}
