//! GitHub Deployments through the API client against wiremock: the deployment,
//! its statuses in order, and a missing permission named in the warning.

use crate::support::github_api::*;
use lambda_promote::github::api::{DeploymentState, GitHubError};
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn deployments_not_found_names_the_deployments_permission() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server.uri())
        .create_deployment("0123abc", "production", true, "promote")
        .await
        .unwrap_err();

    assert!(
        matches!(
            &err,
            GitHubError::Permission {
                permission: "deployments: write",
                status: 404,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("deployments: write"), "{err}");
    assert_no_token(&err);
}

async fn expect_status(server: &MockServer, state: &str, description: &str) {
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments/77/statuses"))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({
            "state": state,
            "log_url": LOG_URL,
            "description": description
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 1, "state": state})))
        .expect(1)
        .mount(server)
        .await;
}

async fn expect_deployment(server: &MockServer, environment: &str, production: bool) {
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .and(bearer_token(TOKEN))
        .and(body_json(json!({
            "ref": "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "environment": environment,
            "description": "lambda-promote sha256:abc",
            "auto_merge": false,
            "required_contexts": [],
            "production_environment": production,
            "transient_environment": false
        })))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 77})))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_deployment_goes_in_progress_then_success() {
    let server = MockServer::start().await;
    expect_deployment(&server, "production", true).await;
    expect_status(&server, "in_progress", "promoting sha256:abc").await;
    expect_status(&server, "success", "alias live now points to version 12").await;
    let gh = client(&server.uri());

    let id = gh
        .create_deployment(
            "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "production",
            true,
            "lambda-promote sha256:abc",
        )
        .await
        .expect("deployment");
    gh.set_deployment_status(
        id,
        DeploymentState::InProgress,
        LOG_URL,
        "promoting sha256:abc",
    )
    .await
    .expect("in_progress");
    gh.set_deployment_status(
        id,
        DeploymentState::Success,
        LOG_URL,
        "alias live now points to version 12",
    )
    .await
    .expect("success");

    assert_eq!(id, 77);
    assert_eq!(
        seen(&server).await,
        [
            "POST /repos/octo-org/app/deployments",
            "POST /repos/octo-org/app/deployments/77/statuses",
            "POST /repos/octo-org/app/deployments/77/statuses"
        ]
    );
}

#[tokio::test]
async fn a_failed_deployment_reports_failure_with_a_truncated_description() {
    let server = MockServer::start().await;
    expect_deployment(&server, "staging", false).await;
    let long = format!("rolled back: {}", "error rate too high; ".repeat(10));
    let expected: String = long.chars().take(139).chain(['…']).collect();
    expect_status(&server, "failure", &expected).await;
    let gh = client(&server.uri());

    let id = gh
        .create_deployment(
            "9fceb02d0ae598e95dc970b74767f19372d61af8",
            "staging",
            false,
            "lambda-promote sha256:abc",
        )
        .await
        .expect("deployment");
    gh.set_deployment_status(id, DeploymentState::Failure, LOG_URL, &long)
        .await
        .expect("failure");
}
