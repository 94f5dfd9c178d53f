//! No secret reaches any channel, even inside AWS's own error messages (issue 9, item 3).
//! AWS names the resource it refused in the message of `AccessDenied`
//! (<https://docs.aws.amazon.com/lambda/latest/dg/security_iam_troubleshoot.html>,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html>:
//! "User: ARN is not authorized to perform: ACTION on resource: ARN because no
//! identity-based policy allows the ACTION action"); the proxy answers exactly that, and
//! every channel is searched for every secret: stdout, stderr, the job summary, the outputs
//! file, and every request body sent to GitHub (the PR comment, the Deployment statuses).

use crate::support::{Action, COMMENTS, Fault, GitHubStandIn, Match, Rule, Run, RunResult, Stage};
use serde_json::json;

const TOKEN: &str = "ghs_LeakTestTokenNeverShown0123456";
const SECRET_FN: &str = "payments-hidden-worker-7f3a";
const CF_ID: &str = "E2SECRETDISTRIB99";
const ROLE: &str = "arn:aws:sts::123456789012:assumed-role/deploy/gh-run";

/// AWS's `AccessDenied` message for `action` on `resource`.
fn denied(action: &str, resource: &str) -> String {
    format!(
        "User: {ROLE} is not authorized to perform: {action} on resource: {resource} \
         because no identity-based policy allows the {action} action"
    )
}

/// GitHub answering the comment, the identity and the Deployment a run may write.
fn github() -> GitHubStandIn {
    let gh = GitHubStandIn::start();
    gh.answer(
        "GET",
        "/user",
        200,
        json!({"login": "github-actions[bot]", "type": "Bot"}),
    )
    .answer("GET", COMMENTS, 200, json!([]))
    .answer("POST", COMMENTS, 201, json!({"id": 1}))
    .deployments(77);
    gh
}

fn with_github(run: Run, gh: &GitHubStandIn) -> Run {
    run.github(&gh.uri(), TOKEN)
        .env("SECRET_FN", SECRET_FN)
        .env("CF_ID", CF_ID)
}

/// Every channel, with the runner's own `::add-mask::` lines (which must carry the value) removed.
fn channels(r: &RunResult, gh: &GitHubStandIn) -> Vec<(String, String)> {
    let stdout: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| !l.starts_with("::add-mask::"))
        .collect();
    let mut out = vec![
        ("stdout".to_owned(), stdout.join("\n")),
        ("stderr".to_owned(), r.stderr.clone()),
        ("summary".to_owned(), r.summary.clone()),
        ("outputs".to_owned(), r.outputs_raw.clone()),
    ];
    for req in gh.requests() {
        let body = String::from_utf8_lossy(&req.body).into_owned();
        out.push((format!("{} {}", req.method, req.url.path()), body));
    }
    out
}

fn assert_no_secret(channels: &[(String, String)]) {
    for (name, text) in channels {
        for secret in [SECRET_FN, CF_ID, TOKEN, "hidden-worker", "SECRETDISTRIB"] {
            assert!(!text.contains(secret), "{secret} on {name}:\n{text}");
        }
    }
}

#[test]
fn an_access_denied_naming_a_secret_function_leaks_nowhere() {
    let stage = Stage::start(51);
    let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{SECRET_FN}");
    stage.proxy.add(Rule::new(
        Match::any().path(SECRET_FN),
        Action::Fail(Fault::status(
            403,
            "AccessDeniedException",
            &denied("lambda:GetFunction", &arn),
        )),
    ));
    let gh = github();
    let checks = "    checks:\n      - function: { name-env: SECRET_FN }\n";
    let run = stage.validate(checks).own_pull_request().unchecked_call(
        "lambda:GetFunction",
        SECRET_FN,
        "a `name-env` naming a function outside the contract's gets no grant from iam-policy \
         (docs/choices.md): the AccessDenied the proxy answers is the policy's own",
    );
    let r = with_github(run, &gh).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("drift"));
    let all = channels(&r, &gh);
    assert_no_secret(&all);
    // The error did reach every report channel, redacted.
    for name in [
        "summary",
        "outputs",
        "POST /repos/acme/app/issues/7/comments",
    ] {
        let (_, text) = all.iter().find(|(n, _)| n == name).expect(name);
        assert!(text.contains("not authorized to perform"), "{name}: {text}");
        assert!(text.contains("pa…3a"), "{name}: {text}");
    }
    // The runner is still told to mask the value in its log.
    assert!(r.stdout.contains(&format!("::add-mask::{SECRET_FN}")));
}

#[test]
fn an_access_denied_naming_a_secret_distribution_leaks_nowhere() {
    let stage = Stage::start(52);
    let arn = format!("arn:aws:cloudfront::123456789012:distribution/{CF_ID}");
    stage.proxy.add(Rule::new(
        Match::op("CreateInvalidation"),
        Action::Fail(Fault::status(
            403,
            "AccessDenied",
            &denied("cloudfront:CreateInvalidation", &arn),
        )),
    ));
    let gh = github();
    let invalidate = "    invalidate:\n      distribution-id-env: CF_ID\n      paths: [\"/*\"]\n";
    let run = stage
        .promote("v2", invalidate)
        .input("github-deployment", "true");
    let r = with_github(run, &gh).execute();
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    let all = channels(&r, &gh);
    assert_no_secret(&all);
    let statuses: Vec<_> = all
        .iter()
        .filter(|(n, _)| n.ends_with("/statuses"))
        .collect();
    assert_eq!(statuses.len(), 2, "{all:#?}");
    for name in ["stdout", "summary", "outputs"] {
        let (_, text) = all.iter().find(|(n, _)| n == name).expect(name);
        assert!(
            text.contains("CloudFront invalidation failed"),
            "{name}: {text}"
        );
        assert!(text.contains("E2…99"), "{name}: {text}");
    }
}
