//! One function's promotion as data: what it works with ([`Job`]) and how it
//! ended ([`Status`], [`JobOutcome`]), shared by the steps that run it.

use tokio::time::Instant;

use super::coordinator::Coordinator;
use super::failure::Failure;
use super::shift::Moved;
use crate::aws::Write;
use crate::aws::types::{AliasInfo, UpdateState};
use crate::cancel::Cancel;
use crate::cancel::Signal;
use crate::config::model::{Environment, FunctionTarget};
use crate::progress::Progress;
use crate::promote::image::Resolved;
use crate::promote::plan::Planned;
use crate::report::model::{CanaryRecord, StepRecord};
use crate::run::RunInfo;

pub struct Job<'a> {
    pub write: &'a Write,
    /// The (account, region) part of `write`, for the coordinator's restore.
    pub part: usize,
    /// Hears of every alias write before it is made, and owns the way back.
    pub coord: &'a Coordinator,
    pub env: &'a Environment,
    pub target: &'a FunctionTarget,
    /// The function's planned steps, which execute walks in order (`promote/plan.rs`).
    pub plan: &'a [Planned],
    pub image: &'a Resolved,
    /// The alias before the run (`None`: it does not exist yet).
    pub before: Option<AliasInfo>,
    /// The function's update state as validation read it: not read again when idle.
    pub idle: Option<UpdateState>,
    pub progress: &'a Progress,
    pub run_info: &'a RunInfo,
    pub deadline: Instant,
    /// The run's signal or a sibling's failure (`coord.cancel()`): every wait ends on it.
    pub cancel: &'a Cancel,
    /// Progress lines for the run log.
    pub log: &'a (dyn Fn(&str) + Sync),
}

/// How one function's promotion ended.
#[derive(Debug)]
pub enum Status {
    Success,
    /// Failed before the alias moved: the alias is untouched.
    Failed(Failure),
    /// The canary failed or timed out, or an alias write failed after one landed: the
    /// alias must be restored.
    RollBack(Failure),
    /// A signal arrived.
    Cancelled(Signal),
    /// Another run changed the alias under this one (`PreconditionFailedException`): the
    /// alias is theirs now, so it must not be restored over their change.
    Conflict(Failure),
}

pub struct JobOutcome {
    pub status: Status,
    pub steps: Vec<StepRecord>,
    pub canary: Vec<CanaryRecord>,
    /// The version published, if any.
    pub version: Option<String>,
    /// Set once this run has written the alias.
    pub moved: Option<Moved>,
    /// Provisioned concurrency given to the new version: the old version's is released
    /// once the whole environment succeeded, the new one's removed once the alias is back.
    pub warmed: Option<Warmed>,
    pub warnings: Vec<String>,
}

pub(super) fn cancelled(job: &Job<'_>) -> Result<(), Status> {
    match job.cancel.signal() {
        Some(sig) => Err(Status::Cancelled(sig)),
        None => Ok(()),
    }
}

/// How much provisioned concurrency the new version was given, and whether the old
/// version had its own configuration (to remove once the new one serves the alias).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Warmed {
    /// The new version given it.
    pub version: String,
    /// The version the alias served before, whose own configuration may be released.
    pub old_version: Option<String>,
    pub amount: i32,
    pub old_had_own: bool,
}
