//! The run's GitHub side: the sticky PR comment and Deployment statuses.
//! GitHub work never fails a run whose AWS work succeeded: every problem
//! becomes a warning, and every call is bounded in time.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::aws::Read;
use crate::config::model::Environment;
use crate::github::api::{DeploymentState, GitHub, NewDeployment};
use crate::report::markdown;
use crate::report::model::{Outcome, Report};
use crate::run::{Run, RunnerEnv};
use crate::settings::{Command, Settings};

/// The most any one GitHub operation may add to a run.
const BUDGET: Duration = Duration::from_secs(30);
/// After a signal the runner kills the job seconds later: the last
/// Deployment status gets only this long, so the report is still written.
const CANCELLED_BUDGET: Duration = Duration::from_secs(2);

fn client(run: &Run) -> Result<GitHub, String> {
    client_for(&run.settings, &run.runner)
}

/// The job's GitHub client, or why there is none (for a warning).
pub(super) fn client_for(settings: &Settings, runner: &RunnerEnv) -> Result<GitHub, String> {
    let token = settings
        .github_token
        .as_ref()
        .ok_or_else(|| "no `github-token`: set it to `${{ github.token }}`".to_string())?;
    GitHub::new(&runner.api_url, token, &runner.info.repository).map_err(|e| format!("{e:#}"))
}

/// Creates or updates the sticky comment within [`BUDGET`]: the log line, or the warning.
pub(super) async fn upsert_comment(
    gh: &GitHub,
    pr: u64,
    marker: &str,
    body: &str,
) -> Result<String, String> {
    match tokio::time::timeout(BUDGET, gh.upsert_comment(pr, marker, body)).await {
        Ok(Ok(action)) => Ok(format!("PR comment: {action:?}")),
        Ok(Err(e)) => Err(format!("PR comment not posted: {e}")),
        Err(_) => Err("PR comment not posted: GitHub did not answer in time".into()),
    }
}

/// The marker that makes one comment per pull request and contract.
pub fn marker(contract: &str) -> String {
    format!("lambda-promote report for {}", contract.replace("--", "-"))
}

/// Creates or updates the sticky comment on a pull-request event.
pub async fn pr_comment(run: &Run, report: &mut Report) {
    if !run.settings.pr_comment || !run.emitter.action_mode() {
        return;
    }
    let Some(pr) = &run.event.pull_request else {
        return;
    };
    let gh = match client(run) {
        Ok(gh) => gh,
        Err(e) => return warn(run, report, format!("PR comment not posted: {e}")),
    };
    let marker = marker(&report.contract);
    let run_url = run.runner.info.run_url();
    // The comment is a channel the runner does not mask: no secret may reach it.
    let body = markdown::pr_comment(&run.emitter.scrubbed(report), &marker, run_url.as_deref());
    match upsert_comment(&gh, pr.number, &marker, &body).await {
        Ok(line) => run.emitter.log(&line),
        Err(why) => warn(run, report, why),
    }
}

fn warn(run: &Run, report: &mut Report, message: String) {
    run.emitter.warning(&message);
    report.warnings.push(message);
}

/// Whether this run records a GitHub Deployment (`github-deployment: true`, on the runner).
pub fn deploys(run: &Run, dry_run: bool) -> bool {
    run.settings.github_deployment && !dry_run && run.emitter.action_mode()
}

/// Where `env` is served, for the Deployment's `environment_url`: its `url:`, else
/// `https://` + the first alternate domain (CNAME) of the distribution its `invalidate` names (read with
/// `ListDistributions`; a refused read only means no URL). `None` when no
/// Deployment is recorded, so no AWS call is made for nothing.
pub async fn environment_url(
    run: &Run,
    env: &Environment,
    read: &Read,
    dry_run: bool,
) -> Option<String> {
    if !deploys(run, dry_run) {
        return None;
    }
    if let Some(url) = &env.url {
        return Some(url.clone());
    }
    let id = run.job.get(&env.invalidate.as_ref()?.distribution_id_env)?;
    match read.distributions().await {
        Ok(all) => all
            .into_iter()
            .find(|d| d.id == id.expose())
            // A wildcard alternate domain (`*.example.com`) is no address to link.
            .and_then(|d| d.aliases.into_iter().find(|a| !a.starts_with('*')))
            .map(|alias| format!("https://{alias}")),
        Err(e) => {
            run.emitter
                .log(&format!("GitHub Deployment without environment_url: {e}"));
            None
        }
    }
}

