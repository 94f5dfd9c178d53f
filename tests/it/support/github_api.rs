//! Shared by the GitHub API client tests: the client, its token, and what the
//! wiremock server saw.

use std::time::Duration;

use lambda_promote::github::api::{GitHub, GitHubError, NewDeployment, RetryPolicy};
use lambda_promote::secret::Secret;
use serde_json::{Value, json};
use wiremock::matchers::{bearer_token, body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const TOKEN: &str = "ghs_T0kenThatMustNeverLeak0123456789";
pub const MARKER: &str = "lambda-promote";
/// The comment's first line, as the client writes `MARKER`.
pub const MARKER_LINE: &str = "<!-- lambda-promote -->";
pub const LOG_URL: &str = "https://github.com/octo-org/app/actions/runs/42";

/// Quick retries so the suite stays fast; the shape is the default's.
pub fn quick() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// A Deployment of `sha` to `environment`, as run 4242's first attempt makes it.
pub fn deployment<'a>(
    sha: &'a str,
    environment: &'a str,
    description: &'a str,
) -> NewDeployment<'a> {
    NewDeployment {
        sha,
        environment,
        production: false,
        description,
        key: "4242/1/promote",
    }
}

pub fn client(api_url: &str) -> GitHub {
    GitHub::new(api_url, &Secret::new(TOKEN), "octo-org/app")
        .expect("client")
        .with_policy(quick())
}

/// `METHOD /path?query` of every request the server saw, in order.
pub async fn seen(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .map(|r| {
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{} {}{query}", r.method, r.url.path())
        })
        .collect()
}

/// Every request carried the token as a bearer credential.
pub async fn all_authorised(server: &MockServer) {
    for r in server.received_requests().await.expect("recording is on") {
        let auth = r
            .headers
            .get("authorization")
            .map(|v| v.to_str().unwrap_or_default());
        assert_eq!(
            auth,
            Some(format!("Bearer {TOKEN}").as_str()),
            "{} {}",
            r.method,
            r.url
        );
    }
}

pub fn assert_no_token(err: &GitHubError) {
    let shown = format!("{err} | {err:?}");
    assert!(!shown.contains(TOKEN), "token leaked: {shown}");
    assert!(!shown.contains("0123456789"), "token part leaked: {shown}");
}

pub fn comments_path(base_path: &str) -> String {
    format!("{base_path}/repos/octo-org/app/issues/7/comments")
}

/// `GET` of PR #7's comments answers `list`.
pub async fn list_comments(server: &MockServer, list: Value) {
    Mock::given(method("GET"))
        .and(path(comments_path("")))
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
        .mount(server)
        .await;
}

/// Exactly one comment is created, with the marker and `body`, as comment `id`.
pub async fn expect_created(server: &MockServer, body: &str, id: u64) {
    Mock::given(method("POST"))
        .and(path(comments_path("")))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({"body": format!("{MARKER_LINE}\n{body}")})))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": id})))
        .expect(1)
        .mount(server)
        .await;
}

/// Exactly one update of comment `id` under `base_path`, to the marker and `body`.
pub async fn expect_updated(server: &MockServer, base_path: &str, id: u64, body: &str) {
    Mock::given(method("PATCH"))
        .and(path(format!(
            "{base_path}/repos/octo-org/app/issues/comments/{id}"
        )))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({"body": format!("{MARKER_LINE}\n{body}")})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": id})))
        .expect(1)
        .mount(server)
        .await;
}

/// No comment is created.
pub async fn expect_no_post(server: &MockServer) {
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1})))
        .expect(0)
        .mount(server)
        .await;
}
