//! The validated contract: what `.github/lambda-promote.yml` says, as types
//! in which an invalid state cannot be written down.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub use crate::diag::Pos;

/// The whole contract file after parsing and validation.
#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    /// Path as the user gave it (relative to the workspace), used in annotations.
    pub path: PathBuf,
    /// `region:`; `None` means "take AWS_REGION / the SDK's chain".
    pub region: Option<String>,
    /// `account:`; when set, no AWS call other than the identity check runs in another account.
    pub account: Option<Spot<String>>,
    /// Environments in file order.
    pub environments: Vec<Environment>,
    /// `limits:`: the client-side pacing, lowered below AWS's quotas.
    pub limits: Limits,
    /// `role:` and each environment's `account`, `region`, `role` (`accounts.rs`).
    pub placement: Placement,
}

/// `limits:` in requests per second; `None` keeps AWS's published quota.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// `lambda-control-plane` (default 15: every Lambda control-plane API together).
    pub lambda_control_plane: Option<u32>,
    /// `lambda-get-function` (default 100).
    pub lambda_get_function: Option<u32>,
}

/// A value with the place it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spot<T> {
    pub value: T,
    pub at: Pos,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Environment {
    pub name: String,
    pub at: Pos,
    pub when: Trigger,
    pub image: ImageSource,
    pub functions: Vec<FunctionTarget>,
    pub checks: Vec<Spot<Check>>,
    pub smoke_test: Option<SmokeTest>,
    pub strategy: Strategy,
    /// `post-traffic:`: invoked through the alias once it serves the new version wholly.
    pub post_traffic: Option<SmokeTest>,
    /// `keep-versions:`; `None` keeps every version.
    pub keep_versions: Option<u32>,
    pub invalidate: Option<Invalidate>,
    /// `url:`: where the environment is served; the GitHub Deployment's `environment_url`.
    pub url: Option<String>,
    /// `assume:`: facts about the functions that `promote` takes on trust and `validate` checks.
    pub assume: Assume,
}

/// `assume:` (README, "Fleets: what a promotion may take on trust"): what the contract vouches
/// for about every function of the environment, so that a promotion spends no request of
/// Lambda's shared control-plane pool to learn it. `validate` and `plan` still read it and
/// report `assumption-false` where live AWS disagrees.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Assume {
    /// `function-url: none`: no function has a URL on `$LATEST` (`GetFunctionUrlConfig`).
    pub no_function_url: bool,
    /// `provisioned-concurrency: none`: neither the alias nor the version it serves has
    /// provisioned concurrency (`ListProvisionedConcurrencyConfigs`).
    pub no_provisioned_concurrency: bool,
}

