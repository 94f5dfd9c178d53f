//! Step 6 of a promotion: move the alias to the new version, at once or as a canary, and
//! turn a failure into the function's status (conflict, roll back, or untouched).

use super::job::{Job, Outcome, Status, cancelled, is_conflict};
use super::provenance;
use super::shift;
use super::steps::Steps;
use crate::aws::ErrorKind;
use crate::aws::lambda_write::Published;
use crate::config::model::{Canary, Strategy};
use crate::report::model::{StepRecord, StepStatus};

pub async fn run(
    job: &Job<'_>,
    published: &Published,
    steps: &mut Steps,
    out: &mut Outcome,
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
                    "move-alias",
                    shift::all_at_once(
                        job.clients,
                        f,
                        &job.target.alias,
                        job.before.as_ref(),
                        &published.version,
                        &alias_description,
                        &mut out.moved,
                    ),
                    |a| format!("{} → {}", job.target.alias, a.version),
                )
                .await;
            match result {
                Ok(_) => Ok(()),
                // A failed write may still have landed (a timeout after the
                // request was sent); restoring is then the safe side.
                Err(e) if e.kind == ErrorKind::Precondition => Err(Status::Conflict(e.to_string())),
                Err(e) if out.moved.is_some() => Err(Status::RollBack(e.to_string())),
                Err(e) => Err(Status::Failed(e.to_string())),
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
    out: &mut Outcome,
) -> Result<(), Status> {
    let (firing_before, warnings) =
        match super::canary_gates::before_traffic(job.clients, &canary.gates).await {
            Ok(v) => v,
            Err(e) => {
                steps.note("alarms", StepStatus::Failed, e.clone());
                return Err(Status::Failed(e));
            }
        };
    out.warnings.extend(warnings);
    let started = std::time::Instant::now();
    let result = super::canary::shift(
        super::canary::Watch {
            clients: job.clients,
            function: &job.target.name,
            alias: &job.target.alias,
            before: job.before.as_ref(),
            new_version: &published.version,
            published_ms: published
                .last_modified
                .as_deref()
                .and_then(super::canary_window::lambda_time_ms)
                .unwrap_or_else(super::canary_window::now_ms),
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
        step: "canary".into(),
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
            let msg = format!("{:#}", failure.error);
            steps.records.push(record(StepStatus::Failed, msg.clone()));
            if let Some(sig) = job.cancel.signal() {
                return Err(Status::Cancelled(sig));
            }
            Err(if is_conflict(&failure.error) {
                Status::Conflict(msg)
            } else if failure.rollback || out.moved.is_some() {
                Status::RollBack(msg)
            } else {
                Status::Failed(msg)
            })
        }
    }
}
