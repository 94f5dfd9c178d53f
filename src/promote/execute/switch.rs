//! Steps 6–7 of a promotion around the alias move: warm the new version (provisioned
//! concurrency READY before any traffic), move the alias (`move_alias.rs`), check the alias
//! once it serves the new version wholly (`post-traffic`). The old version's provisioned
//! concurrency is released by the environment, once every function succeeded.

use super::failure::Failure;
use super::job::Warmed;
use super::job::{Job, JobOutcome, Status};
use super::warm;
use crate::aws::types::Published;
use crate::promote::step_records::Steps;
use crate::step::Step;

pub async fn warm_move_check(
    job: &Job<'_>,
    published: &Published,
    steps: &mut Steps,
    out: &mut JobOutcome,
) -> Result<(), Status> {
    // What the new version was given is handed to the environment: the old version's is
    // released only once every function succeeded, the new one's removed only once the
    // alias is restored (`execute::environment`).
    out.warmed = provision(job, &published.version, steps).await?;
    super::move_alias::move_to_new(job, published, steps, out).await?;
    post_traffic(job, published, steps).await
}

/// Gives the new version the alias's provisioned concurrency (or the old version's) and
/// waits until it is READY; `None` when there is none to match.
async fn provision(
    job: &Job<'_>,
    version: &str,
    steps: &mut Steps,
) -> Result<Option<Warmed>, Status> {
    let source = warm::source(job)
        .await
        .map_err(|e| Status::Failed(Failure::WarmUp(e)))?;
    let Some((amount, old_had_own)) = source.filter(|(n, _)| *n > 0) else {
        return Ok(None);
    };
    let f = job.target.name.as_str();
    let warmed = steps
        .run(
            Step::ProvisionedConcurrency,
            warm::provision(job, version, amount, old_had_own),
            |w| format!("{} on {f}:{version}, READY", w.amount),
        )
        .await;
    match warmed {
        Ok(w) => Ok(Some(w)),
        Err(e) => {
            // Nothing routes to the new version yet: remove what was asked for, then fail.
            let _ = warm::undo(job.write, &job.target.name, version).await;
            Err(Status::Failed(Failure::WarmUp(e)))
        }
    }
}

/// Invokes the alias after 100 %, when `post-traffic` is set; a failure rolls back.
async fn post_traffic(
    job: &Job<'_>,
    published: &Published,
    steps: &mut Steps,
) -> Result<(), Status> {
    let Some(check) = &job.env.post_traffic else {
        return Ok(());
    };
    let alias = job.target.alias.as_str();
    let what = format!(
        "post-traffic check of alias {alias} (version {})",
        published.version
    );
    steps
        .run(
            Step::PostTraffic,
            super::invoke_check::invoke(job, alias, &check.payload, &what),
            // Whole: the report cuts it after scrubbing (`scrub::DETAIL_CHARS`).
            |p| format!("alias {alias} answered {p}"),
        )
        .await
        .map(|_| ())
        .map_err(|e| match job.cancel.signal() {
            Some(sig) => Status::Cancelled(sig),
            None => Status::RollBack(Failure::PostTraffic(e)),
        })
}
