//! `plan`, `promote` and `rollback` for one environment: choose it, validate
//! it, resolve the image once, decide per function (pure), then execute
//! concurrently and put every moved alias back if any function fails.

pub mod canary;
pub mod canary_window;
pub mod execute;
pub mod image;
pub mod plan;
pub mod provenance;
pub mod prune;
pub mod rollback;
pub mod shift;
pub mod steps;
pub mod target;
pub mod wait;

use std::time::Duration;

use crate::app::{End, Run, contract_label};
use crate::aws::Clients;
use crate::aws::types::Lookup;
use crate::config::model::{Environment, ImageSource, Strategy};
use crate::error::{Cancelled, UsageError};
use crate::report::model::{FunctionRun, Links, Outcome, Promotion, Report, StepStatus};
use crate::settings::Command;
use crate::validate;

use execute::{Job, Status};
use provenance::RunInfo;
use target::Target;

/// How long a restore after cancellation may take: the runner kills the
/// container 10 s after SIGINT, and SPEC §7 promises 5 s.
const RESTORE_BUDGET: Duration = Duration::from_secs(5);

pub async fn command(run: &Run, command: Command) -> anyhow::Result<End> {
    let git_ref = std::env::var("GITHUB_REF").ok();
    let env = match target::choose(&run.settings, &run.contract, git_ref.as_deref())? {
        Target::Environment(env) => env,
        Target::Skipped(reason) => {
            let mut report = Report::new(
                command.as_str(),
                String::new(),
                contract_label(&run.settings.contract),
            );
            report.result = Outcome::Skipped;
            run.emitter.notice(&reason);
            report.notices.push(reason);
            run.emitter.report(&report)?;
            return Ok(End::Done(Outcome::Skipped));
        }
    };
    // dry-run turns promote and rollback into plan: nothing is written.
    let dry_run = run.settings.dry_run || command == Command::Plan;
    if command != Command::Rollback
        && env.image == ImageSource::Input
        && run.settings.image.is_none()
    {
        return Err(UsageError::input(
            "image",
            format!(
                "environment `{}` takes its image from the `image` input, which is empty",
                env.name
            ),
        )
        .into());
    }
    let clients = Clients::load(run.contract.region.as_deref()).await?;
    let run_info = RunInfo::from_env(|k| std::env::var(k).ok());
    let shown_command = if dry_run { "plan" } else { command.as_str() };
    let mut report = Report::new(
        shown_command,
        env.name.clone(),
        contract_label(&run.settings.contract),
    );
    let deployment = crate::github_sync::Deployment::start(run, env, command, dry_run);
    let end = if command == Command::Rollback {
        rollback(run, &clients, env, dry_run, &run_info, &mut report).await
    } else {
        promote(run, &clients, env, dry_run, &run_info, &mut report).await?
    };
    if let Some(w) = deployment.finish(&report).await {
        run.emitter.warning(&w);
        report.warnings.push(w);
    }
    run.emitter.report(&report)?;
    Ok(end)
}

async fn rollback(
    run: &Run,
    clients: &Clients,
    env: &Environment,
    dry_run: bool,
    run_info: &RunInfo,
    report: &mut Report,
) -> End {
    let to = run.settings.to_version.as_deref();
    // Decide every function first (reads only): if one cannot roll back, no
    // alias moves, so the environment never serves two images.
    let decisions = futures::future::join_all(
        env.functions
            .iter()
            .map(|t| rollback::decide(clients, t, to)),
    )
    .await;
    let mut failed = Vec::new();
    let mut functions = Vec::new();
    if decisions.iter().any(Result::is_err) {
        for (t, d) in env.functions.iter().zip(&decisions) {
            let mut fr = rollback::record(clients, t, d.as_ref().ok().map(|d| &d.alias));
            match d {
                Ok(_) => fr.steps.push(crate::report::model::StepRecord {
                    step: "rollback".into(),
                    status: StepStatus::Skipped,
                    duration_ms: 0,
                    detail: "not rolled back: another function of the environment cannot roll back"
                        .into(),
                }),
                Err(e) => {
                    failed.push(e.clone());
                    fr.error = Some(e.clone());
                }
            }
            functions.push(fr);
        }
    } else {
        let results = futures::future::join_all(
            decisions
                .iter()
                .flatten()
                .map(|d| rollback::apply(clients, d, dry_run, run_info)),
        )
        .await;
        for (fr, r) in results {
            if let Err(e) = r {
                failed.push(e);
            }
            functions.push(fr);
        }
    }
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
    End::Done(report.result)
}

