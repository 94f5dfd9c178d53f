//! Typed settings for one run, built from the action inputs or the CLI
//! arguments (second parsing stage: strings become types, files are read).

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::code::kebab_codes;
use crate::error::UsageError;
use crate::inputs::{RawArgs, parse_bool};
use crate::secret::Secret;

kebab_codes! {
    /// The `command` input, and the command a report is of (README, "Inputs").
    pub enum Command {
        Auto = "auto",
        Validate = "validate",
        Plan = "plan",
        Promote = "promote",
        Rollback = "rollback",
        /// Read-only: what each environment runs now.
        Status = "status",
        /// CLI only.
        IamPolicy = "iam-policy",
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Text,
    Json,
}

/// An ECR image reference from the `image` input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// `123456789012`
    pub account: String,
    /// `us-east-1`
    pub region: String,
    /// Repository name, may contain `/`.
    pub repository: String,
    pub reference: ImageReference,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageReference {
    Tag(String),
    /// `sha256:…` (64 lowercase hex digits).
    Digest(String),
}

impl ImageRef {
    /// `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO`
    pub fn repository_uri(&self) -> String {
        format!(
            "{}.dkr.ecr.{}.amazonaws.com/{}",
            self.account, self.region, self.repository
        )
    }
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub command: Command,
    /// Contract path as given (relative to the workspace): used in messages and annotations.
    pub contract: PathBuf,
    /// The file actually read (joined to `GITHUB_WORKSPACE` in action mode).
    pub contract_file: PathBuf,
    /// From the `environment` input; empty means "resolve from the ref" or "all" for validate.
    pub environments: Vec<String>,
    pub image: Option<ImageRef>,
    pub to_version: Option<String>,
    /// Nothing is written: the `dry-run` input, and every `plan` (set by
    /// [`Settings::resolved`] once the command is known). The one flag the flow asks.
    pub dry_run: bool,
    /// Bound on the whole run's waiting.
    pub timeout: Duration,
    pub github_token: Option<Secret>,
    pub pr_comment: bool,
    pub github_deployment: bool,
    pub output: OutputFormat,
    /// Running as the GitHub Action (inputs from `INPUT_*`, runner files), not a terminal CLI.
    pub action_mode: bool,
    /// The `shard` input: one `ENVIRONMENT/ACCOUNT/REGION` of plan's `matrix`.
    pub shard: Option<String>,
    /// `iam-policy --pull-request-trust`: deploy roles also trust pull-request jobs.
    pub pull_request_trust: bool,
    /// The `allow-no-rollback` input: promote even when the way back's image is gone.
    pub allow_no_rollback: bool,
}

impl Settings {
    /// The settings once the command to run is known: a `plan` writes nothing.
    pub fn resolved(mut self, command: Command) -> Self {
        if command == Command::Plan {
            self.dry_run = true;
        }
        self
    }

    /// The command a report names: `plan` for a dry run of `promote` or `rollback`.
    pub fn shown(&self, command: Command) -> Command {
        if self.dry_run { Command::Plan } else { command }
    }
}

/// The contract path when the `contract` input is not set.
pub const DEFAULT_CONTRACT: &str = ".github/lambda-promote.yml";
/// The `timeout` when not set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Second parsing stage: raw strings from the inputs or the CLI become typed
/// settings. `workspace` is `GITHUB_WORKSPACE` in action mode; the contract
/// path is read relative to it but shown as given.
pub fn resolve(
    raw: RawArgs,
    action_mode: bool,
    workspace: Option<&Path>,
) -> Result<Settings, UsageError> {
    let command = command(raw.command.as_deref(), action_mode)?;
    let contract = PathBuf::from(raw.contract.as_deref().unwrap_or(DEFAULT_CONTRACT));
    let contract_file = match workspace {
        Some(ws) => ws.join(&contract),
        None => contract.clone(),
    };
    let environments = raw
        .environment
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_string)
        .collect();
    let image = raw
        .image
        .as_deref()
        .map(|s| parse_image(s).map_err(|m| UsageError::input("image", m)))
        .transpose()?;
    let to_version = raw.to_version.as_deref().map(to_version).transpose()?;
    let timeout = timeout(raw.timeout.as_deref())?;
    let flag = |name: &str, value: &Option<String>, default: bool| {
        value
            .as_deref()
            .map_or(Ok(default), |v| parse_bool(name, v))
    };
    let dry_run = flag("dry-run", &raw.dry_run, false)?;
    let pr_comment = flag("pr-comment", &raw.pr_comment, true)?;
    let github_deployment = flag("github-deployment", &raw.github_deployment, false)?;
    let output = output(raw.output.as_deref())?;
    let allow_no_rollback = flag("allow-no-rollback", &raw.allow_no_rollback, false)?;
    Ok(Settings {
        command,
        contract,
        contract_file,
        environments,
        image,
        to_version,
        dry_run,
        timeout,
        github_token: raw
            .github_token
            .filter(|t| !t.trim().is_empty())
            .map(Secret::new),
        pr_comment,
        github_deployment,
        output,
        action_mode,
        shard: raw
            .shard
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty()),
        pull_request_trust: raw.pull_request_trust,
        allow_no_rollback,
    })
}

