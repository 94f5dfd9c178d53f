//! `iam-policy`, one role at a time (issue 20, reproductions 1 and 2): two roles in one
//! account get two trust policies and two permission policies, and no deploy role trusts
//! pull-request jobs unless `--pull-request-trust` says so.

use crate::support::Run;
use serde_json::Value;

const STAGING_ROLE: &str = "arn:aws:iam::123456789012:role/deploy-staging";
const PROD_ROLE: &str = "arn:aws:iam::123456789012:role/deploy-prod";

fn contract() -> String {
    format!(
        "version: 1
region: eu-west-1
account: \"123456789012\"
environments:
  staging:
    role: {STAGING_ROLE}
    when: {{ branch: main }}
    image: input
    functions: [{{ name: worker-staging }}]
  production:
    role: {PROD_ROLE}
    when: {{ tag: \"v*\" }}
    image: {{ from: staging }}
    functions: [{{ name: worker-prod }}]
    strategy: {{ canary: {{ steps: [10], interval: 1m, alarms: [prod-errors] }} }}
"
    )
}

fn iam_policy(extra: &[&str]) -> (Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yml");
    std::fs::write(&file, contract()).unwrap();
    let mut argv = vec!["iam-policy", "--contract", file.to_str().unwrap()];
    argv.extend_from_slice(extra);
    let r = Run::cli(argv).env("GITHUB_REPOSITORY", "o/r").execute();
    r.assert_code(0);
    (
        serde_json::from_str(&r.stdout).expect("JSON"),
        r.stderr.clone(),
    )
}

fn subs(trust: &Value) -> Vec<String> {
    trust["Statement"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| {
            s["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

#[test]
fn two_roles_in_one_account_get_two_policies() {
    let (doc, _) = iam_policy(&[]);
    let staging = &doc["roles"][STAGING_ROLE];
    let prod = &doc["roles"][PROD_ROLE];
    // The production role trusts only production's jobs.
    assert_eq!(
        subs(&prod["trust-policy"]),
        ["repo:o/r:environment:production"]
    );
    // The staging role: staging's jobs, and production's, which read staging's image
    // with it (`from: staging`), in their own statement.
    assert_eq!(
        subs(&staging["trust-policy"]),
        [
            "repo:o/r:environment:staging",
            "repo:o/r:environment:production"
        ]
    );
    assert_eq!(
        staging["trust-policy"]["Statement"][1]["Sid"],
        "FromEnvironments"
    );
    // Production's jobs may open only a reader's session of the staging role, and that
    // session may not write: reading staging's image is all it is for.
    assert_eq!(
        staging["trust-policy"]["Statement"][1]["Condition"]["StringLike"]["sts:RoleSessionName"],
        "read@*"
    );
    let deny = staging["policy"]["Statement"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["Effect"] == "Deny"))
        .expect("the staging role denies a reader's session every write");
    assert_eq!(deny["Condition"]["StringLike"]["aws:userid"], "*:read@*");
    let reads = deny["NotAction"].to_string();
    for write in [
        "lambda:UpdateAlias",
        "lambda:UpdateFunctionCode",
        "lambda:PublishVersion",
    ] {
        assert!(!reads.contains(write), "{write} in {reads}");
    }
    assert!(reads.contains("lambda:GetAlias"), "{reads}");
    // The staging role may not touch production's function, nor its alarm.
    let staging_policy = staging["policy"].to_string();
    assert!(!staging_policy.contains("worker-prod"), "{staging_policy}");
    assert!(
        !staging_policy.contains("UpdateAlias\",\"*"),
        "{staging_policy}"
    );
    let prod_policy = prod["policy"].to_string();
    assert!(!prod_policy.contains("worker-staging"), "{prod_policy}");
    assert!(
        prod_policy.contains("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-errors"),
        "{prod_policy}"
    );
}

#[test]
fn no_deploy_role_trusts_pull_requests_unless_asked() {
    let (doc, stderr) = iam_policy(&[]);
    for role in [STAGING_ROLE, PROD_ROLE] {
        let trust = &doc["roles"][role]["trust-policy"];
        assert!(
            !subs(trust).iter().any(|s| s.ends_with(":pull_request")),
            "{role}: {trust}"
        );
    }
    // Pull-request jobs get the account's read-only role instead.
    let account = &doc["accounts"]["123456789012"];
    assert_eq!(
        subs(&account["validate-trust-policy"]),
        ["repo:o/r:pull_request"]
    );
    let reads = account["validate-policy"].to_string();
    assert!(!reads.contains("Update"), "{reads}");
    assert!(stderr.contains("validate-policy"), "{stderr}");

    let (doc, stderr) = iam_policy(&["--pull-request-trust"]);
    for role in [STAGING_ROLE, PROD_ROLE] {
        let trust = &doc["roles"][role]["trust-policy"];
        assert!(
            subs(trust).contains(&"repo:o/r:pull_request".to_string()),
            "{role}: {trust}"
        );
    }
    assert!(stderr.contains("warning: --pull-request-trust"), "{stderr}");
}
