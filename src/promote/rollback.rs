//! `rollback`: point each function's alias back at `to-version` or at the
//! version recorded as previous on the alias, clearing any routing split.
//! Every function is checked before any alias is written, so an environment is
//! rolled back whole or not at all.

use super::provenance::{self, RunInfo};
use super::steps::Steps;
use crate::aws::Clients;
use crate::aws::types::{AliasInfo, Lookup};
use crate::config::model::{Environment, FunctionTarget};
use crate::report::model::{
    FunctionRun, Links, Outcome, Promotion, Report, StepRecord, StepStatus,
};
use crate::run::{End, Run};
use crate::step::Step;
use crate::{check, observe};

/// Where one function's alias goes back to, decided from reads only.
pub struct Decision<'c> {
    pub target: &'c FunctionTarget,
    pub alias: AliasInfo,
    pub version: String,
}

/// Reads the alias and checks the version to return to; `Err` says why this
/// function cannot roll back.
pub async fn decide<'c>(
    clients: &Clients,
    target: &'c FunctionTarget,
    to_version: Option<&str>,
) -> Result<Decision<'c>, String> {
    let (f, a) = (target.name.as_str(), target.alias.as_str());
    let alias = match Lookup::from_result(clients.get_alias(f, a).await) {
        Lookup::Found(alias) => alias,
        Lookup::Missing => {
            return Err(format!(
                "alias {a} of {f} does not exist: nothing to roll back"
            ));
        }
        Lookup::Failed(e) => return Err(e.to_string()),
    };
    let version = match to_version {
        Some(v) => v.to_string(),
        None => provenance::previous_version(&alias.description).ok_or_else(|| {
            format!("alias {a} of {f} records no previous version; pass `to-version`")
        })?,
    };
    let info = match Lookup::from_result(clients.get_function(f, Some(&version)).await) {
        Lookup::Found(info) => info,
        Lookup::Missing => return Err(format!("version {version} of {f} does not exist")),
        Lookup::Failed(e) => return Err(e.to_string()),
    };
    if info.version != version || !info.is_image() {
        return Err(format!(
            "version {version} of {f} is not a published image version of this function"
        ));
    }
    Ok(Decision {
        target,
        alias,
        version,
    })
}

/// The report row of a function before anything was done to it.
pub fn record(
    clients: &Clients,
    target: &FunctionTarget,
    alias: Option<&AliasInfo>,
) -> FunctionRun {
    let current = alias.map(|a| a.version.clone());
    FunctionRun {
        function: target.name.clone(),
        alias: target.alias.clone(),
        previous_version: current.clone(),
        version: current,
        links: Links::new(&clients.region, &target.name, &target.alias),
        ..FunctionRun::default()
    }
}

/// Points the alias at the decided version (or only plans it). `Ok(Some)`
/// holds the alias as written; `Err` carries the reason the write failed.
pub async fn apply(
    clients: &Clients,
    d: &Decision<'_>,
    dry_run: bool,
    run_info: &RunInfo,
) -> (FunctionRun, Result<Option<AliasInfo>, String>) {
    let mut fr = record(clients, d.target, Some(&d.alias));
    let mut steps = Steps::default();
    let r = write(clients, d, dry_run, run_info, &mut steps, &mut fr).await;
    fr.steps = steps.records;
    if let Err(e) = &r {
        fr.error = Some(e.clone());
    }
    (fr, r)
}

async fn write(
    clients: &Clients,
    d: &Decision<'_>,
    dry_run: bool,
    run_info: &RunInfo,
    steps: &mut Steps,
    fr: &mut FunctionRun,
) -> Result<Option<AliasInfo>, String> {
    let (f, a) = (d.target.name.as_str(), d.target.alias.as_str());
    let (alias, version) = (&d.alias, &d.version);
    if alias.version == *version && !alias.is_split() {
        steps.note(
            Step::Rollback,
            StepStatus::Skipped,
            format!("{a} already serves version {version}"),
        );
        return Ok(None);
    }
    if dry_run {
        steps.note(
            Step::Rollback,
            StepStatus::Planned,
            format!("{a}: {} → {version}, routing cleared", alias.version),
        );
        return Ok(None);
    }
    let description = provenance::alias_description(Some(&alias.version), run_info);
    let after = steps
        .run(
            Step::Rollback,
            // A lost answer to our own write is recognised, not taken for a conflict.
            super::readback::update_alias(
                clients,
                f,
                a,
                version,
                &Default::default(),
                &description,
                alias.revision_id.as_deref(),
            ),
            |after| format!("{a}: {} → {}", alias.version, after.version),
        )
        .await
        .map_err(|e| e.to_string())?;
    fr.version = Some(after.version.clone());
    Ok(Some(after))
}

