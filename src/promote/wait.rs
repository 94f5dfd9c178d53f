//! Waiting for a function update: short adaptive delays (the first check well
//! under a second, backing off to a few seconds), bounded by the run's deadline
//! and by cancellation. Never a fixed sleep.

use std::time::Duration;

use tokio::time::Instant;

use crate::aws::lambda_write::UpdateState;
use crate::aws::{AwsError, Clients};
use crate::cancel::Cancel;

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("the update of {function} failed: {reason}")]
    Failed { function: String, reason: String },
    #[error("timed out waiting for the update of {function} (last status {status})")]
    Timeout { function: String, status: String },
    #[error("cancelled while waiting for the update of {function}")]
    Cancelled { function: String, signal: i32 },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// Delays between polls: 200 ms doubling to a 1 s ceiling, so the end of an update
/// of any length is noticed within about a second (SPEC §6 step 3).
pub fn delays() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(Duration::from_millis(200)), |d| {
        Some((*d * 2).min(MAX_DELAY))
    })
}

const MAX_DELAY: Duration = Duration::from_secs(1);

/// Polls `GetFunction` until `LastUpdateStatus` is not `InProgress`.
/// `Failed` is an error carrying Lambda's reason.
pub async fn until_updated(
    clients: &Clients,
    function: &str,
    deadline: Instant,
    cancel: &Cancel,
) -> Result<UpdateState, WaitError> {
    poll(clients, function, deadline, cancel, false).await
}

/// Like [`until_updated`] after a write whose answer already said `answer`:
/// an `InProgress` answer is not read again at once, the first poll waits its delay.
pub async fn after_write(
    clients: &Clients,
    function: &str,
    answer: &UpdateState,
    deadline: Instant,
    cancel: &Cancel,
) -> Result<UpdateState, WaitError> {
    poll(
        clients,
        function,
        deadline,
        cancel,
        answer.status == "InProgress",
    )
    .await
}

async fn poll(
    clients: &Clients,
    function: &str,
    deadline: Instant,
    cancel: &Cancel,
    wait_first: bool,
) -> Result<UpdateState, WaitError> {
    let mut delays = delays();
    if wait_first {
        let wake = (Instant::now() + delays.next().unwrap_or(MAX_DELAY)).min(deadline);
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            sig = cancel.cancelled() => {
                return Err(WaitError::Cancelled { function: function.to_string(), signal: sig });
            }
        }
    }
    loop {
        let state = clients.update_state(function).await?;
        match state.status.as_str() {
            "Successful" => return Ok(state),
            "Failed" => {
                return Err(WaitError::Failed {
                    function: function.to_string(),
                    reason: state
                        .reason
                        .unwrap_or_else(|| "Lambda gave no reason".to_string()),
                });
            }
            _ => {}
        }
        let delay = delays.next().unwrap_or(MAX_DELAY);
        let wake = (Instant::now() + delay).min(deadline);
        if Instant::now() >= deadline {
            return Err(WaitError::Timeout {
                function: function.to_string(),
                status: state.status,
            });
        }
        tokio::select! {
            _ = tokio::time::sleep_until(wake) => {}
            sig = cancel.cancelled() => {
                return Err(WaitError::Cancelled { function: function.to_string(), signal: sig });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_start_short_and_cap() {
        let d: Vec<u128> = delays().take(6).map(|d| d.as_millis()).collect();
        assert_eq!(d, vec![200, 400, 800, 1000, 1000, 1000]);
    }
}
