//! The GitHub side end to end (issue 4): the real binary against moto for AWS and a wiremock
//! GitHub API for the sticky PR comment and the Deployments, asserting exactly what was sent:
//! method, path, body and the `Authorization` header; and that the token is never printed.

mod support;

use serde_json::{Value, json};
use support::{Moto, Run, RunResult};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "ghs_E2eTokenThatMustNeverLeak7Qx91";
const REPO: &str = "acme/app";
const MARKER: &str = "<!-- lambda-promote report for .github/lambda-promote.yml -->";
const COMMENTS: &str = "/repos/acme/app/issues/7/comments";
const CF_ID_ENV: &str = "CF_DISTRIBUTION_ID";

const CONTRACT: &str = r#"version: 1
region: us-east-1
environments:
  dev:
    when: { branch: dev }
    image: input
    functions:
      - name: worker-dev
    checks:
      - cloudfront:
          comment: app-dev
          id-env: CF_DISTRIBUTION_ID
      - log-group: /aws/lambda/worker-dev
"#;

/// dev serves image v1 through alias `live`; v2 is pushed and ready to promote.
fn seed(moto: &Moto) -> Value {
    moto.seed(json!({
        "ecr": [{"repository": "worker", "images": [
            {"name": "v1", "tags": ["v1"]}, {"name": "v2", "tags": ["v2"]}]}],
        "functions": [{"name": "worker-dev",
            "versions": [{"image": {"repository": "worker", "tag": "v1"}}],
            "aliases": [{"name": "live", "version": 1}]}],
        "log_groups": [{"name": "/aws/lambda/worker-dev"}],
        "cloudfront": [{"comment": "app-dev", "aliases": ["dev.example.com"]}]
    }))
}

fn distribution_id(seeded: &Value) -> String {
    seeded["distributions"]["app-dev"]["id"]
        .as_str()
        .expect("distribution id")
        .to_owned()
}

/// The runner's env for a job whose GitHub API is the mock server.
fn action(moto: &Moto, github: &MockServer) -> Run {
    Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(CONTRACT)
        .env("GITHUB_API_URL", &github.uri())
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_SERVER_URL", "https://github.example.test")
        .env("GITHUB_RUN_ID", "9876")
        .input("github-token", TOKEN)
}

/// `validate` on the repository's own pull request #7 (pr-comment defaults to true).
fn pull_request(moto: &Moto, github: &MockServer, cf_id: &str) -> Run {
    action(moto, github)
        .event(
            "pull_request",
            json!({"number": 7, "pull_request": {"number": 7,
                "head": {"repo": {"full_name": REPO, "fork": false}},
                "base": {"repo": {"full_name": REPO}}}}),
        )
        .env(CF_ID_ENV, cf_id)
}

async fn execute(run: Run) -> RunResult {
    tokio::task::spawn_blocking(move || run.execute())
        .await
        .expect("run thread")
}

async fn requests(github: &MockServer) -> Vec<Request> {
    github.received_requests().await.expect("recording on")
}

fn line(r: &Request) -> String {
    let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{} {}{query}", r.method, r.url.path())
}

fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

/// Every request carried the token, as octocrab's bearer credential.
fn assert_authorised(seen: &[Request]) {
    assert!(!seen.is_empty());
    for r in seen {
        let auth = r
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert_eq!(auth, format!("Bearer {TOKEN}"), "{}", line(r));
    }
}

/// The token shows up nowhere but on its `::add-mask::` line.
fn assert_token_never_printed(result: &RunResult) {
    for (channel, text) in [
        ("stdout", &result.stdout),
        ("stderr", &result.stderr),
        ("summary", &result.summary),
        ("GITHUB_OUTPUT", &result.outputs_raw),
    ] {
        for l in text.lines().filter(|l| l.contains(TOKEN)) {
            assert!(
                channel == "stdout" && l == format!("::add-mask::{TOKEN}"),
                "token on {channel}: {l}"
            );
        }
        assert!(
            !text
                .replace(&format!("::add-mask::{TOKEN}"), "")
                .contains("TokenThatMustNeverLeak"),
            "token part on {channel}"
        );
    }
}

async fn mock_empty_comment_list(github: &MockServer) {
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(github)
        .await;
}

