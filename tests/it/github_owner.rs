//! The sticky comment belongs to the token's own identity (issue 9, item 6): a comment by
//! anyone else that carries the marker is never edited. The real binary runs `validate` on
//! a pull request against moto, with a wiremock GitHub API that asserts every request.
//! `GITHUB_TOKEN` is an installation token: `GET /user` answers 403, GraphQL's `viewer`
//! names `github-actions[bot]`, the author of its comments; a personal token's `GET /user`
//! names its user. When neither names the identity (issue 20), no comment is ours: a new
//! one is posted, never another identity's edited.

use crate::support::{COMMENTS, GitHubStandIn, Stage};
use serde_json::{Value, json};

const TOKEN: &str = "ghs_OwnerTestToken000111222333";
const MARKER: &str = "<!-- lambda-promote report for .github/lambda-promote.yml -->";

fn comment(id: u64, login: &str, kind: &str) -> Value {
    json!({"id": id, "body": format!("{MARKER}\nsome text"),
           "user": {"login": login, "type": kind}})
}

/// An installation token's `GET /user`: 403.
fn installation_token() -> (u16, Value) {
    (
        403,
        json!({
            "message": "Resource not accessible by integration",
            "documentation_url": "https://docs.github.com/rest/users/users#get-the-authenticated-user"
        }),
    )
}

/// GraphQL naming the Actions bot as the viewer.
fn viewer_is_the_bot() -> (u16, Value) {
    (
        200,
        json!({"data": {"viewer": {"login": "github-actions[bot]"}}}),
    )
}

/// `validate` on the pull request with a comment list, `GET /user` answering `user`,
/// GraphQL `viewer` answering `viewer`, and create/patch endpoints; the requests GitHub saw.
fn run_against(listed: Vec<Value>, user: (u16, Value)) -> Vec<String> {
    run_with_viewer(listed, user, viewer_is_the_bot())
}

fn run_with_viewer(listed: Vec<Value>, user: (u16, Value), viewer: (u16, Value)) -> Vec<String> {
    let stage = Stage::start(61);
    let gh = GitHubStandIn::start();
    gh.answer("GET", COMMENTS, 200, json!(listed))
        .answer("GET", "/user", user.0, user.1)
        .answer("POST", "/graphql", viewer.0, viewer.1)
        .answer("POST", COMMENTS, 201, json!({"id": 900}))
        .answer(
            "PATCH",
            "/repos/acme/app/issues/comments/12",
            200,
            json!({"id": 1}),
        )
        .answer(
            "PATCH",
            "/repos/acme/app/issues/comments/13",
            200,
            json!({"id": 1}),
        );
    let r = stage
        .validate("")
        .github(&gh.uri(), TOKEN)
        .own_pull_request()
        .execute();
    r.assert_code(0);
    assert!(r.stdout.contains("PR comment:"), "{}", r.stdout);
    gh.lines()
}

#[test]
fn a_foreign_comment_with_the_marker_is_left_alone_and_a_new_one_created() {
    let seen = run_against(vec![comment(11, "mallory", "User")], installation_token());
    assert_eq!(
        seen,
        [
            format!("GET {COMMENTS}"),
            "GET /user".into(),
            "POST /graphql".into(),
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
            "POST /graphql".into(),
            "PATCH /repos/acme/app/issues/comments/12".into()
        ]
    );
}

#[test]
fn an_unknown_identity_posts_a_new_comment_and_edits_none() {
    // Another identity's token, which neither `GET /user` nor GraphQL names: the bot's
    // comment is not its own, whoever may edit it.
    let listed = vec![comment(12, "github-actions[bot]", "Bot")];
    let refused = (
        403,
        json!({"message": "Resource not accessible by integration"}),
    );
    let seen = run_with_viewer(listed, installation_token(), refused);
    assert_eq!(
        seen,
        [
            format!("GET {COMMENTS}"),
            "GET /user".into(),
            "POST /graphql".into(),
            format!("POST {COMMENTS}")
        ]
    );
}

#[test]
fn with_a_personal_token_only_that_users_comment_is_ours() {
    let alice = (200, json!({"login": "alice", "type": "User"}));
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
