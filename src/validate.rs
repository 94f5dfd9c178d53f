//! Observe what the selected environments' checks need, then run the checks:
//! the step `validate` reports and `promote` runs before its first write.
//! Never writes.

use crate::aws::Read;
use crate::check::{self, Context, Stage};
use crate::config::model::{Contract, Environment};
use crate::finding::Finding;
use crate::jobenv::JobEnv;
use crate::observe::{self, Observed};

/// The findings of the environments' checks, and the snapshot they were made on
/// (promotion reuses it instead of reading again).
pub async fn findings(
    read: &Read,
    contract: &Contract,
    envs: &[&Environment],
    job: &JobEnv,
    fork: bool,
    stage: Stage,
) -> (Vec<Finding>, Observed) {
    let needs = observe::needs(contract, envs, job);
    let observed = observe::observe(read, &needs).await;
    let ctx = Context {
        contract,
        job,
        fork,
        observed: &observed,
        stage,
    };
    (check::run(&ctx, envs), observed)
}
