//! The SDK's retry classifier for every client: throttled answers are not the SDK's to
//! retry. `Clients::call` retries them, paced, until the run's deadline, so they never
//! exhaust the SDK's bounded attempt count.

use aws_sdk_lambda::config::interceptors::InterceptorContext;
use aws_sdk_lambda::config::retry::{ClassifyRetry, RetryAction};
use aws_smithy_runtime_api::client::retries::classifiers::{RetryClassifierPriority, RetryReason};
use aws_smithy_types::retry::ErrorKind as RetryKind;

/// Forbids the SDK's own retry of a throttled answer: `Clients::call` retries
/// it, paced and bounded by the deadline instead of by an attempt count.
#[derive(Debug)]
pub struct LeaveThrottlingToThePacer;

impl ClassifyRetry for LeaveThrottlingToThePacer {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r) if r.status().as_u16() == 429 => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn classify_retry_v2(&self, ctx: &InterceptorContext, previous: &RetryAction) -> RetryAction {
        match previous {
            RetryAction::RetryIndicated(RetryReason::RetryableError {
                kind: RetryKind::ThrottlingError,
                ..
            }) => RetryAction::RetryForbidden,
            _ => self.classify_retry(ctx),
        }
    }

    fn name(&self) -> &'static str {
        "LeaveThrottlingToThePacer"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}
