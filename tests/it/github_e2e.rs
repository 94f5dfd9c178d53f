//! The GitHub side end to end (issue 4): the real binary against moto for AWS and a wiremock
//! GitHub API for the sticky PR comment and the Deployments, asserting exactly what was sent:
//! method, path, body and the `Authorization` header; and that the token is never printed.
//!
//! Bare moto (no realism proxy): the subject is the GitHub side; AWS only has to answer.

use crate::support::github_e2e::*;

use crate::support::Moto;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread")]
async fn the_first_run_creates_the_comment() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = server().await;
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
    let posted = comment_body(&seen[1]);
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
    let shown = lambda_promote::secret::redact(&cf_id).replace('*', "&#42;");
    assert!(posted.contains(&shown), "{shown} in {posted}");
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
                    listed_comment(11, Some("LGTM"), "octocat"),
                    listed_comment(
                        12,
                        Some("lambda-promote report, but not the marker"),
                        "octocat"
                    )
                ])),
        )
        .mount(github)
        .await;
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            listed_comment(13, None, "octocat"),
            listed_comment(ours, Some(old_body), "github-actions[bot]")
        ])))
        .mount(github)
        .await;
    let route = format!("/repos/acme/app/issues/comments/{ours}");
    example(github, "PATCH", &route, 200, |c| c["id"] = json!(ours)).await;
    viewer_is_the_bot(github).await;
}

/// GraphQL's viewer: the Actions bot, as for `GITHUB_TOKEN` (`GET /user` refuses it).
async fn viewer_is_the_bot(github: &MockServer) {
    let viewer = json!({"data": {"viewer": {"login": "github-actions[bot]"}}});
    answer(github, "POST", Some("/graphql"), 200, viewer).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_later_run_updates_the_comment_found_on_page_two() {
    let moto = Moto::start();
    let cf_id = distribution_id(&seed(&moto));
    let github = server().await;
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
            "POST /graphql".to_owned(),
            "PATCH /repos/acme/app/issues/comments/777".to_owned(),
        ],
        "no second comment is created"
    );
    assert_authorised(&seen);
    let patched = comment_body(&seen[4]);
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
    let github = server().await;
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
    let first = comment_body(&seen[1]);
    assert!(
        first.contains("**drift**") && first.contains("cloudfront-id-mismatch"),
        "{first}"
    );
    assert!(!first.contains("EWRONGDISTRIB1"), "{first}");

    // Run 2: GitHub now lists that comment; the fixed secret updates it in place.
    reset(&github).await;
    let listed = json!([listed_comment(900, Some(&first), "github-actions[bot]")]);
    answer(&github, "GET", Some(COMMENTS), 200, listed).await;
    let route = "/repos/acme/app/issues/comments/900";
    example(&github, "PATCH", route, 200, |c| c["id"] = json!(900)).await;
    viewer_is_the_bot(&github).await;
    let fixed = execute(pull_request(&moto, &github, &cf_id)).await;
    fixed.assert_code(0);
    let seen = requests(&github).await;
    let lines: Vec<String> = seen.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            format!("GET {COMMENTS}?per_page=100"),
            "GET /user".to_owned(),
            "POST /graphql".to_owned(),
            "PATCH /repos/acme/app/issues/comments/900".to_owned()
        ]
    );
    let updated = comment_body(&seen[3]);
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
    let github = server().await;
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
