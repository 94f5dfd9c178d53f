//! Bounded retries: a few attempts with exponential backoff, each request
//! under its own timeout, and the whole operation under a budget, so GitHub
//! bookkeeping can never hold up a promotion.

use std::future::Future;
use std::time::Duration;

use super::error::{Failure, GitHubError, Verdict, classify};

/// How hard to try.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in total, the first included.
    pub attempts: u32,
    /// Wait before the second attempt; doubled before each later one.
    pub first_delay: Duration,
    /// Bound on one HTTP request.
    pub request_timeout: Duration,
    /// Bound on one whole operation, retries and pagination included.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            attempts: 3,
            first_delay: Duration::from_millis(250),
            request_timeout: Duration::from_secs(10),
            budget: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait after failed attempt number `attempt` (1-based).
    pub(crate) fn delay_after(&self, attempt: u32) -> Duration {
        self.first_delay
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
    }
}

/// Runs `attempt` until it succeeds, fails for good, runs out of attempts, or
/// the budget is spent. `permission` is named if GitHub refuses.
pub(crate) async fn with_retries<T, F, Fut>(
    policy: &RetryPolicy,
    permission: &'static str,
    what: &str,
    mut attempt: F,
) -> Result<T, GitHubError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Failure>>,
{
    let attempts = policy.attempts.max(1);
    let tries = async {
        let mut n = 1;
        loop {
            match attempt().await {
                Ok(value) => return Ok(value),
                Err(failure) => match classify(failure, permission) {
                    Verdict::GiveUp(err) => return Err(err),
                    Verdict::Retry(err) if n >= attempts => {
                        return Err(GitHubError::Other(format!(
                            "{what}: {} after {n} attempts",
                            inner(&err)
                        )));
                    }
                    Verdict::Retry(_) => {
                        tokio::time::sleep(policy.delay_after(n)).await;
                        n += 1;
                    }
                },
            }
        }
    };
    match tokio::time::timeout(policy.budget, tries).await {
        Ok(result) => result,
        Err(_) => Err(GitHubError::Other(format!(
            "{what}: gave up after {:?}",
            policy.budget
        ))),
    }
}

fn inner(err: &GitHubError) -> String {
    match err {
        GitHubError::Other(message) => message.clone(),
        other => other.to_string(),
    }
}

/// Runs one request under the per-request timeout.
pub(crate) async fn timed<T>(
    policy: &RetryPolicy,
    request: impl Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    tokio::time::timeout(policy.request_timeout, request)
        .await
        .unwrap_or(Err(Failure::TimedOut(policy.request_timeout)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::api::error::COMMENTS_PERMISSION;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn quick() -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            first_delay: Duration::from_millis(1),
            request_timeout: Duration::from_millis(50),
            budget: Duration::from_secs(5),
        }
    }

    fn bad_gateway() -> Failure {
        Failure::Status {
            status: 502,
            message: "Bad Gateway".into(),
            rate_limited: false,
        }
    }

    #[test]
    fn backoff_doubles() {
        let p = RetryPolicy::default();
        assert_eq!(p.delay_after(1), Duration::from_millis(250));
        assert_eq!(p.delay_after(2), Duration::from_millis(500));
        assert_eq!(p.delay_after(3), Duration::from_millis(1000));
    }

    #[tokio::test]
    async fn retries_until_success() {
        let calls = AtomicU32::new(0);
        let result = with_retries(&quick(), COMMENTS_PERMISSION, "comment", || async {
            if calls.fetch_add(1, Ordering::SeqCst) == 0 {
                Err(bad_gateway())
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(result, Ok(7));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn stops_after_the_last_attempt() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> =
            with_retries(&quick(), COMMENTS_PERMISSION, "comment", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(bad_gateway())
            })
            .await;
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(
            result,
            Err(GitHubError::Other(
                "comment: 502: Bad Gateway after 3 attempts".into()
            ))
        );
    }

    #[tokio::test]
    async fn permission_errors_are_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> =
            with_retries(&quick(), COMMENTS_PERMISSION, "comment", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(Failure::Status {
                    status: 403,
                    message: "Resource not accessible by integration".into(),
                    rate_limited: false,
                })
            })
            .await;
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert!(matches!(result, Err(GitHubError::Permission { .. })));
    }

    #[tokio::test]
    async fn a_slow_request_times_out() {
        let policy = quick();
        let result: Result<(), _> = timed(&policy, async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok(())
        })
        .await;
        assert_eq!(result, Err(Failure::TimedOut(policy.request_timeout)));
    }

    #[tokio::test]
    async fn the_budget_bounds_the_whole_operation() {
        let policy = RetryPolicy {
            budget: Duration::from_millis(30),
            ..quick()
        };
        let result: Result<(), _> =
            with_retries(&policy, COMMENTS_PERMISSION, "comment", || async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(())
            })
            .await;
        assert_eq!(
            result,
            Err(GitHubError::Other("comment: gave up after 30ms".into()))
        );
    }
}
