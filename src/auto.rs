//! What `command: auto` does for the event that started the workflow: a pure
//! choice made before any AWS call (README, "What `auto` does, by event").
//! GitHub sets the ref and sha each event runs on:
//! <https://docs.github.com/en/actions/reference/workflows-and-actions/events-that-trigger-workflows>

use crate::config::model::Contract;
use crate::error::UsageError;
use crate::github::event::Event;
use crate::select;
use crate::settings::Command;

/// What `auto` resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auto {
    Run(Command),
    /// Nothing to do for this event: a `skipped` report of `command`, exit 0.
    Skip {
        command: Command,
        reason: String,
    },
}

/// The command for `event`. `git_ref` is `GITHUB_REF`; `named` is whether
/// the `environment` input chose the environment (then the ref does not).
pub fn decide(
    event: &Event,
    contract: &Contract,
    git_ref: Option<&str>,
    named: bool,
) -> Result<Auto, UsageError> {
    let action = event.action.as_deref().unwrap_or_default();
    let skip = |command, reason: String| Ok(Auto::Skip { command, reason });
    match event.name.as_str() {
        "pull_request" | "pull_request_target" if action == "closed" => skip(
            Command::Validate,
            "the pull request was closed: nothing to validate".into(),
        ),
        "pull_request" | "pull_request_target" | "schedule" => Ok(Auto::Run(Command::Validate)),
        // A merge queue's required check: there is no pull request to comment on.
        "merge_group" if action == "checks_requested" => Ok(Auto::Run(Command::Validate)),
        "merge_group" => skip(
            Command::Validate,
            format!("merge_group `{action}`: only `checks_requested` is validated"),
        ),
        // On a deletion GitHub runs on the default branch's ref and sha, which
        // would select that branch's environment: never deploy for it.
        "push" if event.deleted => skip(
            Command::Promote,
            "the push deleted its ref: a deleted ref is never deployed".into(),
        ),
        "push" | "workflow_dispatch" => Ok(Auto::Run(Command::Promote)),
        "release" if matches!(action, "published" | "released") => {
            release(event, contract, git_ref, named)
        }
        "release" => skip(
            Command::Promote,
            format!("release `{action}`: only `published` and `released` promote"),
        ),
        "" => Err(UsageError::input(
            "command",
            "`auto` needs the triggering GitHub event, and GITHUB_EVENT_NAME is not set; choose a command (validate, plan, promote or rollback)",
        )),
        other => Err(UsageError::input(
            "command",
            format!(
                "`auto` has no meaning for the `{other}` event (see the README's \"What `auto` does, by event\"); choose a command (validate, plan, promote or rollback)"
            ),
        )),
    }
}

/// A release promotes the environment its tag selects. One that GitHub marks
/// as a pre-release goes only to an environment with `prerelease: true`,
/// even when its tag reads like a final version.
fn release(
    event: &Event,
    contract: &Contract,
    git_ref: Option<&str>,
    named: bool,
) -> Result<Auto, UsageError> {
    let marked = event.release.as_ref().is_some_and(|r| r.prerelease);
    if !marked || named {
        return Ok(Auto::Run(Command::Promote));
    }
    let Some(env) = select::environment_for_ref(contract, git_ref.unwrap_or_default())? else {
        return Ok(Auto::Run(Command::Promote));
    };
    if env.when.prerelease {
        return Ok(Auto::Run(Command::Promote));
    }
    let tag = event.release.as_ref().map(|r| r.tag.as_str()).unwrap_or("");
    Ok(Auto::Skip {
        command: Command::Promote,
        reason: format!(
            "release `{tag}` is marked as a pre-release on GitHub, and environment `{}` takes no pre-release (its `when` has no `prerelease: true`)",
            env.name
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse;
    use crate::github::event::Release;

    const CONTRACT: &str = "version: 1\nenvironments:\n  candidate:\n    when: { tag: 'v*.*.*', prerelease: true }\n    image: input\n    functions: [{ name: f }]\n  production:\n    when: { tag: 'v*.*.*' }\n    image: input\n    functions: [{ name: f }]\n";

    fn event(name: &str, action: Option<&str>) -> Event {
        Event {
            name: name.into(),
            action: action.map(str::to_string),
            ..Event::default()
        }
    }

    fn auto(e: &Event, git_ref: &str) -> Result<Auto, UsageError> {
        let c = parse("c.yml", CONTRACT).unwrap();
        decide(e, &c, Some(git_ref), false)
    }

    fn command(e: &Event) -> Option<Command> {
        match auto(e, "refs/heads/main").unwrap() {
            Auto::Run(c) => Some(c),
            Auto::Skip { .. } => None,
        }
    }

    #[test]
    fn the_table_of_the_readme() {
        let run = |c| Some(c);
        let cases = [
            (
                event("pull_request", Some("opened")),
                run(Command::Validate),
            ),
            (
                event("pull_request_target", Some("synchronize")),
                run(Command::Validate),
            ),
            (event("pull_request", Some("closed")), None),
            (event("pull_request_target", Some("closed")), None),
            (
                event("merge_group", Some("checks_requested")),
                run(Command::Validate),
            ),
            (event("merge_group", Some("destroyed")), None),
            (event("push", None), run(Command::Promote)),
            (
                Event {
                    deleted: true,
                    ..event("push", None)
                },
                None,
            ),
            (event("workflow_dispatch", None), run(Command::Promote)),
            (event("release", Some("published")), run(Command::Promote)),
            (event("release", Some("released")), run(Command::Promote)),
            (event("schedule", None), run(Command::Validate)),
        ];
        for (e, want) in cases {
            assert_eq!(command(&e), want, "{e:?}");
        }
        for action in ["created", "edited", "deleted", "prereleased", "unpublished"] {
            let got = auto(&event("release", Some(action)), "refs/tags/v1.2.3").unwrap();
            let Auto::Skip { command, reason } = got else {
                panic!("{action} runs")
            };
            assert_eq!(command, Command::Promote);
            assert!(reason.contains(&format!("`{action}`")), "{reason}");
        }
    }

    #[test]
    fn other_events_are_an_input_error_naming_command() {
        for name in ["issue_comment", "workflow_run", "create", ""] {
            let err = auto(&event(name, None), "refs/heads/main").unwrap_err();
            assert!(
                matches!(&err, UsageError::Input { name: n, .. } if n == "command"),
                "{err}"
            );
            if !name.is_empty() {
                assert!(err.to_string().contains(&format!("`{name}`")), "{err}");
            }
        }
    }

    #[test]
    fn a_release_marked_prerelease_never_reaches_a_final_environment() {
        let release = |tag: &str, prerelease| Event {
            release: Some(Release {
                tag: tag.into(),
                prerelease,
            }),
            ..event("release", Some("published"))
        };
        let got = auto(&release("v1.2.3", true), "refs/tags/v1.2.3").unwrap();
        assert!(
            matches!(&got, Auto::Skip { reason, .. } if reason.contains("`production`")),
            "{got:?}"
        );
        for (e, r) in [
            (release("v1.2.3-rc.1", true), "refs/tags/v1.2.3-rc.1"),
            (release("v1.2.3", false), "refs/tags/v1.2.3"),
        ] {
            assert_eq!(auto(&e, r).unwrap(), Auto::Run(Command::Promote));
        }
        // The `environment` input names the environment: the caller chose.
        let c = parse("c.yml", CONTRACT).unwrap();
        let e = release("v1.2.3", true);
        assert_eq!(
            decide(&e, &c, Some("refs/tags/v1.2.3"), true).unwrap(),
            Auto::Run(Command::Promote)
        );
    }
}
