//! `rollback`: point the environment's aliases back to `to-version` or to
//! the version recorded as previous, recording a GitHub Deployment alongside.
//! The same shape as a promotion: observe and decide with the read handle, plan
//! (pure), execute with the write handle, fold (pure). Every call ends soon after
//! SIGINT or SIGTERM; putting back an alias already written does not.

use crate::aws::{Read, Write};
use crate::config::model::Environment;
use crate::github::sync::Deployment;
use crate::promote::execute;
use crate::promote::rollback::{self, Decision, RollbackError};
use crate::report::model::{FunctionRun, Outcome, Promotion, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::{check, observe};

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let Some(env) = super::environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let dry_run = run.settings.dry_run;
    let clients = super::clients(run).await?;
    let shown = if dry_run { "plan" } else { "rollback" };
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    let deployment = Deployment::start(run, env, Command::Rollback, dry_run);
    let read = Read::new(clients.clone()).cancellable(&run.cancel);
    let outcome = match decide(run, &read, env, &mut report).await {
        Err(outcome) => outcome,
        Ok(decisions) => {
            let plans = rollback::plan(&decisions);
            let (functions, failed) = if dry_run {
                (rollback::planned(read.region(), &plans), Vec::new())
            } else {
                let restore = Write::new(clients);
                let write = restore.cancellable(&run.cancel);
                let info = &run.runner.info;
                let applied = execute::rollback::apply_all(&write, &restore, &plans, info).await;
                rollback::fold(read.region(), &plans, applied)
            };
            conclude(&mut report, functions, failed, dry_run)
        }
    };
    super::finish(run, End::Done(outcome), Some(deployment), report).await
}

/// Checks the account, then decides every function (reads only): if one cannot roll
/// back, no alias moves, so the environment never serves two images.
async fn decide<'e>(
    run: &Run,
    read: &Read,
    env: &'e Environment,
    report: &mut Report,
) -> Result<Vec<Decision<'e>>, Outcome> {
    // No contract checks (an emergency rollback must not wait on drift
    // elsewhere), but never touch an account the contract does not allow.
    let needs = observe::Needs {
        account: run.contract.account.is_some(),
        ..observe::Needs::default()
    };
    let observed = observe::observe(read, &needs).await;
    let ctx = check::Context {
        contract: &run.contract,
        job: &run.job,
        fork: false,
        observed: &observed,
    };
    report.findings = check::run(&ctx, &[]);
    if report.drift() {
        report.result = Outcome::Drift;
        report.error = Some(
            "the credentials act in another account than the contract allows; nothing was changed"
                .into(),
        );
        return Err(Outcome::Drift);
    }
    let to = run.settings.to_version.as_deref();
    let decisions: Vec<Result<Decision<'e>, RollbackError>> =
        futures::future::join_all(env.functions.iter().map(|t| rollback::decide(read, t, to)))
            .await;
    if decisions.iter().any(Result::is_err) {
        let (functions, failed) = rollback::refused(read.region(), env, &decisions);
        return Err(conclude(report, functions, failed, false));
    }
    Ok(decisions.into_iter().flatten().collect())
}

/// The rollback part of the report and its result.
fn conclude(
    report: &mut Report,
    functions: Vec<FunctionRun>,
    failed: Vec<String>,
    dry_run: bool,
) -> Outcome {
    report.promotion = Some(Promotion {
        source: "rollback".into(),
        strategy: "all-at-once".into(),
        functions,
        ..Promotion::default()
    });
    report.result = if !failed.is_empty() {
        report.error = Some(failed.join("; "));
        Outcome::Failed
    } else if dry_run {
        Outcome::Planned
    } else {
        report.rolled_back = true;
        Outcome::Success
    };
    report.result
}
