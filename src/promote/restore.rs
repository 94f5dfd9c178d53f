//! Putting back every alias a failed promotion moved, so an environment never
//! serves two images. Each restore is bounded: the runner kills the container
//! 10 s after SIGINT, and SPEC §7 promises 5 s.

use std::time::Duration;

use super::execute::{Outcome, Status};
use super::shift;
use crate::aws::Clients;

const RESTORE_BUDGET: Duration = Duration::from_secs(5);

#[derive(Debug, Default)]
pub struct Restored {
    /// Functions whose alias is back as it was.
    pub functions: Vec<String>,
    /// Aliases that could not be put back, and why.
    pub errors: Vec<String>,
}

/// Restores the aliases moved in `outcomes`, concurrently.
pub async fn all(clients: &Clients, outcomes: &[Outcome]) -> Restored {
    // An alias another run changed under us is theirs: restoring it would
    // overwrite their work (the emulator accepts any revision id, and a guard
    // alone is not enough where one is missing).
    let moved: Vec<_> = outcomes
        .iter()
        .filter(|o| !matches!(o.status, Status::Conflict(_)))
        .filter_map(|o| o.moved.as_ref())
        .collect();
    let results = futures::future::join_all(moved.iter().map(|m| async move {
        (
            m,
            tokio::time::timeout(RESTORE_BUDGET, shift::restore(clients, m)).await,
        )
    }))
    .await;
    let mut restored = Restored::default();
    for (m, r) in results {
        match r {
            Ok(Ok(())) => restored.functions.push(m.function.clone()),
            Ok(Err(e)) => restored.errors.push(format!(
                "could not restore alias {} of {}: {e}",
                m.alias, m.function
            )),
            Err(_) => restored.errors.push(format!(
                "restoring alias {} of {} timed out",
                m.alias, m.function
            )),
        }
    }
    restored
}
