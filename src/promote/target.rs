//! Which environment `plan`, `promote` and `rollback` act on: the
//! `environment` input, or the one whose `when` matches the ref.

use crate::config::model::{Contract, Environment};
use crate::error::UsageError;
use crate::glob;
use crate::select;
use crate::settings::{Command, Settings};

pub enum Target<'c> {
    Environment(&'c Environment),
    /// No environment matches the ref: nothing to do, with this reason.
    Skipped(String),
}

pub fn choose<'c>(
    settings: &Settings,
    contract: &'c Contract,
    git_ref: Option<&str>,
) -> Result<Target<'c>, UsageError> {
    match settings.environments.as_slice() {
        [name] => contract
            .environment(name)
            .map(Target::Environment)
            .ok_or_else(|| {
                UsageError::input(
                    "environment",
                    contract.unknown_environment(name, &settings.contract),
                )
            }),
        [_, _, ..] => Err(UsageError::input(
            "environment",
            format!(
                "`{}` acts on one environment, not a list",
                settings.command.as_str()
            ),
        )),
        [] if settings.command == Command::Rollback => rollback_default(settings, contract),
        [] => {
            let Some(git_ref) = git_ref.filter(|r| !r.is_empty()) else {
                return Err(UsageError::input(
                    "environment",
                    "name the environment to act on (no GITHUB_REF to choose it from)",
                ));
            };
            Ok(match select::environment_for_ref(contract, git_ref)? {
                Some(env) => Target::Environment(env),
                None => Target::Skipped(unmatched(contract, git_ref)),
            })
        }
    }
}

/// `rollback` acts on the environment it is told: chosen from the ref, an
/// incident's rollback on `main` would roll back whatever `main` deploys, and
/// on any other branch nothing at all, green. A contract of one environment
/// has only one to choose, and a `shard` names its environment first.
fn rollback_default<'c>(
    settings: &Settings,
    contract: &'c Contract,
) -> Result<Target<'c>, UsageError> {
    if let Some(name) = settings.shard.as_deref().and_then(|s| s.split('/').next()) {
        return contract
            .environment(name)
            .map(Target::Environment)
            .ok_or_else(|| {
                UsageError::input(
                    "shard",
                    contract.unknown_environment(name, &settings.contract),
                )
            });
    }
    match contract.environments.as_slice() {
        [only] => Ok(Target::Environment(only)),
        _ => Err(UsageError::input(
            "environment",
            format!(
                "`rollback` needs the environment to roll back (one of: {}); it is never chosen from the ref",
                contract.environment_names()
            ),
        )),
    }
}

/// Why a ref selects nothing; for a pre-release tag that a tag glob would
/// take but for the pre-release rule, that rule (README, "Release candidates").
fn unmatched(contract: &Contract, git_ref: &str) -> String {
    let plain = format!("no environment of the contract matches {git_ref}");
    let Some(tag) = git_ref.strip_prefix("refs/tags/") else {
        return plain;
    };
    if !select::is_prerelease_tag(tag) {
        return plain;
    }
    let refused: Vec<String> = contract
        .environments
        .iter()
        .filter(|e| !e.when.prerelease)
        .filter(|e| e.when.tag.as_deref().is_some_and(|g| glob::matches(g, tag)))
        .map(|e| format!("`{}`", e.name))
        .collect();
    if refused.is_empty() {
        return plain;
    }
    format!(
        "{plain}: `{tag}` is a pre-release, and a pre-release tag goes only to an environment whose `when` says `prerelease: true`; {} matches its tag glob but takes releases only",
        refused.join(", ")
    )
}
