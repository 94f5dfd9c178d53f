//! `rollback`'s writes: point each planned alias at its decided version, clearing any
//! routing, all at once; if one write fails, put back those already written, all at once
//! within the restore budget (with the restore handle, which a signal does not cut short,
//! in the pacer's restore lane), so the environment is rolled back whole or not at all.

use super::coordinator::RESTORE_BUDGET;
use super::fence::{self, Back};
use super::permit::Permit;
use super::readback;
use super::restore::Entry;
use crate::aws::types::AliasInfo;
use crate::aws::{AwsError, Clients, ErrorKind, Write};
use crate::cancel::Cancel;
use crate::promote::rollback_plan::{Applied, RollbackError, RollbackPlan};
use crate::promote::step_records::Steps;
use crate::provenance;
use crate::report::model::{StepRecord, StepStatus};
use crate::run::RunInfo;
use crate::step::Step;

/// Writes every planned alias at once, with write handles built from `clients`; undoes
/// the written ones if any write failed.
pub async fn apply_all(
    clients: Clients,
    cancel: &Cancel,
    plans: &[RollbackPlan<'_, '_>],
    run_info: &RunInfo,
) -> Vec<Applied> {
    // The writes end soon after a signal; putting back an alias already written does not,
    // and takes the pacer's restore lane.
    let restore = Write::new(clients.restoring(), Permit::new());
    let write = Write::new(clients, Permit::new()).cancellable(cancel);
    let mut applied =
        futures::future::join_all(plans.iter().map(|p| apply(&write, p, run_info))).await;
    if applied.iter().all(|a| a.written.is_ok()) {
        return applied;
    }
    // Every alias written, or whose write's answer never came, is put back at once, fenced
    // and read back (`fence.rs`), all within one budget.
    let undone = futures::future::join_all(plans.iter().zip(applied.iter()).map(|(p, a)| {
        let restore = &restore;
        async move {
            let entry = undo_entry(p, a, run_info, cancel.signal().is_some())?;
            tokio::time::timeout(RESTORE_BUDGET, undo(restore, &entry))
                .await
                .unwrap_or_else(|_| Some(Err(timed_out(p))))
        }
    }))
    .await;
    for (a, undone) in applied.iter_mut().zip(undone) {
        let Some(undone) = undone else {
            continue;
        };
        a.steps.push(StepRecord {
            step: Step::Undo,
            status: if undone.is_ok() {
                StepStatus::Done
            } else {
                StepStatus::Failed
            },
            duration_ms: 0,
            detail: match &undone {
                Ok(()) => "put back: another function's rollback failed".to_string(),
                Err(e) => format!("could not be put back: {e}"),
            },
        });
        a.undone = Some(undone);
    }
    applied
}

/// The error of an undo that ran out of the restore budget.
fn timed_out(p: &RollbackPlan<'_, '_>) -> AwsError {
    let t = p.decision.target;
    AwsError {
        kind: ErrorKind::Network,
        action: crate::aws::operations::UPDATE_ALIAS.action,
        resource: format!("{}:{}", t.name, t.alias),
        code: "Timeout".into(),
        message: format!("not put back within {}s", RESTORE_BUDGET.as_secs()),
    }
}

/// Takes the function's planned step: points the alias at the decided version,
/// recording what it replaced.
async fn apply(write: &Write, p: &RollbackPlan<'_, '_>, run_info: &RunInfo) -> Applied {
    let mut steps = Steps::default();
    if !p.writes {
        steps.note(p.step.step, StepStatus::Skipped, p.step.detail.clone());
        return Applied {
            steps: steps.records,
            written: Ok(None),
            undone: None,
        };
    }
    let written = match p.step.step {
        Step::Rollback => point_back(write, p, run_info, &mut steps).await,
        // `Undo` follows a sibling's failure (`apply_all`); the rest are a promotion's.
        step @ (Step::NoOp
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
        | Step::Prune
        | Step::Invalidate
        | Step::Undo) => Err(RollbackError::Plan {
            function: p.decision.target.name.clone(),
            step,
        }),
    };
    Applied {
        steps: steps.records,
        written: written.map(Some),
        undone: None,
    }
}

async fn point_back(
    write: &Write,
    p: &RollbackPlan<'_, '_>,
    run_info: &RunInfo,
    steps: &mut Steps,
) -> Result<AliasInfo, RollbackError> {
    let d = p.decision;
    let (f, a) = (d.target.name.as_str(), d.target.alias.as_str());
    // Marked rolled back: a second `rollback` without `to-version` changes nothing.
    let description = provenance::rolled_back_description(&d.alias.version, run_info);
    steps
        .run(
            Step::Rollback,
            // A lost answer to our own write is recognised, not taken for a conflict.
            readback::update_alias(
                write,
                f,
                a,
                &d.version,
                &Default::default(),
                &description,
                d.alias.revision_id.as_deref(),
            ),
            |after| format!("{a}: {} → {}", d.alias.version, after.version),
        )
        .await
        .map_err(RollbackError::from)
}

/// What putting back `p`'s alias needs: its state before, this rollback's description, and
/// whether the write landed or may have (`None`: no write was attempted, or it was refused).
fn undo_entry(
    p: &RollbackPlan<'_, '_>,
    a: &Applied,
    run_info: &RunInfo,
    cancelled: bool,
) -> Option<Entry> {
    let landed = match &a.written {
        Ok(Some(_)) => true,
        // Cut or lost: it may have landed, or may still. After a signal, a 412 may answer
        // the SDK's retry of our own write that landed while its attempt was being cut.
        Err(RollbackError::Aws(e)) if e.kind != ErrorKind::Precondition || cancelled => false,
        _ => return None,
    };
    let d = p.decision;
    Some(Entry {
        part: 0,
        function: d.target.name.clone(),
        alias: d.target.alias.clone(),
        before: Some(d.alias.clone()),
        ours: provenance::rolled_back_description(&d.alias.version, run_info),
        landed,
        // Fenced either way: the answer read first decides what is written.
        uncertain: true,
        theirs: false,
    })
}

/// Puts an alias this rollback moved (or may have) back as it was: fenced, read back;
/// `None` when it had not moved.
async fn undo(restore: &Write, e: &Entry) -> Option<Result<(), AwsError>> {
    let refused = |why: String| AwsError {
        kind: ErrorKind::Other,
        action: crate::aws::operations::UPDATE_ALIAS.action,
        resource: format!("{}:{}", e.function, e.alias),
        code: "NotRestored".into(),
        message: why,
    };
    match fence::put_back(restore, e).await {
        Back::Unmoved => None,
        Back::Restored => Some(Ok(())),
        Back::Theirs(why) => Some(Err(refused(why))),
        Back::Left(left, why) => Some(Err(refused(format!("{why}; {}", left.sentence())))),
    }
}