/// `when:` — which refs select this environment. Both may be set; either matches.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trigger {
    /// Glob on the branch name (`refs/heads/<branch>`).
    pub branch: Option<String>,
    /// Glob on the tag name (`refs/tags/<tag>`).
    pub tag: Option<String>,
    /// `prerelease: true`: the tag glob selects only semver pre-release tags
    /// (`v1.0.0-rc.1`); without it, it never selects one (README, "The contract file").
    pub prerelease: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageSource {
    /// `image: input` — the action's `image` input.
    Input,
    /// `image: { from: ENV }` — the digest ENV's alias serves now.
    From(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionTarget {
    pub name: String,
    /// Default `live`.
    pub alias: String,
    pub at: Pos,
}

/// A function's name when the contract gives its ARN or a partial ARN (`…:function:NAME`):
/// the name Lambda's default log group (`/aws/lambda/NAME`) is made from.
pub fn bare_function_name(name: &str) -> &str {
    match name.rsplit_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest),
        None => name,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Check {
    Cloudfront {
        by: DistributionSelector,
        /// Job env var (a secret) that must equal the live distribution Id.
        id_env: Option<String>,
    },
    FunctionEnv {
        function: String,
        keys: Vec<String>,
        /// Lambda env key → job env var whose value it must equal.
        equals_env: BTreeMap<String, String>,
    },
    LogGroup {
        name: String,
    },
    Function {
        /// Job env var that must name an existing function.
        name_env: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DistributionSelector {
    /// The distribution whose `Comment` equals this.
    Comment(String),
    /// The distribution that has this CNAME among its `Aliases`.
    Alias(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmokeTest {
    /// The JSON payload sent to the new version.
    pub payload: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Strategy {
    #[default]
    AllAtOnce,
    Canary(Canary),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Canary {
    /// Percent of traffic on the new version, strictly increasing, each 1–99.
    pub steps: Vec<u8>,
    pub interval: Duration,
    pub max_errors: u32,
    /// CloudWatch Logs filter pattern; default `ERROR`.
    pub error_pattern: String,
    /// `linear: { step }`: the steps were written as one step size (for the plan and report).
    pub linear: Option<u8>,
    /// Alarms and per-version metrics (`config/gates.rs`).
    pub gates: super::gates::Gates,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalidate {
    pub distribution_id_env: String,
    pub paths: Vec<String>,
}

impl Contract {
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The environments `env`'s image comes through, nearest first: its `from:` source,
    /// that one's, … up to the one whose image is an input (a loop, which the parser
    /// refuses, ends the list).
    pub fn sources(&self, env: &Environment) -> Vec<&Environment> {
        let mut out: Vec<&Environment> = Vec::new();
        let mut at = env;
        while let ImageSource::From(name) = &at.image {
            match self.environment(name) {
                Some(next) if out.len() < self.environments.len() => {
                    out.push(next);
                    at = next;
                }
                _ => break,
            }
        }
        out
    }

    /// The names of the environments, for messages: `dev, staging, production`.
    pub fn environment_names(&self) -> String {
        let names: Vec<&str> = self.environments.iter().map(|e| e.name.as_str()).collect();
        names.join(", ")
    }

    /// The error for an `environment` input naming none of the contract's.
    pub fn unknown_environment(&self, name: &str, shown: &std::path::Path) -> String {
        format!(
            "no environment `{name}` in {}; known: {}",
            shown.display(),
            self.environment_names()
        )
    }

    /// Every job env var the contract names; their values are secrets.
    pub fn secret_env_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        for env in &self.environments {
            for check in &env.checks {
                match &check.value {
                    Check::Cloudfront { id_env, .. } => names.extend(id_env.as_deref()),
                    Check::FunctionEnv { equals_env, .. } => {
                        names.extend(equals_env.values().map(String::as_str))
                    }
                    Check::Function { name_env } => names.push(name_env.as_str()),
                    Check::LogGroup { .. } => {}
                }
            }
            if let Some(inv) = &env.invalidate {
                names.push(inv.distribution_id_env.as_str());
            }
        }
        names.sort_unstable();
        names.dedup();
        names
    }

    /// The job env vars whose values are compared ignoring case (CloudFront
    /// distribution ids, in checks and invalidations alike), so the scrubber
    /// finds them in any case.
    pub fn folded_secret_env_names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        for env in &self.environments {
            names.extend(
                env.invalidate
                    .iter()
                    .map(|i| i.distribution_id_env.as_str()),
            );
            for check in &env.checks {
                if let Check::Cloudfront {
                    id_env: Some(n), ..
                } = &check.value
                {
                    names.push(n.as_str());
                }
            }
        }
        names
    }
}

/// The account, region and role settings of the whole contract.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Placement {
    /// Top-level `role:`, assumed with the job's GitHub OIDC token.
    pub role: Option<Spot<String>>,
    /// Per environment, by name; an environment with none of the keys is absent.
    pub environments: BTreeMap<String, EnvPlacement>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnvPlacement {
    pub account: Option<Spot<String>>,
    pub region: Option<Spot<String>>,
    pub role: Option<Spot<String>>,
    /// `functions[i].region`, by the function's index in the environment.
    pub function_regions: BTreeMap<usize, Spot<String>>,
}
