//! Running the plans of one environment: every function of every part
//! concurrently, each under the panic guard and with its part's clients; then,
//! on any failure, every moved alias put back in every part, the invalidation
//! on success, and the run's result.

use super::housekeeping;
use super::image::Resolved;
use super::job::{Job, Status};
use super::outcome::{self, Folded};
use super::part::{self, Part};
use super::plan::FunctionPlan;
use super::progress::{self, Progress};
use super::provenance::RunInfo;
use super::restore::{self, Restored};
use crate::aws::lambda_write::UpdateState;
use crate::aws::types::Lookup;
use crate::config::model::{Environment, FunctionTarget};
use crate::error::Cancelled;
use crate::observe::Observed;
use crate::report::model::{LeftMoved, Outcome, Promotion, Report};
use crate::run::{End, Run};

pub struct Context<'a> {
    pub run: &'a Run,
    /// The environment's (account, region) parts, each with its clients.
    pub parts: &'a [Part],
    /// The environment (strategy, smoke test, pruning and invalidation are
    /// the same in every part).
    pub env: &'a Environment,
    pub run_info: &'a RunInfo,
    pub image: &'a Resolved,
    /// What validation read, per part: each function's update state is
    /// reused before its update.
    pub observed: &'a [Observed],
}

impl Context<'_> {
    fn part(&self, target: &FunctionTarget) -> &Part {
        &self.parts[part::index_of(self.parts, target)]
    }
}

