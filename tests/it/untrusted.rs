//! Untrusted text from the function and from AWS is escaped where people read it (issue 9,
//! item 10): the job summary and the PR comment get no HTML, no link or image, no table cell
//! broken by `|`, no code span opened by a backtick, and no `@mention` that pings anyone.

use crate::support::{Action, COMMENTS, Fault, GitHubStandIn, Match, Rule, SMOKE, Stage, canary};
use serde_json::json;

const NASTY: &str = "<img src=x onerror=alert(1)> ![p](https://e.test/p.png) \
                     [click](javascript:alert(1)) | col | `code` @octocat **bold**";

/// Nothing of `NASTY` survives as markup in `text`, and it did arrive (escaped).
fn assert_inert(channel: &str, text: &str) {
    for raw in [
        "<img",
        "](javascript:",
        "![p]",
        "| col |",
        "`code`",
        "@octocat",
        "**bold**",
    ] {
        assert!(
            !text.contains(raw),
            "{raw:?} left as markup in {channel}:\n{text}"
        );
    }
    assert!(
        text.contains("&lt;img src=x"),
        "{channel} lacks the text:\n{text}"
    );
    assert!(text.contains("@\u{200d}octocat"), "{channel}:\n{text}");
}

#[test]
fn a_smoke_test_answer_is_escaped_in_the_summary() {
    let stage = Stage::start(71);
    // The function's answer to the smoke test: an unhandled error whose payload carries the
    // text (the proxy answers in the function's place; status 200, as Lambda answers
    // a function error: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html).
    stage.proxy.add(Rule::new(
        Match::op("Invoke"),
        Action::Fail(Fault::status(200, "Unhandled", NASTY)),
    ));
    stage
        .proxy
        .add(Rule::new(Match::op("Invoke"), Action::unhandled()));
    let r = stage.promote("v2", SMOKE).execute();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("failed"));
    assert_inert("summary", &r.summary);
    stage.assert_alias("1");
}

#[test]
fn canary_error_lines_are_escaped_in_the_summary() {
    let stage = Stage::start(72);
    let running = stage.promote("v2", &canary("[10, 50]", "8s")).spawn();
    stage.wait_canary_started();
    stage.log("2", "0a1b2c", &[&format!("ERROR {NASTY}")]);
    let r = running.wait();
    r.assert_code(1);
    assert_eq!(r.output("result"), Some("rolled-back"));
    assert_inert("summary", &r.summary);
}

#[test]
fn an_aws_message_is_escaped_in_the_pr_comment() {
    let stage = Stage::start(73);
    stage.proxy.add(Rule::new(
        Match::any().method("GET").path("/functions/worker"),
        Action::Fail(Fault::status(400, "InvalidParameterValueException", NASTY)),
    ));
    let gh = GitHubStandIn::start();
    gh.answer("GET", COMMENTS, 200, json!([]))
        .answer("POST", COMMENTS, 201, json!({"id": 5}));
    let r = stage
        .validate("")
        .github(&gh.uri(), "ghs_UntrustedTestToken0123")
        .own_pull_request()
        .execute();
    r.assert_code(1);
    let seen = gh.requests();
    let post = seen
        .iter()
        .find(|q| q.method.as_str() == "POST")
        .expect("a comment was posted");
    let body: serde_json::Value = serde_json::from_slice(&post.body).expect("JSON body");
    let comment = body["body"].as_str().expect("comment body");
    assert_inert("PR comment", comment);
    assert_inert("summary", &r.summary);
}
