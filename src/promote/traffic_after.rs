//! The traffic check of an all-at-once promotion, made beside its writes (README, "Fleets"):
//! there `traffic-bypasses-alias` is a warning that stops nothing, so the reads behind it
//! (`observe_triggers.rs`) need not hold back the first write. They run while execute writes;
//! their warnings join the report once the promotion succeeded (or, where nothing will be
//! written, a no-op or a drift stop, once that is known).

use std::future::Future;
use std::pin::pin;

use futures::future::{Either, select};

use super::execute::Executed;
use crate::aws::types::Lookup;
use crate::check::{self, Context, Stage};
use crate::finding::Finding;
use crate::observe::{self, Observed};
use crate::observe_preflight::Preflight;
use crate::observe_triggers::{self, Target};
use crate::open_shard::OpenShard;
use crate::run::Run;

/// Runs `execute` with the traffic reads of `parts` beside it, and returns what it did with
/// their findings. They are waited for only once every function succeeded: after a failure,
/// a timeout or a signal the run ends with its restore, and reads not yet answered are
/// dropped (`None`: the check did not finish); after success, so are those still unanswered
/// at the run's `timeout` or a signal.
pub async fn beside(
    run: &Run,
    parts: &[OpenShard],
    observed: &[Observed],
    execute: impl Future<Output = Executed>,
) -> (Executed, Option<Vec<Finding>>) {
    let deadline = tokio::time::Instant::now() + run.settings.timeout;
    let reads = pin!(findings(run, parts, observed));
    let execute = pin!(execute);
    match select(execute, reads).await {
        Either::Right((found, execute)) => (execute.await, Some(found)),
        Either::Left((executed, _)) if !executed.all_ok() => (executed, None),
        // Nor past the run's `timeout` or a signal: their warning changes nothing now.
        Either::Left((executed, reads)) => tokio::select! {
            found = reads => (executed, Some(found)),
            _ = run.cancel.cancelled() => (executed, None),
            () = tokio::time::sleep_until(deadline) => (executed, None),
        },
    }
}

/// The traffic findings of every part whose pre-flight left the triggers to the promotion
/// (`observe::traffic_after`; never a dry run's), each read with its part's handle; none
/// for the others.
pub async fn findings(run: &Run, parts: &[OpenShard], observed: &[Observed]) -> Vec<Finding> {
    let all = futures::future::join_all(
        parts
            .iter()
            .zip(observed)
            .map(|(p, seen)| one_part(run, p, seen)),
    )
    .await;
    all.into_iter().flatten().collect()
}

async fn one_part(run: &Run, part: &OpenShard, seen: &Observed) -> Vec<Finding> {
    let env = part.env();
    // A dry run read them before its plan, as `validate` does.
    let trust = !run.settings.dry_run;
    if !observe::traffic_after(env, trust) {
        return Vec::new();
    }
    let url = observe::preflight_reads(env, trust).url;
    let targets: Vec<Target> = env
        .functions
        .iter()
        .map(|f| {
            let key = (f.name.clone(), f.alias.clone());
            let version = match seen.aliases.get(&key) {
                Some(Lookup::Found(a)) => Some(a.version.clone()),
                _ => None,
            };
            Target { key, version, url }
        })
        .collect();
    let triggers = observe_triggers::after(&part.read, &targets).await;
    let observed = Observed {
        preflight: Preflight {
            triggers,
            ..Preflight::default()
        },
        ..Observed::default()
    };
    let ctx = Context {
        contract: &part.contract,
        job: &run.job,
        fork: run.event.is_fork_pr(),
        observed: &observed,
        stage: Stage::Promote {
            allow_no_rollback: run.settings.allow_no_rollback,
        },
    };
    check::traffic(&ctx, env)
}
