//! Promotion of one environment: validate it, resolve the image once, decide
//! per function (pure), execute concurrently, and put every moved alias back
//! if any function fails.

use super::execute::{self, Job, Status};
use super::housekeeping;
use super::image;
use super::outcome;
use super::plan;
use super::provenance::RunInfo;
use super::restore::{self, Restored};
use crate::app::{End, Run};
use crate::aws::Clients;
use crate::aws::types::{AliasInfo, Lookup};
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::error::{Cancelled, UsageError};
use crate::report::model::{Outcome, Promotion, Report, StepStatus};
use crate::validate;

/// Validates `env`, resolves the image, plans, and promotes every function
/// that needs it; on any failure, restores every alias the run moved.
pub async fn promote(
    run: &Run,
    clients: &Clients,
    env: &Environment,
    dry_run: bool,
    run_info: &RunInfo,
    report: &mut Report,
) -> anyhow::Result<End> {
    let (image, observed) = match prepare(run, clients, env, report).await? {
        Ok(ready) => ready,
        Err(end) => return Ok(end),
    };
    // What each alias serves now decides the no-op.
    let current = current(clients, env, &observed).await;
    let plans = plan::plan(env, &image.digest, &current);
    let mut promotion = Promotion {
        source: image.source.clone(),
        image_uri: image.uri(),
        image_digest: image.digest.clone(),
        strategy: match &env.strategy {
            Strategy::AllAtOnce => "all-at-once".into(),
            Strategy::Canary(c) => format!("canary {:?}", c.steps),
        },
        ..Promotion::default()
    };
    if let Some(end) = stop_before_writes(
        clients,
        env,
        &plans,
        &image.digest,
        dry_run,
        &mut promotion,
        report,
    ) {
        return Ok(end);
    }
    let outcomes = run_jobs(run, clients, env, &plans, &image, run_info).await;

    let all_ok = outcomes.iter().all(|o| matches!(o.status, Status::Success));
    let restored = if all_ok {
        Restored::default()
    } else {
        restore::all(clients, &outcomes).await
    };
    let folded = outcome::fold(&plans, outcomes, &restored.functions, &clients.region);
    promotion.functions = folded.functions;
    report.warnings.extend(folded.warnings);
    if all_ok && let Some(keep) = env.keep_versions {
        prune(clients, &plans, keep, &mut promotion, report).await;
    }
    report.rolled_back = !restored.functions.is_empty();
    let mut errors = folded.errors;
    errors.extend(restored.errors.iter().cloned());

    if all_ok && let Some(inv) = &env.invalidate {
        invalidate(
            run,
            clients,
            inv,
            run_info,
            &image.digest,
            &mut promotion,
            report,
        )
        .await;
    }
    report.promotion = Some(promotion);
    let signal = folded.signal.or(run.cancel.signal()).filter(|_| !all_ok);
    let restore_failed = !restored.errors.is_empty();
    Ok(finish(
        report,
        signal,
        all_ok,
        restore_failed,
        folded.conflict,
        errors,
    ))
}

/// What each alias serves now, which decides the no-op.
async fn current<'e>(
    clients: &Clients,
    env: &'e Environment,
    observed: &crate::observe::Observed,
) -> Vec<(&'e FunctionTarget, Option<AliasInfo>, Option<String>)> {
    let mut current = Vec::new();
    for t in &env.functions {
        let before = match observed.aliases.get(&(t.name.clone(), t.alias.clone())) {
            Some(Lookup::Found(a)) => Some(a.clone()),
            _ => None,
        };
        let served = match &before {
            Some(a) if !a.is_split() => clients
                .get_function(&t.name, Some(&a.version))
                .await
                .ok()
                .and_then(|i| i.image_digest),
            _ => None,
        };
        current.push((t, before, served));
    }
    current
}

