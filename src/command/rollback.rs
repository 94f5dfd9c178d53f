//! `rollback`: point the environment's aliases back to `to-version` or to
//! the version recorded as previous, shard by shard (`rollback_shard.rs`), into
//! one report, recording a GitHub Deployment alongside. With `dry-run`, only the plan.

use super::github_sync::{self as sync, Deployment};
use crate::aws::Read;
use crate::aws::fleet_clients::Fleet;
use crate::aws::types::Lookup;
use crate::config::model::Environment;
use crate::report::model::{Outcome, Report};
use crate::run::{End, Run};
use crate::settings::Command;
use crate::shard::{self, Shard};

pub async fn run(run: &Run) -> anyhow::Result<End> {
    let Some(env) = super::environment(run, Command::Rollback)? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    let Some(opened) = super::shards::open(run, env, Command::Rollback).await? else {
        return Ok(End::Done(Outcome::Skipped));
    };
    rollback(
        run,
        &opened.fleet,
        env,
        &opened.shards,
        run.settings.dry_run,
    )
    .await
}

/// `rollback` of every shard, each with its own clients; one that fails does
/// not stop the others (a rollback puts back what it can), and one report
/// and one Deployment tell about them all.
async fn rollback(
    run: &Run,
    fleet: &Fleet<'_>,
    env: &Environment,
    shards: &[Shard],
    dry_run: bool,
) -> anyhow::Result<End> {
    let shown = if dry_run {
        Command::Plan
    } else {
        Command::Rollback
    };
    let mut report = Report::new(shown, env.name.clone(), run.contract_label());
    if run.settings.shard.is_some() || shards.len() > 1 {
        let ids: Vec<String> = shards.iter().map(Shard::id).collect();
        report.notices.push(format!("shards {}", ids.join(", ")));
    }
    let url = match (&env.url, sync::deploys(run, dry_run)) {
        (Some(url), true) => Some(url.clone()),
        (None, true) if env.invalidate.is_some() => {
            let read = Read::new(super::shards::clients(run, fleet, &shards[0]).await?);
            sync::environment_url(run, env, &read, dry_run).await
        }
        _ => None,
    };
    let deployment = Deployment::start(run, env, Command::Rollback, dry_run, url);
    for (i, s) in shards.iter().enumerate() {
        let mut part = Report::new(shown, env.name.clone(), run.contract_label());
        if let Err(e) = one(run, fleet, s, dry_run, &mut part).await {
            return Err(super::abandon(run, Some(deployment), e).await);
        }
        if i == 0 {
            report.result = part.result;
            report.rolled_back = part.rolled_back;
        }
        crate::report::merge::merge(&mut report, part);
    }
    super::finish(run, End::Done(report.result), Some(deployment), report).await
}

/// The rollback of one shard into its own report (not emitted).
async fn one(
    full: &Run,
    fleet: &Fleet<'_>,
    shard: &Shard,
    dry_run: bool,
    report: &mut Report,
) -> anyhow::Result<Outcome> {
    // The contract as the shard sees it: its functions, its checks.
    let contract = shard::narrow(&full.contract, shard);
    let env = shard::environment(&contract, shard);
    let raw = super::shards::clients(full, fleet, shard).await?;
    // Every read ends soon after a signal, as every write of execute does.
    let read = Read::new(raw.clone()).cancellable(&full.cancel);
    let env = &this_run_only(full, &read, env).await;
    if env.functions.is_empty() {
        return Ok(nothing_to_undo(full, shard, report));
    }
    let outcome =
        super::rollback_shard::environment(full, &contract, raw, &read, env, dry_run, report).await;
    super::rollback_image::fill(&read, report).await;
    Ok(outcome)
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
