//! The policy follows the calls (issue 20, item 5): one contract's commands run through the
//! binary and the proxy, which reads from each request the IAM action and resource it needs
//! (`support/aws_call.rs`, never the operation names the code or the proxy's rules use).
//! Every call must be allowed by `lambda-promote iam-policy` for that contract, and every
//! action the policy grants must have been made by some run, or be in [`RARE`] with the reason.
//! With a role per environment, each run's calls (signed with the role it assumed) must be
//! allowed by that role's own policy, and one write of each by no other role's.
//!
//! The first half holds for every run of the suite: `support/iam_check.rs` checks each run
//! through a proxy against iam-policy for its own contract (tested last here). The second
//! half ("granted but never made") stays here, for this contract: over the whole suite it
//! would depend on which tests ran and in what order.

use crate::support::aws_call::{Call, Place, seen_calls};
use crate::support::iam_check;
use crate::support::iam_match::{allowed, glob, granted_actions};
use crate::support::{Aws, FUNCTION, OidcStandIn, Run, Stage, stage_contract};
use aws_sdk_cloudwatch::types::StateValue;
use std::collections::BTreeSet;

/// moto's account: the policy's `${AWS::AccountId}` is written as it.
const ACCOUNT: &str = "123456789012";

/// Granted for paths no run here takes, each with why.
const RARE: &[(&str, &str)] = &[
    // Only with `provisioned-concurrency:` on a function (canary_gates.rs covers it).
    (
        "lambda:PutProvisionedConcurrencyConfig",
        "provisioned concurrency",
    ),
    (
        "lambda:DeleteProvisionedConcurrencyConfig",
        "provisioned concurrency",
    ),
    // Only when the alias does not exist yet (the first promotion of a function).
    ("lambda:CreateAlias", "first promotion"),
    // Only when a previous run left its canary alias behind.
    ("lambda:DeleteAlias", "a stale canary alias"),
    // Only when the image is in another account's registry (its policy must let Lambda pull).
    ("ecr:GetRepositoryPolicy", "cross-account image"),
    // Not calls of the binary: Lambda checks that whoever sets a function's image may
    // pull it (<https://docs.aws.amazon.com/lambda/latest/dg/images-create.html>).
    ("ecr:BatchGetImage", "UpdateFunctionCode's own check"),
    (
        "ecr:GetDownloadUrlForLayer",
        "UpdateFunctionCode's own check",
    ),
];

const CONTRACT: &str = r#"version: 1
region: us-east-1
environments:
  prod:
    when: { branch: main }
    image: input
    functions: [{ name: worker }]
    keep-versions: 1
    smoke-test:
      payload: '{"smoke": true}'
    strategy:
      canary:
        steps: [50]
        interval: 2s
        max-errors: 0
        error-pattern: ERROR
        alarms: [worker-errors]
    invalidate:
      distribution-id-env: CF_ID
      paths: ["/*"]
    checks:
      - cloudfront: { comment: app, id-env: CF_ID }
      - log-group: /aws/lambda/worker
  quick:
    when: { branch: dev }
    image: input
    functions: [{ name: quick }]
"#;

/// Fails on any call `policy` does not allow.
fn assert_allows(policy: &serde_json::Value, calls: &BTreeSet<Call>) {
    let refused: Vec<&Call> = calls
        .iter()
        .filter(|c| !allowed(policy, &c.action, c.resource.as_deref()))
        .collect();
    assert!(
        refused.is_empty(),
        "made but not allowed: {refused:#?}\npolicy: {policy:#}"
    );
}

fn run(stage: &Stage, command: &str, branch: Option<&str>, tag: &str, cf_id: &str) -> Run {
    let run = Run::action()
        .endpoint(&stage.proxy.endpoint())
        .contract_text(CONTRACT)
        .input("command", command)
        .env("CF_ID", cf_id);
    match (command, branch) {
        ("rollback", _) => run.push_branch("main").input("environment", "prod"),
        (_, Some(b)) => run.push_branch(b).input("image", &stage.image(tag)),
        (_, None) => run,
    }
}

/// `iam-policy` for `contract`, through the binary, with moto's account written in.
fn policy(contract: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("c.yml");
    std::fs::write(&file, contract).expect("contract");
    let r = Run::cli(["iam-policy", "--contract", file.to_str().expect("path")])
        .env("GITHUB_REPOSITORY", "o/r")
        .execute();
    r.assert_code(0);
    serde_json::from_str(&r.stdout.replace("${AWS::AccountId}", ACCOUNT)).expect("JSON")
}

/// validate, plan, promote (a canary reading the new version's logs, its metrics and an
/// alarm, with a smoke test and an invalidation; all at once; a third version, which prunes
/// the first), then rollback: every call they made.
fn calls() -> BTreeSet<Call> {
    let stage = Stage::with_distribution(2201, &["worker", "quick"]);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    let cf_id = stage.seeded["distributions"]["app"]["id"]
        .as_str()
        .expect("distribution id")
        .to_owned();
    let canary = run(&stage, "promote", Some("main"), "v2", &cf_id).spawn();
    stage.wait_canary_started();
    stage.log("2", "fine", &["INFO all good"]);
    let r = canary.wait();
    r.assert_code(0);
    for (command, branch, tag) in [
        ("validate", None, ""),
        ("plan", Some("main"), "v1"),
        ("promote", Some("dev"), "v2"),
        ("promote", Some("main"), "v1"),
        ("rollback", Some("main"), ""),
    ] {
        let r = run(&stage, command, branch, tag, &cf_id).execute();
        assert_eq!(r.code, Some(0), "{command} {branch:?}: {}", r.stderr);
    }
    let at = Place {
        region: "us-east-1",
        account: ACCOUNT,
    };
    stage
        .proxy
        .log()
        .iter()
        .flat_map(|s| seen_calls(s, &at))
        .collect()
}