/// A GitHub Deployment recorded alongside the AWS work: created (with
/// `in_progress`) in the background as the run starts, finished at the end.
pub struct Deployment {
    task: Option<JoinHandle<Result<(GitHub, u64), String>>>,
    /// The run's page, linked from every status.
    log_url: String,
    /// Where the environment is served, on every status.
    url: Option<String>,
}

impl Deployment {
    pub fn start(
        run: &Run,
        env: &Environment,
        command: Command,
        dry_run: bool,
        url: Option<String>,
    ) -> Self {
        if !deploys(run, dry_run) {
            return Self::none();
        }
        let gh = match client(run) {
            Ok(gh) => gh,
            Err(e) => {
                run.emitter
                    .warning(&format!("GitHub Deployment not recorded: {e}"));
                return Self::none();
            }
        };
        let info = run.runner.info.clone();
        let log_url = info.run_url().unwrap_or_default();
        let own_url = log_url.clone();
        let environment = env.name.clone();
        // A release-candidate environment is no production environment.
        let production = env.when.tag.is_some() && !env.when.prerelease;
        let description = format!("lambda-promote {} of {environment}", command.as_str());
        let key = format!("{}/{}/{}", info.run_id, info.run_attempt, command.as_str());
        let shown = url.clone();
        let task = tokio::spawn(async move {
            let work = async {
                let new = NewDeployment {
                    sha: &info.sha,
                    environment: &environment,
                    production,
                    description: &description,
                    key: &key,
                };
                let id = gh.create_deployment(new).await.map_err(|e| e.to_string())?;
                let state = DeploymentState::InProgress;
                gh.set_deployment_status(id, state, &log_url, &description, shown.as_deref())
                    .await
                    .map_err(|e| e.to_string())?;
                Ok((gh, id))
            };
            tokio::time::timeout(BUDGET, work)
                .await
                .map_err(|_| "GitHub did not answer in time".to_string())?
        });
        Self {
            task: Some(task),
            log_url: own_url,
            url,
        }
    }

    /// No Deployment: `finish` does nothing.
    fn none() -> Self {
        Self {
            task: None,
            log_url: String::new(),
            url: None,
        }
    }

    /// Posts `success` or `failure`; returns a warning when GitHub refused.
    /// `cancelled`: the job got a signal, so every wait is short.
    pub async fn finish(self, report: &Report, cancelled: bool) -> Option<String> {
        let state = match report.result {
            Outcome::Success | Outcome::NoOp => DeploymentState::Success,
            _ => DeploymentState::Failure,
        };
        self.post(state, status_description(report), cancelled)
            .await
    }

    /// The run stopped on `error` before its end: `error`, so the Deployment
    /// is never left `in_progress`. `error` passed the run's scrubber.
    pub async fn abandon(self, error: &str, cancelled: bool) -> Option<String> {
        self.post(DeploymentState::Error, error.to_string(), cancelled)
            .await
    }

    async fn post(
        self,
        state: DeploymentState,
        description: String,
        cancelled: bool,
    ) -> Option<String> {
        let task = self.task?;
        let budget = if cancelled { CANCELLED_BUDGET } else { BUDGET };
        let (gh, id) = match tokio::time::timeout(budget, task).await {
            Ok(Ok(Ok(v))) => v,
            Ok(Ok(Err(e))) => return Some(format!("GitHub Deployment not recorded: {e}")),
            Ok(Err(e)) => return Some(format!("GitHub Deployment not recorded: {e}")),
            Err(_) => {
                return Some(
                    "GitHub Deployment not recorded: GitHub did not answer in time".into(),
                );
            }
        };
        let url = self.url.as_deref();
        match tokio::time::timeout(
            budget,
            gh.set_deployment_status(id, state, &self.log_url, &description, url),
        )
        .await
        {
            Ok(Ok(())) => None,
            Ok(Err(e)) => Some(format!("GitHub Deployment status not posted: {e}")),
            Err(_) => {
                Some("GitHub Deployment status not posted: GitHub did not answer in time".into())
            }
        }
    }
}

/// `version 7, sha256:0123456789ab… (success)`.
fn status_description(report: &Report) -> String {
    let version = report
        .promotion
        .as_ref()
        .and_then(|p| p.functions.first())
        .and_then(|f| f.version.clone())
        .unwrap_or_else(|| "-".into());
    let digest: String = report
        .promotion
        .as_ref()
        .map(|p| p.image_digest.chars().take(19).collect())
        .unwrap_or_default();
    format!("version {version}, {digest} ({})", report.result.as_str())
}
