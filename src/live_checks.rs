//! Observe what the selected environments' checks need, then run the checks:
//! the step `validate` reports and `promote` runs before its first write.
//! Never writes.

use crate::aws::Read;
use crate::aws::types::Lookup;
use crate::check::{self, Context, Stage};
use crate::config::model::{Check, Contract, Environment};
use crate::finding::Finding;
use crate::jobenv::JobEnv;
use crate::observe::{self, Observed};
use crate::progress::{self, Reads};
use crate::report::emit::Emitter;

/// The findings of the environments' checks, and the snapshot they were made on
/// (promotion reuses it instead of reading again). A progress line goes to the
/// emitter's log every 10 s while the reads run (a fleet's take the control-plane
/// quota's pace); the Lambda environment values the checks read become secrets.
pub async fn findings(
    read: &Read,
    contract: &Contract,
    envs: &[&Environment],
    job: &JobEnv,
    fork: bool,
    stage: Stage,
    emitter: &Emitter,
) -> (Vec<Finding>, Observed) {
    let trust = matches!(stage, Stage::Promote { .. });
    let needs = observe::needs(contract, envs, job, trust);
    let reads = Reads::new(needs.reads());
    let label: Vec<&str> = envs.iter().map(|e| e.name.as_str()).collect();
    let line = || reads.line(&label.join(","), read.throttled());
    let observed = progress::while_running(
        observe::observe_counted(read, &needs, &|| reads.answered()),
        progress::EVERY,
        || emitter.log(&line()),
    )
    .await;
    for value in env_values_read(envs, &observed) {
        emitter.learn_secret(value);
    }
    let ctx = Context {
        contract,
        job,
        fork,
        observed: &observed,
        stage,
    };
    (check::all(&ctx, envs), observed)
}

/// The Lambda environment values the `function-env` checks read: secrets
/// from now on (a key such as `OPENROUTER_API_KEY` holds one), so no channel
/// shows them even when AWS or a log line quotes them.
fn env_values_read<'o>(envs: &[&Environment], observed: &'o Observed) -> Vec<&'o str> {
    let mut out = Vec::new();
    for env in envs {
        for check in &env.checks {
            let Check::FunctionEnv { function, keys, .. } = &check.value else {
                continue;
            };
            if let Some(Lookup::Found(info)) = observed.functions.get(function) {
                out.extend(
                    keys.iter()
                        .filter_map(|k| info.env.get(k))
                        .map(|v| v.expose()),
                );
            }
        }
    }
    out
}
