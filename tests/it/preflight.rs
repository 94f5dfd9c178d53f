//! The pre-flight checks through the binary (issue 23): traffic that bypasses the alias
//! (an SQS mapping, a function URL on `$LATEST`, an API Gateway permission), a way back whose
//! image is gone from ECR or set to expire, and provisioned concurrency on the alias of a
//! canary. Each control puts the trigger on the alias, where nothing is reported.

use crate::support::boto::{boto, permission, sqs_mapping};
use crate::support::{Realism, RunResult, Stage, canary, stage_contract as contract};
use serde_json::Value;

/// `(status, message)` of every finding with `code`.
fn found(r: &RunResult, code: &str) -> Vec<(String, String)> {
    let report = r.report();
    report["findings"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
            (text(&f["status"]), text(&f["message"]))
        })
        .collect()
}

/// An SQS mapping and an API Gateway permission on the unqualified `worker`, and its URL.
pub(crate) fn bypass_everything(stage: &Stage) {
    sqs_mapping(&stage.moto, "orders", "worker");
    permission(
        &stage.moto,
        "worker",
        None,
        "api",
        "apigateway.amazonaws.com",
    );
    boto(
        &stage.moto,
        "lam.create_function_url_config(FunctionName='worker', AuthType='AWS_IAM')",
    );
}

#[test]
fn traffic_that_bypasses_the_alias_is_an_error_for_a_canary() {
    let stage = Stage::start(2301);
    bypass_everything(&stage);
    let r = stage.validate(&canary("[10]", "1m")).execute();
    r.assert_code(1);
    let found = found(&r, "traffic-bypasses-alias");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|(s, _)| s == "error"), "{found:#?}");
    let all: String = found.iter().map(|(_, m)| m.as_str()).collect();
    for part in [
        "event source mapping",
        "arn:aws:sqs:us-east-1:123456789012:orders",
        "update-event-source-mapping",
        "--function-name worker:live",
        "function URL https://",
        "--qualifier live",
        "invoke permission `api` for apigateway.amazonaws.com",
        "($LATEST)",
    ] {
        assert!(all.contains(part), "no {part:?} in {all}");
    }
}

#[test]
fn the_same_traffic_is_a_warning_for_all_at_once_and_promote_goes_on() {
    let stage = Stage::start(2302);
    bypass_everything(&stage);
    let r = stage.validate("").execute();
    r.assert_code(0);
    let found = found(&r, "traffic-bypasses-alias");
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found.iter().all(|(s, _)| s == "warning"), "{found:#?}");
    let p = stage.promote("v2", "").execute();
    p.assert_code(0);
    stage.assert_alias("2");
}

#[test]
fn a_canary_promotion_stops_before_any_write_when_traffic_bypasses_the_alias() {
    let stage = Stage::start(2303);
    sqs_mapping(&stage.moto, "orders", "worker");
    let r = stage.promote("v2", &canary("[10]", "1s")).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("drift"));
    assert_eq!(found(&r, "traffic-bypasses-alias").len(), 1);
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), 0);
    stage.assert_alias("1");
}

#[test]
fn control_triggers_on_the_alias_are_not_reported() {
    let stage = Stage::start(2304);
    let uuid = sqs_mapping(&stage.moto, "orders", "worker:live");
    stage
        .proxy
        .with_model(|m| m.mapping_on_alias(&uuid, "live"));
    permission(
        &stage.moto,
        "worker",
        Some("live"),
        "api",
        "apigateway.amazonaws.com",
    );
    // Another account's permission is not a service's trigger.
    boto(
        &stage.moto,
        "lam.add_permission(FunctionName='worker', StatementId='acct', \
         Action='lambda:InvokeFunction', Principal='111122223333')",
    );
    let r = stage.validate(&canary("[10]", "1m")).execute();
    r.assert_code(0);
    assert!(found(&r, "traffic-bypasses-alias").is_empty());
    // The reads were made: the mappings, the URL and the policies.
    for op in [
        "ListEventSourceMappings",
        "GetFunctionUrlConfig",
        "GetPolicy",
    ] {
        assert!(
            stage.proxy.count(op) >= 1,
            "{op}: {:?}",
            stage.proxy.counts()
        );
    }
}

/// The account's mappings are listed once, without a function name: each function gets the
/// ones on itself, its versions and its aliases, and no other function's, even one whose name
/// starts with its own — whether the contract names it or gives its ARN.
#[test]
fn the_accounts_mappings_are_listed_once_and_each_function_gets_its_own() {
    let stage = Stage::start_functions(2310, &["worker", "worker-2"], true);
    sqs_mapping(&stage.moto, "pinned", "worker:1");
    sqs_mapping(&stage.moto, "neighbour", "worker-2");
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:worker";
    let by_arn = contract(&canary("[10]", "1m")).replace("name: worker", &format!("name: {arn}"));
    for (n, text) in [contract(&canary("[10]", "1m")), by_arn].iter().enumerate() {
        let before = stage.proxy.count("ListEventSourceMappings");
        let r = stage.validate("").contract_text(text).execute();
        r.assert_code(1);
        let found = found(&r, "traffic-bypasses-alias");
        assert_eq!(found.len(), 1, "run {n}: {found:#?}");
        let (status, message) = &found[0];
        assert_eq!(status, "error");
        assert!(
            message.contains("arn:aws:sqs:us-east-1:123456789012:pinned")
                && message.contains("(version 1)"),
            "run {n}: {message}"
        );
        assert_eq!(
            stage.proxy.count("ListEventSourceMappings") - before,
            1,
            "run {n}: {:?}",
            stage.proxy.counts()
        );
    }
}

