//! The GitHub API client's sticky comment against a local stand-in for GitHub
//! (wiremock): exactly what is sent, how pages are followed, what is retried.
//! Deployments and errors are in `github_deployments.rs` and `github_errors.rs`.

use std::time::Duration;

use lambda_promote::github::api::{
    CommentAction, DeploymentState, GitHub, GitHubError, RetryPolicy,
};
use lambda_promote::secret::Secret;
use serde_json::{Value, json};
use wiremock::matchers::{bearer_token, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::github_api::*;
use crate::support::github_stand_in::example;

#[tokio::test]
async fn first_comment_is_created() {
    let server = crate::support::github_stand_in::server().await;
    Mock::given(method("GET"))
        .and(path(comments_path("")))
        .and(query_param("per_page", "100"))
        .and(bearer_token(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 1, "body": "LGTM"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    expect_created(&server, "## Contract: 3 checks pass", 11).await;

    let action = client(&server.uri())
        .upsert_comment(7, MARKER, "## Contract: 3 checks pass")
        .await;

    assert_eq!(action, Ok(CommentAction::Created(11)));
    assert_eq!(
        seen(&server).await,
        [
            "GET /repos/octo-org/app/issues/7/comments?per_page=100",
            "POST /repos/octo-org/app/issues/7/comments"
        ]
    );
    all_authorised(&server).await;
}

/// Serves two pages of comments under `base_path`; ours is on page 2.
async fn two_pages_with_ours_on_page_two(server: &MockServer, base_path: &str) {
    let next = format!(
        "{}{}?per_page=100&page=2",
        server.uri(),
        comments_path(base_path)
    );
    let page_one: Vec<Value> = (1..=100)
        .map(|id| json!({"id": id, "body": format!("comment {id}")}))
        .collect();
    Mock::given(method("GET"))
        .and(path(comments_path(base_path)))
        .and(query_param("per_page", "100"))
        .and(query_param_is_missing("page"))
        .and(bearer_token(TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "link",
                    format!(r#"<{next}>; rel="next", <{next}>; rel="last""#),
                )
                .set_body_json(page_one),
        )
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(comments_path(base_path)))
        .and(query_param("page", "2"))
        .and(bearer_token(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 101, "body": null},
            {"id": 4242, "body": "<!-- lambda-promote -->\nold report", "user": {"login": "github-actions[bot]", "type": "Bot"}},
            {"id": 4243, "body": "<!-- lambda-promote -->\na stray duplicate", "user": {"login": "github-actions[bot]", "type": "Bot"}}
        ])))
        .expect(1)
        .mount(server)
        .await;
    // GITHUB_TOKEN is an installation token: GET /user is refused.
    Mock::given(method("GET"))
        .and(path(format!("{base_path}/user")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"
        })))
        .expect(1)
        .mount(server)
        .await;
    // GraphQL's viewer names the installation token's bot (GitHub.com's `/graphql`, an
    // Enterprise Server's `/api/graphql` beside `/api/v3`).
    let graphql = match base_path.strip_suffix("/v3") {
        Some(api) => format!("{api}/graphql"),
        None => format!("{base_path}/graphql"),
    };
    Mock::given(method("POST"))
        .and(path(graphql))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"viewer": {"login": "github-actions[bot]"}}})),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_second_run_updates_the_comment_found_on_page_two() {
    let server = crate::support::github_stand_in::server().await;
    two_pages_with_ours_on_page_two(&server, "").await;
    expect_updated(&server, "", 4242, "new report").await;
    expect_no_post(&server).await;

    let action = client(&server.uri())
        .upsert_comment(7, MARKER, "new report")
        .await;

    assert_eq!(action, Ok(CommentAction::Updated(4242)));
    assert_eq!(
        seen(&server).await,
        [
            "GET /repos/octo-org/app/issues/7/comments?per_page=100",
            "GET /repos/octo-org/app/issues/7/comments?per_page=100&page=2",
            "GET /user",
            "POST /graphql",
            "PATCH /repos/octo-org/app/issues/comments/4242"
        ]
    );
    all_authorised(&server).await;
}

#[tokio::test]
async fn enterprise_server_base_path_is_kept_for_every_page_and_write() {
    let server = crate::support::github_stand_in::server().await;
    two_pages_with_ours_on_page_two(&server, "/api/v3").await;
    expect_updated(&server, "/api/v3", 4242, "ghes").await;

    let gh = client(&format!("{}/api/v3/", server.uri()));
    let action = gh.upsert_comment(7, MARKER, "ghes").await;

    assert_eq!(action, Ok(CommentAction::Updated(4242)));
    assert_eq!(
        seen(&server).await,
        [
            "GET /api/v3/repos/octo-org/app/issues/7/comments?per_page=100",
            "GET /api/v3/repos/octo-org/app/issues/7/comments?per_page=100&page=2",
            "GET /api/v3/user",
            "POST /api/graphql",
            "PATCH /api/v3/repos/octo-org/app/issues/comments/4242"
        ]
    );
    all_authorised(&server).await;
}

