//! GitHub's own example webhook payloads (`tests/fixtures/github/webhooks.json`, extracted from
//! `@octokit/webhooks-examples` by `scripts/dev/github-fixtures.sh`), and the `GITHUB_REF` and
//! `GITHUB_SHA` the runner sets for each event:
//! <https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows>

use std::sync::OnceLock;

use serde_json::Value;

use super::Run;

const PAYLOADS: &str = include_str!("../../fixtures/github/webhooks.json");

fn all() -> &'static Value {
    static ALL: OnceLock<Value> = OnceLock::new();
    ALL.get_or_init(|| serde_json::from_str(PAYLOADS).expect("webhooks.json parses"))
}

/// Every example payload of `event`, in the package's order.
pub fn examples(event: &str) -> Vec<Value> {
    all()[event]
        .as_array()
        .unwrap_or_else(|| panic!("no examples of {event}"))
        .clone()
}

/// The first example of `event` with `action`.
pub fn example(event: &str, action: &str) -> Value {
    examples(event)
        .into_iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {event} example with action {action}"))
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// The default branch's ref, which GitHub sets for events not about a ref.
fn default_branch(payload: &Value) -> String {
    format!(
        "refs/heads/{}",
        text(&payload["repository"]["default_branch"])
    )
}

/// The head of the examples' repository (their push's `after`): the commit a
/// `workflow_dispatch`, `release` or `schedule` runs on, which their payloads do not carry.
const HEAD: &str = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";

/// `(GITHUB_REF, GITHUB_SHA)` as the runner sets them for `event` with `payload`. A deleted
/// push runs on the default branch (GitHub: "the SHA in the workflow run (and its associated
/// refs) reverts to the default branch"); its sha here is the payload's `before`.
pub fn ref_and_sha(event: &str, payload: &Value) -> (String, String) {
    match event {
        "pull_request" | "pull_request_target" => {
            let pr = &payload["pull_request"];
            let sha = pr["merge_commit_sha"]
                .as_str()
                .unwrap_or(pr["head"]["sha"].as_str().unwrap_or_default());
            (format!("refs/pull/{}/merge", pr["number"]), sha.to_owned())
        }
        "merge_group" => {
            let group = &payload["merge_group"];
            (text(&group["head_ref"]), text(&group["head_sha"]))
        }
        "push" if payload["deleted"] == true => (default_branch(payload), text(&payload["before"])),
        "push" => (text(&payload["ref"]), text(&payload["after"])),
        "workflow_dispatch" => (text(&payload["ref"]), HEAD.into()),
        "release" => (
            format!("refs/tags/{}", text(&payload["release"]["tag_name"])),
            HEAD.into(),
        ),
        _ => (default_branch(payload), HEAD.into()),
    }
}

/// `run` started by `event` with `payload`, on the repository the payload names.
pub fn started_by(run: Run, event: &str, payload: &Value) -> Run {
    let (git_ref, sha) = ref_and_sha(event, payload);
    run.event(event, payload.clone())
        .git_ref(&git_ref)
        .env("GITHUB_SHA", &sha)
        .env(
            "GITHUB_REPOSITORY",
            &text(&payload["repository"]["full_name"]),
        )
}