/// Deletes image v1 (the one version 1, the live version, runs) from ECR.
fn delete_live_image(stage: &Stage) {
    boto(
        &stage.moto,
        "ecr.batch_delete_image(repositoryName='worker', imageIds=[{'imageTag': 'v1'}])",
    );
}

#[test]
fn a_missing_rollback_image_stops_promote_before_any_write() {
    let stage = Stage::start(2305);
    delete_live_image(&stage);
    let r = stage.promote("v2", "").execute();
    r.assert_code(1);
    let found = found(&r, "rollback-image-missing");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "error");
    assert!(
        found[0].1.contains("version 1") && found[0].1.contains("allow-no-rollback: true"),
        "{}",
        found[0].1
    );
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), 0);
    stage.assert_alias("1");
}

#[test]
fn a_missing_rollback_image_is_a_warning_in_validate_and_with_allow_no_rollback() {
    let stage = Stage::start(2306);
    delete_live_image(&stage);
    let v = stage.validate("").execute();
    v.assert_code(0);
    assert_eq!(found(&v, "rollback-image-missing")[0].0, "warning");
    let p = stage
        .promote("v2", "")
        .input("allow-no-rollback", "true")
        .execute();
    p.assert_code(0);
    assert_eq!(found(&p, "rollback-image-missing")[0].0, "warning");
    stage.assert_alias("2");
}

#[test]
fn a_lifecycle_rule_that_selects_the_live_image_is_named() {
    let stage = Stage::start(2307);
    boto(
        &stage.moto,
        r#"ecr.put_lifecycle_policy(repositoryName='worker', lifecyclePolicyText=json.dumps({"rules": [
  {"rulePriority": 1, "description": "pull requests", "selection": {"tagStatus": "tagged", "tagPrefixList": ["pr-"], "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 7}, "action": {"type": "expire"}},
  {"rulePriority": 2, "description": "keep 2", "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 2}, "action": {"type": "expire"}}]}))"#,
    );
    let r = stage.validate("").execute();
    r.assert_code(0);
    let found = found(&r, "image-may-expire");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, "warning");
    assert!(found[0].1.contains("rule 2 (\"keep 2\")"), "{}", found[0].1);
}

#[test]
fn provisioned_concurrency_on_the_alias_of_a_canary_stops_before_any_write() {
    let stage = Stage::start(2308);
    stage.proxy.model(Realism::new());
    stage
        .proxy
        .with_model(|m| m.provisioned("worker", "live", 3));
    let r = stage.promote("v2", &canary("[10]", "1s")).execute();
    r.assert_code(1);
    let found = found(&r, "provisioned-concurrency-on-alias");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].1.contains("--qualifier live") && found[0].1.contains("all-at-once"),
        "{}",
        found[0].1
    );
    assert_eq!(stage.proxy.count("UpdateFunctionCode"), 0);
    stage.assert_alias("1");

    // Without the check, Lambda (the model) would refuse the canary's first weight.
    let refused = boto_through(
        &stage,
        "lam.update_alias(FunctionName='worker', Name='live', \
         RoutingConfig={'AdditionalVersionWeights': {'1': 0.1}})",
    );
    assert!(
        refused.contains("Alias with weights can not be used with Provisioned Concurrency"),
        "{refused}"
    );
}

#[test]
fn control_provisioned_concurrency_on_the_version_is_not_reported() {
    let stage = Stage::start(2309);
    stage.proxy.model(Realism::new());
    stage.proxy.with_model(|m| m.provisioned("worker", "1", 3));
    let r = stage.validate(&canary("[10]", "1m")).execute();
    r.assert_code(0);
    assert!(found(&r, "provisioned-concurrency-on-alias").is_empty());
}

/// A boto3 call through the proxy; the error text when it fails.
fn boto_through(stage: &Stage, call: &str) -> String {
    let endpoint = stage.proxy.endpoint();
    let script = format!(
        "import boto3\nlam = boto3.client('lambda', endpoint_url={endpoint:?}, region_name='us-east-1', \
         aws_access_key_id='testing', aws_secret_access_key='testing')\n\
         try:\n    {call}\n    print('accepted')\nexcept Exception as e:\n    print(e)\n"
    );
    let out = std::process::Command::new(crate::support::repo_root().join(".venv/bin/python"))
        .args(["-c", &script])
        .output()
        .expect("run boto3");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
