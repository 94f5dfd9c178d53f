//! `validate`: run the contract checks of the selected environments against
//! live AWS, post the PR comment on a pull request, and emit the report.
//! Never writes to AWS.

use anyhow::Context as _;

use super::github_sync as sync;
use crate::aws::Read;
use crate::aws::fleet_clients::Fleet;
use crate::check::Stage;
use crate::config::model::{Contract, Environment};
use crate::error::{Cancelled, UsageError};
use crate::finding::Finding;
use crate::finding::Status;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::settings::Settings;

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let envs = environments(&run.settings, &run.contract)?;
    let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let mut report = Report::new(Command::Validate, names.join(","), run.contract_label());
    let fleet = super::shards::fleet(run);
    if let Some(end) =
        super::shards::fork_skip(run, &fleet, Command::Validate, &names.join(","), &envs)?
    {
        return Ok(end);
    }
    let fork = run.event.is_fork_pr();
    let work = all_shards(run, &fleet, &envs, fork);
    let findings = tokio::select! {
        r = work => r?,
        sig = run.cancel.cancelled() => return Ok(End::Cancelled(Cancelled(sig))),
    };
    report.findings = findings;
    report.result = if crate::unreachable::collapse(&mut report) {
        Outcome::Error
    } else if report.drift() {
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

/// Every environment in one pass per (role, account, region), each with its
/// own clients: a pull request checks dev, staging and production at once.
async fn all_shards(
    run: &Run,
    fleet: &Fleet<'_>,
    envs: &[&Environment],
    fork: bool,
) -> anyhow::Result<Vec<Finding>> {
    let region = super::shards::default_region(run).await;
    let mut shards = Vec::new();
    for env in envs {
        let all = super::shards::of(run, fleet, env, Command::Validate, region.as_deref()).await?;
        shards.extend(all);
    }
    let mut findings = Vec::new();
    for group in super::shards::group(shards) {
        let contract = super::shards::narrow_group(&run.contract, &group);
        let clients = super::shards::clients(run, fleet, &group[0]).await?;
        let envs: Vec<&Environment> = contract.environments.iter().collect();
        let (found, _) = crate::live_checks::findings(
            &Read::new(clients),
            &contract,
            &envs,
            &run.job,
            fork,
            Stage::Validate,
            &run.emitter,
        )
        .await;
        findings.extend(found);
    }
    Ok(findings)
}

/// The environments `validate` covers: the `environment` input, or all.
pub(super) fn environments<'c>(
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
                    contract.unknown_environment(name, &settings.contract),
                )
            })
        })
        .collect()
}
