//! What one run of the binary works with: the resolved settings and contract,
//! the runner's environment (read once, here), and how the run ended.

use std::path::{Path, PathBuf};

use aws_config::Region;
use aws_config::meta::region::RegionProviderChain;

use crate::cancel::{Cancel, Signal};
use crate::config::model::Contract;
use crate::error::{Cancelled, exit};
use crate::github::event::Event;
use crate::github::files::RunnerFiles;
use crate::jobenv::JobEnv;
use crate::report::emit::Emitter;
use crate::report::model::Outcome;
use crate::settings::Settings;

/// How a run ended, for `main` to turn into an exit code.
pub enum End {
    /// A finished run with its report already emitted.
    Done(Outcome),
    /// Cancelled by a signal (the report, if any, was emitted).
    Cancelled(Cancelled),
}

impl End {
    pub fn exit_code(&self) -> u8 {
        match self {
            End::Done(Outcome::Success | Outcome::NoOp | Outcome::Skipped | Outcome::Planned) => {
                exit::OK
            }
            End::Done(Outcome::Drift | Outcome::Failed | Outcome::RolledBack | Outcome::Error) => {
                exit::FAILED
            }
            End::Cancelled(Cancelled(Signal::Int)) => exit::SIGINT,
            End::Cancelled(_) => exit::SIGTERM,
        }
    }
}

/// Everything a command needs, assembled before the first AWS call. A clone
/// shares the emitter (one scrubber, one set of runner files).
#[derive(Clone)]
pub struct Run {
    pub settings: Settings,
    pub contract: Contract,
    pub job: JobEnv,
    pub event: Event,
    pub emitter: std::sync::Arc<Emitter>,
    pub cancel: Cancel,
    pub runner: RunnerEnv,
}

impl Run {
    /// How the report names the contract (and the PR comment's marker).
    pub fn contract_label(&self) -> String {
        contract_label(&self.settings.contract)
    }
}

pub fn contract_label(path: &Path) -> String {
    path.display().to_string()
}

/// The runner's `GITHUB_*` variables, read once as the run starts, so no
/// later step reads the process environment on its own. Outside a workflow
/// each is empty or unset.
#[derive(Clone, Debug, Default)]
pub struct RunnerEnv {
    /// `GITHUB_WORKSPACE`: relative contract paths resolve against it.
    pub workspace: Option<PathBuf>,
    /// `GITHUB_EVENT_NAME` and `GITHUB_EVENT_PATH`: what started the workflow.
    pub event_name: String,
    pub event_path: Option<PathBuf>,
    /// `GITHUB_API_URL`: GitHub.com or an Enterprise Server.
    pub api_url: String,
    /// Repository, commit, ref and run id: provenance and the run's link.
    pub info: RunInfo,
    /// `GITHUB_OUTPUT` and `GITHUB_STEP_SUMMARY`.
    pub files: RunnerFiles,
    /// `ACTIONS_ID_TOKEN_REQUEST_*`: set when the job may get an OIDC token.
    pub oidc: Option<crate::aws::oidc::OidcRequest>,
}

impl RunnerEnv {
    /// From the process environment.
    pub fn capture() -> Self {
        Self {
            workspace: std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from),
            event_name: std::env::var("GITHUB_EVENT_NAME").unwrap_or_default(),
            event_path: std::env::var_os("GITHUB_EVENT_PATH").map(PathBuf::from),
            api_url: std::env::var("GITHUB_API_URL").unwrap_or_default(),
            info: RunInfo::from_env(|k| std::env::var(k).ok()),
            files: RunnerFiles::from_env(),
            oidc: crate::aws::oidc::OidcRequest::from_env(|k| std::env::var(k).ok()),
        }
    }

    /// `GITHUB_REF`, when set.
    pub fn git_ref(&self) -> Option<&str> {
        (!self.info.git_ref.is_empty()).then_some(self.info.git_ref.as_str())
    }
}

/// The AWS region every command works in: the contract's `region`, else the
/// SDK's own chain (`AWS_REGION`, the profile), as the clients resolve it.
pub async fn region(contract: &Contract) -> anyhow::Result<String> {
    let chain = RegionProviderChain::first_try(contract.region.clone().map(Region::new))
        .or_default_provider();
    chain.region().await.map(|r| r.to_string()).ok_or_else(|| {
        anyhow::anyhow!("no AWS region: set `region:` in the contract or AWS_REGION")
    })
}

/// Who ran the promotion, from the runner's `GITHUB_*` env.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunInfo {
    pub repository: String,
    pub sha: String,
    pub git_ref: String,
    pub run_id: String,
    /// `GITHUB_RUN_ATTEMPT`: 1, then 2, … for each re-run of the same run id.
    pub run_attempt: String,
    pub server_url: String,
}

impl RunInfo {
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Self {
        let v = |k: &str| get(k).unwrap_or_default();
        Self {
            repository: v("GITHUB_REPOSITORY"),
            sha: v("GITHUB_SHA"),
            git_ref: v("GITHUB_REF"),
            run_id: v("GITHUB_RUN_ID"),
            run_attempt: v("GITHUB_RUN_ATTEMPT"),
            server_url: get("GITHUB_SERVER_URL")
                .unwrap_or_else(|| "https://github.com".to_string()),
        }
    }

    /// `SERVER/REPO/actions/runs/ID`, when running in a workflow.
    pub fn run_url(&self) -> Option<String> {
        (!self.repository.is_empty() && !self.run_id.is_empty()).then(|| {
            format!(
                "{}/{}/actions/runs/{}",
                self.server_url, self.repository, self.run_id
            )
        })
    }
}
