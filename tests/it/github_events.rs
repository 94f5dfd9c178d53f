//! `command: auto` on GitHub's own example payloads (`@octokit/webhooks-examples`), each run of
//! the binary with the ref and sha the runner sets for its event, against moto and a GitHub
//! stand-in that checks every request against GitHub's OpenAPI description. One test per row
//! of the README's "What `auto` does, by event".
//!
//! Bare moto (no realism proxy): the subject is the event table; AWS only has to answer.

use crate::support::github_e2e::{TOKEN, seed};
use crate::support::github_webhooks::{example, examples, started_by};
use crate::support::{GitHubStandIn, Moto, Run, RunResult};
use serde_json::{Value, json};

const CONTRACT: &str = r#"version: 1
region: us-east-1
environments:
  staging:
    when: { branch: master }
    image: input
    functions: [{ name: worker-dev }]
    checks: [{ log-group: /aws/lambda/worker-dev }]
  production:
    when: { tag: "simple-*" }
    image: input
    functions: [{ name: worker-dev }]
  stable:
    when: { tag: "0.*" }
    image: input
    url: https://app.example.com
    functions: [{ name: worker-dev }]
"#;
const IMAGE: &str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:v2";
/// The repository of every example payload.
const REPO: &str = "/repos/Codertocat/Hello-World";

/// `auto` (the default command) on `event` with `payload`.
fn auto(moto: &Moto, gh: &GitHubStandIn, event: &str, payload: &Value) -> RunResult {
    let run = Run::action()
        .endpoint(&moto.endpoint())
        .contract_text(CONTRACT)
        .github(&gh.uri(), TOKEN)
        .input("image", IMAGE);
    started_by(run, event, payload).execute()
}

fn skipped(r: &RunResult, why: &str) {
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("skipped"), "{}", r.stdout);
    assert!(r.stdout.contains(why), "{why}:\n{}", r.stdout);
}

#[test]
fn every_pull_request_activity_validates_and_comments_but_closed_is_skipped() {
    let moto = Moto::start();
    seed(&moto);
    let comments = format!("{REPO}/issues/2/comments");
    let all = examples("pull_request");
    assert!(all.len() >= 14, "{} activities", all.len());
    for payload in all {
        let gh = GitHubStandIn::start();
        gh.example("GET", &comments, 200, |_| {})
            .example("POST", &comments, 201, |_| {});
        let action = payload["action"].as_str().unwrap_or_default().to_owned();
        let r = auto(&moto, &gh, "pull_request", &payload);
        if action == "closed" {
            skipped(&r, "the pull request was closed");
            assert_eq!(gh.lines(), Vec::<String>::new(), "closed: no comment");
            continue;
        }
        r.assert_code(0);
        assert_eq!(
            r.output("result"),
            Some("success"),
            "{action}: {}",
            r.stdout
        );
        assert_eq!(
            gh.lines(),
            [format!("GET {comments}"), format!("POST {comments}")],
            "{action}"
        );
    }
}

#[test]
fn a_merge_group_validates_into_the_summary_and_outputs_without_a_comment() {
    let moto = Moto::start();
    seed(&moto);
    let gh = GitHubStandIn::start();
    let r = auto(
        &moto,
        &gh,
        "merge_group",
        &example("merge_group", "checks_requested"),
    );
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"));
    assert_eq!(r.output("drift"), Some("false"));
    assert_eq!(r.output("environment"), Some("staging,production,stable"));
    assert!(
        r.summary
            .contains("validate · staging,production,stable · **success**"),
        "{}",
        r.summary
    );
    assert!(
        gh.lines().is_empty(),
        "no pull request to comment on: {:?}",
        gh.lines()
    );
}

#[test]
fn pushes_promote_what_their_ref_selects_and_a_deletion_is_never_deployed() {
    let moto = Moto::start();
    seed(&moto);
    let gh = GitHubStandIn::start();
    let pushes = examples("push");
    let find = |created: bool, deleted: bool, kind: &str| {
        pushes
            .iter()
            .find(|p| {
                p["created"] == created
                    && p["deleted"] == deleted
                    && p["ref"].as_str().is_some_and(|r| r.starts_with(kind))
            })
            .cloned()
            .unwrap_or_else(|| panic!("no push example {kind} created={created} deleted={deleted}"))
    };
    // The tag `simple-tag` matches production; its deletion runs on master, which selects
    // staging: neither is deployed.
    let deletion = find(false, true, "refs/tags/");
    let r = auto(&moto, &gh, "push", &deletion);
    skipped(&r, "a deleted ref is never deployed");
    assert_eq!(r.output("version"), Some(""));

    let branch = find(true, false, "refs/heads/");
    let r = auto(&moto, &gh, "push", &branch);
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
    assert_eq!(r.output("environment"), Some("staging"));
    assert_eq!(r.output("previous-version"), Some("1"));

    let tag = find(true, false, "refs/tags/");
    let r = auto(&moto, &gh, "push", &tag);
    r.assert_code(0);
    assert_eq!(r.output("environment"), Some("production"));
    assert_eq!(
        r.output("result"),
        Some("no-op"),
        "already served by staging's promote"
    );
    assert!(gh.lines().is_empty(), "{:?}", gh.lines());
}

