//! `rollback`'s read side and pure parts: decide where each function's alias goes back
//! to (`to-version`, or the version the alias records as previous) from reads only, plan
//! the step of each, and fold what execute did into report rows. Every function is
//! decided before any alias is written, so an environment is rolled back whole or not
//! at all; the writes are `promote/execute/rollback_writes.rs`.

use super::plan::Planned;
use crate::aws::types::{AliasInfo, Lookup};
use crate::aws::{AwsError, Read};
use crate::config::model::{Environment, FunctionTarget};
use crate::provenance;
use crate::report::model::{FunctionRun, Links, StepRecord, StepStatus};
use crate::step::Step;

/// Why one function cannot roll back, or why its rollback failed.
#[derive(Debug, thiserror::Error)]
pub enum RollbackError {
    #[error("alias {alias} of {function} does not exist: nothing to roll back")]
    NoAlias { function: String, alias: String },
    #[error("alias {alias} of {function} records no previous version; pass `to-version`")]
    NoPrevious { function: String, alias: String },
    #[error("version {version} of {function} does not exist")]
    NoVersion { function: String, version: String },
    #[error("version {version} of {function} is not a published image version of this function")]
    NotImage { function: String, version: String },
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// A bug in the plan: a step a rollback cannot take.
    #[error("internal error: the rollback plan of {function} has {step}; please report this")]
    Plan { function: String, step: Step },
}

/// Where one function's alias goes back to, decided from reads only.
pub struct Decision<'c> {
    pub target: &'c FunctionTarget,
    pub alias: AliasInfo,
    pub version: String,
    /// The alias is marked rolled back from this version and no `to-version` was given:
    /// nothing to do (docs/safety.md, "Safety": `rollback` is idempotent).
    pub already_from: Option<String>,
}

/// One function's rollback as planned: its step, and whether it writes at all.
pub struct RollbackPlan<'d, 'c> {
    pub decision: &'d Decision<'c>,
    pub step: Planned,
    /// False when the alias already serves the version with no routing.
    pub writes: bool,
}

/// What execute did to one function's alias.
pub struct Applied {
    pub steps: Vec<StepRecord>,
    /// The alias as written; `None` when it already served the version.
    pub written: Result<Option<AliasInfo>, RollbackError>,
    /// Putting it back after another function's write failed, when that was needed.
    pub undone: Option<Result<(), AwsError>>,
}

/// Reads the alias and checks the version to return to.
pub async fn decide<'c>(
    read: &Read,
    target: &'c FunctionTarget,
    to_version: Option<&str>,
) -> Result<Decision<'c>, RollbackError> {
    let (f, a) = (target.name.clone(), target.alias.clone());
    let alias = match Lookup::from_result(read.get_alias(&f, &a).await) {
        Lookup::Found(alias) => alias,
        Lookup::Missing => {
            return Err(RollbackError::NoAlias {
                function: f,
                alias: a,
            });
        }
        Lookup::Failed(e) => return Err(e.into()),
    };
    let already_from = provenance::rolled_back_from(&alias.description);
    let version = match (to_version, &already_from) {
        (Some(v), _) => v.to_string(),
        // Rolled back already: a second `rollback` stays where the first one put it.
        (None, Some(_)) => alias.version.clone(),
        (None, None) => {
            provenance::previous_version(&alias.description).ok_or(RollbackError::NoPrevious {
                function: f.clone(),
                alias: a,
            })?
        }
    };
    let already_from = already_from.filter(|_| to_version.is_none());
    let info = match Lookup::from_result(read.get_function(&f, Some(&version)).await) {
        Lookup::Found(info) => info,
        Lookup::Missing => {
            return Err(RollbackError::NoVersion {
                function: f,
                version,
            });
        }
        Lookup::Failed(e) => return Err(e.into()),
    };
    if info.version != version || !info.is_image() {
        return Err(RollbackError::NotImage {
            function: f,
            version,
        });
    }
    Ok(Decision {
        target,
        alias,
        version,
        already_from,
    })
}