/// Prunes every promoted function, once the whole environment succeeded (a sibling's
/// failure restores aliases onto the versions they left, which must still exist).
async fn prune(
    clients: &Clients,
    plans: &[plan::FunctionPlan<'_>],
    keep: u32,
    promotion: &mut Promotion,
    report: &mut Report,
) {
    let promoted: Vec<&str> = plans
        .iter()
        .filter(|p| !p.noop)
        .map(|p| p.target.name.as_str())
        .collect();
    let (records, warnings) = housekeeping::prune_all(clients, &promoted, keep).await;
    for (function, record) in records {
        if let Some(row) = promotion
            .functions
            .iter_mut()
            .find(|r| r.function == function)
        {
            row.steps.push(record);
        }
    }
    report.warnings.extend(warnings);
}

/// Invalidates the CloudFront paths after success; a failure is a warning.
async fn invalidate(
    run: &Run,
    clients: &Clients,
    inv: &crate::config::model::Invalidate,
    run_info: &RunInfo,
    digest: &str,
    promotion: &mut Promotion,
    report: &mut Report,
) {
    match run.job.get(&inv.distribution_id_env) {
        Some(id) => match clients
            .invalidate(
                id.expose(),
                &inv.paths,
                &format!("lambda-promote-{}-{}", run_info.run_id, digest),
            )
            .await
        {
            Ok(inv_id) => promotion.invalidation_id = Some(inv_id),
            Err(e) => report
                .warnings
                .push(format!("CloudFront invalidation failed: {e}")),
        },
        None => report.warnings.push(format!(
            "CloudFront invalidation skipped: `{}` is unset",
            inv.distribution_id_env
        )),
    }
}

/// The run's result and error from how the functions ended.
fn finish(
    report: &mut Report,
    signal: Option<i32>,
    all_ok: bool,
    restore_failed: bool,
    conflict: bool,
    errors: Vec<String>,
) -> End {
    if let Some(sig) = signal {
        report.result = if report.rolled_back {
            Outcome::RolledBack
        } else {
            Outcome::Failed
        };
        report.error = Some(format!(
            "cancelled by {}; {}",
            if sig == 2 { "SIGINT" } else { "SIGTERM" },
            if report.rolled_back {
                "the alias was restored"
            } else {
                "the alias was not moved"
            }
        ));
        return End::Cancelled(Cancelled(sig));
    }
    report.result = outcome::result(all_ok, report.rolled_back, restore_failed, conflict);
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    End::Done(report.result)
}

/// Ends a run that writes nothing: every alias already serves the image, or a dry run.
fn stop_before_writes(
    clients: &Clients,
    env: &Environment,
    plans: &[plan::FunctionPlan<'_>],
    digest: &str,
    dry_run: bool,
    promotion: &mut Promotion,
    report: &mut Report,
) -> Option<End> {
    if plans.iter().all(|p| p.noop) {
        promotion.functions = plans
            .iter()
            .map(|p| plan::record(p, &clients.region, StepStatus::Skipped))
            .collect();
        report.promotion = Some(std::mem::take(promotion));
        report.result = Outcome::NoOp;
        report.notices.push(format!(
            "`{}` already serves {}: nothing to do",
            env.name, digest
        ));
        return Some(End::Done(Outcome::NoOp));
    }
    if dry_run {
        promotion.functions = plans
            .iter()
            .map(|p| plan::record(p, &clients.region, StepStatus::Planned))
            .collect();
        report.promotion = Some(std::mem::take(promotion));
        report.result = Outcome::Planned;
        return Some(End::Done(Outcome::Planned));
    }
    None
}

/// Validates the target (any drift stops the run before the first write) and resolves
/// the image; `Ok(Err(end))` when the run ends here.
async fn prepare(
    run: &Run,
    clients: &Clients,
    env: &Environment,
    report: &mut Report,
) -> anyhow::Result<Result<(image::Resolved, crate::observe::Observed), End>> {
    // Validate the target first: any drift stops the run before the first write.
    let (findings, observed) = validate::findings(
        clients,
        &run.contract,
        &[env],
        &run.job,
        run.event.is_fork_pr(),
    )
    .await;
    report.findings = findings;
    if report.drift() {
        report.result = Outcome::Drift;
        report.error = Some(format!(
            "the contract checks of `{}` found drift; nothing was changed",
            env.name
        ));
        return Ok(Err(End::Done(Outcome::Drift)));
    }
    let image = match image::resolve(clients, &run.contract, env, run.settings.image.as_ref()).await
    {
        Ok(i) => i,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => return Err(e),
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return Ok(Err(End::Done(Outcome::Failed)));
        }
    };
    Ok(Ok((image, observed)))
}

/// Promotes every function that needs it, concurrently, under one deadline.
async fn run_jobs(
    run: &Run,
    clients: &Clients,
    env: &Environment,
    plans: &[plan::FunctionPlan<'_>],
    image: &image::Resolved,
    run_info: &RunInfo,
) -> Vec<execute::Outcome> {
    let deadline = tokio::time::Instant::now() + run.settings.timeout;
    let log = |line: &str| run.emitter.log(line);
    let jobs = plans.iter().filter(|p| !p.noop).map(|p| {
        execute::promote(Job {
            clients,
            env,
            target: p.target,
            image,
            before: p.before.clone(),
            run_info,
            deadline,
            cancel: &run.cancel,
            log: &log,
        })
    });
    futures::future::join_all(jobs).await
}
