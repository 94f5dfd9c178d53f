//! The descriptions lambda-promote writes on versions and aliases: where a
//! version came from, and which version an alias served before (for rollback).

use crate::report::shorten::shorten;
use crate::run::RunInfo;

/// Lambda's limit on version and alias descriptions.
pub const MAX_DESCRIPTION: usize = 256;

/// The published version's description: repository, commit, ref, run id, digest.
/// The digest is kept whole; the other fields are shortened to fit 256 characters.
pub fn version_description(run: &RunInfo, digest: &str) -> String {
    let sha: String = run.sha.chars().take(12).collect();
    let fixed = format!(" commit={sha} run={} {digest}", run.run_id);
    let room = MAX_DESCRIPTION.saturating_sub(fixed.chars().count() + "lambda-promote  ref=".len());
    let repo_room = room / 2;
    let repo = shorten(&run.repository, repo_room);
    let git_ref = shorten(&run.git_ref, room - repo.chars().count());
    let s = format!("lambda-promote {repo} ref={git_ref}{fixed}");
    shorten(&s, MAX_DESCRIPTION)
}

/// The alias description after a move: it records the previous version.
pub fn alias_description(previous: Option<&str>, run: &RunInfo) -> String {
    let s = format!(
        "lambda-promote previous={} run={}",
        previous.unwrap_or("none"),
        if run.run_id.is_empty() {
            "local"
        } else {
            &run.run_id
        }
    );
    shorten(&s, MAX_DESCRIPTION)
}

/// The alias description after a rollback moved it from version `from`: marked rolled
/// back, with no `previous=`, so a second `rollback` changes nothing (docs/safety.md, "Safety").
pub fn rolled_back_description(from: &str, run: &RunInfo) -> String {
    let s = format!(
        "lambda-promote rolled-back-from={from} run={}",
        if run.run_id.is_empty() {
            "local"
        } else {
            &run.run_id
        }
    );
    shorten(&s, MAX_DESCRIPTION)
}

/// The version a rollback moved the alias from, when its description marks it rolled back.
pub fn rolled_back_from(alias_description: &str) -> Option<String> {
    alias_description
        .split_whitespace()
        .find_map(|w| w.strip_prefix("rolled-back-from="))
        .filter(|v| !v.is_empty() && v.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
}

/// The previous version recorded by `alias_description`, if any.
pub fn previous_version(alias_description: &str) -> Option<String> {
    alias_description
        .split_whitespace()
        .find_map(|w| w.strip_prefix("previous="))
        .filter(|v| !v.is_empty() && *v != "none" && v.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run() -> RunInfo {
        RunInfo {
            repository: "acme/app".into(),
            sha: "0123456789abcdef0123".into(),
            git_ref: "refs/tags/v1.2.3".into(),
            run_id: "42".into(),
            run_attempt: "1".into(),
            server_url: "https://github.com".into(),
        }
    }

    const DIGEST: &str = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn version_description_holds_every_field() {
        let d = version_description(&run(), DIGEST);
        assert_eq!(
            d,
            format!(
                "lambda-promote acme/app ref=refs/tags/v1.2.3 commit=0123456789ab run=42 {DIGEST}"
            )
        );
    }

    #[test]
    fn version_description_fits_lambda_limit_and_keeps_the_digest() {
        let mut r = run();
        r.repository = "o/".to_string() + &"r".repeat(300);
        r.git_ref = "refs/heads/".to_string() + &"b".repeat(300);
        let d = version_description(&r, DIGEST);
        assert!(d.chars().count() <= MAX_DESCRIPTION, "{}", d.len());
        assert!(d.ends_with(DIGEST));
    }

    #[test]
    fn alias_description_round_trips_the_previous_version() {
        let d = alias_description(Some("7"), &run());
        assert_eq!(previous_version(&d), Some("7".to_string()));
        assert_eq!(previous_version(&alias_description(None, &run())), None);
        assert_eq!(previous_version("hand-written"), None);
    }

    #[test]
    fn a_rolled_back_alias_records_no_previous_version() {
        let d = rolled_back_description("7", &run());
        assert_eq!(d, "lambda-promote rolled-back-from=7 run=42");
        assert_eq!(rolled_back_from(&d), Some("7".to_string()));
        assert_eq!(previous_version(&d), None);
        assert_eq!(
            rolled_back_from(&alias_description(Some("7"), &run())),
            None
        );
    }

    #[test]
    fn run_url_only_inside_a_workflow() {
        assert_eq!(
            run().run_url().as_deref(),
            Some("https://github.com/acme/app/actions/runs/42")
        );
        assert_eq!(RunInfo::default().run_url(), None);
    }
}
