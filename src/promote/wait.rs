//! Waiting for a function update: short adaptive delays (the first check well
//! under a second, backing off to a few seconds), bounded by the run's deadline
//! and by cancellation. Never a fixed sleep.

use std::time::Duration;

use tokio::time::Instant;

use crate::aws::types::UpdateState;
use crate::aws::{AwsError, Read};
use crate::cancel::Cancel;
use crate::cancel::Signal;

#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    #[error("the update of {function} failed: {reason}")]
    Failed { function: String, reason: String },
    #[error("timed out waiting for the update of {function} (last status {status})")]
    Timeout { function: String, status: String },
    #[error("cancelled while waiting for the update of {function}")]
    Cancelled { function: String, signal: Signal },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// Delays between polls: 200 ms doubling to a 1 s ceiling, so the end of an update
/// of any length is noticed within about a second (docs/choices.md, "Choices").
pub fn delays() -> impl Iterator<Item = Duration> {
    std::iter::successors(Some(Duration::from_millis(200)), |d| {
        Some((*d * 2).min(MAX_DELAY))
    })
}

const MAX_DELAY: Duration = Duration::from_secs(1);

/// Polls `GetFunction` until `LastUpdateStatus` is not `InProgress`.
/// `Failed` is an error carrying Lambda's reason: use after this run's own update.
pub async fn until_updated(
    read: &Read,
    function: &str,
    deadline: Instant,
    cancel: &Cancel,
) -> Result<UpdateState, WaitError> {
    let state = poll(read, function, deadline, cancel, false).await?;
    this_runs(function, state)
}

/// Like [`until_updated`] after a write whose answer already said `answer`:
/// an `InProgress` answer is not read again at once, the first poll waits its delay.
pub async fn after_write(
    read: &Read,
    function: &str,
    answer: &UpdateState,
    deadline: Instant,
    cancel: &Cancel,
) -> Result<UpdateState, WaitError> {
    let wait_first = answer.status == "InProgress";
    let state = poll(read, function, deadline, cancel, wait_first).await?;
    this_runs(function, state)
}

/// After this run's own update, `Failed` is this run's failure.
fn this_runs(function: &str, state: UpdateState) -> Result<UpdateState, WaitError> {
    if state.status == "Failed" {
        return Err(WaitError::Failed {
            function: function.to_string(),
            reason: state
                .reason
                .unwrap_or_else(|| "Lambda gave no reason".to_string()),
        });
    }
    Ok(state)
}

/// Polls until no update is in progress, whatever the last one ended with. Before this
/// run's own update a `Failed` status is an earlier run's: Lambda keeps it until the next
/// update succeeds, so it must not stop this one (see the docs/choices.md, "Choices").
pub async fn until_settled(
    read: &Read,
    function: &str,
    deadline: Instant,
    cancel: &Cancel,
) -> Result<UpdateState, WaitError> {
    poll(read, function, deadline, cancel, false).await
}

async fn poll(
    read: &Read,
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
        let state = match read.update_state(function).await {
            Ok(state) => state,
            // A call cut short by a signal is the signal, not an AWS failure.
            Err(e) => {
                return Err(match cancel.signal() {
                    Some(signal) => WaitError::Cancelled {
                        function: function.to_string(),
                        signal,
                    },
                    None => e.into(),
                });
            }
        };
        if state.status != "InProgress" {
            return Ok(state);
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
