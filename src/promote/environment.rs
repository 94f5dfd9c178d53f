//! The read side of one environment's promotion: observe every (account, region)
//! part of it and run its checks, resolve the image once, read what each alias
//! serves, and plan (pure). Holds only [`Read`] handles: `plan` and dry-run stop
//! here, `promote` hands the plans to `promote/execute/` with the clients, from
//! which execute alone builds the write handles.

use super::image::{self, ImageError, Resolved};
use super::plan::{self, FunctionPlan};
use crate::aws::Read;
use crate::aws::types::{AliasInfo, Lookup};
use crate::check::Stage;
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::error::UsageError;
use crate::live_checks;
use crate::observe::Observed;
use crate::open_shard::{self, OpenShard};
use crate::report::model::{Outcome, Promotion, Report, Rollout, StepStatus};
use crate::run::Run;

/// What execute needs to promote an environment.
pub struct Ready<'e> {
    pub plans: Vec<FunctionPlan<'e>>,
    pub image: Resolved,
    /// What validation read, per part: each function's update state is reused
    /// before its update.
    pub observed: Vec<Observed>,
    /// The promotion part of the report, before any function ran.
    pub promotion: Promotion,
}

/// Where the read side ends: with a promotion to execute, or with the run's result
/// already in the report (drift, a failed image lookup, a no-op, a dry run).
pub enum Prepared<'e> {
    Ready(Box<Ready<'e>>),
    Done(Outcome),
}

/// Validates every part of the environment (drift in any stops them all
/// before the first write), resolves the image (unless `resolved` already
/// holds it: a `from:` read with the source's own clients) and plans every
/// function of every part.
pub async fn prepare<'e>(
    run: &Run,
    parts: &'e [OpenShard],
    resolved: Option<Resolved>,
    report: &mut Report,
) -> Result<Prepared<'e>, UsageError> {
    let (first, env) = (&parts[0], parts[0].env());
    // The image is read beside the checks (for `image: input` one ECR read; a `from:` image
    // comes resolved), and its answer used only once they pass: a drift ends the run as it
    // would without it.
    let lookup = async {
        match resolved {
            Some(i) => Ok(i),
            None => {
                let input = run.settings.image.as_ref();
                image::resolve(&first.read, &first.contract, env, input).await
            }
        }
    };
    let (observed, image) = futures::join!(validate_all(run, parts, report), lookup);
    if report.drift() {
        if crate::unreachable::collapse(report, &|t| run.emitter.scrub(t)) {
            return Ok(done(report, Outcome::Error));
        }
        // Nothing is written now, so what a promotion reads beside its writes is read here:
        // the report then says all a fix needs, as `validate`'s would.
        let traffic = super::traffic_after::findings(run, parts, &observed).await;
        report.findings.extend(traffic);
        return Ok(done(report, Outcome::Drift));
    }
    let image = match image {
        Ok(i) => i,
        Err(ImageError::Usage(e)) => return Err(e),
        Err(e) => {
            report.error = Some(e.to_string());
            return Ok(done(report, Outcome::Failed));
        }
    };
    let mut plans = Vec::new();
    for (p, seen) in parts.iter().zip(&observed) {
        let current = current(&p.read, p.env(), seen).await;
        plans.extend(plan::plan(p.env(), &image.digest, &current));
    }
    let promotion = promotion_of(&image, env);
    if plans.iter().all(|p| p.noop) {
        // Nothing to write beside: what a promotion reads beside its writes is read now.
        let traffic = super::traffic_after::findings(run, parts, &observed).await;
        report.findings.extend(traffic);
        report.notices.push(format!(
            "`{}` already serves {}: nothing to do",
            env.name, image.digest
        ));
        show(&plans, promotion, parts, StepStatus::Skipped, report);
        return Ok(done(report, Outcome::NoOp));
    }
    Ok(Prepared::Ready(Box::new(Ready {
        plans,
        image,
        observed,
        promotion,
    })))
}

