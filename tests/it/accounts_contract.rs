//! The account, region and role keys through the binary (issue 12): a bad key is a
//! contract error with file:line:column and no AWS call (not even the OIDC token
//! request), and `iam-policy` prints one policy per account with each role's trust
//! policy scoped by `sub`.

use crate::support::accounts_world::{DEV, PROD, STAGING, World, role};
use crate::support::{OidcStandIn, Recorder, Run};
use serde_json::Value;

#[test]
fn a_bad_role_is_a_contract_error_before_any_call() {
    let recorder = Recorder::start();
    let oidc = OidcStandIn::start();
    let contract = World::contract().replace(
        &role(STAGING),
        "arn:aws:iam::333333333333:role/deploy\n    account: \"222222222222\"",
    );
    let r = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(&contract)
        .env("ACTIONS_ID_TOKEN_REQUEST_URL", &oidc.url())
        .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", &oidc.bearer)
        .input("command", "validate")
        .execute();
    r.assert_code(2);
    assert!(
        r.stderr.contains(
            ".github/lambda-promote.yml:10:11: environment `staging` acts in account 222222222222"
        ),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("[role-account-mismatch]"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("::error file=.github/lambda-promote.yml,line=10,col=11"),
        "{}",
        r.stdout
    );
    recorder.assert_no_requests();
    assert_eq!(oidc.requests(), 0);
}

#[test]
fn iam_policy_prints_each_roles_policy_and_trust() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("c.yml");
    std::fs::write(&file, World::contract()).unwrap();
    let r = Run::cli(["iam-policy", "--contract", file.to_str().unwrap()])
        .env("GITHUB_REPOSITORY", "octo-org/worker")
        .execute();
    r.assert_code(0);
    let doc: Value = serde_json::from_str(&r.stdout).expect("JSON");
    for (account, env) in [(DEV, "dev"), (STAGING, "staging"), (PROD, "production")] {
        let entry = &doc["roles"][role(account)];
        assert_eq!(entry["account"], account);
        let trust = &entry["trust-policy"]["Statement"];
        let sub = |i: usize| {
            trust[i]["Condition"]["StringEquals"]["token.actions.githubusercontent.com:sub"].clone()
        };
        assert_eq!(trust[0]["Action"], "sts:AssumeRoleWithWebIdentity");
        assert_eq!(
            sub(0),
            serde_json::json!([format!("repo:octo-org/worker:environment:{env}")])
        );
        // No pull-request job may assume a deploy role by default.
        assert!(!entry.to_string().contains("pull_request"), "{entry}");
        for s in trust.as_array().unwrap() {
            assert_eq!(
                s["Condition"]["StringEquals"]["token.actions.githubusercontent.com:aud"],
                "sts.amazonaws.com"
            );
        }
        // The read-only role's permissions: reads only, on the same functions.
        let acc = &doc["accounts"][account];
        let reads = acc["validate-policy"].to_string();
        for write in [
            "UpdateFunctionCode",
            "UpdateAlias",
            "PublishVersion",
            "CreateInvalidation",
        ] {
            assert!(!reads.contains(write), "{write} in {reads}");
        }
        assert!(reads.contains("lambda:GetFunction"), "{reads}");
        let pr = &acc["validate-trust-policy"]["Statement"];
        assert_eq!(pr[0]["Sid"], "PullRequestJobs");
        assert_eq!(pr.as_array().unwrap().len(), 1, "{pr}");
    }
    assert!(r.stderr.contains("validate-policy"), "{}", r.stderr);
    let prod = doc["roles"][role(PROD)]["policy"].to_string();
    assert!(
        prod.contains("arn:aws:lambda:eu-west-1:333333333333:function:worker-prod-eu"),
        "{prod}"
    );
    assert!(!prod.contains("worker-dev"), "{prod}");
}
