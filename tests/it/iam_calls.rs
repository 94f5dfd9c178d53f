//! The policy follows the calls (issue 20, item 5, in part): a promotion that uses every
//! feature runs through the proxy, which records each AWS operation the binary really
//! makes; each must be an action the generated policy for that same contract grants. (A
//! call site that names the wrong `Operation` grants one action and makes another.)

use crate::support::stage::contract;
use crate::support::{SMOKE, Stage, canary};
use lambda_promote::aws::policy;
use std::collections::BTreeSet;

/// The IAM action of an operation the proxy saw (`op`, with its `path` for Lambda's
/// newer routes the proxy does not name).
fn action(op: &str, path: &str) -> String {
    let service = match op {
        "GetCallerIdentity" => "sts",
        "ListDistributions" | "CreateInvalidation" | "GetInvalidation" => "cloudfront",
        "DescribeLogGroups" | "FilterLogEvents" | "DescribeLogStreams" => "logs",
        "GetMetricData" | "DescribeAlarms" => "cloudwatch",
        "DescribeImages" | "BatchGetImage" | "GetRepositoryPolicy" | "GetDownloadUrlForLayer" => {
            "ecr"
        }
        "Invoke" => return "lambda:InvokeFunction".into(),
        "Lambda" if path.contains("provisioned-concurrency") => {
            return "lambda:GetProvisionedConcurrencyConfig".into();
        }
        _ => "lambda",
    };
    format!("{service}:{op}")
}

fn granted(policy: &serde_json::Value) -> BTreeSet<String> {
    policy["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
        .filter_map(|a| a.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn every_call_of_a_full_promotion_is_granted_by_its_policy() {
    let stage = Stage::start(2101);
    let extra = format!("{SMOKE}{}    keep-versions: 3\n", canary("[50]", "2s"));
    let r = stage.promote("v2", &extra).execute();
    r.assert_code(0);
    let called: BTreeSet<String> = stage
        .proxy
        .log()
        .iter()
        .map(|s| action(&s.op, &s.path))
        .collect();
    let c = lambda_promote::config::parse(".github/lambda-promote.yml", &contract(&extra))
        .expect("the contract parses");
    let granted = granted(&policy::policy(&c, None, "us-east-1"));
    let missing: Vec<&String> = called.iter().filter(|a| !granted.contains(*a)).collect();
    assert!(
        missing.is_empty(),
        "called but not granted: {missing:?}\ncalled: {called:#?}\ngranted: {granted:#?}"
    );
    for expected in [
        "lambda:UpdateFunctionCode",
        "lambda:InvokeFunction",
        "logs:DescribeLogStreams",
    ] {
        assert!(
            called.contains(expected),
            "{expected} not called: {called:#?}"
        );
    }
}
