//! Step 6 of a promotion: move the alias to the new version, at once or as a canary, and
//! turn a failure into the function's status (conflict, roll back, or untouched).

use super::failure::Failure;
use super::job::{Job, JobOutcome, Status, cancelled};
use super::shift;
use crate::aws::ErrorKind;
use crate::aws::types::Published;
use crate::config::model::{Canary, Strategy};
use crate::promote::step_records::Steps;
use crate::provenance;
use crate::report::model::{StepRecord, StepStatus};
use crate::step::Step;

pub async fn move_to_new(
    job: &Job<'_>,
    published: &Published,
    steps: &mut Steps,
    out: &mut JobOutcome,
) -> Result<(), Status> {
    cancelled(job)?;
    let f = job.target.name.as_str();
    let alias_description = provenance::alias_description(
        job.before.as_ref().map(|b| b.version.as_str()),
        job.run_info,
    );
    match &job.env.strategy {
        Strategy::AllAtOnce => {
            let result = steps
                .run(
                    Step::MoveAlias,
                    shift::all_at_once(
                        &shift::AliasTarget {
                            write: job.write,
                            coord: job.coord,
                            part: job.part,
                            function: f,
                            alias: &job.target.alias,
                            before: job.before.as_ref(),
                            description: &alias_description,
                        },
                        &published.version,
                        &mut out.moved,
                    ),
                    |a| format!("{} → {}", job.target.alias, a.version),
                )
                .await;
            match result {
                Ok(_) => Ok(()),
                // Stopped by a signal or a sibling's failure: the coordinator restores.
                Err(_) if job.cancel.signal().is_some() => {
                    Err(Status::Cancelled(job.cancel.signal().unwrap_or_default()))
                }
                // A failed write may still have landed (a timeout after the
                // request was sent); restoring is then the safe side.
                Err(e) if e.kind == ErrorKind::Precondition => Err(Status::Conflict(e.into())),
                Err(e) if out.moved.is_some() => Err(Status::RollBack(e.into())),
                Err(e) => Err(Status::Failed(e.into())),
            }
        }
        Strategy::Canary(c) => canary(job, published, c, &alias_description, steps, out).await,
    }
}

async fn canary(
    job: &Job<'_>,
    published: &Published,
    canary: &Canary,
    description: &str,
    steps: &mut Steps,
    out: &mut JobOutcome,
) -> Result<(), Status> {
    let (firing_before, warnings) = match crate::promote::execute::canary::gates::before_traffic(
        job.write.read(),
        &canary.gates,
    )
    .await
    {
        Ok(v) => v,
        Err(e) => {
            steps.note(Step::Alarms, StepStatus::Failed, e.clone());
            return Err(Status::Failed(Failure::AlarmsBeforeTraffic(e)));
        }
    };
    out.warnings.extend(warnings);
    let started = std::time::Instant::now();
    let result = super::canary::shift(
        crate::promote::execute::canary::watch::Watch {
            write: job.write,
            coord: job.coord,
            part: job.part,
            function: &job.target.name,
            alias: &job.target.alias,
            before: job.before.as_ref(),
            new_version: &published.version,
            published_ms: published
                .last_modified
                .as_deref()
                .and_then(crate::promote::canary::window::lambda_time_ms)
                .unwrap_or_else(crate::promote::canary::window::now_ms),
            description,
            canary,
            firing_before: &firing_before,
            deadline: job.deadline,
            cancel: job.cancel,
            log: job.log,
        },
        &mut out.moved,
    )
    .await;
    let elapsed = started.elapsed().as_millis() as u64;
    let record = |status, detail| StepRecord {
        step: Step::Canary,
        status,
        duration_ms: elapsed,
        detail,
    };
    match result {
        Ok(records) => {
            out.canary = records;
            let detail = format!("{} → {}", job.target.alias, published.version);
            steps.records.push(record(StepStatus::Done, detail));
            Ok(())
        }
        Err(failure) => {
            out.canary = failure.canary;
            steps
                .records
                .push(record(StepStatus::Failed, failure.error.to_string()));
            if let Some(sig) = job.cancel.signal() {
                return Err(Status::Cancelled(sig));
            }
            let conflict = failure.error.is_conflict();
            let error = Failure::from(failure.error);
            Err(if conflict {
                Status::Conflict(error)
            } else if failure.rollback || out.moved.is_some() {
                Status::RollBack(error)
            } else {
                Status::Failed(error)
            })
        }
    }
}
