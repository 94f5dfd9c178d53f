//! `rollback` of one (account, region) shard, with the same shape as a promotion: observe
//! and decide with the read handle, plan (pure, `rollback_plan.rs`), execute (which builds
//! the write handles from the clients), fold (pure). Every call ends soon after SIGINT or
//! SIGTERM; putting back an alias already written does not. `command/rollback.rs` runs it
//! shard by shard into one report and one Deployment.

use crate::aws::types::Lookup;
use crate::aws::{Clients, Read};
use crate::config::model::{Contract, Environment};
use crate::open_shard::OpenShard;
use crate::promote::execute;
use crate::promote::rollback_plan::{self, Decision, RollbackError};
use crate::report::model::{FunctionRun, Outcome, Promotion, Report, Rollout};
use crate::run::Run;
use crate::shard::Shard;
use crate::{check, observe};

/// The rollback of `open` (its reads end soon after a signal, as every write of execute
/// does) with its `clients` into its own report (not emitted); with `dry-run`, only its
/// plan.
pub async fn shard(run: &Run, open: &OpenShard, clients: Clients, report: &mut Report) -> Outcome {
    let read = &open.read;
    let env = &this_run_only(run, read, open.env()).await;
    if env.functions.is_empty() {
        return nothing_to_undo(run, &open.shard, report);
    }
    let outcome = environment(run, &open.contract, clients, read, env, report).await;
    super::rollback_image::fill(read, report).await;
    outcome
}

/// With the `shard` input inside a workflow run (the rollback-all job), only
/// the aliases this run moved go back; one it never reached, or that its own
/// promotion already restored, is left as it is.
async fn this_run_only(run: &Run, read: &Read, env: &Environment) -> Environment {
    let run_id = &run.runner.info.run_id;
    let mut env = env.clone();
    if run.settings.shard.is_none() || run_id.is_empty() || run.settings.to_version.is_some() {
        return env;
    }
    let mine = format!("run={run_id}");
    let mut kept = Vec::new();
    for f in env.functions.drain(..) {
        let moved = match Lookup::from_result(read.get_alias(&f.name, &f.alias).await) {
            Lookup::Found(a) => a.description.split_whitespace().any(|w| w == mine),
            // Unknown: let rollback's own reads report it.
            Lookup::Missing | Lookup::Failed(_) => true,
        };
        if moved {
            kept.push(f);
        }
    }
    env.functions = kept;
    env
}

fn nothing_to_undo(run: &Run, shard: &Shard, report: &mut Report) -> Outcome {
    let notice = format!(
        "no alias of shard {} was moved by run {}: nothing to roll back",
        shard.id(),
        run.runner.info.run_id
    );
    run.emitter.notice(&notice);
    report.notices.push(notice);
    report.result = Outcome::NoOp;
    Outcome::NoOp
}

/// Rolls one shard's `env` back, or only plans it with `dry-run`: `contract` as
/// the shard sees it, `read` the cancellable read handle of `clients` (from which
/// execute alone builds the write handle).
async fn environment(
    run: &Run,
    contract: &Contract,
    clients: Clients,
    read: &Read,
    env: &Environment,
    report: &mut Report,
) -> Outcome {
    let dry_run = run.settings.dry_run;
    let decisions = match decide(run, contract, read, env, report).await {
        Ok(decisions) => decisions,
        Err(outcome) => return outcome,
    };
    let plans = rollback_plan::plan(&decisions);
    if !dry_run && plans.iter().all(|p| !p.writes) {
        // Already where a rollback would put it (rolled back before): nothing is written,
        // and the run says so (docs/safety.md, "Safety": `rollback` is idempotent).
        let functions = rollback_plan::planned(read.region(), &plans);
        report
            .notices
            .extend(plans.iter().map(|p| p.step.detail.clone()));
        conclude(report, functions, Vec::new(), false);
        report.rolled_back = false;
        report.result = Outcome::NoOp;
        return Outcome::NoOp;
    }
    let (functions, failed) = if dry_run {
        (rollback_plan::planned(read.region(), &plans), Vec::new())
    } else {
        let info = &run.runner.info;
        let applied = execute::rollback_writes::apply_all(clients, &run.cancel, &plans, info).await;
        rollback_plan::fold(read.region(), &plans, applied)
    };
    conclude(report, functions, failed, dry_run)
}

/// Checks the account, then decides every function (reads only): if one cannot roll
/// back, no alias moves, so the environment never serves two images.
async fn decide<'e>(
    run: &Run,
    contract: &Contract,
    read: &Read,
    env: &'e Environment,
    report: &mut Report,
) -> Result<Vec<Decision<'e>>, Outcome> {
    // No contract checks (an emergency rollback must not wait on drift
    // elsewhere), but never touch an account the contract does not allow.
    let needs = observe::Needs {
        account: contract.account.is_some(),
        ..observe::Needs::default()
    };
    let observed = observe::observe(read, &needs).await;
    let ctx = check::Context {
        contract,
        job: &run.job,
        fork: false,
        observed: &observed,
        stage: Default::default(),
    };
    report.findings = check::all(&ctx, &[]);
    if crate::unreachable::collapse(report, &|t| run.emitter.scrub(t)) {
        return Err(Outcome::Error);
    }
    if report.drift() {
        report.result = Outcome::Drift;
        report.error = Some(
            "the credentials act in another account than the contract allows; nothing was changed"
                .into(),
        );
        return Err(Outcome::Drift);
    }
    let to = run.settings.to_version.as_deref();
    let decisions: Vec<Result<Decision<'e>, RollbackError>> = futures::future::join_all(
        env.functions
            .iter()
            .map(|t| rollback_plan::decide(read, t, to)),
    )
    .await;
    // Without credentials or a network every read fails the same way: one line naming the
    // fix, result `error`, not the SDK's chain for each function.
    let unreachable = decisions.iter().find_map(|d| match d {
        Err(RollbackError::Aws(e)) => crate::unreachable::of_error(e, &|t| run.emitter.scrub(t)),
        _ => None,
    });
    if let Some(line) = unreachable {
        report.result = Outcome::Error;
        report.error = Some(line);
        return Err(Outcome::Error);
    }
    if decisions.iter().any(Result::is_err) {
        let (functions, failed) = rollback_plan::refused(read.region(), env, &decisions);
        return Err(conclude(report, functions, failed, false));
    }
    Ok(decisions.into_iter().flatten().collect())
}

/// The rollback part of the report and its result.
fn conclude(
    report: &mut Report,
    functions: Vec<FunctionRun>,
    failed: Vec<String>,
    dry_run: bool,
) -> Outcome {
    report.promotion = Some(Promotion {
        source: "rollback".into(),
        strategy: Rollout::AllAtOnce,
        functions,
        ..Promotion::default()
    });
    report.result = if !failed.is_empty() {
        report.error = Some(failed.join("; "));
        Outcome::Failed
    } else if dry_run {
        Outcome::Planned
    } else {
        report.rolled_back = true;
        Outcome::Success
    };
    report.result
}
