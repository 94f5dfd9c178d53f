//! Promotion of one environment: validate it, resolve the image once, decide
//! per function (pure), execute concurrently, and put every moved alias back
//! if any function fails.

use super::execute::{self, Job, Status};
use super::image;
use super::outcome;
use super::plan;
use super::progress::{self, Progress};
use super::provenance::RunInfo;
use super::restore::{self, Restored};
use crate::app::{End, Run};
use crate::aws::Clients;
use crate::aws::lambda_write::UpdateState;
use crate::aws::types::Lookup;
use crate::config::model::{Environment, Strategy};
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
        return Ok(End::Done(Outcome::Drift));
    }
    let image = match image::resolve(clients, &run.contract, env, run.settings.image.as_ref()).await
    {
        Ok(i) => i,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => return Err(e),
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return Ok(End::Done(Outcome::Failed));
        }
    };
    // What each alias serves now decides the no-op; read concurrently (paced).
    let aliases = &observed.aliases;
    let current = futures::future::join_all(env.functions.iter().map(|t| async move {
        let before = match aliases.get(&(t.name.clone(), t.alias.clone())) {
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
        (t, before, served)
    }))
    .await;
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
    if plans.iter().all(|p| p.noop) {
        promotion.functions = plans
            .iter()
            .map(|p| plan::record(p, &clients.region, StepStatus::Skipped))
            .collect();
        report.promotion = Some(promotion);
        report.result = Outcome::NoOp;
        report.notices.push(format!(
            "`{}` already serves {}: nothing to do",
            env.name, image.digest
        ));
        return Ok(End::Done(Outcome::NoOp));
    }
    if dry_run {
        promotion.functions = plans
            .iter()
            .map(|p| plan::record(p, &clients.region, StepStatus::Planned))
            .collect();
        report.promotion = Some(promotion);
        report.result = Outcome::Planned;
        return Ok(End::Done(Outcome::Planned));
    }

    let deadline = tokio::time::Instant::now() + run.settings.timeout;
    let log = |line: &str| run.emitter.log(line);
    let progress = Progress::new(plans.iter().filter(|p| !p.noop).count());
    let jobs = plans.iter().filter(|p| !p.noop).map(|p| {
        execute::promote(Job {
            clients,
            env,
            target: p.target,
            image: &image,
            before: p.before.clone(),
            idle: idle_state(&observed, &p.target.name),
            progress: &progress,
            run_info,
            deadline,
            cancel: &run.cancel,
            log: &log,
        })
    });
    // Every function runs at once (all-or-nothing, canary windows side by side);
    // the pacer bounds the requests in flight.
    let progress_line = || progress.line(&env.name, clients.pacer.throttled());
    let outcomes =
        progress::while_running(futures::future::join_all(jobs), progress::EVERY, || {
            run.emitter.log(&progress_line())
        })
        .await;
    report.notices.push(progress_line());

    let all_ok = outcomes.iter().all(|o| matches!(o.status, Status::Success));
    let restored = if all_ok {
        Restored::default()
    } else {
        restore::all(clients, &outcomes).await
    };
    let folded = outcome::fold(&plans, outcomes, &restored.functions, &clients.region);
    promotion.functions = folded.functions;
    report.warnings.extend(folded.warnings);
    report.rolled_back = !restored.functions.is_empty();
    let mut errors = folded.errors;
    errors.extend(restored.errors.iter().cloned());

    if all_ok && let Some(inv) = &env.invalidate {
        match run.job.get(&inv.distribution_id_env) {
            Some(id) => match clients
                .invalidate(
                    id.expose(),
                    &inv.paths,
                    &format!("lambda-promote-{}-{}", run_info.run_id, image.digest),
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
    report.promotion = Some(promotion);
    if let Some(sig) = folded.signal.or(run.cancel.signal()).filter(|_| !all_ok) {
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
        return Ok(End::Cancelled(Cancelled(sig)));
    }
    report.result = outcome::result(
        all_ok,
        report.rolled_back,
        !restored.errors.is_empty(),
        folded.conflict,
    );
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    Ok(End::Done(report.result))
}

/// The update state validation read for `function`, if it read one.
fn idle_state(observed: &crate::observe::Observed, function: &str) -> Option<UpdateState> {
    match observed.functions.get(function) {
        Some(Lookup::Found(info)) => Some(UpdateState {
            status: info
                .last_update_status
                .clone()
                .unwrap_or_else(|| "Successful".to_string()),
            reason: None,
            code_sha256: String::new(),
            revision_id: info.revision_id.clone(),
            image_digest: info.image_digest.clone(),
        }),
        _ => None,
    }
}
