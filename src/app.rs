//! Orchestration only: inputs → settings and contract → observe → check/plan →
//! execute → report. Each step lives in its own module.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context as _;

use crate::aws::Clients;
use crate::aws::pace::Pacer;
use crate::aws::quota::Pool;
use crate::cancel::Cancel;
use crate::config::model::{Contract, Environment};
use crate::emit::Emitter;
use crate::error::{Cancelled, UsageError, exit};
use crate::github::event::Event;
use crate::jobenv::JobEnv;
use crate::report::model::{Outcome, Report};
use crate::settings::{Command, Settings};
use crate::{cli, config, inputs, select, settings, validate};

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
            End::Done(Outcome::Drift | Outcome::Failed | Outcome::RolledBack) => exit::FAILED,
            End::Cancelled(Cancelled(2)) => exit::SIGINT,
            End::Cancelled(_) => exit::SIGTERM,
        }
    }
}

/// Everything a command needs, assembled before the first AWS call.
pub struct Run {
    pub settings: Settings,
    pub contract: Contract,
    pub job: JobEnv,
    pub event: Event,
    pub emitter: Emitter,
    pub cancel: Cancel,
}

/// Parses the arguments (CLI mode) or the `INPUT_*` env (action mode) and runs.
/// Errors that reach `main` are printed once there.
pub async fn run(argv: Vec<OsString>, cancel: Cancel) -> anyhow::Result<End> {
    let (raw, action_mode) = match cli::parse(argv)? {
        Some(raw) => (raw, false),
        None => (inputs::from_env(std::env::vars())?, true),
    };
    let workspace = std::env::var_os("GITHUB_WORKSPACE").map(PathBuf::from);
    let settings = settings::resolve(raw, action_mode, workspace.as_deref())?;
    let emitter = Emitter::new(&settings);
    if let Some(token) = &settings.github_token {
        emitter.mask(token.expose());
    }
    let contract = match config::load(&settings.contract, &settings.contract_file) {
        Ok(c) => c,
        Err(e) => {
            emitter.contract_error(&e);
            return Err(e.into());
        }
    };
    // Mask every secret before anything else is printed.
    let job = JobEnv::capture(contract.secret_env_names(), |n| std::env::var(n).ok());
    for s in job.secrets() {
        emitter.mask(s.expose());
    }
    let token = settings.github_token.as_ref().map(|t| t.expose());
    emitter.set_scrubber(crate::scrub::Scrubber::new(
        job.secrets().map(|s| s.expose()).chain(token),
        Some(&contract),
    ));
    if settings.command == Command::IamPolicy {
        let region = contract
            .region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .unwrap_or_else(|| "us-east-1".to_string());
        let policy = crate::iam::policy(
            &contract,
            contract.account.as_ref().map(|a| a.value.as_str()),
            &region,
        );
        println!("{}", serde_json::to_string_pretty(&policy)?);
        return Ok(End::Done(Outcome::Success));
    }
    let event = if action_mode {
        let name = std::env::var("GITHUB_EVENT_NAME").unwrap_or_default();
        let path = std::env::var_os("GITHUB_EVENT_PATH").map(PathBuf::from);
        crate::github::event::load(&name, path.as_deref())?
    } else {
        Event::default()
    };
    let run = Run {
        settings,
        contract,
        job,
        event,
        emitter,
        cancel,
    };
    dispatch(run).await
}

async fn dispatch(run: Run) -> anyhow::Result<End> {
    let command = match run.settings.command {
        Command::Auto => select::decide_command(Command::Auto, &run.event.name)?,
        c => c,
    };
    match command {
        Command::Validate => validate_command(&run).await,
        Command::Plan | Command::Promote | Command::Rollback => {
            crate::promote::command(&run, command).await
        }
        Command::Auto | Command::IamPolicy => {
            Err(UsageError::Selection(format!("`{}` cannot run here", command.as_str())).into())
        }
    }
}

/// The environments `validate` covers: the `environment` input, or all.
fn validate_envs<'c>(
    settings: &Settings,
    contract: &'c Contract,
) -> Result<Vec<&'c Environment>, UsageError> {
    if settings.environments.is_empty() {
        return Ok(contract.environments.iter().collect());
    }
    settings
        .environments
        .iter()
        .map(|name| {
            contract.environment(name).ok_or_else(|| {
                UsageError::input(
                    "environment",
                    format!("no environment `{name}` in {}", settings.contract.display()),
                )
            })
        })
        .collect()
}

async fn validate_command(run: &Run) -> anyhow::Result<End> {
    let envs = validate_envs(&run.settings, &run.contract)?;
    let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let mut report = Report::new(
        "validate",
        names.join(","),
        contract_label(&run.settings.contract),
    );
    let clients = Clients::load(run.contract.region.as_deref(), pacer(run)).await?;
    let fork = run.event.is_fork_pr();
    let work = validate::findings(&clients, &run.contract, &envs, &run.job, fork);
    let (findings, _) = tokio::select! {
        r = work => r,
        sig = run.cancel.cancelled() => return Ok(End::Cancelled(Cancelled(sig))),
    };
    report.findings = findings;
    report.result = if report.drift() {
        Outcome::Drift
    } else {
        Outcome::Success
    };
    if fork && report.count(crate::finding::Status::Skipped) > 0 {
        report.warnings.push(
            "checks that need a secret were skipped: secrets are empty on a pull request from a fork"
                .to_string(),
        );
    }
    crate::github_sync::pr_comment(run, &mut report).await;
    run.emitter
        .report(&report)
        .context("failed to write the report")?;
    Ok(End::Done(report.result))
}

/// The run's pacer: AWS's quotas lowered by the contract's `limits:`, and
/// throttled answers retried until the `timeout` input's deadline.
pub fn pacer(run: &Run) -> Arc<Pacer> {
    let l = &run.contract.limits;
    let lowered: Vec<(Pool, u32)> = [
        (Pool::LambdaControlPlane, l.lambda_control_plane),
        (Pool::LambdaGetFunction, l.lambda_get_function),
    ]
    .into_iter()
    .filter_map(|(p, v)| Some((p, v?)))
    .collect();
    let deadline = tokio::time::Instant::now() + run.settings.timeout;
    Arc::new(Pacer::new(&lowered, Some(deadline)))
}

pub fn contract_label(path: &Path) -> String {
    path.display().to_string()
}