#[test]
fn workflow_dispatch_promotes_the_ref_it_was_run_on() {
    let moto = Moto::start();
    seed(&moto);
    let gh = GitHubStandIn::start();
    for payload in examples("workflow_dispatch") {
        let r = auto(&moto, &gh, "workflow_dispatch", &payload);
        r.assert_code(0);
        match payload["ref"].as_str() {
            Some("refs/heads/master") => {
                assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
                assert_eq!(r.output("environment"), Some("staging"));
            }
            other => skipped(
                &r,
                &format!(
                    "no environment of the contract matches {}",
                    other.unwrap_or_default()
                ),
            ),
        }
    }
}

#[test]
fn a_published_release_promotes_its_tag_and_other_activities_are_skipped() {
    let moto = Moto::start();
    seed(&moto);
    let deployments = format!("{REPO}/deployments");
    for payload in examples("release") {
        let action = payload["action"].as_str().unwrap_or_default().to_owned();
        let gh = GitHubStandIn::start();
        gh.example("POST", &deployments, 201, |_| {}).example(
            "POST",
            &format!("{deployments}/1/statuses"),
            201,
            |_| {},
        );
        let r = started_by(
            Run::action()
                .endpoint(&moto.endpoint())
                .contract_text(CONTRACT)
                .github(&gh.uri(), TOKEN)
                .input("image", IMAGE)
                .input("github-deployment", "true"),
            "release",
            &payload,
        )
        .execute();
        if !matches!(action.as_str(), "published" | "released") {
            skipped(&r, &format!("release `{action}`"));
            assert!(gh.lines().is_empty(), "{action}: {:?}", gh.lines());
            continue;
        }
        r.assert_code(0);
        assert_eq!(r.output("environment"), Some("stable"), "{action}");
        let statuses: Vec<Value> = gh
            .requests()
            .iter()
            .filter(|q| q.url.path().ends_with("/statuses"))
            .map(|q| serde_json::from_slice(&q.body).unwrap_or(Value::Null))
            .collect();
        assert_eq!(statuses.len(), 2, "{action}: {:?}", gh.lines());
        for s in &statuses {
            assert_eq!(s["environment_url"], "https://app.example.com", "{s}");
        }
        assert_eq!(statuses[1]["state"], "success");
    }

    // Marked as a pre-release on GitHub: never to an environment without `prerelease: true`.
    let mut payload = example("release", "published");
    payload["release"]["prerelease"] = json!(true);
    let gh = GitHubStandIn::start();
    let r = auto(&moto, &gh, "release", &payload);
    skipped(&r, "is marked as a pre-release on GitHub");
}

#[test]
fn a_schedule_validates_every_environment() {
    let moto = Moto::start();
    seed(&moto);
    let gh = GitHubStandIn::start();
    // GitHub publishes no webhook for `schedule`; the payload is the cron and the repository.
    let repository = example("release", "published")["repository"].clone();
    let payload = json!({"schedule": "30 5 * * 1-5", "repository": repository});
    let r = auto(&moto, &gh, "schedule", &payload);
    r.assert_code(0);
    assert_eq!(r.output("result"), Some("success"), "{}", r.stdout);
    assert_eq!(r.output("environment"), Some("staging,production,stable"));
    assert!(gh.lines().is_empty(), "{:?}", gh.lines());
}

#[test]
fn any_other_event_is_an_input_error_naming_command() {
    let gh = GitHubStandIn::start();
    let payload = example("release", "published");
    let r = Run::action()
        .contract_text(CONTRACT)
        .github(&gh.uri(), TOKEN);
    let r = started_by(r, "issue_comment", &payload).execute();
    r.assert_code(2);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert!(
        said.contains("input `command`") && said.contains("`issue_comment`"),
        "{said}"
    );
}
