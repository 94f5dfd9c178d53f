//! The fold: what execute did to an environment, into report rows, errors and the run's
//! result. Pure: what happened in, what to say out.

use std::collections::BTreeMap;

use super::execute::Executed;
use super::execute::job::{JobOutcome, Status};
use super::execute::restore::Restored;
use super::plan::{self, FunctionPlan};
use crate::cancel::Signal;
use crate::config::model::FunctionTarget;
use crate::error::Cancelled;
use crate::report::model::{FunctionRun, Links, Outcome as RunResult, StepRecord, StepStatus};
use crate::report::model::{LeftMoved, Promotion, Report};
use crate::run::End;
use crate::step::Step;

#[derive(Debug, Default)]
pub struct Folded {
    /// One row per function of the environment, in contract order.
    pub functions: Vec<FunctionRun>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    /// The signal that cancelled a function, if one did.
    pub signal: Option<Signal>,
    /// Another run changed an alias under us.
    pub conflict: bool,
}

/// Writes what execute did into `report` (its promotion, warnings, result and error) and
/// says how the run ends. `signal`: the one that cancelled the run, if any.
pub fn conclude(
    plans: &[FunctionPlan<'_>],
    executed: Executed,
    signal: Option<Signal>,
    region_of: &dyn Fn(&FunctionTarget) -> String,
    mut promotion: Promotion,
    report: &mut Report,
) -> End {
    let all_ok = executed.all_ok();
    let restored = &executed.restored;
    let folded = fold(
        plans,
        executed.outcomes,
        all_ok,
        &restored.functions,
        region_of,
    );
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
    for (function, record) in executed.after {
        if let Some(row) = promotion
            .functions
            .iter_mut()
            .find(|r| r.function == function)
        {
            row.steps.push(record);
        }
    }
    promotion.invalidation_id = executed.invalidation_id;
    report.notices.push(executed.progress);
    report.warnings.extend(folded.warnings.iter().cloned());
    report.warnings.extend(executed.warnings);
    report.warnings.extend(restored.warnings.iter().cloned());
    // `rolled-back` promises the environment is back as it was: every moved alias restored.
    report.rolled_back = !restored.functions.is_empty() && restored.left.is_empty();
    report.left_moved = restored.left.clone();
    report.promotion = Some(promotion);
    if let Some(sig) = folded.signal.or(signal).filter(|_| !all_ok) {
        return cancelled(report, sig, restored);
    }
    report.result = result(
        all_ok,
        !restored.functions.is_empty(),
        !restored.errors.is_empty(),
        folded.conflict,
    );
    let errors = errors(&folded, restored);
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

fn cancelled(report: &mut Report, sig: Signal, restored: &Restored) -> End {
    report.result = if report.rolled_back {
        RunResult::RolledBack
    } else {
        RunResult::Failed
    };
    let what = if !restored.left.is_empty() {
        let left: Vec<String> = restored.left.iter().map(LeftMoved::sentence).collect();
        format!("not every alias could be restored: {}", left.join("; "))
    } else if report.rolled_back {
        "the alias was restored".to_string()
    } else {
        "the alias was not moved".to_string()
    };
    report.error = Some(format!("cancelled by {}; {what}", sig.name(),));
    End::Cancelled(Cancelled(sig))
}

/// `outcomes` are those of the plans that were not no-ops, in the same order; `all_ok`:
/// the environment succeeded (each function, and nothing restored).
pub fn fold(
    plans: &[FunctionPlan<'_>],
    outcomes: Vec<JobOutcome>,
    all_ok: bool,
    restored: &[String],
    region_of: &dyn Fn(&FunctionTarget) -> String,
) -> Folded {
    let mut folded = Folded::default();
    let mut by_name = BTreeMap::new();
    for (p, o) in plans.iter().filter(|p| !p.noop).zip(outcomes) {
        folded.warnings.extend(o.warnings.iter().cloned());
        let mut fr = FunctionRun {
            function: p.target.name.clone(),
            alias: p.target.alias.clone(),
            previous_version: p.before.as_ref().map(|b| b.version.clone()),
            version: p.before.as_ref().map(|b| b.version.clone()),
            steps: o.steps,
            canary: o.canary,
            links: Links::new(&region_of(p.target), &p.target.name, &p.target.alias),
            error: None,
        };
        match o.status {
            Status::Success if all_ok => fr.version = o.version.clone(),
            // Stopped by a sibling's failure (the coordinator's abort), or succeeded before it.
            Status::Success | Status::Cancelled(crate::cancel::ABORTED) => {
                let note = if restored.contains(&p.target.name) {
                    "alias restored because another function of the environment failed"
                } else {
                    "not moved: another function of the environment failed"
                };
                fr.steps.push(StepRecord {
                    step: Step::Rollback,
                    status: StepStatus::Done,
                    duration_ms: 0,
                    detail: note.into(),
                });
            }
            Status::Failed(e) | Status::RollBack(e) => {
                folded.errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e.to_string());
            }
            Status::Conflict(e) => {
                folded.conflict = true;
                folded.errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e.to_string());
            }
            Status::Cancelled(sig) => {
                folded.signal = Some(sig);
                fr.error = Some("cancelled".into());
            }
        }
        by_name.insert((&p.target.name, &p.target.alias), fr);
    }
    folded.functions = plans
        .iter()
        .map(
            |p| match by_name.remove(&(&p.target.name, &p.target.alias)) {
                Some(fr) => fr,
                None => plan::record(p, &region_of(p.target), StepStatus::Skipped),
            },
        )
        .collect();
    folded
}

/// The run's result once the functions are done and restores attempted.
/// `rolled-back` promises the environment is back as it was: only when every
/// moved alias was restored and no other run's change is in play.
pub fn result(all_ok: bool, restored_any: bool, restore_failed: bool, conflict: bool) -> RunResult {
    if all_ok {
        RunResult::Success
    } else if restored_any && !restore_failed && !conflict {
        RunResult::RolledBack
    } else {
        RunResult::Failed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolled_back_only_when_everything_was_put_back() {
        assert_eq!(result(true, false, false, false), RunResult::Success);
        assert_eq!(result(false, true, false, false), RunResult::RolledBack);
        assert_eq!(result(false, true, true, false), RunResult::Failed);
        assert_eq!(result(false, true, false, true), RunResult::Failed);
        assert_eq!(result(false, false, false, false), RunResult::Failed);
    }
}