/// The step of each decided function (pure).
pub fn plan<'d, 'c>(decisions: &'d [Decision<'c>]) -> Vec<RollbackPlan<'d, 'c>> {
    decisions
        .iter()
        .map(|d| {
            let (a, version) = (&d.target.alias, &d.version);
            let writes = d.alias.version != *version || d.alias.is_split();
            let detail = if writes {
                format!("{a}: {} → {version}, routing cleared", d.alias.version)
            } else if let Some(from) = &d.already_from {
                format!(
                    "{a} was already rolled back from version {from} to {version}: nothing to do"
                )
            } else {
                format!("{a} already serves version {version}")
            };
            RollbackPlan {
                decision: d,
                step: Planned {
                    step: Step::Rollback,
                    detail,
                },
                writes,
            }
        })
        .collect()
}

/// The report row of a function before anything was done to it.
pub fn record(region: &str, target: &FunctionTarget, alias: Option<&AliasInfo>) -> FunctionRun {
    let current = alias.map(|a| a.version.clone());
    FunctionRun {
        function: target.name.clone(),
        alias: target.alias.clone(),
        previous_version: current.clone(),
        version: current,
        links: Links::new(region, &target.name, &target.alias),
        ..FunctionRun::default()
    }
}

fn noted(step: &Planned, status: StepStatus) -> StepRecord {
    StepRecord {
        step: step.step,
        status,
        duration_ms: 0,
        detail: step.detail.clone(),
    }
}

/// `plan` and dry-run: each function's step, planned or skipped.
pub fn planned(region: &str, plans: &[RollbackPlan<'_, '_>]) -> Vec<FunctionRun> {
    plans
        .iter()
        .map(|p| {
            let d = p.decision;
            let mut fr = record(region, d.target, Some(&d.alias));
            let status = if p.writes {
                StepStatus::Planned
            } else {
                StepStatus::Skipped
            };
            fr.steps.push(noted(&p.step, status));
            fr
        })
        .collect()
}

/// One function cannot roll back: none is written, each row says why; the errors.
pub fn refused(
    region: &str,
    env: &Environment,
    decisions: &[Result<Decision<'_>, RollbackError>],
) -> (Vec<FunctionRun>, Vec<String>) {
    let mut failed = Vec::new();
    let functions = env
        .functions
        .iter()
        .zip(decisions)
        .map(|(t, d)| {
            let mut fr = record(region, t, d.as_ref().ok().map(|d| &d.alias));
            match d {
                Ok(_) => fr.steps.push(StepRecord {
                    step: Step::Rollback,
                    status: StepStatus::Skipped,
                    duration_ms: 0,
                    detail: "not rolled back: another function of the environment cannot roll back"
                        .into(),
                }),
                Err(e) => {
                    failed.push(e.to_string());
                    fr.error = Some(e.to_string());
                }
            }
            fr
        })
        .collect();
    (functions, failed)
}

/// What execute did, as rows; the errors.
pub fn fold(
    region: &str,
    plans: &[RollbackPlan<'_, '_>],
    applied: Vec<Applied>,
) -> (Vec<FunctionRun>, Vec<String>) {
    let mut failed = Vec::new();
    let functions = plans
        .iter()
        .zip(applied)
        .map(|(p, a)| {
            let d = p.decision;
            let mut fr = record(region, d.target, Some(&d.alias));
            fr.steps = a.steps;
            match a.written {
                Ok(Some(after)) => fr.version = Some(after.version),
                Ok(None) => {}
                Err(e) => {
                    failed.push(e.to_string());
                    fr.error = Some(e.to_string());
                }
            }
            match a.undone {
                Some(Ok(())) => fr.version = Some(d.alias.version.clone()),
                Some(Err(e)) => failed.push(format!(
                    "could not put back alias {} of {}: {e}",
                    d.target.alias, d.target.name
                )),
                None => {}
            }
            fr
        })
        .collect();
    (functions, failed)
}
