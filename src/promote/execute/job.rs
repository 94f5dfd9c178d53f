//! One function's promotion as data: what it works with ([`Job`]), how it
//! ended ([`Status`], [`Outcome`]) and why it failed ([`Failure`]), shared by the
//! steps that run it.

use tokio::time::Instant;

use super::shift::Moved;
use crate::aws::types::{AliasInfo, UpdateState};
use crate::aws::{AwsError, Write};
use crate::cancel::Cancel;
use crate::config::model::{Environment, FunctionTarget};
use crate::promote::image::Resolved;
use crate::promote::progress::Progress;
use crate::promote::provenance::RunInfo;
use crate::promote::wait::WaitError;
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

/// Why one function's promotion failed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(transparent)]
    Wait(#[from] WaitError),
    /// Boxed: the largest, and rare.
    #[error(transparent)]
    Canary(Box<CanaryError>),
    #[error("{function} stayed busy with another update; try again later")]
    Busy { function: String },
    #[error(
        "{function} resolves to {found}, not the intended {intended}; another deploy may have raced this one"
    )]
    WrongDigest {
        function: String,
        found: String,
        intended: String,
    },
    #[error("{function} reports no resolved image digest")]
    NoDigest { function: String },
    /// The new version answered with a `FunctionError` or an `errorMessage`.
    #[error("smoke test of version {version} failed{}: {message}", kind.as_ref().map(|k| format!(" ({k})")).unwrap_or_default())]
    SmokeTest {
        version: String,
        kind: Option<String>,
        message: String,
    },
    #[error("cancelled by signal {signal} during the smoke test")]
    SmokeTestCancelled { signal: i32 },
    /// A bug panicked in the task (the panic guard caught it).
    #[error("internal error: {0}; please report this")]
    Panic(String),
}

/// Why a canary stopped before the alias was wholly on the new version.
#[derive(Debug, thiserror::Error)]
pub enum CanaryError {
    /// An alias write or the `LoggingConfig` read failed.
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(
        "version {version} logged {errors} error event(s) at {percent}% (at most {max} allowed)"
    )]
    TooManyErrors {
        version: String,
        errors: u64,
        percent: u8,
        max: u32,
    },
    #[error(
        "the logs of version {version} could not be read {failures} times in a row ({source}); failing closed"
    )]
    LogsUnreadable {
        version: String,
        failures: u32,
        source: AwsError,
    },
    #[error("timed out during the {percent}% canary step")]
    Timeout { percent: u8 },
    #[error("cancelled by signal {signal} during the {percent}% step")]
    Cancelled { signal: i32, percent: u8 },
}

impl From<CanaryError> for Failure {
    fn from(e: CanaryError) -> Self {
        Failure::Canary(Box::new(e))
    }
}

impl CanaryError {
    /// An alias write refused because another run changed the alias.
    pub fn is_conflict(&self) -> bool {
        matches!(self, CanaryError::Aws(e) if e.kind == crate::aws::ErrorKind::Precondition)
    }
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
