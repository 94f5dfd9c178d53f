//! GitHub Deployments through the API client against wiremock: the deployment,
//! its statuses in order, and a missing permission named in the warning.

use crate::support::github_api::*;
use crate::support::github_stand_in::{example, server};
use lambda_promote::github::api::{DeploymentState, GitHubError, NewDeployment};
use serde_json::json;
use wiremock::matchers::{bearer_token, body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SHA: &str = "9fceb02d0ae598e95dc970b74767f19372d61af8";
const KEY: &str = "4242/1/promote";

fn new<'a>(sha: &'a str, environment: &'a str, production: bool) -> NewDeployment<'a> {
    NewDeployment {
        sha,
        environment,
        production,
        description: "lambda-promote sha256:abc",
        key: KEY,
    }
}

#[tokio::test]
async fn deployments_not_found_names_the_deployments_permission() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server.uri())
        .create_deployment(new("0123abc", "production", true))
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
            "ref": SHA,
            "environment": environment,
            "description": "lambda-promote sha256:abc",
            "payload": {"lambda-promote": KEY},
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
    let server = server().await;
    expect_deployment(&server, "production", true).await;
    expect_status(&server, "in_progress", "promoting sha256:abc").await;
    expect_status(&server, "success", "alias live now points to version 12").await;
    let gh = client(&server.uri());

    let id = gh
        .create_deployment(new(SHA, "production", true))
        .await
        .expect("deployment");
    gh.set_deployment_status(
        id,
        DeploymentState::InProgress,
        LOG_URL,
        "promoting sha256:abc",
        None,
    )
    .await
    .expect("in_progress");
    gh.set_deployment_status(
        id,
        DeploymentState::Success,
        LOG_URL,
        "alias live now points to version 12",
        None,
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
    let server = server().await;
    expect_deployment(&server, "staging", false).await;
    let long = format!("rolled back: {}", "error rate too high; ".repeat(10));
    let expected: String = long.chars().take(139).chain(['…']).collect();
    expect_status(&server, "failure", &expected).await;
    let gh = client(&server.uri());

    let id = gh
        .create_deployment(new(SHA, "staging", false))
        .await
        .expect("deployment");
    gh.set_deployment_status(id, DeploymentState::Failure, LOG_URL, &long, None)
        .await
        .expect("failure");
}

#[tokio::test]
async fn a_create_that_landed_is_found_not_made_twice() {
    let server = server().await;
    // The first create lands, but its answer is lost (a 502 from a proxy).
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .expect(1)
        .mount(&server)
        .await;
    // GitHub lists it, with the run's key in its payload.
    let route = "/repos/octo-org/app/deployments";
    example(&server, "GET", route, 200, |list| {
        let mut ours = list[0].clone();
        ours["id"] = json!(91);
        ours["payload"] = json!({"lambda-promote": KEY});
        list.as_array_mut().expect("a list").push(ours);
    })
    .await;

    let id = client(&server.uri())
        .create_deployment(new(SHA, "production", true))
        .await;

    assert_eq!(id, Ok(91));
    assert_eq!(
        seen(&server).await,
        [
            "POST /repos/octo-org/app/deployments".to_owned(),
            format!(
                "GET /repos/octo-org/app/deployments?sha={SHA}&environment=production&per_page=100"
            ),
        ],
        "one create only"
    );
}
