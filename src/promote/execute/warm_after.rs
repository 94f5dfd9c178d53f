//! The provisioned concurrency a promotion gave its new versions, once the environment's
//! fate is known (README, "Warm versions"): the old versions' own configuration is released
//! only after every function succeeded (a sibling's failure puts each alias back onto its
//! old version, which must still be warm); the new versions' is removed only after their
//! alias is back (never while it may still serve traffic). Failures are warnings.

use super::Context;
use super::Executed;
use super::job::JobOutcome;
use super::warm;
use crate::open_shard as open;
use crate::promote::plan::FunctionPlan;

/// The plans that ran, with their outcomes (those that were not no-ops, in order).
fn ran<'p, 'o>(
    plans: &'p [FunctionPlan<'p>],
    outcomes: &'o [JobOutcome],
) -> impl Iterator<Item = (&'p FunctionPlan<'p>, &'o JobOutcome)> {
    plans.iter().filter(|p| !p.noop).zip(outcomes)
}

/// After the whole environment succeeded: each old version's own configuration.
pub async fn release_old(
    ctx: &Context<'_>,
    plans: &[FunctionPlan<'_>],
    outcomes: &[JobOutcome],
) -> Vec<String> {
    let released = ran(plans, outcomes).filter_map(|(p, o)| {
        let warmed = o.warmed.as_ref()?;
        let write = &ctx.write[open::index_of(ctx.parts, p.target)];
        Some(async move {
            warm::release_old(write, &p.target.name, warmed)
                .await
                .err()
                .map(|e| {
                    format!(
                        "the provisioned concurrency of the previous version of {} was not \
                         removed: {e}",
                        p.target.name
                    )
                })
        })
    });
    futures::future::join_all(released)
        .await
        .into_iter()
        .flatten()
        .collect()
}

/// After a failure, once the restores are done: each new version's configuration, where
/// the alias is back (an alias left on the new version keeps it warm).
pub async fn undo_new(
    ctx: &Context<'_>,
    plans: &[FunctionPlan<'_>],
    executed: &Executed,
) -> Vec<String> {
    let left = &executed.restored.left;
    let undone = ran(plans, &executed.outcomes).filter_map(|(p, o)| {
        let warmed = o.warmed.as_ref()?;
        let f = p.target.name.as_str();
        if left
            .iter()
            .any(|l| l.function == f && l.alias == p.target.alias)
        {
            return Some(futures::future::Either::Left(async move {
                Some(format!(
                    "the provisioned concurrency of {f}:{} is kept: its alias could not be \
                     put back",
                    warmed.version
                ))
            }));
        }
        // The restore handle: a signal does not cut this short (Lambda bills it hourly).
        let write = &ctx.restore[open::index_of(ctx.parts, p.target)];
        Some(futures::future::Either::Right(async move {
            warm::undo(write, f, &warmed.version).await.err().map(|e| {
                format!(
                    "the provisioned concurrency given to {f}:{} was not removed: {e}",
                    warmed.version
                )
            })
        }))
    });
    futures::future::join_all(undone)
        .await
        .into_iter()
        .flatten()
        .collect()
}
