//! Folding the functions' outcomes into report rows, errors and the run's
//! result. Pure: what happened in, what to say out.

use std::collections::BTreeMap;

use super::job::{Outcome, Status};
use super::plan::{self, FunctionPlan};
use crate::config::model::FunctionTarget;
use crate::report::model::{FunctionRun, Links, Outcome as RunResult, StepRecord, StepStatus};

#[derive(Debug, Default)]
pub struct Folded {
    /// One row per function of the environment, in contract order.
    pub functions: Vec<FunctionRun>,
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    /// The signal that cancelled a function, if one did.
    pub signal: Option<i32>,
    /// Another run changed an alias under us.
    pub conflict: bool,
}

/// `outcomes` are those of the plans that were not no-ops, in the same order;
/// `region_of` names the region each function lives in (its part's).
pub fn fold(
    plans: &[FunctionPlan<'_>],
    outcomes: Vec<Outcome>,
    restored: &[String],
    region_of: &dyn Fn(&FunctionTarget) -> String,
) -> Folded {
    let all_ok = outcomes.iter().all(|o| matches!(o.status, Status::Success));
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
            Status::Success => {
                let note = if restored.contains(&p.target.name) {
                    "alias restored because another function of the environment failed"
                } else {
                    "not moved: another function of the environment failed"
                };
                fr.steps.push(StepRecord {
                    step: "rollback".into(),
                    status: StepStatus::Done,
                    duration_ms: 0,
                    detail: note.into(),
                });
            }
            Status::Failed(e) | Status::RollBack(e) => {
                folded.errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e);
            }
            Status::Conflict(e) => {
                folded.conflict = true;
                folded.errors.push(format!("{}: {e}", p.target.name));
                fr.error = Some(e);
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
