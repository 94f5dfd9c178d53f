//! `validate`: run the contract checks of the selected environments against
//! live AWS, post the PR comment on a pull request, and emit the report.
//! Never writes to AWS.

use anyhow::Context as _;

use crate::aws::Read;

use crate::config::model::{Contract, Environment};
use crate::error::{Cancelled, UsageError};
use crate::finding::Status;
use crate::github::sync;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Settings;

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let envs = environments(&run.settings, &run.contract)?;
    let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let mut report = Report::new("validate", names.join(","), run.contract_label());
    let read = Read::new(super::clients(run).await?);
    let fork = run.event.is_fork_pr();
    let work = crate::validate::findings(&read, &run.contract, &envs, &run.job, fork);
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
    if fork && report.count(Status::Skipped) > 0 {
        report.warnings.push(
            "checks that need a secret were skipped: secrets are empty on a pull request from a fork"
                .to_string(),
        );
    }
    sync::pr_comment(run, &mut report).await;
    run.emitter
        .report(&report)
        .context("failed to write the report")?;
    Ok(End::Done(report.result))
}

/// The environments `validate` covers: the `environment` input, or all.
fn environments<'c>(
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
