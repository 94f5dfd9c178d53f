//! Typed settings for one run, built from the action inputs or the CLI
//! arguments (second parsing stage: strings become types, files are read).

use std::path::PathBuf;
use std::time::Duration;

use crate::secret::Secret;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Command {
    Auto,
    Validate,
    Plan,
    Promote,
    Rollback,
    /// CLI only.
    IamPolicy,
}

impl Command {
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Auto => "auto",
            Command::Validate => "validate",
            Command::Plan => "plan",
            Command::Promote => "promote",
            Command::Rollback => "rollback",
            Command::IamPolicy => "iam-policy",
        }
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
    pub dry_run: bool,
    /// Bound on the whole run's waiting.
    pub timeout: Duration,
    pub github_token: Option<Secret>,
    pub pr_comment: bool,
    pub github_deployment: bool,
    pub output: OutputFormat,
    /// Running as the GitHub Action (inputs from `INPUT_*`, runner files), not a terminal CLI.
    pub action_mode: bool,
}