async fn mock_create_comment(github: &MockServer, id: u64) {
    Mock::given(method("POST"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": id})))
        .mount(github)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_first_run_creates_the_comment() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = MockServer::start().await;
    mock_empty_comment_list(&github).await;
    mock_create_comment(&github, 501).await;

    let result = execute(pull_request(&moto, &github, &cf_id)).await;
    result.assert_code(0);
    let seen = requests(&github).await;
    let lines: Vec<String> = seen.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            format!("GET {COMMENTS}?per_page=100"),
            format!("POST {COMMENTS}")
        ]
    );
    assert_authorised(&seen);
    let posted = body(&seen[1])["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(posted.starts_with(MARKER), "{posted}");
    assert!(posted.contains("**No drift"), "{posted}");
    assert!(
        posted.contains("| Environment | Check | Resource | Expected | Live | Status | Detail |"),
        "{posted}"
    );
    assert!(posted.contains("| dev | log-group | /aws/lambda/worker-dev |"));
    assert!(posted.contains("https://github.example.test/acme/app/actions/runs/9876"));
    // Secrets are redacted in the comment exactly as in the summary.
    assert!(!posted.contains(&cf_id), "{posted}");
    assert!(posted.contains(&lambda_promote::secret::redact(&cf_id)));
    assert_token_never_printed(&result);
}

/// The comment list: page 1 unrelated, with a `Link` to page 2 holding our comment.
async fn mock_two_pages(github: &MockServer, ours: u64, old_body: &str) {
    let next = format!("{}{COMMENTS}?per_page=100&page=2", github.uri());
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!("<{next}>; rel=\"next\", <{next}>; rel=\"last\""),
                )
                .set_body_json(json!([
                    {"id": 11, "body": "LGTM"},
                    {"id": 12, "body": "lambda-promote report, but not the marker"}
                ])),
        )
        .mount(github)
        .await;
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 13, "body": null},
            {"id": ours, "body": old_body, "user": {"login": "github-actions[bot]", "type": "Bot"}}
        ])))
        .mount(github)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/repos/acme/app/issues/comments/{ours}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": ours})))
        .mount(github)
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_later_run_updates_the_comment_found_on_page_two() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = MockServer::start().await;
    mock_two_pages(&github, 777, &format!("{MARKER}\nold report")).await;

    let result = execute(pull_request(&moto, &github, &cf_id)).await;
    result.assert_code(0);
    let seen = requests(&github).await;
    let lines: Vec<String> = seen.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            format!("GET {COMMENTS}?per_page=100"),
            format!("GET {COMMENTS}?per_page=100&page=2"),
            "GET /user".to_owned(),
            "PATCH /repos/acme/app/issues/comments/777".to_owned(),
        ],
        "no second comment is created"
    );
    assert_authorised(&seen);
    let patched = body(&seen[3])["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        patched.starts_with(MARKER) && patched.contains("**No drift"),
        "{patched}"
    );
    assert_token_never_printed(&result);
}

#[tokio::test(flavor = "multi_thread")]
async fn fixing_the_drift_updates_the_same_comment_to_a_clean_verdict() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));

    // Run 1: the secret is wrong, the comment is created saying so.
    let github = MockServer::start().await;
    mock_empty_comment_list(&github).await;
    mock_create_comment(&github, 900).await;
    let drift = execute(pull_request(&moto, &github, "EWRONGDISTRIB1")).await;
    drift.assert_code(1);
    assert_eq!(drift.output("result"), Some("drift"));
    let seen = requests(&github).await;
    assert_eq!(
        seen.len(),
        2,
        "{:?}",
        seen.iter().map(line).collect::<Vec<_>>()
    );
    let first = body(&seen[1])["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        first.contains("**drift**") && first.contains("cloudfront-id-mismatch"),
        "{first}"
    );
    assert!(!first.contains("EWRONGDISTRIB1"), "{first}");

    // Run 2: GitHub now lists that comment; the fixed secret updates it in place.
    github.reset().await;
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": 900, "body": first, "user": {"login": "github-actions[bot]", "type": "Bot"}}])))
        .mount(&github)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/acme/app/issues/comments/900"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 900})))
        .mount(&github)
        .await;
    let fixed = execute(pull_request(&moto, &github, &cf_id)).await;
    fixed.assert_code(0);
    let seen = requests(&github).await;
    let lines: Vec<String> = seen.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            format!("GET {COMMENTS}?per_page=100"),
            "GET /user".to_owned(),
            "PATCH /repos/acme/app/issues/comments/900".to_owned()
        ]
    );
    let updated = body(&seen[2])["body"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(updated.starts_with(MARKER), "{updated}");
    assert!(
        updated.contains("**success**") && updated.contains("**No drift"),
        "{updated}"
    );
    assert!(!updated.contains("cloudfront-id-mismatch"), "{updated}");
    assert_token_never_printed(&drift);
    assert_token_never_printed(&fixed);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_403_is_a_warning_naming_the_permission_and_keeps_the_exit_code() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = MockServer::start().await;
    mock_empty_comment_list(&github).await;
    Mock::given(method("POST"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest"
        })))
        .mount(&github)
        .await;

    let result = execute(pull_request(&moto, &github, &cf_id)).await;
    result.assert_code(0);
    assert_eq!(result.output("result"), Some("success"));
    let warning = result
        .stdout
        .lines()
        .find(|l| l.starts_with("::warning") && l.contains("PR comment"))
        .unwrap_or_else(|| panic!("no warning:\n{}", result.stdout));
    assert!(warning.contains("pull-requests: write"), "{warning}");
    assert!(
        result.summary.contains("pull-requests: write"),
        "{}",
        result.summary
    );
    // A permission refusal is not retried.
    let posts = requests(&github)
        .await
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(posts, 1);
    assert_token_never_printed(&result);

    // With drift, the exit code stays 1.
    let drift = execute(pull_request(&moto, &github, "EWRONGDISTRIB1")).await;
    drift.assert_code(1);
    assert!(drift.stdout.contains("pull-requests: write"));
}

