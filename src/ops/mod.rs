//! The steps under the commands, as cargo's `ops` are under its `commands`: the environment
//! a ref selects, its shards opened with their clients (`shards.rs`), `validate`'s pass
//! (`validation.rs`), a `from:` image read in its own account (`cross_account.rs`), the
//! deployment of one environment (`deploy.rs`), the GitHub side (`github_sync.rs`), and the
//! end of a report (this file). A command file (`command/`) calls these and nothing calls
//! back up into it.

pub(crate) mod contract_comment;
pub(crate) mod cross_account;
pub(crate) mod deploy;
pub(crate) mod github_sync;
pub(crate) mod shards;
pub(crate) mod validation;

use std::sync::Arc;

use crate::aws::pace::Pacer;
use crate::aws::quota::Pool;
use crate::config::model::Environment;
use crate::error::Cancelled;
use crate::promote::target::{self, Target};
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::shard::Shard;
use github_sync::Deployment;

/// The environment a `plan`, `promote` or `rollback` works on; `None` when the
/// ref matches no environment, after the `skipped` report was emitted.
pub(crate) fn selected_environment(
    run: &Run,
    command: Command,
) -> anyhow::Result<Option<&Environment>> {
    match target::choose(&run.settings, &run.contract, run.runner.git_ref())? {
        Target::Environment(env) => Ok(Some(env)),
        Target::Skipped(reason) => {
            let mut report = Report::new(command, String::new(), run.contract_label());
            report.result = Outcome::Skipped;
            run.emitter.notice(&reason);
            report.notices.push(reason);
            run.emitter.report(&report)?;
            Ok(None)
        }
    }
}

/// The report of `command` on `env` (`plan` for a dry run), naming the shards it acts on
/// when there are several or the `shard` input picked one.
pub(crate) fn report_for(
    run: &Run,
    env: &Environment,
    shards: &[Shard],
    command: Command,
) -> Report {
    let shown = run.settings.shown(command);
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    if run.settings.shard.is_some() || shards.len() > 1 {
        let ids: Vec<String> = shards.iter().map(Shard::id).collect();
        report.notices.push(format!("shards {}", ids.join(", ")));
    }
    report
}

/// The run's pacer: AWS's quotas lowered by the contract's `limits:`, and
/// throttled answers retried until the `timeout` input's deadline.
pub(crate) fn pacer(run: &Run) -> Arc<Pacer> {
    let l = &run.contract.limits;
    let lowered: Vec<(Pool, u32)> = [
        (Pool::LambdaControlPlane, l.lambda_control_plane),
        (Pool::LambdaGetFunction, l.lambda_get_function),
    ]
    .into_iter()
    .filter_map(|(p, v)| Some((p, v?)))
    .collect();
    let deadline = tokio::time::Instant::now() + run.settings.timeout;
    // Undocumented in the inputs on purpose: only the benchmarks turn pacing off,
    // to measure what it costs a small run (docs/benchmarks.md, "Benchmarks").
    if std::env::var_os("LAMBDA_PROMOTE_UNPACED").is_some_and(|v| v == "1") {
        return Arc::new(Pacer::unpaced(Some(deadline)));
    }
    Arc::new(Pacer::new(&lowered, Some(deadline)))
}

/// Ends an environment command: a signal that cut it short, the Deployment's
/// last status, and the report.
pub(crate) async fn finish(
    run: &Run,
    end: End,
    deployment: Option<Deployment>,
    mut report: Report,
) -> anyhow::Result<End> {
    let end = cancelled_early(run, end, &mut report);
    // The Deployment status is a channel the runner does not mask either.
    if let Some(deployment) = deployment
        && let Some(w) = deployment
            .finish(
                &run.emitter.scrubbed(&report),
                run.cancel.signal().is_some(),
            )
            .await
    {
        run.emitter.warning(&w);
        report.warnings.push(w);
    }
    run.emitter.report(&report)?;
    Ok(end)
}

/// A command stopped on `error` before its end: its Deployment gets `error`
/// (never left `in_progress`); the error goes on to `main` as it was.
pub(crate) async fn abandon(
    run: &Run,
    deployment: Option<Deployment>,
    error: anyhow::Error,
) -> anyhow::Error {
    if let Some(deployment) = deployment {
        let shown = run.emitter.scrub(&format!("{error:#}"));
        if let Some(w) = deployment
            .abandon(&shown, run.cancel.signal().is_some())
            .await
        {
            run.emitter.warning(&w);
        }
    }
    error
}

/// A signal that cut a read short before any write (a check or the image
/// lookup failing because its call was cancelled) ends the run as cancelled,
/// not as drift or failure.
fn cancelled_early(run: &Run, end: End, report: &mut Report) -> End {
    let (End::Done(result), Some(sig)) = (&end, run.cancel.signal()) else {
        return end;
    };
    if matches!(result, Outcome::Success | Outcome::NoOp | Outcome::Planned) {
        return end;
    }
    report.result = if report.rolled_back {
        Outcome::RolledBack
    } else {
        Outcome::Failed
    };
    report.error = Some(match report.error.take() {
        Some(e) if e.starts_with("cancelled by") => e,
        Some(e) => format!("cancelled by {}; {e}", sig.name()),
        None => format!("cancelled by {}", sig.name()),
    });
    End::Cancelled(Cancelled(sig))
}
