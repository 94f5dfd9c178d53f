//! Timeouts of every AWS call, from the SDK's own timeout configuration:
//! per attempt, never for the whole operation (throttling is retried until the
//! run's deadline, docs/choices.md "Choices"), and `Invoke` bounded by the run instead.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;

/// Time to open a connection to AWS.
pub const CONNECT: Duration = Duration::from_secs(5);
/// Time for one attempt of an ordinary call (not `Invoke`), first byte included.
/// Retries are bounded by the retry configuration, not by a whole-operation timeout.
pub const ATTEMPT: Duration = Duration::from_secs(60);
/// Lambda's longest function timeout (15 minutes), plus a margin for the round trip.
pub const INVOKE_MAX: Duration = Duration::from_secs(15 * 60 + 10);

/// The timeouts of every client.
pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT)
        .read_timeout(ATTEMPT)
        .operation_attempt_timeout(ATTEMPT)
        .build()
}

/// `Invoke` legitimately waits as long as the function runs: bound it by what
/// is left of the run instead (never more than Lambda's own maximum), the
/// whole operation included, so a retry cannot outlive the run either.
pub fn invoke_timeouts(within: Duration) -> TimeoutConfig {
    let within = within.clamp(Duration::from_secs(1), INVOKE_MAX);
    TimeoutConfig::builder()
        .connect_timeout(CONNECT)
        .read_timeout(within)
        .operation_attempt_timeout(within)
        .operation_timeout(within)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invoke_is_bounded_by_the_run_and_by_lambda() {
        let t = invoke_timeouts(Duration::from_secs(30));
        assert_eq!(t.operation_timeout(), Some(Duration::from_secs(30)));
        let t = invoke_timeouts(Duration::from_secs(100_000));
        assert_eq!(t.operation_attempt_timeout(), Some(INVOKE_MAX));
        let t = invoke_timeouts(Duration::ZERO);
        assert_eq!(t.read_timeout(), Some(Duration::from_secs(1)));
    }
}