#[test]
fn the_policy_allows_every_call_made_and_grants_no_call_never_made() {
    let calls = calls();
    let policy = policy(CONTRACT);
    assert_allows(&policy, &calls);
    let unused: Vec<String> = granted_actions(&policy)
        .into_iter()
        .filter(|g| !RARE.iter().any(|(a, _)| a == g))
        .filter(|g| {
            !calls
                .iter()
                .any(|c| glob(&g.to_ascii_lowercase(), &c.action.to_ascii_lowercase()))
        })
        .collect();
    assert!(
        unused.is_empty(),
        "granted but never made: {unused:?}\ncalls: {calls:#?}"
    );
    // The runs did reach what the test is about.
    for expected in [
        "lambda:InvokeFunction",
        "lambda:DeleteFunction",
        "logs:FilterLogEvents",
        "cloudwatch:DescribeAlarms",
        "cloudfront:CreateInvalidation",
    ] {
        assert!(
            calls.iter().any(|c| c.action == expected),
            "{expected} never made: {calls:#?}"
        );
    }
}

/// [`CONTRACT`] with a role per environment, in moto's account.
fn with_roles() -> String {
    CONTRACT
        .replace(
            "  prod:\n",
            &format!("  prod:\n    role: {}\n", role("prod")),
        )
        .replace(
            "  quick:\n",
            &format!("  quick:\n    role: {}\n", role("quick")),
        )
}

fn role(env: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/deploy-{env}")
}

/// One role at a time: each run assumes its environment's role (the job's OIDC token
/// from the stand-in), and every call it makes with that role's credentials must be
/// allowed by that role's own policy, not the other's.
#[test]
fn each_role_allows_the_calls_its_environment_makes() {
    let stage = Stage::with_distribution(2202, &["worker", "quick"]);
    stage.aws.create_alarm("worker-errors");
    stage.aws.set_alarm("worker-errors", StateValue::Ok);
    let cf_id = stage.seeded["distributions"]["app"]["id"]
        .as_str()
        .expect("distribution id")
        .to_owned();
    let oidc = OidcStandIn::start();
    let contract = with_roles();
    let roles = policy(&contract);
    let at = Place {
        region: "us-east-1",
        account: ACCOUNT,
    };
    for (env, command, branch) in [
        ("prod", "promote", "main"),
        ("quick", "promote", "dev"),
        ("prod", "rollback", "main"),
    ] {
        stage.proxy.clear_log();
        let r = run(&stage, command, Some(branch), "v2", &cf_id)
            .contract_text(&contract)
            .env("ACTIONS_ID_TOKEN_REQUEST_URL", &oidc.url())
            .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", &oidc.bearer)
            .execute();
        assert_eq!(r.code, Some(0), "{command} {env}: {}", r.stderr);
        let made: BTreeSet<Call> = stage
            .proxy
            .log()
            .iter()
            .flat_map(|s| seen_calls(s, &at))
            .collect();
        let assumed = "sts:AssumeRoleWithWebIdentity";
        assert!(made.iter().any(|c| c.action == assumed), "{made:#?}");
        // Allowed by the role's trust policy, before its rights apply.
        let calls: BTreeSet<Call> = made.into_iter().filter(|c| c.action != assumed).collect();
        // The other environment's role may not write this one's alias.
        let other = &roles["roles"][role(if env == "prod" { "quick" } else { "prod" })]["policy"];
        assert!(
            calls.iter().any(|c| c.action == "lambda:UpdateAlias"
                && !allowed(other, &c.action, c.resource.as_deref())),
            "{calls:#?}"
        );
        assert_allows(&roles["roles"][role(env)]["policy"], &calls);
    }
}

/// The suite-wide check itself: a run's requests are told from the test's own through the
/// same proxy, pass its own contract's policy, and are refused by the policy of a
/// contract for another function.
#[test]
fn the_suite_wide_check_keeps_a_runs_calls_apart_and_refuses_what_is_not_granted() {
    let stage = Stage::start(2203);
    let running = stage.promote("v2", "").spawn();
    let app = running.app().to_owned();
    running.wait().assert_code(0);
    let endpoint = stage.proxy.endpoint();
    let made = iam_check::requests(&endpoint, &app);
    assert!(made > 0, "no request tagged {app}");
    let reads = stage.proxy.count("GetAlias");
    Aws::new(&endpoint).alias(FUNCTION, "live");
    assert_eq!(
        stage.proxy.count("GetAlias"),
        reads + 1,
        "not through the proxy"
    );
    assert_eq!(iam_check::requests(&endpoint, &app), made);
    let own = stage_contract("");
    assert_eq!(iam_check::refused(&endpoint, &app, &own), Some(Vec::new()));
    let other = own.replace("name: worker", "name: other");
    let refused = iam_check::refused(&endpoint, &app, &other).expect("a valid contract");
    let alias =
        format!("lambda:UpdateAlias on arn:aws:lambda:us-east-1:{ACCOUNT}:function:worker:live");
    assert!(
        refused.iter().any(|r| r.starts_with(&alias)),
        "{refused:#?}"
    );
}