async fn promote(
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
    // What each alias serves now decides the no-op.
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
    let jobs = plans.iter().filter(|p| !p.noop).map(|p| {
        execute::promote(Job {
            clients,
            env,
            target: p.target,
            image: &image,
            before: p.before.clone(),
            run_info,
            deadline,
            cancel: &run.cancel,
            log: &log,
        })
    });
    let outcomes = futures::future::join_all(jobs).await;

    // One failure anywhere puts back every alias this run moved, so an
    // environment never serves two images.
    let all_ok = outcomes.iter().all(|o| matches!(o.status, Status::Success));
    let mut restored = Vec::new();
    let mut restore_errors = Vec::new();
    if !all_ok {
        // An alias another run changed under us is theirs: restoring it would overwrite
        // their work (moto accepts any revision id, so the guard alone is not enough).
        let moved: Vec<_> = outcomes
            .iter()
            .filter(|o| !matches!(o.status, Status::Conflict(_)))
            .filter_map(|o| o.moved.as_ref())
            .collect();
        let restores = futures::future::join_all(moved.iter().map(|m| async move {
            (
                m,
                tokio::time::timeout(RESTORE_BUDGET, shift::restore(clients, m)).await,
            )
        }))
        .await;
        for (m, r) in restores {
            match r {
                Ok(Ok(())) => restored.push(m.function.clone()),
                Ok(Err(e)) => restore_errors.push(format!(
                    "could not restore alias {} of {}: {e}",
                    m.alias, m.function
                )),
                Err(_) => restore_errors.push(format!(
                    "restoring alias {} of {} timed out",
                    m.alias, m.function
                )),
            }
        }
    }

    let mut errors = Vec::new();
    let mut signal = None;
    let mut conflict = false;
    let mut by_name = std::collections::BTreeMap::new();
    for (p, o) in plans.iter().filter(|p| !p.noop).zip(outcomes) {
        report.warnings.extend(o.warnings.iter().cloned());
        let mut fr = FunctionRun {
            function: p.target.name.clone(),
            alias: p.target.alias.clone(),
            previous_version: p.before.as_ref().map(|b| b.version.clone()),
            version: p.before.as_ref().map(|b| b.version.clone()),
            steps: o.steps,
            canary: o.canary,
            links: Links::new(&clients.region, &p.target.name, &p.target.alias),
            error: None,
        };
        match o.status {
            Status::Success if all_ok => fr.version = o.version.clone(),
            Status::Success => {
                let note = if restored.contains(&p.target.name) {
                    "alias restored because another function of the environment failed"
                } else {
                    "not moved: another function of the environment failed"
                };
                fr.steps.push(crate::report::model::StepRecord {
                    step: "rollback".into(),
                    status: StepStatus::Done,
                    duration_ms: 0,
                    detail: note.into(),
                });
            }
            Status::Failed(e) => {
                errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e);
            }
            Status::RollBack(e) => {
                errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e);
            }
            Status::Conflict(e) => {
                conflict = true;
                errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e);
            }
            Status::Cancelled(sig) => {
                signal = Some(sig);
                fr.error = Some("cancelled".into());
            }
        }
        by_name.insert(p.target.name.clone(), fr);
    }
    promotion.functions = plans
        .iter()
        .map(|p| match by_name.remove(&p.target.name) {
            Some(fr) => fr,
            None => plan::record(p, &clients.region, StepStatus::Skipped),
        })
        .collect();
    errors.extend(restore_errors.iter().cloned());
    report.rolled_back = !restored.is_empty();

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
    if let Some(sig) = signal.or(run.cancel.signal()).filter(|_| !all_ok) {
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
    report.result = if all_ok {
        Outcome::Success
    } else if report.rolled_back && restore_errors.is_empty() && !conflict {
        // `rolled-back` promises the environment is back as it was: only when every
        // moved alias was restored and no other run's change is in play.
        Outcome::RolledBack
    } else {
        Outcome::Failed
    };
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    Ok(End::Done(report.result))
}
