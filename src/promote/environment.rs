//! Promotion of one environment: validate it, resolve the image once, decide
//! per function (pure), execute concurrently, and put every moved alias back
//! if any function fails.

use super::image;
use super::plan;
use super::provenance::RunInfo;
use crate::aws::Clients;
use crate::aws::types::{AliasInfo, Lookup};
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::error::UsageError;
use crate::observe::Observed;
use crate::report::model::{Outcome, Promotion, Report, StepStatus};
use crate::run::{End, Run};
use crate::validate;

/// Validates `env`, resolves the image (unless `resolved` already holds it:
/// a `from:` read with the source's own clients), plans, and promotes every
/// function that needs it; on any failure, restores every alias the run moved.
#[allow(clippy::too_many_arguments)]
pub async fn promote(
    run: &Run,
    clients: &Clients,
    restore: &Clients,
    env: &Environment,
    dry_run: bool,
    run_info: &RunInfo,
    report: &mut Report,
    resolved: Option<image::Resolved>,
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
    let image = match resolved {
        Some(i) => Ok(i),
        None => image::resolve(clients, &run.contract, env, run.settings.image.as_ref()).await,
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
    let current = current(clients, env, &observed).await;
    let plans = plan::plan(env, &image.digest, &current);
    let mut promotion = promotion_of(&image, env);
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

    let ctx = super::conclude::Context {
        run,
        clients,
        restore,
        env,
        run_info,
        image: &image,
        observed: &observed,
    };
    Ok(super::conclude::execute(&ctx, &plans, promotion, report).await)
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
