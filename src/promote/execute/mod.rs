//! Execute, the only phase that writes (docs/architecture.md, "Architecture"): only its functions are
//! handed the [`Write`] handles. For one environment: every function's promotion at once,
//! in every (account, region) part, each under the panic guard and with its part's
//! handle, and one restore coordinator (`coordinator.rs`) that hears of every alias write
//! before it is made: the first failure, timeout or signal aborts the siblings and puts
//! back every alias at once (docs/safety.md, "Safety"). Once the whole environment succeeded, the
//! environment's own steps (the old versions' provisioned concurrency, pruning, the
//! CloudFront invalidation), which must wait for it: a sibling's failure restores each
//! alias onto the version it left, which must still exist and stay warm. What happened is
//! returned as data for the pure fold (`promote/outcome.rs`).

pub mod canary;
pub mod coordinator;
pub mod failure;
pub mod fence;
pub mod function;
pub mod guard;
pub mod housekeeping;
pub mod invalidate;
pub mod invoke_check;
pub mod job;
pub mod move_alias;
pub mod permit;
pub mod readback;
pub mod restore;
pub mod rollback_writes;
pub mod shift;
pub mod switch;
pub mod warm;
pub mod warm_after;

use coordinator::Coordinator;
use job::{Job, Status};
use permit::Permit;
use restore::Restored;

use crate::aws::types::{Lookup, UpdateState};
use crate::aws::{Clients, Write};
use crate::config::model::Environment;
use crate::observe::Observed;
use crate::open_shard::{self, OpenShard};
use crate::progress::{self, Progress};
use crate::promote::image::Resolved;
use crate::promote::plan::{self, FunctionPlan};
use crate::report::model::StepRecord;
use crate::run::Run;
use crate::run::RunInfo;
use crate::step::Step;

/// What execute is handed for one environment: everything but the write handles,
/// which it builds itself from the clients (`permit.rs`).
pub struct Input<'a> {
    pub run: &'a Run,
    /// The environment's (account, region) parts: which function lives where.
    pub parts: &'a [OpenShard],
    pub env: &'a Environment,
    pub run_info: &'a RunInfo,
    pub image: &'a Resolved,
    /// What validation read, per part: each function's update state is reused
    /// before its update.
    pub observed: &'a [Observed],
}

/// What the steps of execute work with: the input and the two write handles.
pub struct Context<'a> {
    pub run: &'a Run,
    /// The environment's (account, region) parts: which function lives where.
    pub parts: &'a [OpenShard],
    /// Per part, cancellable: every call ends soon after a signal or a sibling's failure.
    pub write: &'a [Write],
    /// Per part, not cancellable and in the pacer's restore lane: restores must still run
    /// after a signal (bounded by the coordinator's budget).
    pub restore: &'a [Write],
    /// The environment's restore coordinator.
    pub coord: &'a Coordinator,
    /// The environment (strategy, pruning and invalidation are the same in every part).
    pub env: &'a Environment,
    pub run_info: &'a RunInfo,
    pub image: &'a Resolved,
    /// What validation read, per part: each function's update state is reused
    /// before its update.
    pub observed: &'a [Observed],
}

/// What execute did to one environment, for the fold.
#[derive(Default)]
pub struct Executed {
    /// One per plan that was not a no-op, in the same order.
    pub outcomes: Vec<job::JobOutcome>,
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
    /// Every function succeeded and nothing was restored (a signal after the last write
    /// still restores, and the run then did not succeed).
    pub fn all_ok(&self) -> bool {
        !self.restored.ran
            && self
                .outcomes
                .iter()
                .all(|o| matches!(o.status, Status::Success))
    }
}