/// The `timeout` input: a duration with its unit, more than zero.
fn timeout(value: Option<&str>) -> Result<Duration, UsageError> {
    match value {
        None => Ok(DEFAULT_TIMEOUT),
        Some(t) => match crate::duration::parse(t) {
            Ok(d) if d.is_zero() => Err(UsageError::input("timeout", "must be more than 0")),
            Ok(d) => Ok(d),
            Err(m) => Err(UsageError::input("timeout", m)),
        },
    }
}

/// The `output` input: `text` (the default) or `json`.
fn output(value: Option<&str>) -> Result<OutputFormat, UsageError> {
    match value {
        None | Some("text") => Ok(OutputFormat::Text),
        Some("json") => Ok(OutputFormat::Json),
        Some(other) => Err(UsageError::input(
            "output",
            format!("`{other}` is not an output format; use `text` or `json`"),
        )),
    }
}

fn command(value: Option<&str>, action_mode: bool) -> Result<Command, UsageError> {
    let command = match value.map(str::trim) {
        None | Some("auto") => Command::Auto,
        Some("validate") => Command::Validate,
        Some("plan") => Command::Plan,
        Some("promote") => Command::Promote,
        Some("rollback") => Command::Rollback,
        Some("status") => Command::Status,
        Some("iam-policy") => Command::IamPolicy,
        Some(other) => {
            return Err(UsageError::input(
                "command",
                format!(
                    "`{other}` is not a command; use auto, validate, plan, promote, rollback or status"
                ),
            ));
        }
    };
    if action_mode && command == Command::IamPolicy {
        return Err(UsageError::input(
            "command",
            "`iam-policy` is for the command line only (`lambda-promote iam-policy --contract FILE`)",
        ));
    }
    Ok(command)
}

/// A Lambda version number to roll back to (`$LATEST` is not a version an
/// alias should be pinned to).
fn to_version(s: &str) -> Result<String, UsageError> {
    let s = s.trim();
    match s.parse::<u64>() {
        Ok(n) if n >= 1 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(n.to_string()),
        _ => Err(UsageError::input(
            "to-version",
            format!("`{s}` is not a published Lambda version number (1, 2, 3, …)"),
        )),
    }
}

/// Parses `ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG` or
/// `…/REPO@sha256:<64 hex>`. With both a tag and a digest (`REPO:TAG@sha256:…`,
/// as `docker` prints it) the digest wins, since the digest is what is deployed.
pub fn parse_image(s: &str) -> Result<ImageRef, String> {
    let s = s.trim();
    let (registry, path) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not an ECR image; expected ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO:TAG or …/REPO@sha256:DIGEST"))?;
    let (account, region) = ecr_registry(registry).ok_or_else(|| {
        format!("`{registry}` is not an ECR registry; expected ACCOUNT.dkr.ecr.REGION.amazonaws.com (Lambda runs images from ECR only)")
    })?;
    let (name, reference) = match path.split_once('@') {
        Some((name, digest)) => {
            let name = name.rsplit_once(':').map_or(name, |(n, _tag)| n);
            (name, ImageReference::Digest(digest_of(digest)?))
        }
        None => match path.rsplit_once(':') {
            Some((name, tag)) => (name, ImageReference::Tag(tag_of(tag)?)),
            None => {
                return Err(format!(
                    "`{s}` names no tag or digest; add `:TAG` or `@sha256:DIGEST` (an image is never deployed by an implied `latest`)"
                ));
            }
        },
    };
    if !valid_repository(name) {
        return Err(format!(
            "`{name}` is not an ECR repository name (lowercase letters, digits, `.`, `_`, `-`, and `/` between parts)"
        ));
    }
    Ok(ImageRef {
        account: account.to_string(),
        region: region.to_string(),
        repository: name.to_string(),
        reference,
    })
}

fn ecr_registry(registry: &str) -> Option<(&str, &str)> {
    let parts: Vec<&str> = registry.split('.').collect();
    match parts.as_slice() {
        [account, "dkr", "ecr", region, "amazonaws", "com"]
            if account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && !region.is_empty()
                && region
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') =>
        {
            Some((account, region))
        }
        _ => None,
    }
}

fn digest_of(digest: &str) -> Result<String, String> {
    let hex = digest
        .strip_prefix("sha256:")
        .ok_or_else(|| format!("digest `{digest}` must start with `sha256:`"))?;
    if hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        Ok(digest.to_string())
    } else {
        Err(format!(
            "digest `{digest}` must be `sha256:` followed by 64 lowercase hex digits"
        ))
    }
}

/// Docker's tag grammar: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn tag_of(tag: &str) -> Result<String, String> {
    let ok = (1..=128).contains(&tag.len())
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && !tag.starts_with(['.', '-']);
    if ok {
        Ok(tag.to_string())
    } else {
        Err(format!(
            "tag `{tag}` is not a valid image tag (letters, digits, `_`, `.`, `-`, at most 128, not starting with `.` or `-`)"
        ))
    }
}

fn valid_repository(name: &str) -> bool {
    !name.is_empty()
        && name.split('/').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
                && part.starts_with(|c: char| c.is_ascii_alphanumeric())
        })
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
