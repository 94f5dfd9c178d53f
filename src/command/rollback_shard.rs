//! One shard's rollback, the same shape as a promotion: observe and decide with the
//! read handle, plan (pure), execute (which builds the write handles from the clients),
//! fold (pure). Every call ends soon after SIGINT or SIGTERM; putting back an alias
//! already written does not.

use crate::aws::{Clients, Read};
use crate::config::model::{Contract, Environment};
use crate::promote::execute;
use crate::promote::rollback_plan::{self, Decision, RollbackError};
use crate::report::model::{FunctionRun, Outcome, Promotion, Report};
use crate::run::Run;
use crate::{check, observe};

/// Rolls one shard's `env` back, or only plans it with `dry_run`: `contract` as
/// the shard sees it, `read` the cancellable read handle of `clients` (from which
/// execute alone builds the write handle).
pub(super) async fn environment(
    run: &Run,
    contract: &Contract,
    clients: Clients,
    read: &Read,
    env: &Environment,
    dry_run: bool,
    report: &mut Report,
) -> Outcome {
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
        let applied = execute::rollback::apply_all(clients, &run.cancel, &plans, info).await;
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
    report.findings = check::run(&ctx, &[]);
    if crate::unreachable::collapse(report) {
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
        strategy: "all-at-once".into(),
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
