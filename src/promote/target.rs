//! Which environment `plan`, `promote` and `rollback` act on: the
//! `environment` input, or the one whose `when` matches the ref.

use crate::config::model::{Contract, Environment};
use crate::error::UsageError;
use crate::select;
use crate::settings::Settings;

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
                    format!("no environment `{name}` in {}", settings.contract.display()),
                )
            }),
        [_, _, ..] => Err(UsageError::input(
            "environment",
            format!(
                "`{}` acts on one environment, not a list",
                settings.command.as_str()
            ),
        )),
        [] => {
            let Some(git_ref) = git_ref.filter(|r| !r.is_empty()) else {
                return Err(UsageError::input(
                    "environment",
                    "name the environment to act on (no GITHUB_REF to choose it from)",
                ));
            };
            Ok(match select::environment_for_ref(contract, git_ref)? {
                Some(env) => Target::Environment(env),
                None => {
                    Target::Skipped(format!("no environment of the contract matches {git_ref}"))
                }
            })
        }
    }
}
