//! One function's promotion as data: what it works with ([`Job`]) and how it
//! ended ([`Status`], [`Outcome`]), shared by the steps that run it.

use tokio::time::Instant;

use super::failure::Failure;
use super::shift::Moved;
use crate::aws::Write;
use crate::aws::types::{AliasInfo, UpdateState};
use crate::cancel::Cancel;
use crate::config::model::{Environment, FunctionTarget};
use crate::promote::image::Resolved;
use crate::promote::progress::Progress;
use crate::promote::provenance::RunInfo;
use crate::report::model::{CanaryRecord, StepRecord};

pub struct Job<'a> {
    pub write: &'a Write,
    pub env: &'a Environment,
    pub target: &'a FunctionTarget,
    pub image: &'a Resolved,
    /// The alias before the run (`None`: it does not exist yet).
    pub before: Option<AliasInfo>,
    /// The function's update state as validation read it: not read again when idle.
    pub idle: Option<UpdateState>,
    pub progress: &'a Progress,
    pub run_info: &'a RunInfo,
    pub deadline: Instant,
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
    Cancelled(i32),
    /// Another run changed the alias under this one (`PreconditionFailedException`): the
    /// alias is theirs now, so it must not be restored over their change.
    Conflict(Failure),
}

pub struct Outcome {
    pub status: Status,
    pub steps: Vec<StepRecord>,
    pub canary: Vec<CanaryRecord>,
    /// The version published, if any.
    pub version: Option<String>,
    /// Set once this run has written the alias.
    pub moved: Option<Moved>,
    pub warnings: Vec<String>,
}

pub(super) fn cancelled(job: &Job<'_>) -> Result<(), Status> {
    match job.cancel.signal() {
        Some(sig) => Err(Status::Cancelled(sig)),
        None => Ok(()),
    }
}
