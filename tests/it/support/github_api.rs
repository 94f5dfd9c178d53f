//! Shared by the GitHub API client tests: the client, its token, and what the
//! wiremock server saw.
#![allow(dead_code)] // each test module uses a different part

use std::time::Duration;

use lambda_promote::github::api::{GitHub, GitHubError, RetryPolicy};
use lambda_promote::secret::Secret;
use wiremock::MockServer;

pub const TOKEN: &str = "ghs_T0kenThatMustNeverLeak0123456789";
pub const MARKER: &str = "lambda-promote";
pub const LOG_URL: &str = "https://github.com/octo-org/app/actions/runs/42";

/// Quick retries so the suite stays fast; the shape is the default's.
pub fn quick() -> RetryPolicy {
    RetryPolicy {
        first_delay: Duration::from_millis(5),
        ..RetryPolicy::default()
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
