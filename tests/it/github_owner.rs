//! The sticky comment belongs to the token's own identity (issue 9, item 6): a comment by
//! anyone else that carries the marker is never edited. The real binary runs `validate` on
//! a pull request against moto, with a wiremock GitHub API that asserts every request.
//! `GITHUB_TOKEN` is an installation token: `GET /user` answers 403 and its comments are
//! authored by `github-actions[bot]`; a personal token's `GET /user` names its user.


use serde_json::{Value, json};
use crate::support::{Run, RunResult, Stage, contract};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "ghs_OwnerTestToken000111222333";
const MARKER: &str = "<!-- lambda-promote report for .github/lambda-promote.yml -->";
const COMMENTS: &str = "/repos/acme/app/issues/7/comments";

fn comment(id: u64, login: &str, kind: &str) -> Value {
    json!({"id": id, "body": format!("{MARKER}\nsome text"),
           "user": {"login": login, "type": kind}})
}

/// A comment list, `GET /user` answering `user`, and create/patch endpoints.
async fn github(listed: Vec<Value>, user: ResponseTemplate) -> MockServer {
    let gh = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(200).set_body_json(listed))
        .mount(&gh)
        .await;
    Mock::given(method("GET"))
        .and(path("/user"))
        .respond_with(user)
        .mount(&gh)
        .await;
    Mock::given(method("POST"))
        .and(path(COMMENTS))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 900})))
        .mount(&gh)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&gh)
        .await;
    gh
}

fn installation_token() -> ResponseTemplate {
    ResponseTemplate::new(403).set_body_json(json!({
        "message": "Resource not accessible by integration",
        "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"
    }))
}

fn validate(stage: &Stage, gh: &MockServer) -> RunResult {
    Run::action()
        .endpoint(&stage.proxy.endpoint())
        .contract_text(&contract(""))
        .input("command", "validate")
        .input("github-token", TOKEN)
        .env("GITHUB_API_URL", &gh.uri())
        .env("GITHUB_REPOSITORY", "acme/app")
        .event(
            "pull_request",
            json!({"number": 7, "pull_request": {"number": 7,
                "head": {"repo": {"full_name": "acme/app", "fork": false}},
                "base": {"repo": {"full_name": "acme/app"}}}}),
        )
        .execute()
}

fn lines(seen: &[Request]) -> Vec<String> {
    seen.iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

fn run_against(listed: Vec<Value>, user: ResponseTemplate) -> Vec<String> {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let stage = Stage::start(61);
    let gh = rt.block_on(github(listed, user));
    let r = validate(&stage, &gh);
    r.assert_code(0);
    assert!(r.stdout.contains("PR comment:"), "{}", r.stdout);
    lines(&rt.block_on(gh.received_requests()).expect("recording"))
}

#[test]
fn a_foreign_comment_with_the_marker_is_left_alone_and_a_new_one_created() {
    let seen = run_against(vec![comment(11, "mallory", "User")], installation_token());
    assert_eq!(
        seen,
        [
            format!("GET {COMMENTS}"),
            "GET /user".into(),
            format!("POST {COMMENTS}")
        ]
    );
}

#[test]
fn our_own_comment_is_patched_even_after_a_foreign_one() {
    let listed = vec![
        comment(11, "mallory", "User"),
        comment(12, "github-actions[bot]", "Bot"),
    ];
    let seen = run_against(listed, installation_token());
    assert_eq!(
        seen,
        [
            format!("GET {COMMENTS}"),
            "GET /user".into(),
            "PATCH /repos/acme/app/issues/comments/12".into()
        ]
    );
}

#[test]
fn with_a_personal_token_only_that_users_comment_is_ours() {
    let alice = ResponseTemplate::new(200).set_body_json(json!({"login": "alice", "type": "User"}));
    let listed = vec![
        comment(12, "github-actions[bot]", "Bot"),
        comment(13, "Alice", "User"),
    ];
    let seen = run_against(listed, alice);
    assert_eq!(
        seen,
        [
            format!("GET {COMMENTS}"),
            "GET /user".into(),
            "PATCH /repos/acme/app/issues/comments/13".into()
        ]
    );
}
