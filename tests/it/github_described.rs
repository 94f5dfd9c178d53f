//! The GitHub stand-in's own check: GitHub's OpenAPI description refuses what GitHub would
//! ignore or reject (an unknown field, a misspelt route, a bad state), and a guarded server
//! fails the test that sent such a request.

use futures::FutureExt;
use serde_json::json;
use wiremock::Request;

use crate::support::github_stand_in::server;

fn request(verb: &str, path_and_query: &str, body: serde_json::Value) -> Request {
    Request {
        url: format!("http://stand-in{path_and_query}")
            .parse()
            .expect("url"),
        method: verb.parse().expect("method"),
        headers: Default::default(),
        body: if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        },
    }
}

fn check(
    verb: &str,
    path_and_query: &str,
    body: serde_json::Value,
) -> Result<&'static str, String> {
    crate::support::github_stand_in::check(&request(verb, path_and_query, body))
}

#[test]
fn what_the_binary_sends_is_in_the_description() {
    let deployment = json!({"ref": "abc", "environment": "dev", "description": "d",
        "payload": {"lambda-promote": "1/1/promote"}, "auto_merge": false,
        "required_contexts": [], "production_environment": false, "transient_environment": false});
    assert_eq!(
        check("POST", "/repos/o/r/deployments", deployment),
        Ok("/repos/{owner}/{repo}/deployments")
    );
    let status = json!({"state": "in_progress", "log_url": "https://x", "description": "d",
        "environment_url": "https://app.example.com"});
    assert!(check("POST", "/repos/o/r/deployments/7/statuses", status).is_ok());
    assert!(
        check(
            "GET",
            "/repos/o/r/issues/7/comments?per_page=100&page=2",
            json!(null)
        )
        .is_ok()
    );
    assert!(
        check("GET", "/api/v3/user", json!(null)).is_ok(),
        "GitHub Enterprise Server"
    );
}

#[test]
fn what_github_would_ignore_or_refuse_is_not() {
    let cases = [
        (
            "POST",
            "/repos/o/r/deployments",
            json!({"ref": "a", "environmnet": "dev"}),
            "environmnet",
        ),
        (
            "POST",
            "/repos/o/r/deployments",
            json!({"environment": "dev"}),
            "missing required `ref`",
        ),
        (
            "POST",
            "/repos/o/r/deployments/7/statuses",
            json!({"state": "done"}),
            "is not one of",
        ),
        (
            "POST",
            "/repos/o/r/deployments/x/statuses",
            json!({"state": "success"}),
            "deployment_id",
        ),
        (
            "PATCH",
            "/repos/o/r/issues/7/comments",
            json!({"body": "b"}),
            "no such operation",
        ),
        (
            "GET",
            "/repos/o/r/issues/7/comments?perpage=100",
            json!(null),
            "`perpage`",
        ),
        (
            "GET",
            "/user",
            json!({"x": 1}),
            "a body where the operation takes none",
        ),
    ];
    for (verb, route, body, why) in cases {
        let err = check(verb, route, body).unwrap_err();
        assert!(err.contains(why), "{verb} {route}: {err}");
    }
}

#[tokio::test]
async fn a_guarded_server_fails_the_test_that_sent_such_a_request() {
    let github = server().await;
    let url = format!("{}/repos/o/r/deployments", github.uri());
    let body = r#"{"ref":"a","environmnet":"dev"}"#;
    let answer = tokio::task::spawn_blocking(move || {
        // A plain HTTP/1.1 request, so no client library is needed.
        use std::io::{Read, Write};
        let address = url.trim_start_matches("http://").split('/').next().unwrap_or_default().to_owned();
        let mut s = std::net::TcpStream::connect(address).expect("connect");
        write!(
            s,
            "POST /repos/o/r/deployments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .expect("send");
        let mut text = String::new();
        s.read_to_string(&mut text).expect("read");
        text
    })
    .await
    .expect("request thread");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("environmnet"), "{answer}");
    let verified = std::panic::AssertUnwindSafe(github.verify())
        .catch_unwind()
        .await;
    assert!(verified.is_err(), "the guard lets the test fail");
    // Forget the request, so dropping the server does not fail this test too.
    github.reset().await;
}
