//! Observe what the selected environments' checks need, then run the checks:
//! the step `validate` reports and `promote` runs before its first write.
//! Never writes.

use crate::aws::Read;
use crate::check::{self, Context};
use crate::config::model::{Contract, Environment};
use crate::finding::Finding;
use crate::jobenv::JobEnv;
use crate::observe::{self, Observed};
use crate::promote::progress::{self, Reads};

/// The findings of the environments' checks, and the snapshot they were made on
/// (promotion reuses it instead of reading again). A progress line goes to `log`
/// every 10 s while the reads run (a fleet's take the control-plane quota's pace).
pub async fn findings(
    read: &Read,
    contract: &Contract,
    envs: &[&Environment],
    job: &JobEnv,
    fork: bool,
    log: &(dyn Fn(&str) + Sync),
) -> (Vec<Finding>, Observed) {
    let needs = observe::needs(contract, envs, job);
    let reads = Reads::new(needs.reads());
    let label: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let line = || reads.line(&label.join(","), read.throttled());
    let observed = progress::while_running(
        observe::observe_counted(read, &needs, &|| reads.answered()),
        progress::EVERY,
        || log(&line()),
    )
    .await;
    let ctx = Context {
        contract,
        job,
        fork,
        observed: &observed,
    };
    (check::run(&ctx, envs), observed)
}
