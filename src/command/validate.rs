//! `validate`: run the contract checks of the selected environments against
//! live AWS, post the PR comment on a pull request, and emit the report.
//! Never writes to AWS.

use anyhow::Context as _;

use crate::error::Cancelled;
use crate::finding::Status;
use crate::ops;
use crate::ops::github_sync as sync;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;

pub async fn validate(run: &Run) -> anyhow::Result<End> {
    let envs = ops::shards::environments(&run.settings, &run.contract)?;
    let names: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let mut report = Report::new(Command::Validate, names.join(","), run.contract_label());
    let fleet = ops::shards::fleet(run);
    if let Some(end) =
        ops::shards::fork_skip(run, &fleet, Command::Validate, &names.join(","), &envs)?
    {
        return Ok(end);
    }
    let fork = run.event.is_fork_pr();
    let work = ops::validation::validate_all(run, &fleet, &envs, fork);
    let findings = tokio::select! {
        r = work => r?,
        sig = run.cancel.cancelled() => return Ok(End::Cancelled(Cancelled(sig))),
    };
    report.findings = findings;
    report.result = if crate::unreachable::collapse(&mut report, &|t| run.emitter.scrub(t)) {
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