/// Puts an alias this rollback moved back as it was (version, routing,
/// description), guarded by the revision id of our own write.
async fn undo(clients: &Clients, d: &Decision<'_>, written: &AliasInfo) -> Result<(), String> {
    let before = &d.alias;
    clients
        .update_alias(
            &d.target.name,
            &d.target.alias,
            &before.version,
            &before.routing,
            Some(&before.description),
            written.revision_id.as_deref(),
        )
        .await
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Rolls every function of `env` back, or none: decisions first (reads only).
pub async fn environment(
    run: &Run,
    clients: &Clients,
    env: &Environment,
    dry_run: bool,
    run_info: &RunInfo,
    report: &mut Report,
) -> End {
    // No contract checks (an emergency rollback must not wait on drift
    // elsewhere), but never touch an account the contract does not allow.
    let needs = observe::Needs {
        account: run.contract.account.is_some(),
        ..observe::Needs::default()
    };
    let observed = observe::observe(clients, &needs).await;
    let ctx = check::Context {
        contract: &run.contract,
        job: &run.job,
        fork: false,
        observed: &observed,
    };
    report.findings = check::run(&ctx, &[]);
    if report.drift() {
        report.result = Outcome::Drift;
        report.error = Some(
            "the credentials act in another account than the contract allows; nothing was changed"
                .into(),
        );
        return End::Done(Outcome::Drift);
    }
    let to = run.settings.to_version.as_deref();
    // Decide every function first (reads only): if one cannot roll back, no
    // alias moves, so the environment never serves two images.
    let decisions =
        futures::future::join_all(env.functions.iter().map(|t| decide(clients, t, to))).await;
    let mut failed = Vec::new();
    let functions = if decisions.iter().any(Result::is_err) {
        refuse_all(clients, env, &decisions, &mut failed)
    } else {
        apply_all(clients, &decisions, dry_run, run_info, &mut failed).await
    };
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
    End::Done(report.result)
}

/// One function cannot roll back: none is written, each row says why.
fn refuse_all(
    clients: &Clients,
    env: &Environment,
    decisions: &[Result<Decision<'_>, String>],
    failed: &mut Vec<String>,
) -> Vec<FunctionRun> {
    let mut functions = Vec::new();
    for (t, d) in env.functions.iter().zip(decisions) {
        let mut fr = record(clients, t, d.as_ref().ok().map(|d| &d.alias));
        match d {
            Ok(_) => fr.steps.push(StepRecord {
                step: Step::Rollback,
                status: StepStatus::Skipped,
                duration_ms: 0,
                detail: "not rolled back: another function of the environment cannot roll back"
                    .into(),
            }),
            Err(e) => {
                failed.push(e.clone());
                fr.error = Some(e.clone());
            }
        }
        functions.push(fr);
    }
    functions
}

/// Rolls every function back; if one write fails, puts back those already written.
async fn apply_all(
    clients: &Clients,
    decisions: &[Result<Decision<'_>, String>],
    dry_run: bool,
    run_info: &RunInfo,
    failed: &mut Vec<String>,
) -> Vec<FunctionRun> {
    let mut functions = Vec::new();
    let decided: Vec<&Decision<'_>> = decisions.iter().flatten().collect();
    let results =
        futures::future::join_all(decided.iter().map(|d| apply(clients, d, dry_run, run_info)))
            .await;
    let any_failed = results.iter().any(|(_, r)| r.is_err());
    for (d, (mut fr, r)) in decided.iter().zip(results) {
        match r {
            Err(e) => failed.push(e),
            // A write failed elsewhere: put this one back, so the environment
            // is rolled back whole or not at all.
            Ok(Some(written)) if any_failed => {
                let (detail, status) = match undo(clients, d, &written).await {
                    Ok(()) => {
                        fr.version = Some(d.alias.version.clone());
                        (
                            "put back: another function's rollback failed".to_string(),
                            StepStatus::Done,
                        )
                    }
                    Err(e) => {
                        failed.push(format!(
                            "could not put back alias {} of {}: {e}",
                            d.target.alias, d.target.name
                        ));
                        (format!("could not be put back: {e}"), StepStatus::Failed)
                    }
                };
                fr.steps.push(StepRecord {
                    step: Step::Undo,
                    status,
                    duration_ms: 0,
                    detail,
                });
            }
            Ok(_) => {}
        }
        functions.push(fr);
    }
    functions
}
