//! No piece of any secret on any channel (issue 20, reproductions 3 and 4, item 6): the
//! session token and secret key the SDK signs with, quoted by AWS in a
//! `SignatureDoesNotMatch` answer (the canonical request holds `x-amz-security-token`,
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html>),
//! raw and URL-encoded; a job secret compared ignoring case, in another case; and a job
//! secret in the new version's error log lines, placed across the cut the report makes;
//! every secret in the function's own answer to the smoke test (the proxy rewrites it).
//! Every channel is searched for every 8-character piece of every secret: stdout,
//! stderr, the summary, the outputs (with the JSON report) and every request body sent
//! to GitHub (the Deployment and its statuses, and the pull request's comment).

use crate::support::{
    Action, COMMENTS, Fault, GitHubStandIn, Match, Rule, Run, RunResult, Stage, canary,
};

const GH_TOKEN: &str = "ghs_ChannelLeakTokenNeverShown987654";
const SESSION_TOKEN: &str = "IQoJb3JpZ2luX2VjEJr/LeakTestSessionToken+Q1w2E3r4T5y6U7i8O9p0==";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYLeakTestKeyZ";
const CF_ID: &str = "E2SECRETDISTRIB99XYZ";

/// Every secret of these runs.
const SECRETS: &[&str] = &[GH_TOKEN, SESSION_TOKEN, SECRET_KEY, CF_ID];

fn github() -> GitHubStandIn {
    let gh = GitHubStandIn::start();
    gh.deployments(77);
    gh
}

/// The promotion with every secret known to the run: the AWS credentials, the token, and
/// `CF_ID` (an invalidation's distribution, compared ignoring case by the checks).
fn run(stage: &Stage, gh: &GitHubStandIn, strategy: &str) -> Run {
    let invalidate = "    invalidate:\n      distribution-id-env: CF_ID\n      paths: [\"/*\"]\n";
    stage
        .promote("v2", &format!("{strategy}{invalidate}"))
        .input("github-deployment", "true")
        .github(&gh.uri(), GH_TOKEN)
        .env("CF_ID", CF_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
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

/// No 8-character piece of any secret, in any case, on any channel.
fn assert_no_piece(channels: &[(String, String)]) {
    for (name, text) in channels {
        let text = text.to_ascii_lowercase();
        for secret in SECRETS {
            let chars: Vec<char> = secret.to_ascii_lowercase().chars().collect();
            for piece in chars.windows(8) {
                let piece: String = piece.iter().collect();
                assert!(
                    !text.contains(&piece),
                    "`{piece}` of a secret on {name}:\n{text}"
                );
            }
        }
    }
}

fn url_encoded(s: &str) -> String {
    s.replace('/', "%2F")
        .replace('+', "%2B")
        .replace('=', "%3D")
}

#[test]
fn a_signature_error_quoting_the_session_token_leaks_nowhere() {
    let stage = Stage::start(2001);
    let message = format!(
        "The request signature we calculated does not match the signature you provided. \
         The Canonical String for this request should have been 'POST\n/\n\n\
         host:monitoring.us-east-1.amazonaws.com\nx-amz-date:20261203T081500Z\n\
         x-amz-security-token:{SESSION_TOKEN}\n' and the query \
         'X-Amz-Security-Token={}' signed with {SECRET_KEY} for distribution/{}",
        url_encoded(SESSION_TOKEN),
        CF_ID.to_ascii_lowercase(),
    );
    stage.proxy.add(Rule::new(
        Match::op("GetMetricData"),
        Action::Fail(Fault::status(403, "SignatureDoesNotMatch", &message)),
    ));
    let gh = github();
    let r = run(&stage, &gh, &canary("[50]", "2s")).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    let all = channels(&r, &gh);
    assert_no_piece(&all);
    // The error did reach the report, scrubbed.
    let report = r.report().to_string();
    assert!(report.contains("does not match the signature"), "{report}");
    assert!(report.contains("x-amz-security-token:"), "{report}");
    let statuses = all.iter().filter(|(n, _)| n.ends_with("/statuses")).count();
    assert_eq!(statuses, 2, "{all:#?}");
}

#[test]
fn a_secret_in_error_lines_across_the_cut_leaks_nowhere() {
    let stage = Stage::start(2002);
    let gh = github();
    let running = run(&stage, &gh, &canary("[50]", "6s")).spawn();
    stage.wait_canary_started();
    // The report keeps 200 characters of a line: the secret starts 1, 8 and 19 characters
    // before that cut (every cut length is in the scrubber's own tests).
    let lines: Vec<String> = [1, 8, 19]
        .iter()
        .map(|k| format!("ERROR {}{CF_ID} tail", "x".repeat(200 - 6 - k)))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    stage.log("2", "cut", &lines);
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"), "{}", r.stderr);
    let first = r.canary_records()[0]["first_errors"].clone();
    assert_eq!(first.as_array().map(Vec::len), Some(3), "{first}");
    assert!(first.to_string().contains("ERROR xxx"), "{first}");
    assert_no_piece(&channels(&r, &gh));
}

/// The function's own answer to the smoke test quotes every secret, one of them placed
/// across the 500 characters an error message keeps, and JSON-escaped.
#[test]
fn secrets_in_a_smoke_test_answer_leak_nowhere() {
    let stage = Stage::start(2003);
    let pad = "y".repeat(500 - 19);
    let message = format!(
        "{pad}{SESSION_TOKEN} key={SECRET_KEY} gh={GH_TOKEN} cf={}",
        CF_ID.to_ascii_lowercase()
    );
    let answer = serde_json::json!({"errorMessage": message, "errorType": "Leak"}).to_string();
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::ReplaceBody(answer)));
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::unhandled()));
    let gh = github();
    let r = run(&stage, &gh, crate::support::SMOKE).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"), "{}", r.stderr);
    let error = r.error();
    assert!(error.contains("(Unhandled): yyyyyyyy"), "{error}");
    assert_no_piece(&channels(&r, &gh));
}

/// `validate` on a pull request whose first read answers AWS's signature error quoting
/// the session token and the secret key: the PR comment holds none of them.
#[test]
fn a_signature_error_leaks_nowhere_in_the_pull_request_comment() {
    let stage = Stage::start(2004);
    let message = format!(
        "The Canonical String for this request should have been 'GET\n\
         x-amz-security-token:{SESSION_TOKEN}\n' signed with {SECRET_KEY} token {GH_TOKEN}"
    );
    for op in ["GetFunction", "GetFunctionConfiguration"] {
        stage.proxy.add(Rule::new(
            Match::op(op),
            Action::Fail(Fault::status(403, "SignatureDoesNotMatch", &message)),
        ));
    }
    let gh = GitHubStandIn::start();
    gh.answer("GET", COMMENTS, 200, serde_json::json!([]))
        .answer("GET", "/user", 200, serde_json::json!({"login": "octo"}))
        .answer("POST", COMMENTS, 201, serde_json::json!({"id": 900}));
    let r = stage
        .validate("")
        .github(&gh.uri(), GH_TOKEN)
        .own_pull_request()
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .execute();
    assert_ne!(r.code, Some(0), "{}\n{:?}", r.stderr, stage.proxy.counts());
    let all = channels(&r, &gh);
    let comment = all
        .iter()
        .find(|(n, _)| n == &format!("POST {COMMENTS}"))
        .unwrap_or_else(|| panic!("no PR comment posted: {all:#?}"));
    assert!(comment.1.contains("SignatureDoesNotMatch"), "{}", comment.1);
    assert_no_piece(&all);
}
