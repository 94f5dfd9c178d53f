//! Execute, the only phase that writes (README, "Architecture"): only its functions are
//! handed the [`Write`] handle. For one environment: every function's promotion at once,
//! each under the panic guard; on any failure, every moved alias put back; once the whole
//! environment succeeded, the environment's own steps (pruning, the CloudFront
//! invalidation), which must wait for it: a sibling's failure restores each alias onto
//! the version it left, which must still exist. What happened is returned as data for
//! the pure fold (`promote/outcome.rs`).

pub mod canary;
pub mod canary_gates;
pub mod canary_step;
pub mod failure;
pub mod function;
pub mod guard;
pub mod housekeeping;
pub mod invalidate;
pub mod invoke_check;
pub mod job;
pub mod move_alias;
pub mod readback;
pub mod restore;
pub mod rollback;
pub mod shift;
pub mod traffic;
pub mod warm;

use job::{Job, Status};
use restore::Restored;

use crate::aws::Write;
use crate::aws::types::{Lookup, UpdateState};
use crate::config::model::Environment;
use crate::observe::Observed;
use crate::promote::image::Resolved;
use crate::promote::plan::{self, FunctionPlan};
use crate::promote::progress::{self, Progress};
use crate::promote::provenance::RunInfo;
use crate::report::model::StepRecord;
use crate::run::Run;
use crate::step::Step;

pub struct Context<'a> {
    pub run: &'a Run,
    /// Cancellable: every call ends soon after a signal.
    pub write: &'a Write,
    /// Not cancellable: restores must still run after a signal (each is bounded).
    pub restore: &'a Write,
    pub env: &'a Environment,
    pub run_info: &'a RunInfo,
    pub image: &'a Resolved,
    /// What validation read: each function's update state is reused before its update.
    pub observed: &'a Observed,
}

/// What execute did to one environment, for the fold.
#[derive(Default)]
pub struct Executed {
    /// One per plan that was not a no-op, in the same order.
    pub outcomes: Vec<job::Outcome>,
    /// The aliases put back after a failure.
    pub restored: Restored,
    /// The environment's steps after success: the record of each, per function.
    pub after: Vec<(String, StepRecord)>,
    pub invalidation_id: Option<String>,
    pub warnings: Vec<String>,
    /// The last progress line, for the summary.
    pub progress: String,
}

impl Executed {
    pub fn all_ok(&self) -> bool {
        self.outcomes
            .iter()
            .all(|o| matches!(o.status, Status::Success))
    }
}

pub async fn environment(ctx: &Context<'_>, plans: &[FunctionPlan<'_>]) -> Executed {
    let mut executed = Executed::default();
    (executed.outcomes, executed.progress) = run_jobs(ctx, plans).await;
    if !executed.all_ok() {
        executed.restored = restore::all(ctx.restore, &executed.outcomes).await;
        return executed;
    }
    for step in plan::after(ctx.env) {
        match step {
            Step::Prune => prune(ctx, plans, &mut executed).await,
            Step::Invalidate => invalidate::run(ctx, &mut executed).await,
            // `plan::after` lists only the environment's own steps.
            _ => {}
        }
    }
    executed
}

/// Prunes every promoted function; a failure is a warning (housekeeping).
async fn prune(ctx: &Context<'_>, plans: &[FunctionPlan<'_>], executed: &mut Executed) {
    let Some(keep) = ctx.env.keep_versions else {
        return;
    };
    let promoted: Vec<&str> = plans
        .iter()
        .filter(|p| !p.noop)
        .map(|p| p.target.name.as_str())
        .collect();
    let (records, warnings) = housekeeping::prune_all(ctx.write, &promoted, keep).await;
    executed.after.extend(records);
    executed.warnings.extend(warnings);
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
async fn run_jobs(ctx: &Context<'_>, plans: &[FunctionPlan<'_>]) -> (Vec<job::Outcome>, String) {
    let deadline = tokio::time::Instant::now() + ctx.run.settings.timeout;
    let log = |line: &str| ctx.run.emitter.log(line);
    let progress = Progress::new(plans.iter().filter(|p| !p.noop).count());
    let jobs = plans.iter().filter(|p| !p.noop).map(|p| {
        guard::promote(Job {
            write: ctx.write,
            env: ctx.env,
            target: p.target,
            image: ctx.image,
            before: p.before.clone(),
            idle: idle_state(ctx.observed, &p.target.name),
            progress: &progress,
            run_info: ctx.run_info,
            deadline,
            cancel: &ctx.run.cancel,
            log: &log,
        })
    });
    let progress_line = || progress.line(&ctx.env.name, ctx.write.read().throttled());
    let outcomes =
        progress::while_running(futures::future::join_all(jobs), progress::EVERY, || {
            ctx.run.emitter.log(&progress_line())
        })
        .await;
    (outcomes, progress_line())
}
