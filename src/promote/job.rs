//! One function's promotion as data: what it works with ([`Job`]), how it
//! ended ([`Status`], [`Outcome`]), shared by the steps that run it.

use tokio::time::Instant;

use super::image::Resolved;
use super::progress::Progress;
use super::provenance::RunInfo;
use super::shift::Moved;
use crate::aws::types::UpdateState;
use crate::aws::types::AliasInfo;
use crate::aws::{AwsError, Clients, ErrorKind};
use crate::cancel::Cancel;
use crate::config::model::{Environment, FunctionTarget};
use crate::report::model::{CanaryRecord, StepRecord};

pub struct Job<'a> {
    pub clients: &'a Clients,
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
    Failed(String),
    /// The canary failed or timed out: the alias must be restored.
    RollBack(String),
    /// A signal arrived.
    Cancelled(i32),
    /// Another run changed the alias under this one (`PreconditionFailedException`): the
    /// alias is theirs now, so it must not be restored over their change.
    Conflict(String),
}

/// True when an alias write was refused because another run changed the alias.
pub(super) fn is_conflict(e: &anyhow::Error) -> bool {
    e.downcast_ref::<AwsError>()
        .is_some_and(|e| e.kind == ErrorKind::Precondition)
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
