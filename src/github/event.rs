//! The event that started the workflow, read from `GITHUB_EVENT_PATH`: only
//! what lambda-promote needs (the activity, a push's `deleted`, the release,
//! the pull request and whether it comes from a fork, where secrets are
//! empty). Every field is optional in the payload, so a hand-written payload
//! (`act`, tests) still loads.
//! <https://docs.github.com/en/webhooks/webhook-events-and-payloads>

use std::path::Path;

use anyhow::Context;
use serde_json::Value;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// `GITHUB_EVENT_NAME`: `pull_request`, `push`, …
    pub name: String,
    /// The payload's `action`: `opened`, `published`, `checks_requested`, …
    pub action: Option<String>,
    /// A `push` that deleted its ref (`"deleted": true`).
    pub deleted: bool,
    /// The `release` of a release event.
    pub release: Option<Release>,
    pub pull_request: Option<PullRequest>,
}

/// What a `release` event says about its release.
/// <https://docs.github.com/en/webhooks/webhook-events-and-payloads#release>
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Release {
    /// `tag_name`: GitHub sets `GITHUB_REF` to `refs/tags/<tag_name>`.
    pub tag: String,
    /// Marked as a pre-release on GitHub.
    pub prerelease: bool,
}

impl Event {
    /// A pull request whose head is a fork: its secrets are empty by design.
    pub fn is_fork_pr(&self) -> bool {
        self.pull_request.as_ref().is_some_and(|pr| pr.is_fork)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullRequest {
    /// 0 when the payload carries no number (then no comment can be posted).
    pub number: u64,
    /// `owner/name` of the head repository; `None` when it was deleted.
    pub head_repo: Option<String>,
    /// `owner/name` of the base repository; empty when the payload has none.
    pub base_repo: String,
    /// Secrets are not available to the run.
    pub is_fork: bool,
}

/// Reads the payload at `path`; no path gives an event without a pull request.
pub fn load(name: &str, path: Option<&Path>) -> Result<Event, anyhow::Error> {
    let Some(path) = path else {
        return Ok(Event {
            name: name.to_string(),
            ..Event::default()
        });
    };
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read the event payload {}", path.display()))?;
    parse(name, &text)
        .with_context(|| format!("failed to parse the event payload {}", path.display()))
}

/// The payload's JSON, tolerant of every missing field.
pub fn parse(name: &str, json: &str) -> Result<Event, anyhow::Error> {
    let payload: Value = serde_json::from_str(json)?;
    let release = payload
        .get("release")
        .filter(|v| v.is_object())
        .map(|r| Release {
            tag: r
                .get("tag_name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            prerelease: r.get("prerelease").and_then(Value::as_bool) == Some(true),
        });
    Ok(Event {
        name: name.to_string(),
        action: payload
            .get("action")
            .and_then(Value::as_str)
            .map(str::to_string),
        deleted: payload.get("deleted").and_then(Value::as_bool) == Some(true),
        release,
        pull_request: pull_request(&payload),
    })
}

fn pull_request(payload: &Value) -> Option<PullRequest> {
    let pr = payload.get("pull_request").filter(|v| v.is_object())?;
    let number = pr
        .get("number")
        .or_else(|| payload.get("number"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let full_name = |repo: &Value| {
        repo.get("full_name")
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let base_repo = pr
        .pointer("/base/repo")
        .and_then(full_name)
        .or_else(|| payload.get("repository").and_then(full_name))
        .unwrap_or_default();
    // `head.repo` is null when the fork was deleted after the PR was opened.
    let head = pr.pointer("/head/repo").filter(|v| v.is_object());
    let head_repo = head.and_then(full_name);
    let head_is_fork = head
        .and_then(|repo| repo.get("fork"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let is_fork = match (head, &head_repo) {
        // Deleted head repository: nothing says secrets are there.
        (None, _) => true,
        // A head without a name (hand-written payloads): its `fork` flag decides.
        (Some(_), None) => head_is_fork,
        (Some(_), Some(name)) => head_is_fork || !name.eq_ignore_ascii_case(&base_repo),
    };
    Some(PullRequest {
        number,
        head_repo,
        base_repo,
        is_fork,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pr(json: &str) -> Option<PullRequest> {
        parse("pull_request", json).unwrap().pull_request
    }

    #[test]
    fn same_repository_pull_request() {
        let p = pr(r#"{
            "action": "opened",
            "number": 42,
            "pull_request": {
                "number": 42,
                "head": { "ref": "feature", "repo": { "full_name": "acme/app", "fork": false } },
                "base": { "ref": "main", "repo": { "full_name": "acme/app", "fork": false } }
            },
            "repository": { "full_name": "acme/app" }
        }"#)
        .unwrap();
        assert_eq!(
            p,
            PullRequest {
                number: 42,
                head_repo: Some("acme/app".into()),
                base_repo: "acme/app".into(),
                is_fork: false,
            }
        );
    }

    #[test]
    fn pull_request_from_another_repository_is_a_fork() {
        let p = pr(r#"{"pull_request": {"number": 7,
            "head": {"repo": {"full_name": "mallory/app"}},
            "base": {"repo": {"full_name": "acme/app"}}}}"#)
        .unwrap();
        assert!(p.is_fork);
        assert_eq!(p.head_repo.as_deref(), Some("mallory/app"));
    }

    #[test]
    fn head_marked_as_fork_is_a_fork() {
        let p = pr(r#"{"pull_request": {"number": 7,
            "head": {"repo": {"full_name": "acme/app", "fork": true}},
            "base": {"repo": {"full_name": "acme/app"}}}}"#)
        .unwrap();
        assert!(p.is_fork);
    }

    #[test]
    fn head_marked_not_a_fork_without_names_is_not_a_fork() {
        // The shape `act`, the demo and the test harness write by hand.
        let p =
            pr(r#"{"pull_request": {"number": 1, "head": {"repo": {"fork": false}}}}"#).unwrap();
        assert!(!p.is_fork);
        let p = pr(r#"{"pull_request": {"number": 1, "head": {"repo": {"fork": true}}}}"#).unwrap();
        assert!(p.is_fork);
    }

    #[test]
    fn deleted_head_repository_is_a_fork() {
        let p = pr(r#"{"pull_request": {"number": 9,
            "head": {"repo": null}, "base": {"repo": {"full_name": "acme/app"}}}}"#)
        .unwrap();
        assert!(p.is_fork);
        assert_eq!(p.head_repo, None);
    }

    #[test]
    fn missing_fields_are_tolerated() {
        let p = pr(r#"{"number": 3, "pull_request": {}, "repository": {"full_name": "acme/app"}}"#)
            .unwrap();
        assert_eq!(p.number, 3);
        assert_eq!(p.base_repo, "acme/app");
        assert!(p.is_fork, "no head repository: assume secrets are missing");
        let p = pr(r#"{"pull_request": {"head": {}, "base": {}}}"#).unwrap();
        assert_eq!((p.number, p.base_repo.as_str()), (0, ""));
    }

    #[test]
    fn events_without_a_pull_request() {
        assert_eq!(pr(r#"{"ref": "refs/heads/main", "repository": {}}"#), None);
        assert_eq!(pr(r#"{"pull_request": null}"#), None);
        assert_eq!(pr("{}"), None);
    }

    #[test]
    fn action_deletion_and_release_are_read() {
        let e = parse(
            "release",
            r#"{"action": "published", "release": {"tag_name": "v1.2.3", "prerelease": true}}"#,
        )
        .unwrap();
        assert_eq!(e.action.as_deref(), Some("published"));
        assert_eq!(
            e.release,
            Some(Release {
                tag: "v1.2.3".into(),
                prerelease: true
            })
        );
        let e = parse("push", r#"{"ref": "refs/tags/v1", "deleted": true}"#).unwrap();
        assert!(e.deleted && e.action.is_none() && e.release.is_none());
        let e = parse("push", r#"{"deleted": "yes", "release": null}"#).unwrap();
        assert!(!e.deleted && e.release.is_none());
    }

    #[test]
    fn load_reads_the_file_or_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("event.json");
        std::fs::write(
            &path,
            r#"{"pull_request": {"number": 5,
            "head": {"repo": {"full_name": "a/b"}}, "base": {"repo": {"full_name": "a/b"}}}}"#,
        )
        .unwrap();
        let e = load("pull_request_target", Some(&path)).unwrap();
        assert_eq!(e.name, "pull_request_target");
        assert_eq!(e.pull_request.unwrap().number, 5);

        let e = load("push", None).unwrap();
        assert_eq!(
            e,
            Event {
                name: "push".into(),
                ..Event::default()
            }
        );

        let err = load("push", Some(&dir.path().join("missing.json"))).unwrap_err();
        assert!(format!("{err:#}").contains("failed to read the event payload"));
        std::fs::write(&path, "not json").unwrap();
        let err = load("push", Some(&path)).unwrap_err();
        assert!(format!("{err:#}").contains("failed to parse the event payload"));
    }
}
