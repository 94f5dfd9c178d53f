//! Bounds on every AWS call. Per-attempt timeouts come from the SDK's own
//! timeout configuration; cancellation comes from the SDK's sleep: once the
//! job is cancelled, every SDK sleep (the backoff between retries, the
//! connect and attempt timeouts) ends within [`GRACE`], so a call that hangs,
//! or waits to retry, fails within moments instead of holding the run until
//! the runner kills it. The grace lets an answer already on its way arrive,
//! so a write that landed is not reported as lost. The restores after a
//! signal use clients without this.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use aws_sdk_lambda::config::{AsyncSleep, SharedAsyncSleep, Sleep};

use tokio::time::Instant;

use super::Clients;
use crate::cancel::Cancel;

/// How long a call may still take once the job is cancelled.
pub const GRACE: Duration = Duration::from_secs(1);
/// Tokio's sleep, ended by cancellation once [`GRACE`] has passed since the
/// signal was first seen, so retries after it fail at once instead of each
/// waiting out a grace of its own.
#[derive(Clone, Debug)]
struct CancellableSleep {
    cancel: Cancel,
    seen: Arc<OnceLock<Instant>>,
}

impl AsyncSleep for CancellableSleep {
    fn sleep(&self, duration: Duration) -> Sleep {
        let cancel = self.cancel.clone();
        let seen = Arc::clone(&self.seen);
        Sleep::new(async move {
            let full = tokio::time::sleep(duration);
            tokio::pin!(full);
            tokio::select! {
                _ = &mut full => return,
                _ = cancel.cancelled() => {}
            }
            let cut = *seen.get_or_init(Instant::now) + GRACE;
            tokio::select! {
                _ = &mut full => {}
                _ = tokio::time::sleep_until(cut) => {}
            }
        })
    }
}

impl Clients {
    /// The same clients, whose calls end soon after `cancel` fires.
    pub fn cancellable(&self, cancel: &Cancel) -> Clients {
        let sleep = SharedAsyncSleep::new(CancellableSleep {
            cancel: cancel.clone(),
            seen: Arc::default(),
        });
        Clients {
            lambda: aws_sdk_lambda::Client::from_conf(
                self.lambda
                    .config()
                    .to_builder()
                    .sleep_impl(sleep.clone())
                    .build(),
            ),
            cloudfront: aws_sdk_cloudfront::Client::from_conf(
                self.cloudfront
                    .config()
                    .to_builder()
                    .sleep_impl(sleep.clone())
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                self.cloudwatch
                    .config()
                    .to_builder()
                    .sleep_impl(sleep.clone())
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                self.logs
                    .config()
                    .to_builder()
                    .sleep_impl(sleep.clone())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                self.sts
                    .config()
                    .to_builder()
                    .sleep_impl(sleep.clone())
                    .build(),
            ),
            ecr: aws_sdk_ecr::Client::from_conf(
                self.ecr.config().to_builder().sleep_impl(sleep).build(),
            ),
            region: self.region.clone(),
            pacer: Arc::clone(&self.pacer),
            cancel: Some(cancel.clone()),
            restoring: self.restoring,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_cancelled_sleep_ends_after_the_grace() {
        let (tx, cancel) = Cancel::for_test();
        let sleep = CancellableSleep {
            cancel,
            seen: Arc::default(),
        };
        let started = std::time::Instant::now();
        let pending = sleep.sleep(Duration::from_secs(3600));
        tx.send(Some(crate::cancel::Signal::Term)).unwrap();
        pending.await;
        assert!(started.elapsed() >= GRACE);
        assert!(started.elapsed() < GRACE * 3);
        // A sleep begun after the grace ends at once.
        let again = std::time::Instant::now();
        sleep.sleep(Duration::from_secs(3600)).await;
        assert!(again.elapsed() < GRACE / 2);
    }
}