#[tokio::test]
async fn fixed_drift_updates_the_same_comment_with_the_new_body() {
    let server = crate::support::github_stand_in::server().await;
    let gh = client(&server.uri());

    // Run 1: drift found, no comment yet.
    list_comments(&server, json!([])).await;
    expect_created(&server, "❌ drift: CLOUDFRONT_DISTRIBUTION_ID", 900).await;
    let first = gh
        .upsert_comment(7, MARKER, "❌ drift: CLOUDFRONT_DISTRIBUTION_ID")
        .await;
    assert_eq!(first, Ok(CommentAction::Created(900)));
    server.verify().await;
    server.reset().await;

    // Run 2: drift fixed; GitHub now lists run 1's comment.
    Mock::given(method("GET"))
        .and(path(comments_path("")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": 900, "body": "<!-- lambda-promote -->\n❌ drift: CLOUDFRONT_DISTRIBUTION_ID",
             "user": {"login": "github-actions[bot]", "type": "Bot"}}
        ])))
        .mount(&server)
        .await;
    expect_updated(&server, "", 900, "✅ no drift").await;
    Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": {"viewer": {"login": "github-actions[bot]"}}})),
        )
        .mount(&server)
        .await;
    expect_no_post(&server).await;
    let second = gh.upsert_comment(7, MARKER, "✅ no drift").await;
    assert_eq!(second, Ok(CommentAction::Updated(900)));
}

#[tokio::test]
async fn forbidden_comment_names_the_pull_requests_permission_and_is_not_retried() {
    let server = crate::support::github_stand_in::server().await;
    list_comments(&server, json!([])).await;
    Mock::given(method("POST"))
        .and(path(comments_path("")))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/issues/comments#create-an-issue-comment"
        })))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server.uri())
        .upsert_comment(7, MARKER, "report")
        .await
        .unwrap_err();

    assert_eq!(
        err,
        GitHubError::Permission {
            permission: "pull-requests: write",
            status: 403,
            message: "Resource not accessible by integration".into()
        }
    );
    let text = err.to_string();
    assert!(text.contains("pull-requests: write"), "{text}");
    assert!(text.contains("fork"), "{text}");
    assert_no_token(&err);
}

#[tokio::test]
async fn a_bad_gateway_is_retried_with_the_default_policy() {
    let server = crate::support::github_stand_in::server().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments"))
        .respond_with(ResponseTemplate::new(502).set_body_string("Bad Gateway"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    // Before trying again it looks for the deployment: GitHub lists only others.
    let route = "/repos/octo-org/app/deployments";
    example(&server, "GET", route, 200, |_| {}).await;
    example(&server, "POST", route, 201, |d| d["id"] = json!(77)).await;

    let gh = GitHub::new(&server.uri(), &Secret::new(TOKEN), "octo-org/app").expect("client");
    let id = gh
        .create_deployment(deployment("0123abc", "staging", "promote"))
        .await;

    assert_eq!(id, Ok(77));
    assert_eq!(
        seen(&server).await,
        [
            "POST /repos/octo-org/app/deployments",
            "GET /repos/octo-org/app/deployments?sha=0123abc&environment=staging&per_page=100",
            "POST /repos/octo-org/app/deployments",
        ]
    );
}

#[tokio::test]
async fn a_retried_comment_searches_again_before_posting() {
    let server = crate::support::github_stand_in::server().await;
    Mock::given(method("GET"))
        .and(path(comments_path("")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(comments_path("")))
        .respond_with(ResponseTemplate::new(502))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    expect_created(&server, "report", 5).await;

    let action = client(&server.uri())
        .upsert_comment(7, MARKER, "report")
        .await;

    assert_eq!(action, Ok(CommentAction::Created(5)));
    assert_eq!(
        seen(&server).await,
        [
            "GET /repos/octo-org/app/issues/7/comments?per_page=100",
            "POST /repos/octo-org/app/issues/7/comments",
            "GET /repos/octo-org/app/issues/7/comments?per_page=100",
            "POST /repos/octo-org/app/issues/7/comments"
        ]
    );
}

#[tokio::test]
async fn server_errors_give_up_after_three_attempts() {
    let server = crate::support::github_stand_in::server().await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/app/deployments/77/statuses"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"message": "unavailable"})))
        .expect(3)
        .mount(&server)
        .await;

    let err = client(&server.uri())
        .set_deployment_status(
            77,
            DeploymentState::Success,
            "https://x/run/1",
            "done",
            None,
        )
        .await
        .unwrap_err();

    assert_eq!(
        err,
        GitHubError::Other("deployment status: 503: unavailable after 3 attempts".into())
    );
}

#[tokio::test]
async fn a_silent_server_is_bounded_by_the_request_timeout() {
    let server = crate::support::github_stand_in::server().await;
    // Every request, the search before a retried create too, goes unanswered.
    Mock::given(wiremock::matchers::any())
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": 1}))
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let policy = RetryPolicy {
        attempts: 2,
        first_delay: Duration::from_millis(5),
        request_timeout: Duration::from_millis(100),
        budget: Duration::from_secs(3),
    };
    let gh = client(&server.uri()).with_policy(policy);

    let started = std::time::Instant::now();
    let err = gh
        .create_deployment(deployment("0123abc", "staging", "promote"))
        .await
        .unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("no answer within 100ms"), "{err}");
}