pub async fn execute(
    ctx: &Context<'_>,
    plans: &[FunctionPlan<'_>],
    mut promotion: Promotion,
    report: &mut Report,
) -> End {
    let outcomes = run_jobs(ctx, plans, report).await;

    let all_ok = outcomes.iter().all(|o| matches!(o.status, Status::Success));
    let restored = if all_ok {
        Restored::default()
    } else {
        let restore_of = |m: &super::shift::Moved| {
            let i = part::index_of_function(ctx.parts, &m.function, &m.alias);
            &ctx.parts[i].restore
        };
        restore::all(restore_of, &outcomes).await
    };
    let region_of = |t: &FunctionTarget| ctx.part(t).clients.region.clone();
    let folded = outcome::fold(plans, outcomes, &restored.functions, &region_of);
    promotion.functions = folded.functions.clone();
    // `version` is what the alias serves at the end, also when it could not be put back.
    for left in &restored.left {
        if let Some(f) = promotion
            .functions
            .iter_mut()
            .find(|f| f.function == left.function && f.alias == left.alias)
        {
            f.version = left.version.clone();
        }
    }
    report.warnings.extend(folded.warnings.iter().cloned());
    // `rolled-back` promises the environment is back as it was: every moved alias restored.
    report.rolled_back = !restored.functions.is_empty() && restored.left.is_empty();
    report.left_moved = restored.left.clone();
    if all_ok && let Some(keep) = ctx.env.keep_versions {
        prune(ctx, plans, keep, &mut promotion, report).await;
    }
    if all_ok {
        invalidate(ctx, &mut promotion, report).await;
    }
    report.promotion = Some(promotion);
    if let Some(sig) = folded
        .signal
        .or(ctx.run.cancel.signal())
        .filter(|_| !all_ok)
    {
        return cancelled(report, sig, &restored);
    }
    report.result = outcome::result(
        all_ok,
        !restored.functions.is_empty(),
        !restored.errors.is_empty(),
        folded.conflict,
    );
    let errors = errors(&folded, &restored);
    if !errors.is_empty() {
        report.error = Some(errors.join("; "));
    }
    End::Done(report.result)
}

fn errors(folded: &Folded, restored: &Restored) -> Vec<String> {
    let mut errors = folded.errors.clone();
    errors.extend(restored.errors.iter().cloned());
    errors.extend(restored.left.iter().map(LeftMoved::sentence));
    errors
}

fn cancelled(report: &mut Report, sig: i32, restored: &Restored) -> End {
    report.result = if report.rolled_back {
        Outcome::RolledBack
    } else {
        Outcome::Failed
    };
    let what = if !restored.left.is_empty() {
        let left: Vec<String> = restored.left.iter().map(LeftMoved::sentence).collect();
        format!("not every alias could be restored: {}", left.join("; "))
    } else if report.rolled_back {
        "the alias was restored".to_string()
    } else {
        "the alias was not moved".to_string()
    };
    report.error = Some(format!(
        "cancelled by {}; {what}",
        if sig == 2 { "SIGINT" } else { "SIGTERM" },
    ));
    End::Cancelled(Cancelled(sig))
}

/// The CloudFront invalidation after a successful promotion; a failure is a warning.
async fn invalidate(ctx: &Context<'_>, promotion: &mut Promotion, report: &mut Report) {
    let Some(inv) = &ctx.env.invalidate else {
        return;
    };
    match ctx.run.job.get(&inv.distribution_id_env) {
        // CloudFront is global and the parts share the account: any part's clients do.
        Some(id) => match ctx.parts[0]
            .clients
            .invalidate(
                id.expose(),
                &inv.paths,
                &format!(
                    "lambda-promote-{}-{}",
                    ctx.run_info.run_id, ctx.image.digest
                ),
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

/// Prunes every promoted function, once the whole environment succeeded (a sibling's
/// failure restores aliases onto the versions they left, which must still exist).
async fn prune(
    ctx: &Context<'_>,
    plans: &[FunctionPlan<'_>],
    keep: u32,
    promotion: &mut Promotion,
    report: &mut Report,
) {
    for (i, p) in ctx.parts.iter().enumerate() {
        let promoted: Vec<&str> = plans
            .iter()
            .filter(|f| !f.noop && part::index_of(ctx.parts, f.target) == i)
            .map(|f| f.target.name.as_str())
            .collect();
        if promoted.is_empty() {
            continue;
        }
        let (records, warnings) = housekeeping::prune_all(&p.clients, &promoted, keep).await;
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
}

/// The update state validation read for `function`, if it read one.
fn idle_state(observed: &Observed, function: &str) -> Option<UpdateState> {
    match observed.functions.get(function) {
        Some(Lookup::Found(info)) => Some(UpdateState {
            status: info
                .last_update_status
                .clone()
                .unwrap_or_else(|| "Successful".to_string()),
            reason: info.last_update_reason.clone(),
            code_sha256: String::new(),
            revision_id: info.revision_id.clone(),
            image_digest: info.image_digest.clone(),
        }),
        _ => None,
    }
}

/// Every function's promotion at once (all-or-nothing, canary windows side by side),
/// with a progress line while they run; the pacer bounds the requests in flight.
async fn run_jobs(
    ctx: &Context<'_>,
    plans: &[FunctionPlan<'_>],
    report: &mut Report,
) -> Vec<super::job::Outcome> {
    let deadline = tokio::time::Instant::now() + ctx.run.settings.timeout;
    let log = |line: &str| ctx.run.emitter.log(line);
    let progress = Progress::new(plans.iter().filter(|p| !p.noop).count());
    let jobs = plans.iter().filter(|p| !p.noop).map(|p| {
        let i = part::index_of(ctx.parts, p.target);
        super::guard::promote(Job {
            clients: &ctx.parts[i].clients,
            env: ctx.env,
            target: p.target,
            image: ctx.image,
            before: p.before.clone(),
            idle: idle_state(&ctx.observed[i], &p.target.name),
            progress: &progress,
            run_info: ctx.run_info,
            deadline,
            cancel: &ctx.run.cancel,
            log: &log,
        })
    });
    let throttled = || ctx.parts.iter().map(|p| p.clients.pacer.throttled()).sum();
    let progress_line = || progress.line(&ctx.env.name, throttled());
    let outcomes =
        progress::while_running(futures::future::join_all(jobs), progress::EVERY, || {
            ctx.run.emitter.log(&progress_line())
        })
        .await;
    report.notices.push(progress_line());
    outcomes
}
