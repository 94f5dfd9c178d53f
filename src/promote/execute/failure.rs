//! Why one function's promotion failed ([`Failure`]), and why its canary stopped
//! ([`CanaryError`]): typed, so a conflict is a variant, not a search in a message.

use crate::aws::AwsError;
use crate::cancel::Signal;
use crate::promote::wait::WaitError;

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
    #[error("cancelled by signal {} during the smoke test", .signal.number())]
    SmokeTestCancelled { signal: Signal },
    /// The canary's alarms before any traffic moved: unreadable, or firing with
    /// `block-on-firing`.
    #[error("{0}")]
    AlarmsBeforeTraffic(String),
    /// The new version could not be warmed (not `Active`, provisioned concurrency not `READY`).
    #[error("{0}")]
    WarmUp(String),
    /// The alias failed its post-traffic check.
    #[error("{0}")]
    PostTraffic(String),
    /// A bug panicked in the task (the panic guard caught it).
    #[error("internal error: {0}; please report this")]
    Panic(String),
    /// A bug in the plan: a step where execute cannot take it, or before the step
    /// whose result it needs. Nothing after it runs.
    #[error("internal error: the plan of {function} has {step} {why}; please report this")]
    Plan {
        function: String,
        step: crate::step::Step,
        why: &'static str,
    },
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
    /// An alarm entered `ALARM`, or the metrics failed the step.
    #[error("{reason} at {percent}% (version {version})")]
    Gate {
        version: String,
        percent: u8,
        reason: String,
    },
    #[error(
        "the alarms or metrics of version {version} could not be read {failures} times in a row ({source}); failing closed"
    )]
    GatesUnreadable {
        version: String,
        failures: u32,
        source: AwsError,
    },
    #[error("the {percent}% step stayed inconclusive ({reason}); on-inconclusive is rollback")]
    Inconclusive { percent: u8, reason: String },
    #[error("timed out during the {percent}% canary step")]
    Timeout { percent: u8 },
    #[error("cancelled by signal {} during the {percent}% step", .signal.number())]
    Cancelled { signal: Signal, percent: u8 },
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
