//! Promotion of one environment: validate every part of it, resolve the image
//! once, decide per function (pure), execute every function of every part
//! concurrently, and put every moved alias back if any function fails.

use super::image;
use super::part::Part;
use super::plan::{self, FunctionPlan};
use super::provenance::RunInfo;
use crate::aws::Clients;
use crate::aws::types::{AliasInfo, Lookup};
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::error::UsageError;
use crate::observe::Observed;
use crate::report::model::{Outcome, Promotion, Report, StepStatus};
use crate::run::{End, Run};
use crate::validate;

/// Validates every part of the environment, resolves the image (unless
/// `resolved` already holds it: a `from:` read with the source's own
/// clients), plans, and promotes every function that needs it, in every
/// part at once; on any failure, restores every alias the run moved.
pub async fn promote(
    run: &Run,
    parts: &[Part],
    dry_run: bool,
    run_info: &RunInfo,
    report: &mut Report,
    resolved: Option<image::Resolved>,
) -> anyhow::Result<End> {
    // Validate every part first: drift anywhere stops the run before the first write.
    let Some(observed) = validate_all(run, parts, report).await else {
        return Ok(End::Done(Outcome::Drift));
    };
    let first = &parts[0];
    let env = first.env();
    let image = match resolved {
        Some(i) => Ok(i),
        None => {
            let input = run.settings.image.as_ref();
            image::resolve(&first.clients, &first.contract, env, input).await
        }
    };
    let image = match image {
        Ok(i) => i,
        Err(e) if e.downcast_ref::<UsageError>().is_some() => return Err(e),
        Err(e) => {
            report.result = Outcome::Failed;
            report.error = Some(format!("{e:#}"));
            return Ok(End::Done(Outcome::Failed));
        }
    };
    let mut plans = Vec::new();
    for (part, seen) in parts.iter().zip(&observed) {
        let current = current(&part.clients, part.env(), seen).await;
        plans.extend(plan::plan(part.env(), &image.digest, &current));
    }
    let promotion = promotion_of(&image, env);
    if plans.iter().all(|p| p.noop) || dry_run {
        return Ok(stop_at_plan(parts, &plans, promotion, &image, report));
    }
    let ctx = super::conclude::Context {
        run,
        parts,
        env,
        run_info,
        image: &image,
        observed: &observed,
    };
    Ok(super::conclude::execute(&ctx, &plans, promotion, report).await)
}

/// The checks of every part, each with its own clients, concurrently; `None`
/// (with the report saying so) when any found drift.
async fn validate_all(run: &Run, parts: &[Part], report: &mut Report) -> Option<Vec<Observed>> {
    let fork = run.event.is_fork_pr();
    let all = futures::future::join_all(parts.iter().map(|p| async move {
        validate::findings(&p.clients, &p.contract, &[p.env()], &run.job, fork).await
    }))
    .await;
    let mut observed = Vec::new();
    for (findings, seen) in all {
        report.findings.extend(findings);
        observed.push(seen);
    }
    if report.drift() {
        report.result = Outcome::Drift;
        report.error = Some(format!(
            "the contract checks of `{}` found drift; nothing was changed",
            parts[0].environment
        ));
        return None;
    }
    Some(observed)
}

/// The end of a no-op or a dry run: every function's row, nothing written.
fn stop_at_plan(
    parts: &[Part],
    plans: &[FunctionPlan<'_>],
    mut promotion: Promotion,
    image: &image::Resolved,
    report: &mut Report,
) -> End {
    let noop = plans.iter().all(|p| p.noop);
    let status = if noop {
        StepStatus::Skipped
    } else {
        StepStatus::Planned
    };
    promotion.functions = plans
        .iter()
        .map(|p| plan::record(p, &region_of(parts, p.target), status))
        .collect();
    report.promotion = Some(promotion);
    report.result = if noop {
        report.notices.push(format!(
            "`{}` already serves {}: nothing to do",
            parts[0].environment, image.digest
        ));
        Outcome::NoOp
    } else {
        Outcome::Planned
    };
    End::Done(report.result)
}

/// The region of the part that holds `target`.
pub fn region_of(parts: &[Part], target: &FunctionTarget) -> String {
    let i = super::part::index_of(parts, target);
    parts[i].clients.region.clone()
}

/// The promotion part of the report, before any function ran.
fn promotion_of(image: &image::Resolved, env: &Environment) -> Promotion {
    Promotion {
        source: image.source.clone(),
        image_uri: image.uri(),
        image_digest: image.digest.clone(),
        strategy: match &env.strategy {
            Strategy::AllAtOnce => "all-at-once".into(),
            Strategy::Canary(c) => format!("canary {:?}", c.steps),
        },
        ..Promotion::default()
    }
}

/// What each alias serves now (before, and the digest of an unsplit alias),
/// which decides the no-op.
async fn current<'e>(
    clients: &Clients,
    env: &'e Environment,
    observed: &Observed,
) -> Vec<(&'e FunctionTarget, Option<AliasInfo>, Option<String>)> {
    // Read concurrently: the pacer bounds the requests in flight.
    let aliases = &observed.aliases;
    futures::future::join_all(env.functions.iter().map(|t| async move {
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
    .await
}
