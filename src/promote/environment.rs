//! The read side of one environment's promotion: observe it and run its checks, resolve
//! the image once, read what each alias serves, and plan (pure). Holds only the
//! [`Read`] handle: `plan` and dry-run stop here, `promote` hands the plans to
//! `promote/execute/` with the write handle.

use super::image::{self, ImageError, Resolved};
use super::plan::{self, FunctionPlan};
use crate::aws::Read;
use crate::aws::types::{AliasInfo, Lookup};
use crate::config::model::{Environment, FunctionTarget, Strategy};
use crate::error::UsageError;
use crate::observe::Observed;
use crate::report::model::{Outcome, Promotion, Report, StepStatus};
use crate::run::Run;
use crate::validate;

/// What execute needs to promote an environment.
pub struct Ready<'e> {
    pub plans: Vec<FunctionPlan<'e>>,
    pub image: Resolved,
    /// What validation read: each function's update state is reused before its update.
    pub observed: Observed,
    /// The promotion part of the report, before any function ran.
    pub promotion: Promotion,
}

/// Where the read side ends: with a promotion to execute, or with the run's result
/// already in the report (drift, a failed image lookup, a no-op, a dry run).
pub enum Prepared<'e> {
    Ready(Box<Ready<'e>>),
    Done(Outcome),
}

/// Validates `env`, resolves the image (unless `resolved` already holds it: a
/// `from:` read with the source's own clients) and plans every function.
pub async fn prepare<'e>(
    run: &Run,
    read: &Read,
    env: &'e Environment,
    resolved: Option<Resolved>,
    report: &mut Report,
) -> Result<Prepared<'e>, UsageError> {
    // Validate the target first: any drift stops the run before the first write.
    let (findings, observed) = validate::findings(
        read,
        &run.contract,
        &[env],
        &run.job,
        run.event.is_fork_pr(),
    )
    .await;
    report.findings = findings;
    if report.drift() {
        report.error = Some(format!(
            "the contract checks of `{}` found drift; nothing was changed",
            env.name
        ));
        return Ok(done(report, Outcome::Drift));
    }
    let image = match resolved {
        Some(i) => Ok(i),
        None => image::resolve(read, &run.contract, env, run.settings.image.as_ref()).await,
    };
    let image = match image {
        Ok(i) => i,
        Err(ImageError::Usage(e)) => return Err(e),
        Err(e) => {
            report.error = Some(e.to_string());
            return Ok(done(report, Outcome::Failed));
        }
    };
    let current = current(read, env, &observed).await;
    let plans = plan::plan(env, &image.digest, &current);
    let promotion = promotion_of(&image, env);
    if plans.iter().all(|p| p.noop) {
        report.notices.push(format!(
            "`{}` already serves {}: nothing to do",
            env.name, image.digest
        ));
        show(
            &plans,
            promotion,
            read.region(),
            StepStatus::Skipped,
            report,
        );
        return Ok(done(report, Outcome::NoOp));
    }
    Ok(Prepared::Ready(Box::new(Ready {
        plans,
        image,
        observed,
        promotion,
    })))
}

/// `plan` and dry-run: the steps a promotion would take are the result.
pub fn planned(ready: Box<Ready<'_>>, region: &str, report: &mut Report) -> Outcome {
    show(
        &ready.plans,
        ready.promotion,
        region,
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
    region: &str,
    status: StepStatus,
    report: &mut Report,
) {
    promotion.functions = plans
        .iter()
        .map(|p| plan::record(p, region, status))
        .collect();
    report.promotion = Some(promotion);
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
            Strategy::AllAtOnce => "all-at-once".into(),
            Strategy::Canary(c) => format!("canary {:?}", c.steps),
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
        let before = match aliases.get(&(t.name.clone(), t.alias.clone())) {
            Some(Lookup::Found(a)) => Some(a.clone()),
            _ => None,
        };
        let served = match &before {
            Some(a) if !a.is_split() => read
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
