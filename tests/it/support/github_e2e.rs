//! Shared by the end-to-end GitHub tests: the contract, the moto seed, the runner's env
//! with the wiremock GitHub API, and what that server saw.

pub use super::github_stand_in::{
    COMMENTS, answer, deployments, example, listed_comment, reset, server,
};
use super::{Moto, Run, RunResult};
use serde_json::{Value, json};
use wiremock::{MockServer, Request};

pub const TOKEN: &str = "ghs_E2eTokenThatMustNeverLeak7Qx91";
pub const MARKER: &str = "<!-- lambda-promote report for .github/lambda-promote.yml -->";
pub const CF_ID_ENV: &str = "CF_DISTRIBUTION_ID";

pub const CONTRACT: &str = r#"version: 1
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
pub fn seed(moto: &Moto) -> Value {
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

pub fn distribution_id(seeded: &Value) -> String {
    seeded["distributions"]["app-dev"]["id"]
        .as_str()
        .expect("distribution id")
        .to_owned()
}

/// The runner's env for a job whose GitHub API is the mock server.
pub fn action(moto: &Moto, github: &MockServer) -> Run {
    Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(CONTRACT)
        .github(&github.uri(), TOKEN)
        .env("GITHUB_SERVER_URL", "https://github.example.test")
        .env("GITHUB_RUN_ID", "9876")
}

/// `validate` on the repository's own pull request #7 (pr-comment defaults to true).
pub fn pull_request(moto: &Moto, github: &MockServer, cf_id: &str) -> Run {
    action(moto, github)
        .own_pull_request()
        .env(CF_ID_ENV, cf_id)
}

pub async fn execute(run: Run) -> RunResult {
    tokio::task::spawn_blocking(move || run.execute())
        .await
        .expect("run thread")
}

pub async fn requests(github: &MockServer) -> Vec<Request> {
    github.received_requests().await.expect("recording on")
}

pub fn line(r: &Request) -> String {
    let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
    format!("{} {}{query}", r.method, r.url.path())
}

pub fn body(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap_or(Value::Null)
}

/// The `body` field of a comment request's JSON.
pub fn comment_body(r: &Request) -> String {
    body(r)["body"].as_str().unwrap_or_default().to_owned()
}

/// Every request carried the token, as octocrab's bearer credential.
pub fn assert_authorised(seen: &[Request]) {
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
pub fn assert_token_never_printed(result: &RunResult) {
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

pub async fn mock_empty_comment_list(github: &MockServer) {
    answer(github, "GET", Some(COMMENTS), 200, json!([])).await;
}

pub async fn mock_create_comment(github: &MockServer, id: u64) {
    example(github, "POST", COMMENTS, 201, |c| c["id"] = json!(id)).await;
}