async fn mock_deployments(github: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/repos/acme/app/deployments"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 4321})))
        .mount(github)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/acme/app/deployments/4321/statuses"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .mount(github)
        .await;
}

/// `promote` of dev on a push to the dev branch, recording a Deployment.
fn promote(moto: &Moto, github: &MockServer, cf_id: &str, image: &str) -> Run {
    action(moto, github)
        .push_branch("dev")
        .input("command", "promote")
        .input("image", image)
        .input("github-deployment", "true")
        .env(CF_ID_ENV, cf_id)
}

/// The deployment and its statuses, in order, as `(path, body)`.
async fn deployment_calls(github: &MockServer) -> Vec<(String, Value)> {
    requests(github)
        .await
        .iter()
        .map(|r| (line(r), body(r)))
        .collect()
}

const LOG_URL: &str = "https://github.example.test/acme/app/actions/runs/9876";

#[tokio::test(flavor = "multi_thread")]
async fn a_promote_records_a_deployment_in_progress_then_success() {
    let moto = Moto::start();
    let seeded = seed(&moto);
    let cf_id = distribution_id(&seeded);
    let digest = seeded["images"]["v2"]["digest"].as_str().expect("digest");
    let github = MockServer::start().await;
    mock_deployments(&github).await;

    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v2";
    let result = execute(promote(&moto, &github, &cf_id, image)).await;
    result.assert_code(0);
    assert_eq!(result.output("result"), Some("success"));
    assert_eq!(result.output("image-digest"), Some(digest));
    let version = result.output("version").expect("version output").to_owned();

    let calls = deployment_calls(&github).await;
    let paths: Vec<&str> = calls.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "POST /repos/acme/app/deployments",
            "POST /repos/acme/app/deployments/4321/statuses",
            "POST /repos/acme/app/deployments/4321/statuses",
        ]
    );
    let deployment = &calls[0].1;
    assert_eq!(
        deployment["ref"],
        "0123456789abcdef0123456789abcdef01234567"
    );
    assert_eq!(deployment["environment"], "dev");
    assert_eq!(deployment["auto_merge"], false);
    assert_eq!(deployment["required_contexts"], json!([]));
    assert_eq!(deployment["production_environment"], false);

    let (started, finished) = (&calls[1].1, &calls[2].1);
    assert_eq!(started["state"], "in_progress");
    assert_eq!(started["log_url"], LOG_URL);
    assert_eq!(finished["state"], "success");
    assert_eq!(finished["log_url"], LOG_URL);
    let description = finished["description"].as_str().unwrap_or_default();
    let short_digest: String = digest.chars().take(19).collect();
    assert!(
        description.contains(&format!("version {version}")) && description.contains(&short_digest),
        "{description}"
    );
    assert_authorised(&requests(&github).await);
    assert_token_never_printed(&result);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_promote_posts_a_failure_status() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = MockServer::start().await;
    mock_deployments(&github).await;

    let image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v404";
    let result = execute(promote(&moto, &github, &cf_id, image)).await;
    result.assert_code(1);
    assert_eq!(result.output("result"), Some("failed"));

    let calls = deployment_calls(&github).await;
    let states: Vec<(&str, &str)> = calls
        .iter()
        .map(|(p, b)| (p.as_str(), b["state"].as_str().unwrap_or("-")))
        .collect();
    assert_eq!(
        states,
        [
            ("POST /repos/acme/app/deployments", "-"),
            (
                "POST /repos/acme/app/deployments/4321/statuses",
                "in_progress"
            ),
            ("POST /repos/acme/app/deployments/4321/statuses", "failure"),
        ]
    );
    assert_eq!(calls[2].1["log_url"], LOG_URL);
    assert!(
        calls[2].1["description"]
            .as_str()
            .unwrap_or_default()
            .contains("failed")
    );
    assert_token_never_printed(&result);
}