/// The checks of every part, each with its own read handle, concurrently; on drift in any,
/// the report says so (its error set).
async fn validate_all(run: &Run, parts: &[OpenShard], report: &mut Report) -> Vec<Observed> {
    let fork = run.event.is_fork_pr();
    // `plan` and dry runs only report a missing way back; a promotion stops on it.
    let stage = if run.settings.dry_run {
        Stage::Validate
    } else {
        Stage::Promote {
            allow_no_rollback: run.settings.allow_no_rollback,
        }
    };
    let all = futures::future::join_all(parts.iter().map(|p| async move {
        live_checks::findings(
            &p.read,
            &p.contract,
            &[p.env()],
            &run.job,
            fork,
            stage,
            &run.emitter,
        )
        .await
    }))
    .await;
    let mut observed = Vec::new();
    for (findings, seen) in all {
        report.findings.extend(findings);
        observed.push(seen);
    }
    if report.drift() {
        report.error = Some(format!(
            "the contract checks of `{}` found drift; nothing was changed",
            parts[0].shard.environment
        ));
    }
    observed
}

/// `plan` and dry-run: the steps a promotion would take are the result.
pub fn planned(ready: Box<Ready<'_>>, parts: &[OpenShard], report: &mut Report) -> Outcome {
    show(
        &ready.plans,
        ready.promotion,
        parts,
        StepStatus::Planned,
        report,
    );
    report.result = Outcome::Planned;
    Outcome::Planned
}

/// Every plan as a report row, its steps with `status`.
fn show(
    plans: &[FunctionPlan<'_>],
    mut promotion: Promotion,
    parts: &[OpenShard],
    status: StepStatus,
    report: &mut Report,
) {
    promotion.functions = plans
        .iter()
        .map(|p| plan::record(p, &region_of(parts, p.target), status))
        .collect();
    report.promotion = Some(promotion);
}

/// The region of the part that holds `target`.
pub fn region_of(parts: &[OpenShard], target: &FunctionTarget) -> String {
    parts[open_shard::index_of(parts, target)]
        .read
        .region()
        .to_string()
}

fn done<'e>(report: &mut Report, outcome: Outcome) -> Prepared<'e> {
    report.result = outcome;
    Prepared::Done(outcome)
}

/// The promotion part of the report, before any function ran.
fn promotion_of(image: &Resolved, env: &Environment) -> Promotion {
    Promotion {
        source: image.source.clone(),
        image_uri: image.uri(),
        image_digest: image.digest.clone(),
        strategy: match &env.strategy {
            Strategy::AllAtOnce => Rollout::AllAtOnce,
            Strategy::Canary(c) => Rollout::Canary(c.steps.clone()),
        },
        ..Promotion::default()
    }
}

/// What each alias serves now (before, and the digest of an unsplit alias),
/// which decides the no-op.
async fn current<'e>(
    read: &Read,
    env: &'e Environment,
    observed: &Observed,
) -> Vec<(&'e FunctionTarget, Option<AliasInfo>, Option<String>)> {
    // Read concurrently: the pacer bounds the requests in flight.
    let aliases = &observed.aliases;
    futures::future::join_all(env.functions.iter().map(|t| async move {
        let key = (t.name.clone(), t.alias.clone());
        let before = match aliases.get(&key) {
            Some(Lookup::Found(a)) => Some(a.clone()),
            _ => None,
        };
        // The pre-flight's way back already read the version this alias serves.
        let seen = |v: &str| {
            let back = observed.preflight.way_back.get(&key)?;
            (back.version == v).then(|| back.digest.clone())?
        };
        let served = match &before {
            Some(a) if !a.is_split() => match seen(&a.version) {
                Some(digest) => Some(digest),
                None => read
                    .get_function(&t.name, Some(&a.version))
                    .await
                    .ok()
                    .and_then(|i| i.image_digest),
            },
            _ => None,
        };
        (t, before, served)
    }))
    .await
}
