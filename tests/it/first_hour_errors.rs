//! Errors that say what to do (issue 25), through the real binary: no AWS credentials is
//! one line naming the fix, result `error` (never `drift`), not an SDK dump per check; a
//! pre-release tag that selects nothing names the `prerelease` rule.
//!
//! Bare moto or the recorder (no realism proxy): what is tested is the one error line and the
//! report, made before or without any AWS write.

use crate::support::seed::{function, world};
use crate::support::{Aws, GitHubStandIn, Moto, Recorder, Run, dev_contract};

const CONTRACT: &str = r#"version: 1
region: us-east-1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions: [{ name: worker-dev }]
    checks:
      - log-group: /aws/lambda/worker-dev
  production:
    when: { tag: "v*.*.*" }
    image: { from: dev }
    functions: [{ name: worker-prod }]
"#;

#[test]
fn no_credentials_is_one_line_naming_the_fix_and_result_error() {
    let recorder = Recorder::start();
    let r = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(CONTRACT)
        .input("command", "validate")
        .env("AWS_ACCESS_KEY_ID", "")
        .env("AWS_SECRET_ACCESS_KEY", "")
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "error");
    let said = "no AWS credentials: add aws-actions/configure-aws-credentials before this step, or set the contract's";
    let summary = r.summary.replace("&#96;", "`");
    assert_eq!(summary.matches(said).count(), 1, "{summary}");
    assert!(summary.contains("id-token: write"), "{summary}");
    for dump in ["dispatch failure", "DispatchFailure", "credential provider"] {
        assert!(!summary.contains(dump), "{dump}: {summary}");
        assert!(!r.stdout.contains(dump), "{dump}: {}", r.stdout);
    }
    assert!(summary.len() < 1500, "{} bytes: {summary}", summary.len());
    recorder.assert_no_requests();
}

#[test]
fn rollback_without_credentials_is_one_line_naming_the_fix() {
    let recorder = Recorder::start();
    let r = Run::action()
        .endpoint(&recorder.endpoint())
        .contract_text(CONTRACT)
        .input("command", "rollback")
        .input("environment", "dev")
        .env("AWS_ACCESS_KEY_ID", "")
        .env("AWS_SECRET_ACCESS_KEY", "")
        .execute();
    r.assert_code(1);
    assert_eq!(r.out("result"), "error");
    let error = r.report()["error"].as_str().unwrap_or_default().to_owned();
    assert!(
        error.starts_with("no AWS credentials: add aws-actions/configure-aws-credentials"),
        "{error}"
    );
    for dump in [
        "dispatch failure",
        "DispatchFailure",
        "IMDS",
        "lambda:GetAlias",
    ] {
        assert!(!r.stdout.contains(dump), "{dump}: {}", r.stdout);
        assert!(!r.summary.contains(dump), "{dump}: {}", r.summary);
    }
    recorder.assert_no_requests();
}

#[test]
fn a_prerelease_tag_that_selects_nothing_names_the_rule() {
    let recorder = Recorder::start();
    let r = recorder.action(CONTRACT).push_tag("v1.2.0-rc.1").execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("skipped"));
    let said = "`v1.2.0-rc.1` is a pre-release, and a pre-release tag goes only to an environment whose `when` says `prerelease: true`; `production` matches its tag glob but takes releases only";
    assert!(r.stdout.contains(said), "{}", r.stdout);
    recorder.assert_no_requests();
}

#[test]
fn contract_errors_fill_the_job_summary_and_the_pr_comment_too() {
    let recorder = Recorder::start();
    let github = GitHubStandIn::start();
    let comments = "/repos/acme/app/issues/7/comments";
    github
        .example("GET", comments, 200, |_| {})
        .example("POST", comments, 201, |_| {});
    let r = recorder
        .action(
            "version: 1\nenvironments:\n  dev:\n    imag: input\n    functions: [{ name: f }]\n",
        )
        .github(&github.uri(), "ghs_ContractErrorTokenNotReal00000000")
        .own_pull_request()
        .execute();
    r.assert_code(2);
    assert!(r.stdout.contains("::error "), "annotations: {}", r.stdout);
    let summary = r.summary.replace("&#96;", "`");
    assert!(summary.contains("the contract has 2 error(s)"), "{summary}");
    assert!(
        summary.contains(".github/lambda-promote.yml:4:5: unknown key `imag`"),
        "{summary}"
    );
    recorder.assert_no_requests();
    // The same errors on the pull request, in the comment the report takes over later.
    let posted: Vec<serde_json::Value> = github
        .requests()
        .iter()
        .filter(|q| q.method.as_str() == "POST" && q.url.path() == comments)
        .map(|q| serde_json::from_slice(&q.body).expect("json body"))
        .collect();
    assert_eq!(posted.len(), 1, "{:?}", github.lines());
    let body = posted[0]["body"].as_str().unwrap_or_default();
    let marker = body.lines().next().unwrap_or_default();
    assert!(
        marker.starts_with("<!-- lambda-promote report for ")
            && marker.ends_with("lambda-promote.yml -->"),
        "{body}"
    );
    assert!(body.contains("the contract has 2 error(s)"), "{body}");
    assert!(body.contains("unknown key"), "{body}");
}

#[test]
fn a_rollback_says_what_moved_where_and_fills_the_image_outputs() {
    let moto = Moto::start();
    moto.seed(world(
        &["v1", "v2", "v3"],
        vec![function("worker-dev", &["v1", "v2", "v3"], 3, None)],
    ));
    let r = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(&dev_contract("dev", &["worker-dev"], ""))
        .input("command", "rollback")
        .input("to-version", "1")
        .execute();
    r.assert_code(0);
    let said = "Rolled back alias live of worker-dev: version 3 → 1.";
    assert!(r.summary.contains(said), "{}", r.summary);
    assert!(!r.summary.contains("the version it served before this run"));
    let digest = Aws::new(&moto.endpoint()).digest_of("worker-dev", "1");
    assert_eq!(r.out("image-digest"), digest);
    assert!(
        r.out("image-uri").ends_with(&format!("/worker@{digest}")),
        "{}",
        r.out("image-uri")
    );
}