/// Promotes one environment along its plans, with write handles built from each
/// part's `clients` (in the order of `input.parts`).
pub async fn environment(
    input: Input<'_>,
    clients: Vec<Clients>,
    plans: &[FunctionPlan<'_>],
) -> Executed {
    // Every call of the promotion ends soon after a signal or a sibling's failure; the
    // restores use `restore`, which neither cuts short, in the pacer's restore lane.
    let coord = Coordinator::new(&input.run.cancel);
    let restore: Vec<Write> = clients
        .iter()
        .map(|c| Write::new(c.restoring(), Permit::new()))
        .collect();
    let write: Vec<Write> = clients
        .into_iter()
        .map(|c| Write::new(c, Permit::new()).cancellable(coord.cancel()))
        .collect();
    let ctx = Context {
        run: input.run,
        parts: input.parts,
        write: &write,
        restore: &restore,
        coord: &coord,
        env: input.env,
        run_info: input.run_info,
        image: input.image,
        observed: input.observed,
    };
    walk_environment(&ctx, plans).await
}

async fn walk_environment(ctx: &Context<'_>, plans: &[FunctionPlan<'_>]) -> Executed {
    let mut executed = Executed::default();
    (executed.outcomes, executed.progress, executed.restored) = run_jobs(ctx, plans).await;
    if !executed.all_ok() {
        // The new versions' provisioned concurrency goes only once their aliases are back.
        let warnings = warm_after::undo_new(ctx, plans, &executed).await;
        executed.warnings.extend(warnings);
        return executed;
    }
    let warnings = warm_after::release_old(ctx, plans, &executed.outcomes).await;
    executed.warnings.extend(warnings);
    for step in plan::after(ctx.env) {
        match step {
            Step::Prune => prune(ctx, plans, &mut executed).await,
            Step::Invalidate => invalidate::after_success(ctx, &mut executed).await,
            // `plan::after` lists only the environment's own steps.
            Step::NoOp
            | Step::WaitIdle
            | Step::UpdateCode
            | Step::Wait
            | Step::Verify
            | Step::Publish
            | Step::SmokeTest
            | Step::WaitActive
            | Step::ProvisionedConcurrency
            | Step::Alarms
            | Step::Canary
            | Step::MoveAlias
            | Step::PostTraffic
            | Step::Rollback
            | Step::Undo => {}
        }
    }
    executed
}

/// Prunes, part by part, every function whose plan has the step; a failure is a
/// warning (housekeeping).
async fn prune(ctx: &Context<'_>, plans: &[FunctionPlan<'_>], executed: &mut Executed) {
    let Some(keep) = ctx.env.keep_versions else {
        return;
    };
    for (i, write) in ctx.write.iter().enumerate() {
        let promoted: Vec<&str> = plans
            .iter()
            .filter(|p| !p.noop && open_shard::index_of(ctx.parts, p.target) == i)
            // A function's `Prune` step waits for the whole environment: here.
            .filter(|p| p.steps.iter().any(|s| s.step == Step::Prune))
            .map(|p| p.target.name.as_str())
            .collect();
        if promoted.is_empty() {
            continue;
        }
        let (records, warnings) = housekeeping::prune_all(write, &promoted, keep).await;
        executed.after.extend(records);
        executed.warnings.extend(warnings);
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
/// with a progress line while they run; the pacer bounds the requests in flight. The first
/// to fail aborts the others, and the coordinator's restores start at once, alongside.
async fn run_jobs(
    ctx: &Context<'_>,
    plans: &[FunctionPlan<'_>],
) -> (Vec<job::JobOutcome>, String, Restored) {
    let deadline = tokio::time::Instant::now() + ctx.run.settings.timeout;
    let log = |line: &str| ctx.run.emitter.log(line);
    let progress = Progress::new(plans.iter().filter(|p| !p.noop).count());
    let jobs = plans.iter().filter(|p| !p.noop).map(|p| {
        let i = open_shard::index_of(ctx.parts, p.target);
        let job = Job {
            write: &ctx.write[i],
            part: i,
            coord: ctx.coord,
            env: ctx.env,
            target: p.target,
            plan: &p.steps,
            image: ctx.image,
            before: p.before.clone(),
            idle: idle_state(&ctx.observed[i], &p.target.name),
            progress: &progress,
            run_info: ctx.run_info,
            deadline,
            cancel: ctx.coord.cancel(),
            log: &log,
        };
        async {
            let mut outcome = guard::promote(job).await;
            // A failure after the abort is the abort's doing: the first cause is reported.
            if !matches!(outcome.status, Status::Success)
                && !ctx.coord.abort()
                && let Some(sig) = ctx.coord.cancel().signal()
            {
                outcome.status = Status::Cancelled(sig);
            }
            outcome
        }
    });
    let throttled = || ctx.write.iter().map(|w| w.read().throttled()).sum();
    let progress_line = || progress.line(&ctx.env.name, throttled());
    let all = async {
        let outcomes =
            progress::while_running(futures::future::join_all(jobs), progress::EVERY, || {
                ctx.run.emitter.log(&progress_line())
            })
            .await;
        let all_ok = outcomes.iter().all(|o| matches!(o.status, Status::Success));
        ctx.coord.finish(all_ok);
        outcomes
    };
    let restores = ctx.coord.restore_when_aborted(|i| &ctx.restore[i]);
    let (outcomes, restored) = futures::future::join(all, restores).await;
    (outcomes, progress_line(), restored)
}
