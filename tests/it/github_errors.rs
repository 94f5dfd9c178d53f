//! GitHub API errors through the client against wiremock: the token never shows
//! in one, and an exhausted rate limit is not blamed on permissions.

use crate::support::github_api::*;
use lambda_promote::github::api::{DeploymentState, GitHubError};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn the_token_shows_in_no_error() {
    let server = crate::support::github_stand_in::server().await;
    // A misbehaving proxy that echoes the credential back in its error.
    let echo = json!({"message": format!("bad credentials: Bearer {TOKEN}")});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(echo.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .respond_with(ResponseTemplate::new(403).set_body_json(echo.clone()))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments/1/statuses"))
        .respond_with(ResponseTemplate::new(500).set_body_string(format!("oops {TOKEN}")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments/2/statuses"))
        .respond_with(ResponseTemplate::new(201).set_body_string(format!("not json {TOKEN}")))
        .mount(&server)
        .await;
    let gh = client(&server.uri());

    let errors = [
        gh.upsert_comment(7, MARKER, "x").await.unwrap_err(),
        gh.create_deployment(deployment("abc", "dev", "d"))
            .await
            .unwrap_err(),
        gh.set_deployment_status(1, DeploymentState::Success, LOG_URL, "d", None)
            .await
            .unwrap_err(),
        gh.set_deployment_status(2, DeploymentState::Success, LOG_URL, "d", None)
            .await
            .unwrap_err(),
    ];
    for err in &errors {
        assert_no_token(err);
    }
    assert!(errors[0].to_string().contains("401"), "{}", errors[0]);

    // Nothing listening: a transport error.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let err = client(&format!("http://{closed}"))
        .create_deployment(deployment("abc", "dev", "d"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
    assert_no_token(&err);
}

#[tokio::test]
async fn an_exhausted_rate_limit_is_not_blamed_on_permissions() {
    let server = crate::support::github_stand_in::server().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ratelimit-remaining", "0")
                .insert_header("x-ratelimit-reset", "4102444800")
                .set_body_json(json!({"message": "API rate limit exceeded"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server.uri())
        .create_deployment(deployment("abc", "dev", "d"))
        .await
        .unwrap_err();

    assert_eq!(
        err,
        GitHubError::Other("rate limited (403): API rate limit exceeded".into())
    );
}
